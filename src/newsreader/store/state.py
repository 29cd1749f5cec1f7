"""Per-article flags (read, bookmarked) and the UI's saved settings.

Read state and bookmarks live in their own tables keyed by article id, so
re-importing or refreshing never resets them; triggers keep their counts.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any, Literal, NamedTuple

from newsreader.store.articles import require_article
from newsreader.store.db import Database, utc_now

_Flag = Literal["read", "bookmark"]

_FLAG_TABLES: dict[_Flag, tuple[str, str]] = {
    "read": ("read_state", "read_at"),
    "bookmark": ("bookmarks", "created_at"),
}
"""Each flag's table and the column that says when it was set."""


class SavedState(NamedTuple):
    """One article's state as a backup holds it: when it was read and bookmarked (None: not)."""

    article_id: int
    read_at: str | None
    bookmarked_at: str | None
    full_text: bool = False


class StateMixin(Database):
    """Read and bookmark flags, and settings (UI state) as JSON values by key."""

    def set_read(self, ids: Iterable[int], read: bool = True) -> int:
        """Mark articles read or unread; returns how many changed. Unknown IDs raise."""
        return self._set_flag("read", ids, read)

    def set_bookmarked(self, ids: Iterable[int], bookmarked: bool = True) -> int:
        """Bookmark articles or drop their bookmarks; returns how many changed."""
        return self._set_flag("bookmark", ids, bookmarked)

    def toggle_read(self, article_id: int) -> bool:
        """Flip read state; returns the new state."""
        return self._toggle("read", article_id)

    def toggle_bookmark(self, article_id: int) -> bool:
        """Flip the bookmark; returns the new state."""
        return self._toggle("bookmark", article_id)

    def is_read(self, article_id: int) -> bool:
        return bool(self._read("SELECT 1 FROM read_state WHERE article_id = ?", (article_id,)))

    def is_bookmarked(self, article_id: int) -> bool:
        return bool(self._read("SELECT 1 FROM bookmarks WHERE article_id = ?", (article_id,)))

    def data_version(self) -> int | None:
        """A number that changes when another connection (a CLI command, another
        process's refresh) commits to the library; this connection's own writes
        leave it alone.

        Why: the reader polls it to notice outside changes. It is one cheap
        PRAGMA, but the connection is shared with worker threads, so a busy
        connection answers None ("ask again later") rather than making the UI
        thread wait for another thread's transaction.
        """
        if not self._lock.acquire(blocking=False):
            return None
        try:
            return int(self._db.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error:
            return None
        finally:
            self._lock.release()

    def restore_state(self, states: Iterable[SavedState]) -> int:
        """Set read state, bookmarks (with their original times) and full-text marks.

        Merged, never removed: restoring a backup over a library that already
        holds an article keeps its bookmark and read state (and their times),
        so a re-import can only add what the backup knew. One transaction;
        returns how many flags were set. Unknown IDs raise.
        """
        changed = 0
        with self._write() as db:
            for state in states:
                require_article(db, state.article_id)
                flags: tuple[tuple[_Flag, str | None], ...] = (
                    ("read", state.read_at),
                    ("bookmark", state.bookmarked_at),
                )
                for flag, at in flags:
                    if at is None:
                        continue
                    table, column = _FLAG_TABLES[flag]
                    changed += db.execute(
                        f"INSERT OR IGNORE INTO {table} (article_id, {column}) VALUES (?, ?)",
                        (state.article_id, at),
                    ).rowcount
                if state.full_text:
                    changed += db.execute(
                        "UPDATE articles SET full_text = 1 WHERE id = ? AND full_text = 0",
                        (state.article_id,),
                    ).rowcount
        return changed

    def _set_flag(self, flag: _Flag, ids: Iterable[int], on: bool) -> int:
        table, column = _FLAG_TABLES[flag]
        wanted = list(dict.fromkeys(int(i) for i in ids))
        changed = 0
        now = utc_now()
        with self._write() as db:
            for article_id in wanted:
                require_article(db, article_id)
                if on:
                    cursor = db.execute(
                        f"INSERT OR IGNORE INTO {table} (article_id, {column}) VALUES (?, ?)",
                        (article_id, now),
                    )
                else:
                    cursor = db.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))
                changed += cursor.rowcount
        return changed

    def _toggle(self, flag: _Flag, article_id: int) -> bool:
        """Flip one flag in one transaction, so a second process cannot flip it in between."""
        table, column = _FLAG_TABLES[flag]
        with self._write() as db:
            require_article(db, article_id)
            if db.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,)).rowcount:
                return False
            db.execute(
                f"INSERT INTO {table} (article_id, {column}) VALUES (?, ?)",
                (article_id, utc_now()),
            )
            return True

    # -- settings (UI state) ----------------------------------------------

    def get_state(self, key: str, default: Any = None) -> Any:
        """A saved setting, or `default` when it is missing or unreadable."""
        rows = self._read("SELECT value FROM settings WHERE key = ?", (key,))
        if not rows:
            return default
        try:
            return json.loads(rows[0]["value"])
        except ValueError:
            return default

    def set_state(self, key: str, value: Any) -> None:
        """Save a setting (any JSON value), replacing what the key held."""
        with self._write() as db:
            db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )

"""Applying what a sync pulled: the server's subscriptions, entries and read/starred state.

Why a module of its own: the outbox (`store/outbox.py`) is what waits for the
server; this is the other direction, and its rules are its own. Everything
pulled is applied as the sync's own change (`_Applying`), so the outbox
triggers queue none of it back; a page is stored together with the cursor
that follows it, so a killed sync resumes after the last page it kept; and
the most recent change to an article's state wins, a change still queued here
against the server's.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from newsreader.model.article import Article
from newsreader.model.filters import Rules
from newsreader.sanitize import clean_line
from newsreader.store.articles import insert_records
from newsreader.store.db import utc_now
from newsreader.store.rules import RulesMixin

STATUS_KEY = "sync_status"
"""The settings key of the sync status (last sync, last error, cursor)."""


@dataclass(frozen=True, slots=True)
class PulledEntry:
    """An entry from the server made ready to store (the article already parsed)."""

    remote_id: str
    remote_feed_id: str
    article: Article
    read: bool
    starred: bool
    changed_at: float | None


@dataclass(slots=True)
class PageResult:
    """What storing one pulled page did."""

    new: int = 0
    read_changed: int = 0
    star_changed: int = 0


class _Applying:
    """Inside a write transaction: mark it as the sync's own, so triggers queue nothing."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("INSERT OR IGNORE INTO settings (key, value) VALUES ('sync_applying', '1')")
        return self.db

    def __exit__(self, *exc: object) -> None:
        self.db.execute("DELETE FROM settings WHERE key = 'sync_applying'")


class SyncApplyMixin(RulesMixin):
    """What came from the server: subscriptions, pulled pages, state snapshots, remote ids."""

    def apply_remote_feeds(
        self, remote: Sequence[tuple[str, str, str, str | None, str | None]]
    ) -> tuple[int, int]:
        """Make the synced subscriptions match the server's (id, url, title, site, folder).

        Returns (added, removed). Feeds kept local only, and feeds whose
        subscribe still waits in the outbox, are left alone; a feed the server
        no longer lists is unsubscribed here (its articles stay, as always).
        """
        added = removed = 0
        seen: set[int] = set()
        with self._write() as db, _Applying(db):
            bound = {
                str(row["remote_id"]): int(row["feed_id"])
                for row in db.execute(
                    "SELECT feed_id, remote_id FROM sync_feeds WHERE remote_id IS NOT NULL"
                )
            }
            for remote_id, url, title, site_url, folder in remote:
                feed_id = bound.get(remote_id)
                if feed_id is None:
                    row = db.execute("SELECT id FROM feeds WHERE url = ?", (url,)).fetchone()
                    if row is None:
                        cursor = db.execute(
                            "INSERT INTO feeds (url, title, site_url, tags, added_at)"
                            " VALUES (?, ?, ?, ?, ?)",
                            (
                                url,
                                clean_line(title),
                                site_url,
                                json.dumps([folder] if folder else []),
                                utc_now(),
                            ),
                        )
                        feed_id = int(cursor.lastrowid or 0)
                        added += 1
                    else:
                        feed_id = int(row["id"])
                    db.execute(
                        "INSERT INTO sync_feeds (feed_id, remote_id) VALUES (?, ?)"
                        " ON CONFLICT (feed_id) DO UPDATE SET remote_id = excluded.remote_id",
                        (feed_id, remote_id),
                    )
                    db.execute(
                        "DELETE FROM outbox WHERE kind = 'subscribe' AND feed_id = ?", (feed_id,)
                    )
                seen.add(feed_id)
                _set_feed_details(db, feed_id, title, folder)
            for row in db.execute(
                "SELECT s.feed_id FROM sync_feeds s WHERE s.remote_id IS NOT NULL"
                " AND NOT s.local_only AND NOT EXISTS (SELECT 1 FROM outbox o"
                "   WHERE o.feed_id = s.feed_id AND o.kind = 'subscribe')"
            ).fetchall():
                if int(row[0]) not in seen:
                    db.execute("DELETE FROM feeds WHERE id = ?", (int(row[0]),))
                    removed += 1
        return added, removed

    def apply_remote_page(
        self, entries: Sequence[PulledEntry], status: dict[str, Any]
    ) -> PageResult:
        """Store one pulled page and its state, and save `status` (its cursor), atomically.

        The most recent change to an article's read/starred state wins: a
        change still queued in the outbox that is newer than the server's
        (or the server cannot say when it changed) is kept, and the server's
        value is not applied.
        """
        result = PageResult()
        rules = self.rules()
        with self._write() as db, _Applying(db):
            feed_ids: dict[str, int] = {}
            local: set[str] = set()  # kept local only: fetched by refresh, not taken from here
            for row in db.execute(
                "SELECT feed_id, remote_id, local_only FROM sync_feeds WHERE remote_id IS NOT NULL"
            ):
                if row["local_only"]:
                    local.add(str(row["remote_id"]))
                else:
                    feed_ids[str(row["remote_id"])] = int(row["feed_id"])
            for entry in entries:
                if entry.remote_feed_id in local:
                    continue
                feed_id = feed_ids.get(entry.remote_feed_id)
                article_id = _article_for(db, entry, feed_id, result, rules)
                if article_id is None:
                    continue
                if _remote_wins(db, article_id, "read", entry.changed_at):
                    result.read_changed += _set_flag(
                        db, "read_state", "read_at", article_id, entry.read
                    )
                if _remote_wins(db, article_id, "star", entry.changed_at):
                    result.star_changed += _set_flag(
                        db, "bookmarks", "created_at", article_id, entry.starred
                    )
            update_status(db, status)
        return result

    def apply_state_snapshot(
        self,
        unread: frozenset[str],
        starred: frozenset[str],
        *,
        feeds: frozenset[str] | None = None,
    ) -> PageResult:
        """Apply complete unread/starred id sets to synced articles (queued changes win).

        `feeds`: the remote ids of the feeds the server lists now; articles of
        any other feed are left alone, because a snapshot cannot tell "unstarred"
        from "deleted on the server", and an article deleted there keeps its
        local copy and its bookmark. Articles of feeds kept local only are left
        alone too: their state is no longer the server's.
        """
        result = PageResult()
        with self._write() as db, _Applying(db):
            rows = db.execute(
                "SELECT a.article_id, a.remote_id FROM sync_articles a"
                " JOIN articles r ON r.id = a.article_id"
                " WHERE (? IS NULL OR a.remote_feed_id IN (SELECT value FROM json_each(?)))"
                " AND NOT EXISTS (SELECT 1 FROM sync_feeds f"
                "   WHERE f.feed_id = r.feed_id AND f.local_only)",
                (None if feeds is None else 1, json.dumps(sorted(feeds or ()))),
            ).fetchall()
            for row in rows:
                article_id, remote_id = int(row[0]), str(row[1])
                if _remote_wins(db, article_id, "read", None, snapshot=True):
                    result.read_changed += _set_flag(
                        db, "read_state", "read_at", article_id, remote_id not in unread
                    )
                if _remote_wins(db, article_id, "star", None, snapshot=True):
                    result.star_changed += _set_flag(
                        db, "bookmarks", "created_at", article_id, remote_id in starred
                    )
        return result

    def bookmarked_remote_ids(self, *, feeds: frozenset[str] | None = None) -> set[str]:
        """Remote ids of the bookmarked synced articles a snapshot would apply to.

        The sync core asks the server which of those it still has before it
        lets a snapshot un-star them: an id missing from a starred list may be
        an entry the server deleted, and that one keeps its bookmark here.
        """
        rows = self._read(
            "SELECT a.remote_id FROM sync_articles a"
            " JOIN bookmarks b ON b.article_id = a.article_id"
            " JOIN articles r ON r.id = a.article_id"
            " WHERE (? IS NULL OR a.remote_feed_id IN (SELECT value FROM json_each(?)))"
            " AND NOT EXISTS (SELECT 1 FROM sync_feeds f"
            "   WHERE f.feed_id = r.feed_id AND f.local_only)",
            (None if feeds is None else 1, json.dumps(sorted(feeds or ()))),
        )
        return {str(row[0]) for row in rows}

    def remote_article_ids(self, remote_ids: Iterable[str]) -> dict[str, int]:
        """The local article of each remote id the library knows."""
        wanted = json.dumps(list(remote_ids))
        rows = self._read(
            "SELECT remote_id, article_id FROM sync_articles"
            " WHERE remote_id IN (SELECT value FROM json_each(?))",
            (wanted,),
        )
        return {str(row[0]): int(row[1]) for row in rows}


def update_status(db: sqlite3.Connection, changes: dict[str, Any]) -> dict[str, Any]:
    """Merge `changes` into the saved sync status inside the caller's transaction."""
    row = db.execute("SELECT value FROM settings WHERE key = ?", (STATUS_KEY,)).fetchone()
    status: dict[str, Any] = {}
    if row is not None:
        try:
            loaded = json.loads(row[0])
            status = loaded if isinstance(loaded, dict) else {}
        except ValueError:
            status = {}
    status.update(changes)
    db.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (STATUS_KEY, json.dumps(status)),
    )
    return status


def _set_feed_details(db: sqlite3.Connection, feed_id: int, title: str, folder: str | None) -> None:
    """The server's title, and its folder as the feed's first tag (other tags kept)."""
    row = db.execute("SELECT tags FROM feeds WHERE id = ?", (feed_id,)).fetchone()
    tags = json.loads(row["tags"] or "[]") if row is not None else []
    if folder and folder not in tags:
        tags = [folder, *tags]
    db.execute(
        "UPDATE feeds SET title = CASE WHEN ? <> '' THEN ? ELSE title END, tags = ? WHERE id = ?",
        (clean_line(title), clean_line(title), json.dumps(tags), feed_id),
    )


def _article_for(
    db: sqlite3.Connection,
    entry: PulledEntry,
    feed_id: int | None,
    result: PageResult,
    rules: Rules,
) -> int | None:
    """The local article of a pulled entry, stored first when it is new."""
    row = db.execute(
        "SELECT article_id FROM sync_articles WHERE remote_id = ?", (entry.remote_id,)
    ).fetchone()
    if row is not None:
        return int(row[0])
    if feed_id is None:
        return None  # its feed is kept local only, or unknown: not ours to store
    added = insert_records(db, [entry.article], feed_id, rules)
    if not added or not added[0].id:  # no id: an entry the user deleted here
        return None
    article_id = added[0].id
    result.new += int(added[0].created)
    db.execute(
        "INSERT OR IGNORE INTO sync_articles (article_id, remote_id, remote_feed_id)"
        " VALUES (?, ?, ?)",
        (article_id, entry.remote_id, entry.remote_feed_id),
    )
    return article_id


def _remote_wins(
    db: sqlite3.Connection,
    article_id: int,
    kind: str,
    remote_changed_at: float | None,
    *,
    snapshot: bool = False,
) -> bool:
    """Whether the server's value may replace the local one (no newer queued change)."""
    row = db.execute(
        "SELECT changed_at FROM outbox WHERE article_id = ? AND kind = ?", (article_id, kind)
    ).fetchone()
    if row is None:
        return True
    if snapshot or remote_changed_at is None:
        return False
    if remote_changed_at > float(row[0]):
        db.execute("DELETE FROM outbox WHERE article_id = ? AND kind = ?", (article_id, kind))
        return True
    return False


def _set_flag(db: sqlite3.Connection, table: str, column: str, article_id: int, on: bool) -> int:
    if on:
        cursor = db.execute(
            f"INSERT OR IGNORE INTO {table} (article_id, {column}) VALUES (?, ?)",
            (article_id, utc_now()),
        )
    else:
        cursor = db.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))
    return cursor.rowcount

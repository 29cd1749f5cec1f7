"""The full-text index follows the library: articles are indexed after they are stored.

Why not index each article as it is stored: FTS5 costs about as much as the
article row itself (tokenising, the index segments, the text kept for
snippets), and a refresh storing thousands of new articles is what a user
waits for, while a search is something they may not do before the next
refresh. So a refresh stores rows only, and the index catches up when it is
needed: every search first indexes what is new (`catch_up_index`), the reader
does it after its own refresh, and `newsreader index` does it on request.

How it stays exact (migration 9): articles with an ID up to the `search_upto`
counter are indexed, those past it are not yet. Deleting or rewriting an
indexed article queues its ID in `search_pending` (triggers, in the same
transaction as the change), so the index drops or re-reads it. An ID freed by
a delete and given again to a new article was queued by that delete, so the
new article is indexed too. Each step of the catch-up is one transaction: a
kill leaves the index where the last step left it, never half a step.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

from newsreader.model.record import search_fields
from newsreader.store.db import Database

INDEX_STEP = 500
"""Articles indexed per transaction in the reader: short enough that its own reads (which
wait for this connection) never notice a step (~20 ms)."""

BATCH_STEP = 5000
"""Articles indexed per transaction by a command (`index`, `search`), which nobody in its
own process waits beside; another process's write waits a step (~0.2 s) at most. At 100k
new articles: 3.7 s against 4.6 s in steps of 500 (and 5.6 s without `bulk_writes`)."""

_UPTO = "(SELECT value FROM counters WHERE name = 'search_upto')"
"""The last article ID the index holds (migration 9), as a scalar subquery."""
_INSERT = "INSERT INTO articles_fts (rowid, title, key_points, body, quotes) VALUES (?, ?, ?, ?, ?)"


class SearchIndexMixin(Database):
    """Bring the full-text index up to date with the articles."""

    _private_index = False
    """A read-only library's search reads a temporary index (`_index_privately`)."""

    def unindexed(self) -> int:
        """How many articles the index has still to add, drop or re-read."""
        row = self._read(
            f"SELECT (SELECT count(*) FROM articles WHERE id > {_UPTO})"
            " + (SELECT count(*) FROM search_pending) AS n"
        )
        return int(row[0]["n"])

    def catch_up_index(
        self,
        progress: Callable[[int], None] | None = None,
        *,
        stop: Callable[[], bool] | None = None,
        step: int = INDEX_STEP,
    ) -> int:
        """Index every article stored or changed since the index last caught up; returns
        how many were (re)indexed or dropped.

        Each `step` articles are one transaction (one bulk write in all:
        checkpoints wait for the end). `progress(done)` is told after each
        step; `stop()` returning True ends the catch-up between steps (what is
        indexed so far stays). A read-only library whose index is behind gets
        a private one (`_index_privately`).
        """
        if not self._index_behind():
            return 0
        if self.read_only:
            return self._index_privately()
        done = 0
        with self.bulk_writes():
            while not (stop is not None and stop()):
                indexed = self._index_step(step)
                if not indexed:
                    break
                done += indexed
                if progress is not None:
                    progress(done)
        return done

    def _index_behind(self) -> bool:
        """Whether anything is left to index: a read, so a search with nothing new to
        index (nearly every one) takes no write lock."""
        row = self._read_plain(
            f"SELECT EXISTS (SELECT 1 FROM articles WHERE id > {_UPTO})"
            " OR EXISTS (SELECT 1 FROM search_pending)"
        )
        return bool(row[0][0])

    def _index_privately(self) -> int:
        """Index a read-only library whose index is behind in a temporary index of this
        connection; returns how many articles it holds.

        Why: a library refreshed and then found on read-only media (a backup
        disk, a mount gone read-only) cannot catch up, and a search must still
        find every article it shows. SQLite looks a name up in the `temp`
        schema first, so every search query of this connection reads the
        temporary index instead of the stored one; it is built once (the
        stored index copied, then what it lacks) and lasts as long as the
        connection.
        """
        with self._lock:
            db = self._db
            if self._private_index:
                return 0
            db.execute(
                "CREATE VIRTUAL TABLE temp.articles_fts USING fts5 ("
                " title, key_points, body, quotes, tokenize = 'unicode61 remove_diacritics 2')"
            )
            upto = int(db.execute(f"SELECT {_UPTO}").fetchone()[0])
            db.execute(
                "INSERT INTO temp.articles_fts (rowid, title, key_points, body, quotes)"
                " SELECT rowid, title, key_points, body, quotes FROM main.articles_fts"
                " WHERE rowid <= ? AND rowid NOT IN (SELECT article_id FROM search_pending)",
                (upto,),
            )
            rows = db.execute(
                "SELECT id, title, content FROM articles"
                " WHERE id > ? OR id IN (SELECT article_id FROM search_pending) ORDER BY id",
                (upto,),
            ).fetchall()
            db.executemany(
                "INSERT INTO temp.articles_fts (rowid, title, key_points, body, quotes)"
                " VALUES (?, ?, ?, ?, ?)",
                ((row[0], *search_fields(row[1], row[2])) for row in rows),
            )
            self._private_index = True
            return int(db.execute("SELECT count(*) FROM temp.articles_fts").fetchone()[0])

    def _index_step(self, step: int) -> int:
        """One transaction of the catch-up: queued changes first, then new articles."""
        with self._write() as db:
            upto = int(db.execute(f"SELECT {_UPTO}").fetchone()[0])
            queued = [
                int(row[0])
                for row in db.execute(
                    "SELECT article_id FROM search_pending ORDER BY article_id LIMIT ?",
                    (step,),
                )
            ]
            if queued:
                array = json.dumps(queued)
                db.execute(
                    "DELETE FROM articles_fts WHERE rowid IN (SELECT value FROM json_each(?))",
                    (array,),
                )
                _index_rows(
                    db,
                    "SELECT id, title, content FROM articles"
                    " WHERE id IN (SELECT value FROM json_each(?)) AND id <= ? ORDER BY id",
                    (array, upto),
                )
                db.execute(
                    "DELETE FROM search_pending"
                    " WHERE article_id IN (SELECT value FROM json_each(?))",
                    (array,),
                )
                return len(queued)
            last = _index_rows(
                db,
                "SELECT id, title, content FROM articles WHERE id > ? ORDER BY id LIMIT ?",
                (upto, step),
                clear_after=upto,
            )
            if last is None:
                return 0
            db.execute("UPDATE counters SET value = ? WHERE name = 'search_upto'", (last[0],))
            return last[1]


def _index_rows(
    db: sqlite3.Connection,
    sql: str,
    params: tuple[object, ...],
    *,
    clear_after: int | None = None,
) -> tuple[int, int] | None:
    """Index the articles `sql` selects (id, title, content, by id); returns (last id, count).

    With `clear_after`, index rows in (`clear_after`, last id] are dropped first:
    none should exist, but a library from before migration 9 could hold a row
    for an ID no article has, which a new article given that ID would clash with.
    """
    rows = db.execute(sql, params).fetchall()
    if not rows:
        return None
    last = int(rows[-1][0])
    if clear_after is not None:
        db.execute("DELETE FROM articles_fts WHERE rowid > ? AND rowid <= ?", (clear_after, last))
    db.executemany(_INSERT, [(row[0], *search_fields(row[1], row[2])) for row in rows])
    return last, len(rows)

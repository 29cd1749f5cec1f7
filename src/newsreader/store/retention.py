"""Deleting articles, by hand (`delete`, the reader's `D`) or by retention (`prune`).

A deleted feed entry's guid is remembered for its feed (`deleted_entries`,
schema 8): the feed still carries the entry, and without it the next refresh
would store it again. Retention never deletes a bookmarked article.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Sequence

from newsreader.model.filters import Rules
from newsreader.store.bulk import BulkResult
from newsreader.store.db import utc_now
from newsreader.store.rules import RulesMixin

DAY = 86_400.0


def delete_rows(db: sqlite3.Connection, ids: Sequence[int]) -> list[int]:
    """Delete articles inside the caller's transaction; returns the IDs deleted.

    Their read state, bookmark and sync mapping go with them (foreign keys
    cascade), their full-text rows when the index next catches up (schema 9),
    and the articles counter, which no trigger keeps (schema 4), is lowered by
    the number deleted.
    """
    array = json.dumps(list(ids))
    db.execute(
        "INSERT OR IGNORE INTO deleted_entries (feed_id, guid, deleted_at)"
        " SELECT feed_id, guid, ? FROM articles"
        " WHERE id IN (SELECT value FROM json_each(?))"
        " AND feed_id IS NOT NULL AND guid IS NOT NULL",
        (utc_now(), array),
    )
    db.execute(
        "DELETE FROM hidden_articles WHERE article_id IN (SELECT value FROM json_each(?))",
        (array,),
    )
    rows = db.execute(
        "DELETE FROM articles WHERE id IN (SELECT value FROM json_each(?)) RETURNING id",
        (array,),
    ).fetchall()
    deleted = sorted(int(row[0]) for row in rows)
    if deleted:
        # Their full-text rows go when the index next catches up (`search_follow_delete`).
        db.execute("UPDATE counters SET value = value - ? WHERE name = 'articles'", (len(deleted),))
    return deleted


class RetentionMixin(RulesMixin):
    """Delete articles; keep at most N articles or D days of each feed."""

    def delete_articles(self, ids: Iterable[int]) -> BulkResult:
        """Delete articles for good, in one transaction; unknown IDs come back in `missing`."""
        wanted = list(dict.fromkeys(int(i) for i in ids))
        if not wanted:
            return BulkResult([], [])
        with self._write() as db:
            deleted = delete_rows(db, wanted)
        gone = set(deleted)
        return BulkResult(deleted, [i for i in wanted if i not in gone])

    def prune_candidates(
        self,
        rules: Rules,
        *,
        feed_ids: Sequence[int] | None = None,
        now: float | None = None,
    ) -> list[int]:
        """The articles retention would delete: past the newest `keep_articles` of their
        feed or older than `keep_days`, never bookmarked ones, only feed articles."""
        sql, params = _prune_sql(rules, feed_ids, now)
        if not sql:
            return []
        return sorted(int(row[0]) for row in self._read(sql, params))

    def prune(
        self,
        rules: Rules,
        *,
        feed_ids: Sequence[int] | None = None,
        now: float | None = None,
    ) -> list[int]:
        """Delete what `prune_candidates` names, in one transaction; returns the IDs deleted."""
        sql, params = _prune_sql(rules, feed_ids, now)
        if not sql:
            return []
        with self._write() as db:
            ids = [int(row[0]) for row in db.execute(sql, params).fetchall()]
            return delete_rows(db, ids) if ids else []


def _prune_sql(
    rules: Rules, feed_ids: Sequence[int] | None, now: float | None
) -> tuple[str, list[object]]:
    """The query of the IDs retention deletes ("" when no limit is set)."""
    if not rules.retains:
        return "", []
    scope = ""
    params: list[object] = []
    if feed_ids is not None:
        scope = " AND a.feed_id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps([int(i) for i in feed_ids]))
    limits: list[str] = []
    if rules.keep_articles:
        limits.append("x.n > ?")
        params.append(int(rules.keep_articles))
    if rules.keep_days:
        limits.append("x.sort_ts < ?")
        params.append((time.time() if now is None else now) - rules.keep_days * DAY)
    sql = (
        "SELECT x.id FROM (SELECT a.id, a.sort_ts, row_number() OVER"
        " (PARTITION BY a.feed_id ORDER BY a.sort_ts DESC, a.id DESC) AS n"
        f" FROM articles a WHERE a.feed_id IS NOT NULL{scope}) x"
        f" WHERE ({' OR '.join(limits)})"
        " AND NOT EXISTS (SELECT 1 FROM bookmarks b WHERE b.article_id = x.id)"
    )
    return sql, params

"""Filters over the articles already stored (`newsreader filter --apply`), and hiding.

New articles are filtered as they are stored (`store.articles.insert_records`);
this applies the same rules to what came in before they were written.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from newsreader.model.filters import ArticleFacts, FilterReport, Rules
from newsreader.model.record import filtered_text
from newsreader.store.articles import require_article
from newsreader.store.db import utc_now
from newsreader.store.rules import RulesMixin

_BATCH = 500
"""Articles read per query while filtering: the lock is let go between batches."""


class FiltersMixin(RulesMixin):
    """Apply filters to the whole library; hide and show articles."""

    def apply_filters(self, rules: Rules, *, dry_run: bool = False) -> FilterReport:
        """Hide or mark read every stored article the filters match; returns what changed.

        Bookmarked articles are never hidden: the user chose to keep them. With
        `dry_run` nothing is written.
        """
        report = FilterReport()
        if not rules.filters:
            return report
        after = 0
        while True:
            rows = self._read(
                "SELECT a.id, a.title, a.author, a.source, f.url AS feed_url,"
                " f.title AS feed_title, a.content,"
                " EXISTS (SELECT 1 FROM read_state r WHERE r.article_id = a.id) AS is_read,"
                " EXISTS (SELECT 1 FROM bookmarks b WHERE b.article_id = a.id) AS marked"
                " FROM articles a LEFT JOIN feeds f ON f.id = a.feed_id"
                " WHERE a.id > ? AND NOT EXISTS"
                " (SELECT 1 FROM hidden_articles h WHERE h.article_id = a.id)"
                " ORDER BY a.id LIMIT ?",
                (after, _BATCH),
            )
            if not rows:
                break
            after = int(rows[-1]["id"])
            for row in rows:
                feed = (
                    f"{row['feed_url']}\n{row['feed_title']}"
                    if row["feed_url"] is not None
                    else row["source"]
                )
                facts = ArticleFacts(
                    title=row["title"],
                    author=row["author"] or "",
                    content=filtered_text(row["content"]),
                    feed=feed or "",
                )
                action = rules.action_for(facts)
                if action == "hide" and not row["marked"]:
                    report.hidden.append(int(row["id"]))
                elif action is not None and not row["is_read"]:
                    report.read.append(int(row["id"]))
        if not dry_run and (report.hidden or report.read):
            with self._write() as db:
                db.execute(
                    "INSERT OR IGNORE INTO hidden_articles (article_id)"
                    " SELECT value FROM json_each(?)",
                    (json.dumps(report.hidden),),
                )
                db.execute(
                    "INSERT OR IGNORE INTO read_state (article_id, read_at)"
                    " SELECT value, ? FROM json_each(?)",
                    (utc_now(), json.dumps(report.read)),
                )
        return report

    def set_hidden(self, ids: Iterable[int], hidden: bool = True) -> list[int]:
        """Hide or show articles again; returns the IDs whose state changed.

        `NotFoundError` (and nothing changed) if one of them is not in the library.
        """
        wanted = list(dict.fromkeys(int(i) for i in ids))
        array = json.dumps(wanted)
        with self._write() as db:
            for article_id in wanted:
                require_article(db, article_id)
            if hidden:
                rows = db.execute(
                    "INSERT OR IGNORE INTO hidden_articles (article_id)"
                    " SELECT a.id FROM articles a WHERE a.id IN (SELECT value FROM json_each(?))"
                    " RETURNING article_id",
                    (array,),
                ).fetchall()
            else:
                rows = db.execute(
                    "DELETE FROM hidden_articles"
                    " WHERE article_id IN (SELECT value FROM json_each(?)) RETURNING article_id",
                    (array,),
                ).fetchall()
        return sorted(int(row[0]) for row in rows)

    def is_hidden(self, article_id: int) -> bool:
        return bool(self._read("SELECT 1 FROM hidden_articles WHERE article_id = ?", (article_id,)))

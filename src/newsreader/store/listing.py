"""The article list: keyset pages, scrollbar seeks, positions and counts.

Lists are paged by keyset (`(sort_ts, id) < (?, ?)`), never by OFFSET, so the
thousandth page costs what the first does at a million rows. OFFSET is used
only by `seek`, for a scrollbar jump to an arbitrary position. The date and
feed orders read their rows from covering indexes (schema 5).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from newsreader.model.library import EVERY_ARTICLE, ArticleRow, ListQuery
from newsreader.store.db import Database, parse_time

ROW_JOINS = (
    "LEFT JOIN read_state r ON r.article_id = a.id LEFT JOIN bookmarks b ON b.article_id = a.id"
)
"""Joins that give a query on `articles a` its read (`r`) and bookmark (`b`) state."""

_ROW_SQL: dict[str, str] = {
    "id": "a.id",
    "title": "a.title",
    "source": "a.source",
    "url": "a.url",
    "published": "a.published",
    "sort_ts": "a.sort_ts",
    "title_key": "a.title_key",
    "words": "a.words",
    "feed_id": "a.feed_id",
    "read": "r.article_id IS NOT NULL",
    "bookmarked": "b.article_id IS NOT NULL",
}
"""The column behind each `ArticleRow` field; `ROW_COLUMNS` selects them in field order."""

NOT_HIDDEN = "NOT EXISTS (SELECT 1 FROM hidden_articles h WHERE h.article_id = a.id)"
"""Leaves out the articles a filter hid (schema 8); one lookup in a table that is usually empty."""

ROW_COLUMNS = ", ".join(f"{_ROW_SQL[name]} AS {name}" for name in ArticleRow._fields)
"""The SELECT list of a list row: exactly `ArticleRow._fields`, in that order."""

ROW_WIDTH = len(ArticleRow._fields)

_make_row = ArticleRow._make


def article_row(row: Sequence[Any]) -> ArticleRow:
    """One list row from a bare tuple selected by `ROW_COLUMNS`.

    This runs for every row of every page the list loads while a key is held,
    so it is the one place that reads columns by position: `ROW_COLUMNS` is
    built from `ArticleRow._fields`, so position i is field i by construction,
    and `_make` over a tuple is markedly cheaper than `sqlite3.Row` look-ups by
    name or keyword construction. Only the time stamp and the two flags need
    converting; the schema's column types give the rest as they are.
    """
    id_, title, source, url, published, sort_ts, title_key, words, feed_id, read, marked = row
    return _make_row(
        (
            id_,
            title,
            source,
            url,
            parse_time(published),
            sort_ts,
            title_key,
            words,
            feed_id,
            read == 1,
            marked == 1,
        )
    )


def where_clauses(query: ListQuery) -> tuple[list[str], list[Any]]:
    """SQL conditions (over `articles a` and `ROW_JOINS`) and parameters for a list."""
    clauses: list[str] = []
    params: list[Any] = []
    if query.filter == "unread":
        clauses.append("r.article_id IS NULL")
    elif query.filter == "read":
        clauses.append("r.article_id IS NOT NULL")
    elif query.filter == "bookmarked":
        clauses.append("b.article_id IS NOT NULL")
    if query.source is not None:
        clauses.append("a.source = ?")
        params.append(query.source)
    if query.feed_id is not None:
        clauses.append("a.feed_id = ?")
        params.append(query.feed_id)
    if query.feed_ids is not None:
        if query.feed_ids:
            marks = ", ".join("?" * len(query.feed_ids))
            clauses.append(f"a.feed_id IN ({marks})")
            params.extend(query.feed_ids)
        else:
            clauses.append("0")
    if not query.hidden:
        clauses.append(NOT_HIDDEN)
    return clauses, params


def _order_sql(query: ListQuery, reverse: bool) -> tuple[str, str]:
    """The keyset tuple a list is sorted by, and its ORDER BY (walking backwards if `reverse`)."""
    if query.order == "title":
        cols = "(a.title_key, a.id)"
        direction = "DESC" if reverse else "ASC"
        return cols, f"a.title_key {direction}, a.id {direction}"
    direction = "ASC" if reverse else "DESC"
    return "(a.sort_ts, a.id)", f"a.sort_ts {direction}, a.id {direction}"


def _where_sql(clauses: list[str]) -> str:
    return f"WHERE {' AND '.join(clauses)}" if clauses else ""


class ListingMixin(Database):
    """Pages, positions and counts of article lists."""

    def page(
        self,
        query: ListQuery = EVERY_ARTICLE,
        *,
        after: tuple[Any, int] | None = None,
        limit: int = 100,
        reverse: bool = False,
    ) -> list[ArticleRow]:
        """Rows after the keyset cursor `after` (exclusive), in list order.

        With `reverse`, walks backwards from `after` (or from the end) and
        still returns rows in list order, for paging up and jumping to the end.
        """
        clauses, params = where_clauses(query)
        cols, order_by = _order_sql(query, reverse)
        if after is not None:
            forward_op = ">" if query.order == "title" else "<"
            backward_op = "<" if forward_op == ">" else ">"
            clauses.append(f"{cols} {backward_op if reverse else forward_op} (?, ?)")
            params.extend(after)
        rows = self._read_plain(
            f"SELECT {ROW_COLUMNS} FROM articles a {ROW_JOINS} {_where_sql(clauses)}"
            f" ORDER BY {order_by} LIMIT ?",
            [*params, max(0, int(limit))],
        )
        result = [article_row(row) for row in rows]
        if reverse:
            result.reverse()
        return result

    def seek(self, query: ListQuery, index: int, *, limit: int = 100) -> list[ArticleRow]:
        """Rows starting at position `index`: for scrollbar jumps only (uses OFFSET)."""
        clauses, params = where_clauses(query)
        _, order_by = _order_sql(query, False)
        rows = self._read_plain(
            f"SELECT {ROW_COLUMNS} FROM articles a {ROW_JOINS} {_where_sql(clauses)}"
            f" ORDER BY {order_by} LIMIT ? OFFSET ?",
            [*params, max(0, int(limit)), max(0, int(index))],
        )
        return [article_row(row) for row in rows]

    def index_of(self, query: ListQuery, article_id: int) -> int | None:
        """Position of an article in a list, or None when the list does not hold it."""
        rows = self._read("SELECT sort_ts, title_key FROM articles WHERE id = ?", (article_id,))
        if not rows:
            return None
        clauses, params = where_clauses(query)
        if query.order == "title":
            clauses.append("(a.title_key, a.id) < (?, ?)")
            params.extend((rows[0]["title_key"], article_id))
        else:
            clauses.append("(a.sort_ts, a.id) > (?, ?)")
            params.extend((rows[0]["sort_ts"], article_id))
        before = self._read(
            f"SELECT count(*) AS n FROM articles a {ROW_JOINS} {_where_sql(clauses)}", params
        )
        member_clauses, member_params = where_clauses(query)
        member_clauses.append("a.id = ?")
        member = self._read(
            f"SELECT 1 FROM articles a {ROW_JOINS} {_where_sql(member_clauses)}",
            [*member_params, article_id],
        )
        return int(before[0]["n"]) if member else None

    def count(self, query: ListQuery = EVERY_ARTICLE) -> int:
        """Rows in a list. The unfiltered counts are O(1), kept by triggers."""
        if query.source is None and query.feed_id is None and query.feed_ids is None:
            return self.counts(hidden=query.hidden)[query.filter]
        clauses, params = where_clauses(query)
        rows = self._read(
            f"SELECT count(*) AS n FROM articles a {ROW_JOINS} {_where_sql(clauses)}", params
        )
        return int(rows[0]["n"])

    def counts(self, *, hidden: bool = False) -> dict[str, int]:
        """Counts for every filter (keys: `FILTERS`), for the list's filter indicator.

        Articles a filter hid are left out unless `hidden` (their own counters
        are kept by triggers, schema 8).
        """
        counters: dict[str, int] = {
            str(row["name"]): int(row["value"])
            for row in self._read("SELECT name, value FROM counters")
        }
        total = counters["articles"]
        read = counters["read"]
        bookmarked = counters["bookmarks"]
        if not hidden:
            total -= counters.get("hidden", 0)
            read -= counters.get("hidden_read", 0)
            bookmarked -= counters.get("hidden_bookmarks", 0)
        return {
            "all": total,
            "unread": total - read,
            "read": read,
            "bookmarked": bookmarked,
        }

    def key_points_of(self, ids: Sequence[int]) -> dict[int, list[str]]:
        """Key points of many articles in one query, without decoding their bodies."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._read(
            "SELECT id, json_extract(content, '$.key_points') AS key_points"
            f" FROM articles WHERE id IN ({marks})",
            list(ids),
        )
        return {int(row["id"]): json.loads(row["key_points"] or "[]") for row in rows}

    def is_empty(self) -> bool:
        return not self._read("SELECT 1 FROM articles LIMIT 1")

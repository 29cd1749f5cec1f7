"""Library-wide full-text search: FTS5 with bm25 ranking and snippets.

The index is brought up to date before each search (`store.search_index`).

Text the user types is quoted token by token (`fts_query`) so it can never be
an FTS5 syntax error; only `raw` searches pass FTS5 syntax through. The CLI and
the reader's live search get the same results in the same order: the last word
also matches the words it begins (whole-word matches rank higher), and articles
whose title matches come before those that match only in their text.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from typing import Any

from newsreader.errors import SearchQueryError
from newsreader.model.library import ListQuery, SearchHit
from newsreader.sanitize import clean_line
from newsreader.store.listing import ROW_COLUMNS, ROW_JOINS, ROW_WIDTH, article_row, where_clauses
from newsreader.store.search_index import SearchIndexMixin

SNIPPET_START = "\x02"
SNIPPET_END = "\x03"
"""Markers FTS5 puts around matches; stored text can never contain them (sanitised)."""

RANK_WINDOW = 10_000
"""Most matches a search ranks by relevance; see `SearchMixin._rank_window_start`."""

_BM25 = "bm25(articles_fts, 10.0, 5.0, 1.0, 3.0)"
"""Title matches weigh most, then key points, quotes, body."""

_TITLE_HIT = "(bm25(articles_fts, 1.0, 0.0, 0.0, 0.0) < 0)"
"""1 when a query term is in the title: ranked first, whatever the body says.

The column weights alone cannot do it: FTS5's bm25 weights the hits before
saturating them, so a title hit in a long article scores below a short
article repeating the word in its body.
"""

_SNIPPET = f"snippet(articles_fts, -1, '{SNIPPET_START}', '{SNIPPET_END}', '…', 16)"
"""The best 16-token window of the best column, matches marked."""

_RANKED = f"{_BM25} AS rank, {_TITLE_HIT} AS title_hit, {_SNIPPET} AS snippet"
"""Rank, title flag and snippet of a match: auxiliary functions of the statement with the MATCH."""

_NOT_HIDDEN_FTS = "articles_fts.rowid NOT IN (SELECT article_id FROM hidden_articles)"
"""`NOT_HIDDEN` without the `articles` row: the hidden ids are read once per query."""


def fts_query(text: str, *, prefix: bool = False) -> str:
    """Turn what a user typed into an FTS5 query that cannot be a syntax error.

    Each whitespace-separated token becomes a quoted phrase (inner quotes
    doubled), so `NEAR(`, `*`, `AND` and stray quotes are searched as words.
    With `prefix`, the last token also matches words it begins (a word being
    typed), as a second phrase so that the whole word still scores higher.
    """
    tokens = [tok for tok in clean_line(text).split(" ") if tok]
    phrases = ['"' + tok.replace('"', '""') + '"' for tok in tokens]
    if prefix and phrases and re.search(r"\w", tokens[-1]):
        # FTS5 takes no implicit AND before a parenthesis: it must be spelled out.
        last = f"({phrases[-1]} OR {phrases[-1]}*)"
        return " AND ".join([" ".join(phrases[:-1]), last]) if len(phrases) > 1 else last
    return " ".join(phrases)


def _split_snippet(raw: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Remove FTS5's match markers, returning plain text and the marked spans."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    start: int | None = None
    for piece in re.split(f"([{SNIPPET_START}{SNIPPET_END}])", raw):
        if piece == SNIPPET_START:
            start = length
        elif piece == SNIPPET_END:
            if start is not None and length > start:
                spans.append((start, length))
            start = None
        elif piece:
            piece = re.sub(r"\s+", " ", piece)
            out.append(piece)
            length += len(piece)
    return "".join(out), tuple(spans)


class SearchMixin(SearchIndexMixin):
    """Full-text search over titles, key points, bodies and quotes."""

    def search(
        self,
        text: str,
        *,
        limit: int = 50,
        raw: bool = False,
        prefix: bool = True,
        query: ListQuery | None = None,
    ) -> list[SearchHit]:
        """Library-wide full-text search, best matches first, with snippets.

        Title matches first, then by bm25. `prefix` (the default, for every
        caller: the CLI and the reader must agree) lets the last word match
        the words it begins. `raw` passes FTS5 syntax through; a bad raw query
        raises `SearchQueryError` saying what SQLite objected to. Articles not
        yet in the index (stored since it last caught up) are indexed first.
        """
        match = clean_line(text) if raw else fts_query(text, prefix=prefix)
        if not match:
            return []
        self.catch_up_index()
        query = query or ListQuery()
        try:
            window = self._rank_window_start(match, query)
        except sqlite3.OperationalError as exc:
            raise SearchQueryError(f"search query {text!r} is not valid FTS5: {exc}") from None
        try:
            ranked = self._ranked(match, query, window, max(0, int(limit)))
        except sqlite3.OperationalError as exc:
            raise SearchQueryError(f"search query {text!r} is not valid FTS5: {exc}") from None
        hits = []
        for row, raw_snippet, rank in ranked:
            snippet, spans = _split_snippet(raw_snippet or "")
            hits.append(SearchHit(article_row(row), snippet, spans, float(rank)))
        return hits

    def _ranked(
        self, match: str, query: ListQuery, window: int | None, limit: int
    ) -> list[tuple[Sequence[Any], str | None, float]]:
        """The best `limit` matches as (list row, raw snippet, bm25), best first.

        Title matches first, then bm25; ties in the order the matches are read
        (oldest first), the order in which SQLite's top-LIMIT sorter keeps
        them without evaluating the snippet of each later tie.

        A search of the whole library ranks on the FTS table alone, then reads
        the list rows of the matches it kept: joined before the ranking, the
        articles, hidden articles, read state and bookmarks cost four look-ups
        for every match in the rank window, about as much as the ranking
        itself. It takes two statements because SQLite evaluates every column
        of a subquery it materialises (the snippet too) for every match, where
        a top-level ORDER BY ... LIMIT evaluates the snippet only for the rows
        that enter the best LIMIT so far. A scoped search filters on those
        tables, so it joins them before ranking, in one statement.
        """
        order = "title_hit DESC, rank, id"
        if _scoped(query):
            clauses, params = where_clauses(query)
            if window is not None:
                clauses.append("articles_fts.rowid >= ?")
                params.append(window)
            extra = "".join(f" AND {clause}" for clause in clauses)
            joined = self._read_plain(
                f"SELECT {ROW_COLUMNS}, {_RANKED}"
                f" FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid {ROW_JOINS}"
                f" WHERE articles_fts MATCH ?{extra} ORDER BY {order} LIMIT ?",
                [match, *params, limit],
            )
            return [(row[:ROW_WIDTH], row[ROW_WIDTH + 2], row[ROW_WIDTH]) for row in joined]
        fts_clauses = [] if query.hidden else [_NOT_HIDDEN_FTS]
        fts_params: list[Any] = []
        if window is not None:
            fts_clauses.append("articles_fts.rowid >= ?")
            fts_params.append(window)
        extra = "".join(f" AND {clause}" for clause in fts_clauses)
        best = self._read_plain(
            f"SELECT articles_fts.rowid AS id, {_RANKED} FROM articles_fts"
            f" WHERE articles_fts MATCH ?{extra} ORDER BY {order} LIMIT ?",
            [match, *fts_params, limit],
        )
        if not best:
            return []
        found = self._read_plain(
            f"SELECT {ROW_COLUMNS} FROM articles a {ROW_JOINS}"
            " WHERE a.id IN (SELECT value FROM json_each(?))",
            [json.dumps([row[0] for row in best])],
        )
        by_id = {row[0]: row for row in found}
        return [(by_id[id_], snippet, rank) for id_, rank, _, snippet in best if id_ in by_id]

    def _rank_window_start(self, match: str, query: ListQuery) -> int | None:
        """Lowest rowid worth ranking when a term matches a huge share of the library.

        bm25 must score every match before it can sort, so a word in most of a
        million articles would take over a second. Past `RANK_WINDOW` matches,
        only the most recently added ones are ranked, which for news is also
        what a reader wants first. A search narrowed to a feed or folder counts
        its window among that scope's matches: counted over the library, the
        window could start after every article of an older feed and find none.
        """
        if _scoped(query):
            clauses, params = where_clauses(query)
            sql = (
                "SELECT articles_fts.rowid AS id FROM articles_fts"
                f" JOIN articles a ON a.id = articles_fts.rowid {ROW_JOINS}"
                " WHERE articles_fts MATCH ?" + "".join(f" AND {c}" for c in clauses)
            )
            args: list[object] = [match, *params]
        else:
            sql = "SELECT rowid AS id FROM articles_fts WHERE articles_fts MATCH ?"
            args = [match]
        with self._lock:
            row = self._db.execute(
                sql + " ORDER BY articles_fts.rowid DESC LIMIT 1 OFFSET ?",
                [*args, RANK_WINDOW - 1],
            ).fetchone()
        return int(row["id"]) if row else None


def _scoped(query: ListQuery) -> bool:
    """Whether a search is narrowed to part of the library (a feed, a folder, a filter)."""
    return (
        query.feed_id is not None
        or query.feed_ids is not None
        or query.source is not None
        or query.filter != "all"
    )

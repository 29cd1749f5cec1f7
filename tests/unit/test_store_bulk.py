"""Bulk read state: one statement per change, exact undo, counters kept right."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from newsreader.model.library import ListQuery
from newsreader.store import Library
from support import BASE, build_feeds_library, build_library, tiny_articles


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = build_library(tmp_path / "library.sqlite3", fillers=10)
    yield lib
    lib.close()


def _true_counts(path: Path) -> tuple[int, int]:
    """(articles, read) counted from the tables themselves, not the counters."""
    with sqlite3.connect(path) as db:
        articles = db.execute("SELECT count(*) FROM articles").fetchone()[0]
        read = db.execute("SELECT count(*) FROM read_state").fetchone()[0]
    return articles, read


def test_mark_list_read_changes_only_unread_and_keeps_counters(library: Library) -> None:
    ids = [row.id for row in library.page(limit=100)]
    library.set_read(ids[:3])
    before = {i: library.get(i).read_at for i in ids[:3]}
    changed = library.mark_list_read(ListQuery())
    assert changed == sorted(ids[3:]), "only the articles that were unread"
    assert library.counts()["unread"] == 0
    total, read = _true_counts(library.path)
    assert library.counts()["read"] == read == total
    assert {i: library.get(i).read_at for i in ids[:3]} == before, "earlier reads keep their time"


def test_undo_restores_exactly_the_previous_state(library: Library) -> None:
    ids = [row.id for row in library.page(limit=100)]
    library.set_read(ids[::2])
    was_read = {i: library.is_read(i) for i in ids}
    changed = library.mark_list_read(ListQuery())
    undone = library.set_read_many(changed, False)
    assert undone.changed == changed and undone.missing == []
    assert {i: library.is_read(i) for i in ids} == was_read
    assert library.counts()["read"] == _true_counts(library.path)[1] == len(ids[::2])


def test_mark_list_read_follows_the_scope_and_filter(tmp_path: Path) -> None:
    library = build_feeds_library(tmp_path / "feeds.sqlite3")
    try:
        feeds = library.feeds()
        gazette = next(f for f in feeds if f.title == "Harbour Gazette")
        changed = library.mark_list_read(ListQuery(feed_id=gazette.id))
        assert changed and all(library.get(i).feed_id == gazette.id for i in changed)
        assert library.count(ListQuery(filter="unread", feed_id=gazette.id)) == 0
        others = [f.id for f in feeds if f.id != gazette.id]
        assert library.count(ListQuery(filter="unread", feed_ids=tuple(others))) > 0
        # A folder, and the bookmarked filter narrowing it.
        mark = library.page(ListQuery(filter="unread", feed_ids=tuple(others)), limit=1)[0].id
        library.set_bookmarked([mark])
        changed = library.mark_list_read(ListQuery(filter="bookmarked", feed_ids=tuple(others)))
        assert changed == [mark]
        assert library.mark_list_read(ListQuery(filter="read")) == []
    finally:
        library.close()


def test_mark_list_read_before_a_date(library: Library) -> None:
    cutoff = (BASE + timedelta(hours=5)).timestamp()
    changed = library.mark_list_read(ListQuery(), before=cutoff)
    rows = {row.id: row for row in library.page(limit=100)}
    assert changed and all(rows[i].sort_ts < cutoff for i in changed)
    assert all(row.read == (row.sort_ts < cutoff) for row in rows.values())


def test_set_read_many_reports_unknown_ids_and_does_the_rest(library: Library) -> None:
    ids = [row.id for row in library.page(limit=3)]
    library.set_read([ids[0]])
    result = library.set_read_many([ids[0], 99999, ids[1], ids[1], ids[2]], True)
    assert result.changed == sorted(ids[1:]), "the already-read one did not change"
    assert result.missing == [99999]
    assert all(library.is_read(i) for i in ids)
    assert library.set_read_many([], True) == ([], [])


def test_each_bulk_change_is_one_statement(library: Library) -> None:
    """No loop over IDs: one write statement per change, whatever the number of articles.

    (Python's trace repeats the statement once per trigger run, so distinct texts count.)
    """
    statements: list[str] = []
    library._db.set_trace_callback(statements.append)
    try:
        changed = library.mark_list_read(ListQuery())
        library.set_read_many(changed, False)
    finally:
        library._db.set_trace_callback(None)
    writes = {s for s in statements if s.lstrip().upper().startswith(("INSERT", "DELETE"))}
    assert len(writes) == 2, writes
    assert len(changed) > 10


def test_bulk_ids_beyond_the_bound_parameter_limit(tmp_path: Path) -> None:
    """40,000 IDs (SQLite binds at most 32,766 parameters): one JSON array, one statement."""
    library = Library(tmp_path / "big.sqlite3")
    try:
        library.add_articles(tiny_articles(40_000))
        changed = library.mark_list_read(ListQuery())
        assert len(changed) == 40_000 and library.counts()["unread"] == 0
        undone = library.set_read_many(changed, False)
        assert len(undone.changed) == 40_000
        assert library.counts()["read"] == 0 == _true_counts(library.path)[1]
        again = library.set_read_many([*changed, 10**9], True)
        assert len(again.changed) == 40_000 and again.missing == [10**9]
        assert library.counts()["unread"] == 0
    finally:
        library.close()

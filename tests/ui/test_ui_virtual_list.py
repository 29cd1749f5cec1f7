"""The article list is virtual: with 100k articles it reads a bounded number of rows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsreader.model.library import ArticleRow, ListQuery
from newsreader.store import Library
from newsreader.ui.app import NewsreaderApp
from newsreader.ui.widgets.article_list import ArticleList
from newsreader.ui.widgets.row_pages import PAGE_SIZE
from support import list_lines, tiny_articles

BIG = 100_000
pytestmark = pytest.mark.anyio
EVERYTHING = ListQuery()


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One 100k-article library for the module (bulk load takes a few seconds)."""
    path = tmp_path_factory.mktemp("big") / "library.sqlite3"
    library = Library(path)
    library.bulk_load(tiny_articles(BIG), batch=20_000)
    library.close()
    yield path


class CountingLibrary(Library):
    """Counts the rows (and the page queries) the list reads, to prove they stay bounded."""

    rows_fetched = 0
    fetches = 0

    def page(
        self,
        query: ListQuery = EVERYTHING,
        *,
        after: tuple[Any, int] | None = None,
        limit: int = 100,
        reverse: bool = False,
    ) -> list[ArticleRow]:
        return self._counted(super().page(query, after=after, limit=limit, reverse=reverse))

    def seek(self, query: ListQuery, index: int, *, limit: int = 100) -> list[ArticleRow]:
        return self._counted(super().seek(query, index, limit=limit))

    def _counted(self, rows: list[ArticleRow]) -> list[ArticleRow]:
        self.fetches += 1
        self.rows_fetched += len(rows)
        return rows


@pytest.fixture
def big_library(big_db: Path) -> Iterator[CountingLibrary]:
    library = CountingLibrary(big_db)
    yield library
    library.close()


async def test_list_renders_only_visible_rows(big_library: CountingLibrary) -> None:
    app = NewsreaderApp(big_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        lst = app.screen.query_one(ArticleList)
        assert lst.row_count == BIG
        assert lst.virtual_size.height == BIG
        assert big_library.rows_fetched <= 2 * PAGE_SIZE, "startup reads at most a couple of pages"
        assert lst.current is not None and lst.current.title == f"Item {BIG - 1}"
        before = big_library.rows_fetched
        for _ in range(5):
            await pilot.press("pagedown")
        assert lst.cursor > 100
        assert big_library.rows_fetched - before <= 2 * PAGE_SIZE


async def test_end_of_big_library_is_a_bounded_fetch(big_library: CountingLibrary) -> None:
    app = NewsreaderApp(big_library)
    async with app.run_test(size=(100, 30)) as pilot:
        lst = app.screen.query_one(ArticleList)
        await pilot.press("G")
        await pilot.pause()
        assert lst.cursor == BIG - 1
        assert lst.current is not None and lst.current.title == "Item 0"
        assert big_library.rows_fetched <= 4 * PAGE_SIZE
        assert "Item 0" in "\n".join(list_lines(lst))
        # Walking up from the end pages backwards by keyset.
        for _ in range(6):
            await pilot.press("pageup")
        assert big_library.rows_fetched <= 6 * PAGE_SIZE
        # A far jump (as a scrollbar drag makes) seeks one page.
        lst.move_to(BIG // 2)
        await pilot.pause()
        assert lst.current is not None and lst.current.title == f"Item {BIG - 1 - BIG // 2}"
        assert big_library.rows_fetched <= 8 * PAGE_SIZE
        assert big_library.fetches <= 10

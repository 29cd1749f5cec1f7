"""The article list is virtual: with 100k articles it reads a bounded number of rows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from newsreader.store import Library
from newsreader.ui.app import NewsreaderApp
from newsreader.ui.widgets.article_list import PAGE_SIZE, ArticleList
from ui_support import anyio_backend, no_blink, tiny_articles  # noqa: F401

BIG = 100_000
pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One 100k-article library for the module (bulk load takes a few seconds)."""
    path = tmp_path_factory.mktemp("big") / "library.sqlite3"
    library = Library(path)
    library.bulk_load(tiny_articles(BIG), batch=20_000)
    library.close()
    yield path


@pytest.fixture
def big_library(big_db: Path) -> Iterator[Library]:
    library = Library(big_db)
    yield library
    library.close()


async def test_list_renders_only_visible_rows(big_library: Library) -> None:
    app = NewsreaderApp(big_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        lst = app.screen.query_one(ArticleList)
        assert lst.row_count == BIG
        assert lst.virtual_size.height == BIG
        assert lst.rows_fetched <= 2 * PAGE_SIZE, "startup reads at most a couple of pages"
        assert lst.current is not None and lst.current.title == f"Item {BIG - 1}"
        before = lst.rows_fetched
        for _ in range(5):
            await pilot.press("pagedown")
        assert lst.cursor > 100
        assert lst.rows_fetched - before <= 2 * PAGE_SIZE


async def test_end_of_big_library_is_a_bounded_fetch(big_library: Library) -> None:
    app = NewsreaderApp(big_library)
    async with app.run_test(size=(100, 30)) as pilot:
        lst = app.screen.query_one(ArticleList)
        await pilot.press("G")
        await pilot.pause()
        assert lst.cursor == BIG - 1
        assert lst.current is not None and lst.current.title == "Item 0"
        assert lst.rows_fetched <= 4 * PAGE_SIZE
        assert "Item 0" in "\n".join(lst.render_lines_debug())
        # Walking up from the end pages backwards by keyset.
        for _ in range(6):
            await pilot.press("pageup")
        assert lst.rows_fetched <= 6 * PAGE_SIZE
        # A far jump (as a scrollbar drag makes) seeks one page.
        lst.move_to(BIG // 2)
        await pilot.pause()
        assert lst.current is not None and lst.current.title == f"Item {BIG - 1 - BIG // 2}"
        assert lst.rows_fetched <= 8 * PAGE_SIZE
        assert lst.fetches <= 10


def _cells(strips: list[Strip]) -> list[list[tuple[str, Style | None]]]:
    return [[(ch, seg.style) for seg in strip for ch in seg.text] for strip in strips]


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_list_paints_what_textual_would(big_library: Library, theme: str) -> None:
    """The list and its scrollbar skip Textual's per-line style pipeline for speed;
    every cell must still come out exactly as that pipeline paints it."""
    app = NewsreaderApp(big_library)
    async with app.run_test(size=(100, 30)) as pilot:
        app.theme = theme
        for key in ("pagedown", "pagedown", "down", "tab", "tab"):
            await pilot.press(key)
        await pilot.pause()
        lst = app.screen.query_one(ArticleList)
        bar = lst.vertical_scrollbar
        assert bar.display, "a 100k list shows its scrollbar"
        for widget in (lst, bar):
            crop = Region(0, 0, widget.region.width, widget.region.height)
            ours = widget.render_lines(crop)
            widget._styles_cache.clear()
            textuals = Widget.render_lines(widget, crop)
            assert _cells(ours) == _cells(textuals), type(widget).__name__

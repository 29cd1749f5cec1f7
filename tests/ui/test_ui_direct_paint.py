"""The list, the reader and their scrollbars skip Textual's per-line style pipeline
for speed (see `newsreader.ui.widgets.direct_paint`); every cell they paint must
still be exactly what that pipeline would paint, in dark and light themes."""

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
from newsreader.ui.widgets.article_list import ArticleList
from newsreader.ui.widgets.article_view import ArticleView
from newsreader.ui.widgets.direct_paint import DirectScrollView, LeanScrollBar
from support import (
    FEATURE_TITLE,
    article_id,
    build_library,
)

pytestmark = pytest.mark.anyio
THEMES = ["textual-dark", "textual-light"]


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = build_library(tmp_path / "library.sqlite3", fillers=80)
    yield lib
    lib.close()


def cells(strips: list[Strip]) -> list[list[tuple[str, Style | None]]]:
    return [[(ch, seg.style) for seg in strip for ch in seg.text] for strip in strips]


def assert_paints_like_textual(widget: Widget) -> None:
    """Every cell the user sees is Textual's. Where the scrollbar is drawn over the
    gutter our lines stop at it (Textual pads them with cells nobody sees)."""
    width = widget.region.width
    if isinstance(widget, DirectScrollView) and widget.gutter_covered:
        width -= widget.scrollbar_size_vertical
    for crop in (
        Region(0, 0, widget.region.width, widget.region.height),
        Region(1, 2, widget.region.width - 1, 3),  # as a partly covered widget gets
    ):
        ours = cells(widget.render_lines(crop))
        widget._styles_cache.clear()
        textuals = cells(Widget.render_lines(widget, crop))
        seen = width - crop.x
        assert all(len(row) in (seen, crop.width) for row in ours), "every line full width"
        assert [row[:seen] for row in ours] == [row[:seen] for row in textuals], type(
            widget
        ).__name__


@pytest.mark.parametrize("theme", THEMES)
async def test_list_and_scrollbar_paint_like_textual(library: Library, theme: str) -> None:
    app = NewsreaderApp(library)
    async with app.run_test(size=(100, 30)) as pilot:
        app.theme = theme
        await pilot.press("pagedown", "down", "down")
        await pilot.pause()
        listing = app.screen.query_one(ArticleList)
        bar = listing.vertical_scrollbar
        assert isinstance(bar, LeanScrollBar) and bar.display
        assert_paints_like_textual(listing)
        assert_paints_like_textual(bar)
        await pilot.press("tab")  # the cursor row loses focus styling
        await pilot.pause()
        assert_paints_like_textual(listing)


@pytest.mark.parametrize("theme", THEMES)
async def test_reader_paints_like_textual(library: Library, theme: str) -> None:
    app = NewsreaderApp(library)
    async with app.run_test(size=(100, 30)) as pilot:
        app.theme = theme
        # The feature article (key points box, caption, quotes), with find matches.
        app.open_reader(library.get(article_id(library, FEATURE_TITLE)))
        await pilot.pause()
        await pilot.press("slash", *"harbour", "enter")
        await pilot.pause()
        view = app.screen.query_one(ArticleView)
        assert view.match_count > 0
        assert_paints_like_textual(view)
        app.theme = THEMES[1 - THEMES.index(theme)]  # a theme change repaints the open article
        await pilot.pause()
        assert_paints_like_textual(view)
        await pilot.press("escape", "escape")
        app.open_reader(library.get(article_id(library, "A long read about tides")))
        await pilot.pause()
        await pilot.press("pagedown")
        await pilot.pause()
        assert view.vertical_scrollbar.display and view.scroll_offset.y > 0
        assert_paints_like_textual(view)
        assert_paints_like_textual(view.vertical_scrollbar)


@pytest.mark.parametrize("theme", THEMES)
async def test_cursor_row_is_lit_end_to_end_and_no_cell_shows_the_terminal(
    library: Library, theme: str
) -> None:
    """A cell painted without a background shows the terminal's own colour, not the
    theme's; and the cursor's background must cover the whole row, not the gaps
    between its parts (Rich lets a cell's own style win over one applied under it)."""
    app = NewsreaderApp(library)
    async with app.run_test(size=(100, 30)) as pilot:
        app.theme = theme
        await pilot.press("down", "down")
        await pilot.pause()
        listing = app.screen.query_one(ArticleList)
        width = listing.scrollable_content_region.width
        for focused in (True, False):
            name = "article-list--cursor" if focused else "article-list--cursor-blurred"
            cursor = listing.get_component_rich_style(name).bgcolor
            background = listing.rich_style.bgcolor
            for y in range(listing.scrollable_content_region.height):
                row = cells([listing.render_line(y)])[0][:width]
                colours = {style.bgcolor if style else None for _, style in row}
                expected = cursor if y + listing.scroll_offset.y == listing.cursor else background
                assert colours == {expected}, (focused, y)
            await pilot.press("tab")  # the sidebar (opened) takes the focus: the row blurs
            await pilot.pause()

"""Smaller things a user trips on (issue #14), each driven through Pilot as a user would.

The find bar hands the keys back on enter (less / vim), `space` pages the list, `/` on the
list says nothing before a query, an empty list says what would fill it, the palette
offers only commands that work, the source column lines up, a snippet keeps its match.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import Input

from newsreader.model.article import Article, Block, BlockKind
from newsreader.model.library import ListQuery
from newsreader.store import Library
from newsreader.ui.app import NewsreaderApp
from newsreader.ui.screens.list_screen import FEED_SCOPE_STATE, ListScreen
from newsreader.ui.screens.reader_screen import ReaderScreen
from newsreader.ui.widgets.article_list import ArticleList
from newsreader.ui.widgets.article_rows import empty_list_message, fit_snippet
from support import build_library, list_lines, wait_for_list_search, wait_until

SIZE = (100, 30)
pytestmark = pytest.mark.anyio


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = build_library(tmp_path / "library.sqlite3")
    yield lib
    lib.close()


def listing(app: NewsreaderApp) -> ArticleList:
    return app.screen.query_one(ArticleList)


def list_text(app: NewsreaderApp) -> str:
    return "\n".join(list_lines(listing(app)))


def reader(app: NewsreaderApp) -> ReaderScreen:
    screen = app.screen
    assert isinstance(screen, ReaderScreen)
    return screen


# -- find bar: enter hands the keys to the article -----------------------------------------


async def test_find_enter_then_n_and_N_move_and_slash_edits_again(library: Library) -> None:
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "slash", *"stone")
        screen = reader(app)
        view = screen.view
        total = view.match_count
        assert total >= 3 and screen.find_bar.counter_text == f"1/{total}"
        opened = screen.stored.id
        await pilot.press("enter")
        assert view.has_focus, "enter gives the keys back to the article"
        assert screen.find_open and screen.find_bar.value == "stone", "the query stays shown"
        await pilot.press("n")
        assert screen.find_bar.counter_text == f"2/{total}"
        await pilot.press("n", "N")
        assert screen.find_bar.counter_text == f"2/{total}"
        assert screen.find_bar.value == "stone", "n / N are keys here, not letters"
        assert screen.stored.id == opened, "n is the next match while a find is active"
        await pilot.press("slash")
        assert isinstance(app.focused, Input) and app.focused.value == "stone"
        await pilot.press("end", "backspace", "backspace", *"n")  # focus selects the query
        assert screen.find_bar.value == "ston", "in the bar, n is a letter of the query"
        await pilot.press("enter", "escape")
        assert app.screen is screen and not screen.find_open, "escape clears the find"
        assert view.find_query == ""


async def test_find_enter_on_an_empty_query_closes_the_bar(library: Library) -> None:
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "slash", "enter")
        screen = reader(app)
        assert not screen.find_open and screen.view.has_focus


# -- the list ----------------------------------------------------------------------------


async def test_space_pages_the_list(library: Library) -> None:
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        rows = listing(app).page_rows
        assert listing(app).cursor == 0
        await pilot.press("space")
        assert listing(app).cursor == rows
        assert isinstance(app.screen, ListScreen) and not app.screen.search_open


async def test_search_says_nothing_until_there_is_a_query(library: Library) -> None:
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        await pilot.pause()
        assert "No matches" not in list_text(app)
        await pilot.press(*"zzqqxx")
        await wait_for_list_search(pilot, "zzqqxx")
        await wait_until(pilot, lambda: "No matches." in list_text(app), "No matches.")
        await pilot.press("ctrl+a", "ctrl+k")
        await wait_until(pilot, lambda: "No matches" not in list_text(app), "the hint again")


async def test_an_empty_feed_says_refresh_not_change_the_filter(tmp_path: Path) -> None:
    library = Library(tmp_path / "library.sqlite3")
    feed, _ = library.add_feed("https://empty.example/feed", title="Empty Feed")
    library.set_state(FEED_SCOPE_STATE, {"feed": feed.id})
    app = NewsreaderApp(library)
    try:
        async with app.run_test(size=SIZE) as pilot:
            text = list_text(app)
            assert "No articles in this feed yet. Press r to refresh." in text
            assert "change the filter" not in text
            await pilot.press("f")
            assert "No articles here are unread. Press f to change the filter." in list_text(app)
    finally:
        library.close()


def test_empty_list_messages_say_the_way_out() -> None:
    assert "newsreader add URL" in empty_list_message(ListQuery())
    assert "folder" in empty_list_message(ListQuery(feed_ids=(1, 2)))
    assert "bookmarked" in empty_list_message(ListQuery(filter="bookmarked", feed_id=3))


async def test_source_column_lines_up_with_and_without_a_date(tmp_path: Path) -> None:
    library = Library(tmp_path / "library.sqlite3")
    library.add_articles(
        [
            Article(
                title="Dated story",
                blocks=[Block(BlockKind.PARAGRAPH, "Text.")],
                source="Dated Source",
                published=datetime(2026, 3, 2, tzinfo=UTC),
            ),
            Article(
                title="Undated story",
                blocks=[Block(BlockKind.PARAGRAPH, "Text.")],
                source="Undated Source",
            ),
        ]
    )
    app = NewsreaderApp(library)
    try:
        for width in (80, 100, 140):
            async with app.run_test(size=(width, 24)) as pilot:
                await pilot.pause()
                lines = list_lines(listing(app))
                dated = next(line for line in lines if "Dated Source" in line)
                undated = next(line for line in lines if "Undated Source" in line)
                assert dated.index("Dated Source") == undated.index("Undated Source"), width
                assert len(dated.rstrip()) == len(undated.rstrip()) or "2026-03-02" in dated
            app = NewsreaderApp(library)
    finally:
        library.close()


# -- the command palette -----------------------------------------------------------------


async def test_palette_offers_no_screenshot_or_keys_panel(library: Library) -> None:
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(2):  # the list, then the reader
            titles = [command.title for command in app.get_system_commands(app.screen)]
            assert "Theme" in titles and "Quit" in titles
            assert "Screenshot" not in titles and "Keys" not in titles
            assert "Maximize" not in titles
            await pilot.press("enter")
        assert isinstance(app.screen, ReaderScreen)
        assert "Find in this article" in [c.title for c in app.get_system_commands(app.screen)]


# -- search snippets ---------------------------------------------------------------------

LONG_SENTENCE = (
    "Councillors representing neighbourhoods surrounding Westmere's waterfront "
    "deliberated extensively throughout Tuesday's extraordinary afternoon session "
    "before unanimously approving comprehensive refurbishment of the crumbling breakwater."
)


async def test_snippet_at_80_columns_keeps_the_matched_word(tmp_path: Path) -> None:
    library = Library(tmp_path / "library.sqlite3")
    library.add_article(
        Article(
            title="Council notes",
            blocks=[Block(BlockKind.PARAGRAPH, LONG_SENTENCE)],
            source="Gazette",
        )
    )
    hit = library.search("breakwater")[0]
    assert hit.highlights[0][1] > 75, "FTS5's snippet has the match past the 80-column cut"
    app = NewsreaderApp(library)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("slash", *"breakwater")
            await wait_for_list_search(pilot, "breakwater")
            await wait_until(pilot, lambda: "Council notes" in list_text(app), "the hit")
            snippet = next(line for line in list_lines(listing(app)) if "…" in line)
            assert "breakwater" in snippet
            assert len(snippet.rstrip()) <= 80
    finally:
        library.close()


def test_fit_snippet_cuts_on_a_word_and_moves_the_highlights() -> None:
    start = LONG_SENTENCE.index("breakwater")
    text, spans = fit_snippet(LONG_SENTENCE, [(start, start + 10)], 75)
    assert text.startswith("…") and not text[1].isspace()
    assert text[spans[0][0] : spans[0][1]] == "breakwater"
    assert len(text[: spans[0][1]]) <= 74
    assert LONG_SENTENCE.endswith(text[1:]) and f" {text[1:].split()[0]} " in f" {LONG_SENTENCE}"
    short = "the breakwater"
    assert fit_snippet(short, [(4, 14)], 75) == (short, ((4, 14),))

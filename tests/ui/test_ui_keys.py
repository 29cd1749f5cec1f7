"""Every key of the issue's table, driven through Textual's Pilot on a real library file."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual import events
from textual.command import CommandPalette
from textual.widget import Widget
from textual.widgets import Static

from newsreader.store import Library
from newsreader.ui import browser
from newsreader.ui.app import NewsreaderApp
from newsreader.ui.screens.help_screen import HelpScreen
from newsreader.ui.screens.list_screen import ListScreen
from newsreader.ui.screens.quotes_screen import QuotesScreen
from newsreader.ui.screens.reader_screen import ReaderScreen
from newsreader.ui.widgets.article_list import ArticleList
from newsreader.ui.widgets.article_view import ArticleView
from newsreader.ui.widgets.status_bar import FilterBar, ReaderBar
from support import (
    FEATURE_TITLE,
    HOSTILE_TITLE,
    article_id,
    build_library,
    document_text,
    list_lines,
    visible_text,
    wait_for_list_search,
    wait_until,
)

SIZE = (100, 30)
pytestmark = pytest.mark.anyio


@pytest.fixture
def db_path(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "library.sqlite3"
    build_library(path).close()
    yield path


@pytest.fixture
def library(db_path: Path) -> Iterator[Library]:
    lib = Library(db_path)
    yield lib
    lib.close()


def shown(widget: Widget) -> str:
    """What a one-line bar shows now (the refresh bar: its label), as the user reads it."""
    label = widget if isinstance(widget, Static) else widget.query_one("#refresh-label", Static)
    return str(label.content)


def listing(app: NewsreaderApp) -> ArticleList:
    return app.screen.query_one(ArticleList)


def view(app: NewsreaderApp) -> ArticleView:
    return app.screen.query_one(ArticleView)


def reopen(db_path: Path) -> Library:
    """A second connection, as another process would see the file."""
    return Library(db_path)


# -- list movement -------------------------------------------------------------


async def test_list_movement_keys(library: Library) -> None:
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        lst = listing(app)
        assert lst.cursor == 0
        assert lst.current is not None and lst.current.title == FEATURE_TITLE
        await pilot.press("j")
        assert lst.cursor == 1
        await pilot.press("down", "down")
        assert lst.cursor == 3
        await pilot.press("k")
        assert lst.cursor == 2
        await pilot.press("up")
        assert lst.cursor == 1
        await pilot.press("G")
        assert lst.cursor == lst.row_count - 1 == 32
        await pilot.press("g")
        assert lst.cursor == 0
        await pilot.press("pagedown")
        page = lst.cursor
        assert page >= 10
        await pilot.press("pagedown", "pagedown")
        assert lst.cursor == 32
        assert lst.scroll_offset.y > 0, "the cursor row is scrolled into view"
        await pilot.press("pageup")
        assert lst.cursor == 32 - page
        await pilot.press("end")
        assert lst.cursor == 32
        await pilot.press("home")
        assert lst.cursor == 0
        assert lst.scroll_offset.y == 0


async def test_enter_opens_and_marks_read_on_disk(db_path: Path, library: Library) -> None:
    app = NewsreaderApp(library)
    feature = article_id(library, FEATURE_TITLE)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.stored.id == feature
        other = reopen(db_path)
        try:
            assert other.is_read(feature), "read state is committed when the article opens"
            assert other.get_state("ui.last_article") == feature
        finally:
            other.close()
        assert FEATURE_TITLE in visible_text(view(app))
        await pilot.press("escape")
        assert isinstance(app.screen, ListScreen)
        row = listing(app).current
        assert row is not None and row.id == feature and row.read


async def test_click_selects_and_click_again_opens(library: Library) -> None:
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        lst = listing(app)
        await pilot.click(ArticleList, offset=(10, 2))
        assert lst.cursor == 2
        assert isinstance(app.screen, ListScreen)
        await pilot.click(ArticleList, offset=(10, 2))
        assert isinstance(app.screen, ReaderScreen)


# -- reader ---------------------------------------------------------------------


async def open_title(pilot, app: NewsreaderApp, library: Library, title: str) -> None:
    index = listing(app).library.index_of(listing(app).query_, article_id(library, title))
    assert index is not None
    listing(app).move_to(index)
    await pilot.press("enter")
    assert isinstance(app.screen, ReaderScreen)


async def test_reader_scroll_keys(library: Library) -> None:
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await open_title(pilot, app, library, "A long read about tides")
        v = view(app)
        assert v.scroll_offset.y == 0
        await pilot.press("j", "j", "down")
        assert v.scroll_offset.y == 3
        await pilot.press("k", "up")
        assert v.scroll_offset.y == 1
        await pilot.press("pagedown")
        assert v.scroll_offset.y > 10
        await pilot.press("pageup")
        assert v.scroll_offset.y == 1
        await pilot.press("G")
        assert v.scroll_offset.y == v.max_scroll_y > 100
        await pilot.press("g")
        assert v.scroll_offset.y == 0
        await pilot.press("end")
        assert v.scroll_offset.y == v.max_scroll_y
        await pilot.press("home")
        assert v.scroll_offset.y == 0


async def test_reader_renders_structure(library: Library) -> None:
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        text = document_text(view(app))
        assert "The Coastline Courier · 12 Mar 2026 ·" in text
        assert "min read" in text
        assert "Key points" in visible_text(view(app))
        assert "• The sea wall will be rebuilt" in visible_text(view(app))
        assert "Photo: Jory Pascoe | Coastline Courier" in text
        assert "— Tamsin Pellow" in text
        assert "Stone from the old quay" in text


async def test_escape_closes_find_first_then_goes_back(library: Library) -> None:
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "slash")
        screen = app.screen
        assert isinstance(screen, ReaderScreen) and screen.find_open
        await pilot.press("escape")
        assert app.screen is screen and not screen.find_open
        await pilot.press("escape")
        assert isinstance(app.screen, ListScreen)


async def test_find_counter_smart_case_and_next_previous(library: Library) -> None:
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "slash", *"harbour")
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        v = view(app)
        # title ("Harbour"), the in-paragraph quote, the caption
        lower = v.match_count
        assert lower == 3
        assert screen.find_bar.counter_text == f"1/{lower}"
        await pilot.press("down")
        assert screen.find_bar.counter_text == f"2/{lower}"
        await pilot.press("up")
        assert screen.find_bar.counter_text == f"1/{lower}"
        await pilot.press("up")  # previous wraps around
        assert screen.find_bar.counter_text == f"{lower}/{lower}"
        await pilot.press("down")
        assert screen.find_bar.counter_text == f"1/{lower}"
        # Smart case: a capital makes it case-sensitive ("Harbour" is only in the title).
        await pilot.press("ctrl+a", "ctrl+k", *"Harbour")
        assert v.match_count == 1
        assert screen.find_bar.counter_text == "1/1"
        await pilot.press("ctrl+a", "ctrl+k", *"zzzz")
        assert screen.find_bar.counter_text == "no matches"
        # n / N work once focus is back in the article.
        await pilot.press("ctrl+a", "ctrl+k", *"stone")
        total = v.match_count
        assert total >= 3
        await pilot.press("tab")
        assert v.has_focus
        await pilot.press("n")
        assert v.current_match == 1
        await pilot.press("N", "N")
        assert v.current_match == total - 1
        assert screen.find_bar.counter_text == f"{total}/{total}"


async def test_find_searches_quotes_captions_and_scrolls_to_match(library: Library) -> None:
    app = NewsreaderApp(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "slash", *"metre of road")
        assert view(app).match_count == 1
        await pilot.press("ctrl+a", "ctrl+k", *"jory pascoe")
        assert view(app).match_count == 1
        await pilot.press("escape", "escape")
        await open_title(pilot, app, library, "A long read about tides")
        await pilot.press("slash", *"forty")
        v = view(app)
        assert v.match_count == 1
        line = v.line_of_match(0)
        assert line > 30
        top = v.scroll_offset.y
        assert top <= line < top + v.scrollable_content_region.height
        assert "forty" in visible_text(v)


async def test_list_search_shows_hits_and_escape_clears(library: Library) -> None:
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        lst = listing(app)
        total = lst.row_count
        await pilot.press("slash", *"salvag")
        await wait_for_list_search(pilot, "salvag")
        assert lst.searching
        assert lst.row_count == 1
        assert lst.current is not None and lst.current.title == FEATURE_TITLE
        assert "Search" in shown(app.screen.query_one(FilterBar))
        lines = "\n".join(list_lines(lst))
        assert "salvaged" in lines.split("\n")[1], "snippet on the line under the title"
        await pilot.press("escape")
        assert not lst.searching
        assert lst.row_count == total
        await pilot.press("slash", *"tides")
        await wait_for_list_search(pilot, "tides")
        await pilot.press("enter")
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.stored.article.title == "A long read about tides"


async def test_keys_typed_before_the_search_box_exists_land_in_it(library: Library) -> None:
    """The box is mounted just after the first paint; `/salvag` typed before that still
    searches for "salvag" (and its letters never run list commands)."""
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ListScreen)
        await pilot.pause()
        await screen.search_input.remove()
        screen._search_box, screen._search_box_ready = None, False  # as at start-up
        screen.set_focus(None)  # nothing has the focus yet
        # One burst, as a terminal delivers keys typed while the app started.
        for key, character in [("slash", "/"), *((c, c) for c in "salvag")]:
            app.post_message(events.Key(key, character))
        await wait_for_list_search(pilot, "salvag")
        assert screen.search_input.value == "salvag"
        assert screen.search_input.has_focus
        lst = listing(app)
        assert lst.searching and lst.row_count == 1
        assert lst.current is not None and lst.current.title == FEATURE_TITLE


async def test_reader_prepared_in_background_opens_the_chosen_article(library: Library) -> None:
    """The reader screen is composed and laid out off screen while the list is shown;
    Enter then shows the article under the cursor (not the one it was prepared with),
    wrapped to the terminal's width."""
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(
            pilot, lambda: app.is_screen_installed("reader"), "the reader to be prepared"
        )
        assert isinstance(app.screen, ListScreen)
        lst = listing(app)
        await pilot.press("j")
        chosen = lst.current
        assert chosen is not None
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.stored.id == chosen.id
        text = visible_text(view(app))
        assert chosen.title.split()[0] in text
        widest = max(len(line.rstrip()) for line in text.splitlines())
        assert widest > SIZE[0] // 2, "wrapped at the real width, not a narrow default"


@pytest.mark.parametrize("focused", [True, False], ids=["list-focused", "nothing-focused"])
async def test_enter_then_find_typed_at_once_finds_in_the_article(
    library: Library, focused: bool
) -> None:
    """`enter /salvaged` in one burst: the reader opens and finds "salvaged" in the
    article; the `/` and the letters never reach the list (a library search)."""
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ListScreen)
        assert listing(app).current is not None
        expected = listing(app).current.title  # type: ignore[union-attr]
        if not focused:
            screen.set_focus(None)  # as when keys arrive while the app starts
        burst = [("enter", None), ("slash", "/"), *((c, c) for c in "salvaged")]
        for key, character in burst:
            app.post_message(events.Key(key, character))
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, ReaderScreen) and app.screen.find_bar.value,
            "the reader's find bar to fill",
        )
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        assert reader.stored.article.title == expected
        assert reader.find_open and reader.find_bar.value == "salvaged"
        # Nothing reached the list: its search box never opened (so no search can start).
        assert not screen.search_open and not listing_of(screen).searching


def listing_of(screen: ListScreen) -> ArticleList:
    return screen.query_one(ArticleList)


async def test_b_and_m_in_list_and_reader_persist(db_path: Path, library: Library) -> None:
    app = NewsreaderApp(library)
    feature = article_id(library, FEATURE_TITLE)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")
        assert listing(app).current.bookmarked
        assert "★" in list_lines(listing(app))[0]
        check = reopen(db_path)
        assert check.is_bookmarked(feature)
        await pilot.press("m")
        assert check.is_read(feature)
        assert "●" not in list_lines(listing(app))[0]
        await pilot.press("m")
        assert not check.is_read(feature)
        await pilot.press("enter")  # opening marks read
        assert check.is_read(feature)
        await pilot.press("b")
        assert not check.is_bookmarked(feature)
        assert "not bookmarked" in shown(app.screen.query_one(ReaderBar))
        await pilot.press("m")
        assert not check.is_read(feature)
        await pilot.press("escape")
        row = listing(app).current
        assert row is not None and row.id == feature and not row.read and not row.bookmarked
        check.close()


async def test_f_cycles_filters_with_counts(db_path: Path, library: Library) -> None:
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        bar = app.screen.query_one("FilterBar")
        assert "All 33" in shown(bar) and "Unread 33" in shown(bar) and "Bookmarked 0" in shown(bar)
        await pilot.press("b", "j", "m")  # bookmark first, read second
        assert "Unread 32" in shown(bar) and "Bookmarked 1" in shown(bar)
        await pilot.press("f")
        assert app.screen.filter == "unread"
        assert listing(app).row_count == 32
        await pilot.press("f")
        assert app.screen.filter == "bookmarked"
        assert listing(app).row_count == 1
        assert listing(app).current.title == FEATURE_TITLE
        await pilot.press("f")
        assert app.screen.filter == "all"
        assert listing(app).row_count == 33
        await pilot.press("f")
        check = reopen(db_path)
        assert check.get_state("ui.filter") == "unread"
        check.close()


async def test_quotes_list_and_jump(library: Library) -> None:
    app = NewsreaderApp(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "Q")
        assert isinstance(app.screen, QuotesScreen)
        options = app.screen.query_one("OptionList")
        prompts = [str(option.prompt) for option in options.options]
        assert prompts[0].startswith("Morwenna Tregarthen")
        assert any(p.startswith("Tamsin Pellow") for p in prompts)
        await pilot.press("down", "down", "enter")  # skip the next speaker header
        assert isinstance(app.screen, ReaderScreen)
        v = view(app)
        assert v.scroll_offset.y > 0
        assert "Every tide that comes in" in visible_text(v)
        await pilot.press("Q", "escape")
        assert isinstance(app.screen, ReaderScreen)


async def test_o_opens_http_url_with_argv_and_refuses_javascript(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[list[str], dict]] = []

    def fake_popen(argv, **kwargs):
        calls.append((argv, kwargs))
        return None

    monkeypatch.setattr(browser.subprocess, "Popen", fake_popen)
    monkeypatch.setattr(browser.shutil, "which", lambda name: f"/usr/bin/{name}")
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "o")
        assert calls == [(["/usr/bin/xdg-open", "https://example.com/news/sea-wall"], calls[0][1])]
        assert calls[0][1].get("shell") is False
        await pilot.press("escape")
        await open_title(pilot, app, library, HOSTILE_TITLE)
        await pilot.press("o")
        await pilot.pause()
        assert len(calls) == 1, "javascript: URL must not be opened"
        assert any("only http(s)" in n.message for n in app._notifications)


async def test_help_screen_lists_every_key(library: Library) -> None:
    from newsreader.ui.keys import KEYS

    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, ListScreen)
        await pilot.press("enter", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        from rich.console import Console

        from newsreader.ui.screens.help_screen import help_table

        console = Console(width=120, record=True)
        console.print(help_table())
        text = console.export_text()
        for spec in KEYS:
            assert spec.description in text
        for key in ("j / ↓", "G / end", "PgDn", "enter", "/", "b", "m", "f", "Q", "o", "?", "q"):
            assert key in text
        await pilot.press("question_mark")
        assert isinstance(app.screen, ReaderScreen)


async def test_command_palette_offers_screen_actions(library: Library) -> None:
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Filter: all → unread → bookmarked" in titles
        assert "Theme" in titles
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"filter")
        await app.workers.wait_for_complete()  # the palette gathers its matches in a worker
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ListScreen)
        assert app.screen.filter == "unread"


async def test_q_goes_back_from_reader_and_quits_from_list(library: Library) -> None:
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "q")
        assert app.is_running and isinstance(app.screen, ListScreen), "newsboat's q: back"
        await pilot.press("q")
        assert not app.is_running
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        assert not app.is_running


async def test_state_persists_across_runs(db_path: Path) -> None:
    first = Library(db_path)
    app = NewsreaderApp(first)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "b", "j", "j", "j", "enter", "escape")
        opened = listing(app).current
        assert opened is not None
        opened_id = opened.id
        await pilot.press("f", "q")
    bookmarked = first.page(filter_query("bookmarked"))[0].id
    first.close()

    second = Library(db_path)
    app = NewsreaderApp(second)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ListScreen)
        assert screen.filter == "unread"
        # The last opened article is read, so it is not in "unread": cursor stays valid.
        assert second.is_read(opened_id)
        assert second.is_bookmarked(bookmarked)
        await pilot.press("f", "f")  # unread → bookmarked → all
        assert screen.filter == "all"
    second.close()

    third = Library(db_path)
    third.set_state("ui.filter", "all")
    app = NewsreaderApp(third)
    async with app.run_test(size=SIZE) as pilot:
        current = listing(app).current
        assert current is not None and current.id == opened_id, "cursor returns to last article"
        assert listing(app).cursor == 5
    third.close()


def filter_query(name: str):
    from newsreader.store import ListQuery

    return ListQuery(filter=name)  # type: ignore[arg-type]


async def test_markup_title_shown_literally_and_click_does_not_quit(library: Library) -> None:
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        lines = list_lines(listing(app))
        assert HOSTILE_TITLE in lines[1]
        assert "\x1b" not in "".join(lines)
        await pilot.click(ArticleList, offset=(8, 1))
        await pilot.click(ArticleList, offset=(8, 1))
        assert app.is_running
        assert isinstance(app.screen, ReaderScreen)
        text = visible_text(view(app))
        assert HOSTILE_TITLE in text
        assert "[bold]markup[/bold]" in text
        await pilot.click(ArticleView, offset=(5, 0))
        await pilot.pause()
        assert app.is_running


def test_browser_refuses_non_web_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args, **kwargs):
        raise AssertionError("must not spawn")

    monkeypatch.setattr(subprocess, "Popen", boom)
    for url in ("javascript:alert(1)", "file:///etc/passwd", "-x http://a", "", None):
        with pytest.raises(browser.BrowserError):
            browser.open_in_browser(url)


async def test_reader_and_list_follow_resizes(library: Library) -> None:
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("G")
        await pilot.resize_terminal(80, 12)
        await pilot.pause()
        lst = listing(app)
        top = lst.scroll_offset.y
        assert top <= lst.cursor < top + lst.scrollable_content_region.height
        await pilot.press("g", "enter")
        wide = view(app).line_count
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        assert view(app).line_count > wide, "text re-wraps to the narrower width"
        assert all(len(line) <= 60 for line in visible_text(view(app)).splitlines())


async def test_empty_library_shows_a_hint(tmp_path: Path) -> None:
    library = Library(tmp_path / "empty.sqlite3")
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "b", "m", "j", "G", "f")
        assert isinstance(app.screen, ListScreen)
        assert "No articles here" in "\n".join(list_lines(listing(app)))
    library.close()


async def test_reader_screen_is_reused_with_a_fresh_state(library: Library) -> None:
    """The second article opens in the same screen, from the top, with no find bar left over."""
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await open_title(pilot, app, library, FEATURE_TITLE)
        first_screen = app.screen
        await pilot.press("G", "slash", *"stone")
        await pilot.pause()
        await pilot.press("escape", "escape")
        assert isinstance(app.screen, ListScreen)
        await open_title(pilot, app, library, HOSTILE_TITLE)
        assert app.screen is first_screen
        assert app.screen.stored.id == article_id(library, HOSTILE_TITLE)
        assert not app.screen.find_open and view(app).find_query == ""
        assert view(app).scroll_offset.y == 0
        assert HOSTILE_TITLE in visible_text(view(app))
        assert FEATURE_TITLE not in visible_text(view(app))


async def test_clicking_a_key_hint_runs_its_action(library: Library) -> None:
    from newsreader.ui.widgets.key_hints import KeyHints

    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        hints = app.screen.query_one(KeyHints)
        start = next(s for s, _e, _n, action in hints._targets if action == "help")
        await pilot.click(KeyHints, offset=(start + 1, 0))
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_reopening_the_same_article_shows_it_fresh(library: Library) -> None:
    """Escape and Enter again reuse the wrapped lines, never the last visit's find
    highlights or scroll position."""
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await open_title(pilot, app, library, FEATURE_TITLE)
        fresh = [view(app).render_line(y) for y in range(SIZE[1] - 2)]
        await pilot.press("slash", *"harbour")
        await pilot.pause()
        assert view(app).match_count == 3
        highlighted = [view(app).render_line(y) for y in range(SIZE[1] - 2)]
        assert highlighted != fresh, "matches are highlighted"
        await pilot.press("escape", "escape")
        await open_title(pilot, app, library, FEATURE_TITLE)
        v = view(app)
        assert v.match_count == 0 and v.scroll_offset.y == 0
        assert [v.render_line(y) for y in range(SIZE[1] - 2)] == fresh

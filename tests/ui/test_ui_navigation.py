"""Newsboat's habits in the TUI: `J`/`K` and `n`/`p` inside the reader, `q` one screen back,
`A`/`C` mark the feed, folder or everything read and `u` undoes it exactly.

Driven through Pilot on a real library file; what was written is checked
through a second `Library`, as another process would see it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newsreader.model.library import ListQuery
from newsreader.store import Library
from newsreader.ui.app import NewsreaderApp
from newsreader.ui.screens.help_screen import HelpScreen
from newsreader.ui.screens.list_screen import ListScreen
from newsreader.ui.screens.reader_screen import ReaderScreen
from newsreader.ui.widgets.article_list import ArticleList
from newsreader.ui.widgets.feed_sidebar import FeedScope
from support import build_feeds_library, build_library, visible_text, wait_until

SIZE = (100, 30)
pytestmark = pytest.mark.anyio


@pytest.fixture
def db_path(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "library.sqlite3"
    build_library(path, fillers=12).close()
    yield path


@pytest.fixture
def library(db_path: Path) -> Iterator[Library]:
    lib = Library(db_path)
    yield lib
    lib.close()


def list_ids(library: Library, query: ListQuery | None = None) -> list[int]:
    return [row.id for row in library.page(query or ListQuery(), limit=1000)]


def messages(app: NewsreaderApp) -> list[str]:
    return [notification.message for notification in app._notifications]


def reader(app: NewsreaderApp) -> ReaderScreen:
    screen = app.screen
    assert isinstance(screen, ReaderScreen)
    return screen


def article_list(app: NewsreaderApp) -> ArticleList:
    screen = app.screen_stack[0]
    assert isinstance(screen, ListScreen)
    return screen.article_list


# -- J / K ------------------------------------------------------------------------------


async def test_next_and_previous_article_in_the_reader(db_path: Path, library: Library) -> None:
    ids = list_ids(library)
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        screen = reader(app)
        assert screen.stored.id == ids[0]
        await pilot.press("J")
        assert app.screen is screen, "the reader screen is reused, not pushed again"
        assert screen.stored.id == ids[1]
        assert screen.stored.article.title in visible_text(screen.view)
        with Library(db_path) as other:
            assert other.is_read(ids[1]), "the next article is marked read on disk as it opens"
        assert article_list(app).cursor == 1, "the list's cursor follows"
        await pilot.press("J", "K")
        assert screen.stored.id == ids[1]
        await pilot.press("K")
        assert screen.stored.id == ids[0]
        await pilot.press("K")
        assert screen.stored.id == ids[0]
        assert "This is the first article" in messages(app)
        await pilot.press("escape")
        assert isinstance(app.screen, ListScreen)
        assert article_list(app).cursor == 0
        assert len(app.screen_stack) == 1, "stepping never stacked reader screens"


# -- n / p --------------------------------------------------------------------------------


async def test_next_and_previous_unread_skip_read_articles(library: Library) -> None:
    ids = list_ids(library)
    library.set_read([ids[1], ids[2], ids[4]])
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        screen = reader(app)
        await pilot.press("n")
        assert screen.stored.id == ids[3], "read ones are skipped"
        await pilot.press("n")
        assert screen.stored.id == ids[5]
        assert library.is_read(ids[3]) and library.is_read(ids[5]), "opened: marked read"
        await pilot.press("p")
        assert screen.stored.id == ids[5], "every earlier one is read now"
        assert "No unread articles before this one" in messages(app)
        library.set_read([ids[3]], False)  # as `newsreader unread` in another shell
        await pilot.press("p")
        assert screen.stored.id == ids[3]
        assert article_list(app).cursor == 3


async def test_next_unread_in_the_unread_filter_walks_the_list(library: Library) -> None:
    ids = list_ids(library)
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")  # all → unread
        list_screen = app.screen
        assert isinstance(list_screen, ListScreen) and list_screen.filter == "unread"
        await pilot.press("enter", "n", "n")
        screen = reader(app)
        assert screen.stored.id == ids[2]
        await pilot.press("p")
        assert screen.stored.id == ids[2]
        assert "No unread articles before this one" in messages(app)
        await pilot.press("J")
        assert screen.stored.id == ids[3]


async def test_last_unread_says_so(library: Library) -> None:
    ids = list_ids(library)
    library.set_read(ids[1:])
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "n")
        assert reader(app).stored.id == ids[0]
        assert "No unread articles after this one" in messages(app)


async def test_n_belongs_to_find_while_a_find_is_active(library: Library) -> None:
    ids = list_ids(library)
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "slash", *"the", "enter")
        screen = reader(app)
        await wait_until(pilot, lambda: screen.view.find_query == "the", "the find runs")
        screen.view.focus()
        await pilot.pause()
        counter = screen.find_bar.counter_text
        await pilot.press("n")
        assert screen.stored.id == ids[0], "n moved to the next match, not the next article"
        assert screen.find_bar.counter_text != counter
        await pilot.press("escape")  # closes the find
        assert app.screen is screen and not screen.find_open
        await pilot.press("n")
        assert screen.stored.id == ids[1], "with no find, n is the next unread article"


# -- q ------------------------------------------------------------------------------------


async def test_q_goes_back_one_screen_and_quits_only_from_the_list(library: Library) -> None:
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("q")
        assert isinstance(app.screen, ReaderScreen), "q closes the help"
        await pilot.press("q")
        assert isinstance(app.screen, ListScreen), "q in the reader goes back to the list"
        assert app.is_running
        await pilot.press("q")
        await wait_until(pilot, lambda: not app.is_running, "q in the list quits")


# -- A / C / u ----------------------------------------------------------------------------


async def test_mark_feed_read_and_undo_restores_exactly(tmp_path: Path) -> None:
    path = tmp_path / "feeds.sqlite3"
    library = build_feeds_library(path)
    try:
        feeds = library.feeds()
        gazette = next(f for f in feeds if f.title == "Harbour Gazette")
        every = list_ids(library)
        library.set_read([every[-1]])
        before = {i: library.get(i).read_at for i in every}
        gazette_ids = list_ids(library, ListQuery(feed_id=gazette.id))
        unread_gazette = [i for i in gazette_ids if before[i] is None]
        app = NewsreaderApp(library)
        async with app.run_test(size=(120, 30)) as pilot:
            screen = app.screen
            assert isinstance(screen, ListScreen)
            screen.select_scope(FeedScope(kind="feed", feed_id=gazette.id, label=gazette.title))
            await pilot.pause()
            await pilot.press("A")
            assert f"Marked {len(unread_gazette)} articles read — u to undo" in messages(app)
            with Library(path) as other:
                assert all(other.is_read(i) for i in gazette_ids)
                assert not any(
                    other.is_read(i) for i in every if i not in gazette_ids and before[i] is None
                )
            assert all(row.read for row in map(screen.article_list.row_at, range(4)) if row)
            assert screen._counts is not None and screen._counts["unread"] == 0
            await pilot.press("u")
            with Library(path) as other:
                assert {i: other.get(i).read_at for i in every} == before
            assert f"Marked {len(unread_gazette)} articles unread again" in messages(app)
            await pilot.press("u")
            assert "Nothing to undo" in messages(app)
            # C: the whole library, whatever the sidebar shows.
            await pilot.press("C")
            with Library(path) as other:
                assert other.counts()["unread"] == 0
            await pilot.press("u")
            with Library(path) as other:
                assert {i: other.get(i).read_at for i in every} == before
    finally:
        library.close()


async def test_mark_read_follows_the_filter(library: Library) -> None:
    ids = list_ids(library)
    library.set_bookmarked(ids[2:4])
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "f")  # all → unread → bookmarked
        await pilot.press("A")
        assert "Marked 2 articles read — u to undo" in messages(app)
        assert [library.is_read(i) for i in ids[:5]] == [False, False, True, True, False]
        await pilot.press("A")
        assert any(m.startswith("Nothing to mark") for m in messages(app))

"""A running reader shows what another process changed, and never undoes it.

The app runs under Pilot on a real library file; a second `Library` connection
(as `newsreader bookmark` in another shell would) or the real CLI in a
subprocess changes read state and bookmarks. The list, its counts and the open
article's header must show the change within the poll, and `b`/`m` must act on
what the row shows, never flip a stored state the user has not seen.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events

from newsreader.store import Library
from newsreader.ui.app import NewsreaderApp
from newsreader.ui.screens.list_screen import ListScreen
from newsreader.ui.screens.reader_screen import ReaderScreen
from newsreader.ui.widgets.article_list import ArticleList
from newsreader.ui.widgets.status_bar import FilterBar, ReaderBar
from support import run_cli, wait_until

pytestmark = pytest.mark.anyio
SIZE = (100, 30)
POLL_WAIT = 5.0
"""Generous against a 1 s poll on a loaded machine; only reached on a failure."""


def listing(app: NewsreaderApp) -> ArticleList:
    return app.screen.query_one(ArticleList)


def bar_text(app: NewsreaderApp) -> str:
    return str(app.screen.query_one(FilterBar).content)


async def test_a_bookmark_and_a_read_from_another_connection_show_within_the_poll(
    library_path: Path,
) -> None:
    library = Library(library_path)
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        rows = listing(app)
        first = rows.current
        assert first is not None and not first.bookmarked and not first.read
        assert "Bookmarked 0" in bar_text(app)
        with Library(library_path) as other:
            other.set_bookmarked([first.id])
            other.set_read([first.id])
        await wait_until(
            pilot,
            lambda: (row := rows.current) is not None and row.bookmarked and row.read,
            "the outside bookmark and read state in the list",
            timeout=POLL_WAIT,
        )
        assert rows.current is not None and rows.current.id == first.id, "cursor kept"
        assert "Bookmarked 1" in bar_text(app), "counts follow"
    library.close()


async def test_the_real_cli_in_another_process_shows_in_the_list(
    library_path: Path, tmp_path: Path
) -> None:
    library = Library(library_path)
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        rows = listing(app)
        first = rows.current
        assert first is not None and not first.bookmarked
        run_cli("bookmark", str(first.id), data_dir=tmp_path, timeout=60, check=True)
        await wait_until(
            pilot,
            lambda: (row := rows.current) is not None and row.bookmarked,
            "the CLI's bookmark in the list",
            timeout=POLL_WAIT,
        )
    library.close()


async def test_b_and_m_on_a_stale_row_set_what_the_row_shows(
    library_path: Path, no_poll: None
) -> None:
    library = Library(library_path)
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        rows = listing(app)
        first = rows.current
        assert first is not None
        with Library(library_path) as other:
            other.set_bookmarked([first.id])
            other.set_read([first.id])
            bookmarked_at = other.get(first.id).bookmarked_at
        row = rows.current
        assert row is not None and not row.bookmarked and not row.read, "not seen yet"
        await pilot.press("b", "m")
        row = rows.current
        assert row is not None and row.bookmarked and row.read
        with Library(library_path) as other:
            stored = other.get(first.id)
            assert stored.bookmarked and stored.read, "b and m did not undo the CLI"
            assert stored.bookmarked_at == bookmarked_at, "the first bookmark's time is kept"
        await pilot.press("b", "m")
        assert not library.is_bookmarked(first.id) and not library.is_read(first.id)
    library.close()


async def test_b_in_the_reader_acts_on_the_header_and_the_header_follows(
    library_path: Path, no_poll: None
) -> None:
    library = Library(library_path)
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        article_id = listing(app).current.id  # type: ignore[union-attr]
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        header = screen.query_one(ReaderBar)
        assert "☆ not bookmarked" in str(header.content)
        with Library(library_path) as other:
            other.set_bookmarked([article_id])
        await pilot.press("b")  # the header said "not bookmarked": b bookmarks
        assert library.is_bookmarked(article_id)
        assert "★ bookmarked" in str(header.content)
        with Library(library_path) as other:
            other.set_bookmarked([article_id], False)
            other.set_read([article_id], False)
        app.check_outside_changes()
        await pilot.pause()
        assert "☆ not bookmarked" in str(header.content)
        assert "● unread" in str(header.content)
    library.close()


async def test_regaining_focus_looks_at_once(library_path: Path, no_poll: None) -> None:
    library = Library(library_path)
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        rows = listing(app)
        first = rows.current
        assert first is not None
        with Library(library_path) as other:
            other.set_bookmarked([first.id])
        app.post_message(events.AppFocus())
        await wait_until(
            pilot,
            lambda: (row := rows.current) is not None and row.bookmarked,
            "the outside bookmark after focus",
        )
    library.close()


async def test_no_outside_change_no_reload(
    library_path: Path, no_poll: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An idle poll and this app's own writes reload nothing."""
    reloads: list[int] = []
    library = Library(library_path)
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ListScreen)
        monkeypatch.setattr(screen, "outside_changes", lambda: reloads.append(1))
        app.check_outside_changes()
        await pilot.press("b", "m", "j")
        app.check_outside_changes()
        assert reloads == []
        with Library(library_path) as other:
            other.set_read([listing(app).current.id])  # type: ignore[union-attr]
        app.check_outside_changes()
        app.check_outside_changes()
        assert reloads == [1], "one outside commit, one reload"
    library.close()

"""The TUI survives writes and reads that fail (#17, item 6).

A write lock held by another connection, a read-only (immutable) library and a
database with garbage over some of its pages, all on real library files: the UI
keeps taking keys, each failure is a notification, the rows go back to what the
store holds, and nothing ends the app (Pilot re-raises any exception the app
died of when the test's `run_test` block ends).
"""

from __future__ import annotations

import os
import shlex
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import pytest

import newsreader.store.db
from newsreader.errors import StoreError
from newsreader.model.library import ListQuery
from newsreader.store import Library
from newsreader.ui.app import NewsreaderApp
from newsreader.ui.screens.list_screen import ListScreen
from newsreader.ui.widgets.article_list import ArticleList
from newsreader.ui.widgets.row_pages import PAGE_SIZE
from real_media import immutable, make_library
from support import Tmux, build_library, wait_until

SIZE = (100, 30)
BUSY_MS = 3000
"""The busy timeout for these tests: long enough to tell a wait from a key press."""
pytestmark = pytest.mark.anyio


class HeldLock:
    """Another connection's write lock (`BEGIN IMMEDIATE`), held by its own thread."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._taken = threading.Event()
        self._release = threading.Event()
        self._thread = threading.Thread(target=self._hold, daemon=True)

    def _hold(self) -> None:
        db = sqlite3.connect(self._path, isolation_level=None)
        try:
            db.execute("BEGIN IMMEDIATE")
            self._taken.set()
            self._release.wait(60)
            db.execute("ROLLBACK")
        finally:
            db.close()

    def __enter__(self) -> HeldLock:
        self._thread.start()
        assert self._taken.wait(10), "the second connection never got the write lock"
        return self

    def release(self) -> None:
        self._release.set()
        self._thread.join(10)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setattr(newsreader.store.db, "BUSY_TIMEOUT_MS", BUSY_MS)
    path = tmp_path / "library.sqlite3"
    build_library(path, fillers=12).close()
    yield path


def messages(app: NewsreaderApp) -> list[str]:
    return [notification.message for notification in app._notifications]


def rows(app: NewsreaderApp) -> ArticleList:
    screen = app.screen_stack[0]
    assert isinstance(screen, ListScreen)
    return screen.article_list


def stored_state(path: Path, article_id: int) -> tuple[bool, bool]:
    """(read, bookmarked) as another process sees them."""
    with Library(path) as other:
        return other.is_read(article_id), other.is_bookmarked(article_id)


async def test_b_under_a_held_lock_keeps_keys_coming_then_says_so_and_reverts(
    db_path: Path,
) -> None:
    with Library(db_path) as library:
        app = NewsreaderApp(library)
        async with app.run_test(size=SIZE) as pilot:
            listing = rows(app)
            first = listing.current
            assert first is not None and not first.bookmarked
            with HeldLock(db_path):
                started = time.monotonic()
                await pilot.press("b", "j")
                answered = time.monotonic() - started
                assert answered < BUSY_MS / 1000 / 2, f"b and j took {answered:.2f} s"
                assert listing.cursor == 1, "the key after b was handled while the lock is held"
                row = listing.row_at(0)
                assert row is not None and row.bookmarked, "the row shows the bookmark at once"
                await wait_until(
                    pilot,
                    lambda: any("Bookmark not saved" in m for m in messages(app)),
                    "the notification that the bookmark was not saved",
                )
                failure = next(m for m in messages(app) if "Bookmark not saved" in m)
                assert "busy" in failure, failure
                row = listing.row_at(0)
                assert row is not None and not row.bookmarked, "the row is back as stored"
            assert stored_state(db_path, first.id) == (False, False)
            await pilot.press("k", "b")  # the lock is gone: the same key now saves
            assert stored_state(db_path, first.id) == (False, True)
            assert app.is_running


async def test_b_b_b_behind_a_lock_lands_in_order_as_the_row_shows(db_path: Path) -> None:
    with Library(db_path) as library:
        app = NewsreaderApp(library)
        async with app.run_test(size=SIZE) as pilot:
            listing = rows(app)
            first = listing.current
            assert first is not None and not first.bookmarked
            with HeldLock(db_path) as held:
                await pilot.press("b", "b", "b")
                row = listing.current
                assert row is not None and row.bookmarked
                assert stored_state(db_path, first.id) == (False, False), "nothing written yet"
                held.release()
                await wait_until(
                    pilot, lambda: stored_state(db_path, first.id)[1], "the queued bookmarks"
                )
                await wait_until(pilot, lambda: app.writes._queued == 0, "the writer to finish")
            row = listing.current
            assert row is not None and row.bookmarked
            assert stored_state(db_path, first.id) == (False, True)
            assert not any("not saved" in m or "not removed" in m for m in messages(app))


async def test_f_under_a_held_lock_changes_the_list_and_warns_once(db_path: Path) -> None:
    with Library(db_path) as library:
        app = NewsreaderApp(library)
        async with app.run_test(size=SIZE) as pilot:
            screen = app.screen
            assert isinstance(screen, ListScreen)
            with HeldLock(db_path):
                started = time.monotonic()
                await pilot.press("f", "f")
                answered = time.monotonic() - started
                assert screen.filter == "bookmarked", "the filter follows the keys at once"
                assert answered < BUSY_MS / 1000 / 2, f"f f took {answered:.2f} s"
                await wait_until(
                    pilot,
                    lambda: any("Settings not saved" in m for m in messages(app)),
                    "the warning that the filter is not remembered",
                )
                await wait_until(pilot, lambda: app.writes._queued == 0, "the writer to finish")
                assert sum("Settings not saved" in m for m in messages(app)) == 1
            await pilot.press("f")  # bookmarked -> all, with the library free again
            with Library(db_path) as other:
                assert other.get_state("ui.filter") == "all"
            assert app.is_running


async def test_read_only_library_f_b_m_notify_and_keep_the_app(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    make_library(path, count=8)
    with immutable(path), Library(path) as library:
        assert library.read_only
        app = NewsreaderApp(library)
        async with app.run_test(size=SIZE) as pilot:
            screen = app.screen
            assert isinstance(screen, ListScreen)
            listing = rows(app)
            first = listing.current
            assert first is not None and not first.read and not first.bookmarked
            await pilot.press("f")
            assert screen.filter == "unread"
            await pilot.press("b", "m")
            row = listing.current
            assert row is not None and not row.bookmarked and not row.read, "rows as stored"
            shown = messages(app)
            assert any(m.startswith("Bookmark not saved") and "read-only" in m for m in shown)
            assert any(m.startswith("Not marked read") and "read-only" in m for m in shown)
            assert sum("Settings not saved" in m for m in shown) == 1
            await pilot.press("f", "j")  # still taking keys; the settings warning is not repeated
            assert screen.filter == "bookmarked"
            assert sum("Settings not saved" in m for m in messages(app)) == 1
            assert app.is_running


def corrupt_pages(path: Path, pages: list[int]) -> None:
    """Garbage (an invalid b-tree page type) over whole pages of the file."""
    with sqlite3.connect(path) as db:
        size = db.execute("PRAGMA page_size").fetchone()[0]
    with path.open("r+b") as file:
        for page in pages:
            file.seek((page - 1) * size)
            file.write(b"\xff" * size)


def pages_of(path: Path, name: str, *, leaves: bool = False) -> list[int]:
    """The pages of one table or index, in key order (SQLite's `dbstat`)."""
    kind = " AND pagetype = 'leaf'" if leaves else ""
    with sqlite3.connect(path) as db:
        query = f"SELECT pageno FROM dbstat WHERE name = ?{kind} ORDER BY path"
        return [page for (page,) in db.execute(query, (name,))]


def corrupt_list_pages(path: Path, keep_first: int, keep_last: int) -> None:
    """Garbage over the date-order list index's leaf pages, but the first and last few.

    Those hold the newest and the oldest rows, so the list opens and its ends page
    in; paging into the middle reads a page SQLite calls malformed.
    """
    leaves = pages_of(path, "articles_list_by_date", leaves=True)
    assert len(leaves) > keep_first + keep_last + 10, len(leaves)
    corrupt_pages(path, leaves[keep_first:-keep_last])


async def test_paging_into_a_corrupt_region_notifies_and_keeps_the_app(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    make_library(path, count=3000)
    corrupt_list_pages(path, keep_first=8, keep_last=8)
    with Library(path) as library:
        with pytest.raises(StoreError, match="malformed"):
            library.seek(ListQuery(), 1500, limit=PAGE_SIZE)  # the store says what it is
        app = NewsreaderApp(library)
        async with app.run_test(size=SIZE) as pilot:
            listing = rows(app)
            assert listing.current is not None, "the newest rows are readable"
            for _ in range(12):
                await pilot.press("pagedown")
            await wait_until(
                pilot,
                lambda: any("malformed" in m for m in messages(app)),
                "the notification that the library could not be read",
            )
            failures = [m for m in messages(app) if "malformed" in m]
            assert len(failures) == 1, failures
            assert failures[0].startswith("Could not read the library")
            await pilot.press("G")  # the oldest rows are intact: the list still pages there
            assert listing.current is not None and listing.cursor == listing.row_count - 1
            await pilot.press("g")
            assert listing.current is not None and listing.cursor == 0
            assert app.is_running


def test_an_app_that_cannot_go_on_exits_non_zero(tmp_path: Path) -> None:
    """The installed command, in tmux: a library whose counts cannot be read at all
    ends the reader with Textual's traceback, and the exit status says it failed."""
    data = tmp_path / "data"
    path = data / "library.sqlite3"
    make_library(path, count=8)
    corrupt_pages(path, pages_of(path, "counters"))
    env = dict(os.environ)
    env["NEWSREADER_CONFIG_DIR"] = str(tmp_path / "config")
    env["TERM"] = "xterm-256color"
    env.pop("TMUX", None)
    tmux = Tmux(env)
    try:
        command = f"newsreader --data-dir {shlex.quote(str(data))}; echo exit status $?; sleep 30"
        tmux.start(["sh", "-c", command])
        screen = tmux.wait_for(lambda s: "exit status" in s, "newsreader to end")
        assert "exit status 1" in screen, screen
        assert "malformed" in screen, screen
    finally:
        tmux.kill()

"""End to end: the installed `newsreader` in a real terminal (tmux), relaunched.

Uses a private tmux server (`-L`, the `tmux` fixture in conftest.py) so it never touches
the user's sessions, and a data dir and config dir under tmp_path.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newsreader.store import Library
from support import FEATURE_TITLE, Tmux, build_library

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux not installed"),
    pytest.mark.skipif(shutil.which("newsreader") is None, reason="newsreader not installed"),
]


def test_open_find_bookmark_quit_relaunch(tmp_path: Path, tmux: Tmux) -> None:
    data = tmp_path / "data"
    build_library(data / "library.sqlite3", fillers=5).close()
    argv = ["newsreader", "--data-dir", str(data)]

    tmux.start(argv)
    tmux.wait_for(lambda s: FEATURE_TITLE in s and "Unread" in s, "the list")
    tmux.keys("Enter")
    tmux.wait_for(lambda s: "Key points" in s, "the reader")
    tmux.keys("/")
    tmux.type("stone")
    tmux.wait_for(lambda s: "1/4" in s, "the find counter")
    tmux.keys("Escape")
    tmux.wait_for(lambda s: "/4" not in s, "the find bar to close")
    tmux.keys("b")
    tmux.wait_for(lambda s: "★ bookmarked" in s, "the bookmark mark")
    tmux.keys("Escape")
    tmux.wait_for(lambda s: "Bookmarked 1" in s, "the list with the bookmark count")
    tmux.keys("q")
    tmux.wait_exit()

    with Library(data / "library.sqlite3") as library:
        [bookmarked] = library.page(_bookmarked())
        assert bookmarked.title == FEATURE_TITLE
        assert bookmarked.read

    tmux.start(argv)
    screen = tmux.wait_for(lambda s: "Bookmarked 1" in s, "the relaunched list")
    line = next(row for row in screen.splitlines() if FEATURE_TITLE in row)
    assert "★" in line

    # Typed at full speed right after `/`: every key lands in the search box
    # (a `q` reaching the list would quit the app).
    tmux.keys("/")
    tmux.type("quay")
    tmux.wait_for(lambda s: "quay" in s and "hit" in s, "the library search hits")
    tmux.keys("Escape")
    tmux.wait_for(lambda s: "Bookmarked 1" in s, "the list after clearing the search")
    tmux.keys("q")
    tmux.wait_exit()


def test_search_typed_while_the_app_starts(tmp_path: Path, tmux: Tmux) -> None:
    """`/quay` typed the moment the command is launched, before anything is drawn, is
    a search for "quay": no key is lost or runs a list command (`q` would quit, `u`
    and `a` would change the list)."""
    data = tmp_path / "data"
    build_library(data / "library.sqlite3", fillers=5).close()
    tmux.start(["newsreader", "--data-dir", str(data)])
    tmux.wait_raw_mode()  # before the first paint, however busy the machine
    tmux.keys("/")
    tmux.type("quay")
    screen = tmux.wait_for(lambda s: "quay" in s and "hit" in s, "the library search hits")
    assert tmux.alive()
    assert "Search" in screen.splitlines()[0]


def test_enter_and_find_typed_at_once(tmp_path: Path, tmux: Tmux) -> None:
    """`enter /stone` sent in one go opens the article and finds "stone" in it."""
    data = tmp_path / "data"
    build_library(data / "library.sqlite3", fillers=5).close()
    tmux.start(["newsreader", "--data-dir", str(data)])
    tmux.wait_for(lambda s: FEATURE_TITLE in s and "Unread" in s, "the list")
    tmux.send("Enter", "/")
    tmux.type("stone")
    screen = tmux.wait_for(lambda s: "Key points" in s and "/4" in s, "the reader's find counter")
    assert "hit" not in screen.splitlines()[0], "no library search"


def _bookmarked():
    from newsreader.store import ListQuery

    return ListQuery(filter="bookmarked")

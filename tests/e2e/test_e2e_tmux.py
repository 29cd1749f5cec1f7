"""End to end: the installed `newsreader` in a real terminal (tmux), relaunched.

Uses a private tmux server (`-L`) so it never touches the user's sessions, and a
data dir and config dir under tmp_path.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from newsreader.store import Library
from support import FEATURE_TITLE, build_library

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux not installed"),
    pytest.mark.skipif(shutil.which("newsreader") is None, reason="newsreader not installed"),
]

TIMEOUT = 15.0


class Tmux:
    def __init__(self, socket: str, env: dict[str, str]) -> None:
        self.socket = socket
        self.env = env
        self.session = "nr"

    def run(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, *args],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=10,
            check=False,
        )
        return result.stdout

    def start(self, argv: list[str]) -> None:
        self.run("new-session", "-d", "-s", self.session, "-x", "120", "-y", "40", *argv)

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.run("send-keys", "-t", self.session, key)
            time.sleep(0.05)

    def type(self, text: str) -> None:
        self.run("send-keys", "-t", self.session, "-l", text)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.session)

    def wait_for(self, predicate: Callable[[str], bool], what: str) -> str:
        deadline = time.monotonic() + TIMEOUT
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if predicate(text):
                return text
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; screen was:\n{text}")

    def wait_raw_mode(self) -> None:
        """Until the app has put its terminal in raw mode (keys sent earlier arrive
        cooked, a line at a time, which no terminal app can read as keys)."""
        tty = self.run("display-message", "-p", "-t", self.session, "#{pane_tty}").strip()
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            settings = subprocess.run(
                ["stty", "-F", tty, "-a"], capture_output=True, text=True, check=False
            ).stdout
            if "-icanon" in settings.split():
                return
            time.sleep(0.01)
        raise AssertionError("the app never switched its terminal to raw mode")

    def alive(self) -> bool:
        return bool(self.run("list-sessions").strip())

    def wait_exit(self) -> None:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline and self.alive():
            time.sleep(0.1)
        assert not self.alive(), "newsreader did not quit"

    def kill(self) -> None:
        self.run("kill-server")


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    env = dict(os.environ)
    env["NEWSREADER_CONFIG_DIR"] = str(tmp_path / "config")
    env["TERM"] = "xterm-256color"
    env.pop("TMUX", None)
    server = Tmux(f"newsreader-test-{uuid.uuid4().hex[:8]}", env)
    yield server
    server.kill()


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
    tmux.wait_for(lambda s: "1/4" in s or "/4" in s, "the find counter")
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
    tmux.run("send-keys", "-t", tmux.session, "Enter", "/")
    tmux.type("stone")
    screen = tmux.wait_for(lambda s: "Key points" in s and "/4" in s, "the reader's find counter")
    assert "hit" not in screen.splitlines()[0], "no library search"


def _bookmarked():
    from newsreader.store import ListQuery

    return ListQuery(filter="bookmarked")

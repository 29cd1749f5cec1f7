"""The pre-painted first screen (`ui/prepaint.py`) in a real terminal (tmux, private socket).

The pre-paint must be the screen Textual then draws, cell by cell (so the
handover neither flickers nor jumps), keys typed meanwhile must reach the app,
and every case it cannot reproduce, or a failure inside it, must leave the
terminal as the normal path would.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsreader.store import Library
from newsreader.ui import prepaint as pp
from newsreader.ui import prepaint_layout, prepaint_terminal
from support import FEATURE_TITLE, Tmux, build_library, filler_article

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux not installed"),
    pytest.mark.skipif(shutil.which("newsreader") is None, reason="newsreader not installed"),
]

HOLD = """
import sys, time
from pathlib import Path
from newsreader.store import Library
from newsreader.ui.prepaint import prepaint

library = Library(sys.argv[1])
painted = prepaint(library, Path(sys.argv[2]))
time.sleep(float(sys.argv[3]))
if painted is not None:
    painted.restore()
print("painted" if painted is not None else "normal path")
time.sleep(60)
"""
"""Pre-paints and holds the screen (as if Textual were slow to load), then says what it did."""

Cell = tuple[str, object, object, bool, bool]
SGR = re.compile(r"\x1b\[([0-9;]*)m")


def cells(text: str) -> list[list[Cell]]:
    """`capture-pane -e` output as (char, fg, bg, bold, reverse) per cell; fg only where seen.

    tmux writes each style change from the previous cell on, across line ends, so the
    state carries from one line to the next.
    """
    screen = []
    fg: object = None
    bg: object = None
    bold = reverse = False
    for raw in text.split("\n"):
        line: list[Cell] = []
        pos = 0
        for match in SGR.finditer(raw):
            for char in raw[pos : match.start()]:
                line.append((char, fg if char != " " else None, bg, bold, reverse))
            pos = match.end()
            codes = [int(c) if c else 0 for c in match.group(1).split(";")]
            i = 0
            while i < len(codes):
                code = codes[i]
                if code == 0:
                    fg = bg = None
                    bold = reverse = False
                elif code == 1:
                    bold = True
                elif code == 22:
                    bold = False
                elif code == 7:
                    reverse = True
                elif code == 27:
                    reverse = False
                elif code == 39:
                    fg = None
                elif code == 49:
                    bg = None
                elif code in (38, 48):
                    kind = codes[i + 1]
                    value = tuple(codes[i + 2 : i + 5]) if kind == 2 else codes[i + 2]
                    i += 4 if kind == 2 else 2
                    if code == 38:
                        fg = value
                    else:
                        bg = value
                i += 1
        for char in raw[pos:]:
            line.append((char, fg if char != " " else None, bg, bold, reverse))
        # tmux drops trailing default-coloured blanks: compare up to the last drawn cell
        while line and line[-1][0] == " " and line[-1][2] is None:
            line.pop()
        screen.append(line)
    while screen and not screen[-1]:
        screen.pop()
    return screen


def capture(tmux: Tmux) -> str:
    return tmux.run("capture-pane", "-p", "-e", "-t", tmux.session).stdout


def tty_settings(tmux: Tmux) -> list[str]:
    tty = tmux.run("display-message", "-p", "-t", tmux.session, "#{pane_tty}").stdout.strip()
    return subprocess.run(
        ["stty", "-F", tty, "-a"], capture_output=True, text=True, check=False
    ).stdout.split()


def scrolled_library(data: Path) -> tuple[Path, int]:
    """70 articles, some read or bookmarked, the last one opened far down the list."""
    path = data / "library.sqlite3"
    library = build_library(path, fillers=40)
    library.add_articles([filler_article(n) for n in range(40, 67)])
    rows = library.page(limit=100)
    library.set_read([row.id for row in rows[::3]])
    library.set_bookmarked([row.id for row in rows[::5]])
    library.set_state("ui.last_article", rows[50].id)
    library.close()
    return path, len(rows)


def feeds_library(data: Path, *, scope: dict[str, object] | None = None, many: int = 0) -> Path:
    """Subscriptions for the sidebar: a folder of two feeds, a failed feed, a title too long
    for the sidebar, unread counts; `many` more feeds make the sidebar scroll; `scope` is the
    sidebar entry the list was narrowed to when last closed."""
    path = data / "library.sqlite3"
    library = Library(path)
    library.add_feed("http://feeds.example/harbour", title="Harbour Gazette", tags=["News"])
    library.add_feed("http://feeds.example/quay", title="Quay Weekly", tags=["News"])
    library.add_feed("http://feeds.example/long", title="Loose Feed with a title far too long")
    library.add_feed("http://feeds.example/broken", title="Broken Feed")
    for n in range(many):
        library.add_feed(f"http://feeds.example/{n}", title=f"Extra feed {n:02d}")
    ids = {feed.title: feed.id for feed in library.feeds()}
    library.record_fetch(ids["Harbour Gazette"], articles=[filler_article(n) for n in range(50)])
    library.record_fetch(
        ids["Loose Feed with a title far too long"],
        articles=[filler_article(n) for n in range(50, 70)],
    )
    library.record_fetch(ids["Broken Feed"], error="HTTP 500")
    rows = library.page(limit=100)
    library.set_read([row.id for row in rows[::3]])
    library.set_bookmarked([row.id for row in rows[::5]])
    library.set_state("ui.last_article", rows[45].id)
    if scope is not None:
        value = scope.get("feed")
        library.set_state(
            "ui.feed_scope", {"feed": ids[value]} if isinstance(value, str) else scope
        )
    library.close()
    return path


SCREENS = {
    "list": (lambda data: scrolled_library(data)[0], 120, "51/70"),
    "sidebar": (lambda data: feeds_library(data), 120, "46/70"),
    "folder": (lambda data: feeds_library(data, scope={"folder": "News"}), 120, "26/50"),
    "feed": (
        lambda data: feeds_library(data, scope={"feed": "Loose Feed with a title far too long"}),
        120,
        "1/20",
    ),
    "sidebar scrolls": (lambda data: feeds_library(data, many=60), 120, "46/70"),
    "narrowed, no sidebar": (
        lambda data: feeds_library(data, scope={"folder": "News"}),
        90,
        "26/50",
    ),
    "sidebar at 100 columns": (lambda data: feeds_library(data), 100, "46/70"),
}


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("colorterm", ["truecolor", ""])
def test_prepaint_is_the_screen_textual_draws(
    tmp_path: Path, tmux: Tmux, colorterm: str, screen: str
) -> None:
    """Cell by cell, characters and colours (24-bit and 256), with the list scrolled; with
    the feeds sidebar (folders, counts, a failed feed, its scrollbar) and narrowed lists."""
    build, width, position = SCREENS[screen]
    tmux.env["COLORTERM"] = colorterm
    path = build(tmp_path / "data")
    config = tmp_path / "config" / "config.toml"
    # A second session keeps the server up between the two runs (a server
    # exiting while the next client connects fails the start).
    tmux.run("new-session", "-d", "-s", "keepalive", "sleep 600")
    _start_hold(tmux, path, config, width=width)
    tmux.wait_for(lambda s: position in s or "normal path" in s, "the pre-painted screen")
    before = capture(tmux)
    tmux.run("kill-session", "-t", tmux.session)

    tmux.start(["newsreader", "--data-dir", str(path.parent)], width=width)
    tmux.wait_for(lambda s: position in s, "the list")
    time.sleep(1.0)  # the reader is prepared at 0.4 s; the list must not change for it
    after = capture(tmux)
    assert position in before
    assert cells(before) == cells(after)


def _start_hold(
    tmux: Tmux,
    path: Path,
    config: Path,
    *,
    seconds: float = 30,
    env: dict[str, str] | None = None,
    **size: int,
) -> None:
    """Pre-paint in tmux and hold the screen; `env` is set in the pane (tmux sets TERM)."""
    hold = path.parent / "hold.py"
    hold.write_text(HOLD)
    assignments = [f"{key}={value}" for key, value in (env or {}).items()]
    command = [sys.executable, str(hold), str(path), str(config), str(seconds)]
    tmux.start(["env", *assignments, *command], **size)


def start_on_the_prepainted_list(tmp_path: Path, tmux: Tmux) -> str:
    """Launch on an 8-article library and wait for the pre-painted list; the third title."""
    data = tmp_path / "data"
    library = build_library(data / "library.sqlite3", fillers=5)
    third = library.page(limit=3)[2].title
    library.close()
    tmux.start(["newsreader", "--data-dir", str(data)])
    tmux.wait_for(lambda s: FEATURE_TITLE in s, "the pre-painted list")
    return third


def test_keys_typed_during_start_reach_the_app(tmp_path: Path, tmux: Tmux) -> None:
    """`j j` typed as soon as the pre-painted list shows move the cursor, unechoed; then
    an `enter` typed the same way opens the article under it."""
    third = start_on_the_prepainted_list(tmp_path, tmux)
    tmux.keys("j", "j")
    screen = tmux.wait_for(lambda s: "3/8" in s, "the cursor on the third row")
    assert "jj" not in screen and "j j" not in screen  # nothing echoed over the list
    tmux.keys("Enter")
    screen = tmux.wait_for(lambda s: "‹" in s, "the reader")
    assert third in screen
    tmux.keys("Escape")
    tmux.wait_for(lambda s: "3/8" in s, "the list again")
    tmux.keys("q")
    tmux.wait_exit()


def test_a_burst_typed_during_start_is_handled_in_order(tmp_path: Path, tmux: Tmux) -> None:
    """`j j enter` typed in one burst as soon as the pre-painted list shows: the cursor
    moves twice, then Enter opens the third article (not the first)."""
    third = start_on_the_prepainted_list(tmp_path, tmux)
    tmux.send("j", "j", "Enter")
    screen = tmux.wait_for(lambda s: "‹" in s, "the reader")
    assert third in screen
    tmux.keys("Escape")
    tmux.wait_for(lambda s: "3/8" in s, "the list again, the cursor on the third row")
    tmux.keys("q")
    tmux.wait_exit()


def test_enter_typed_during_start_opens_the_first_article(tmp_path: Path, tmux: Tmux) -> None:
    """An Enter in the tty before Textual reads it arrives as `enter`, not a newline."""
    data = tmp_path / "data"
    build_library(data / "library.sqlite3", fillers=5).close()
    tmux.start(["newsreader", "--data-dir", str(data)])
    tmux.wait_for(lambda s: FEATURE_TITLE in s, "the pre-painted list")
    tmux.send("Enter")
    screen = tmux.wait_for(lambda s: "‹" in s, "the reader")
    assert FEATURE_TITLE in screen
    tmux.keys("Escape")
    tmux.wait_for(lambda s: "1/8" in s, "the list again")
    tmux.keys("q")
    tmux.wait_exit()


@pytest.mark.parametrize(
    ("env", "size", "why"),
    [
        ({"TERM": "dumb"}, {}, "TERM=dumb"),
        ({"NO_COLOR": "1"}, {}, "NO_COLOR"),
        ({"LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": "ascii"}, {}, "non-UTF-8 locale"),
        ({}, {"width": 60, "height": 20}, "too narrow"),
    ],
)
def test_normal_path_where_it_cannot_reproduce_the_screen(
    tmp_path: Path, tmux: Tmux, env: dict[str, str], size: dict[str, int], why: str
) -> None:
    path, _ = scrolled_library(tmp_path / "data")
    _start_hold(tmux, path, tmp_path / "config" / "config.toml", seconds=0, env=env, **size)
    screen = tmux.wait_for(lambda s: "painted" in s or "normal path" in s, why)
    assert "normal path" in screen, why
    settings = tty_settings(tmux)
    assert "icanon" in settings and "echo" in settings


def test_other_theme_takes_the_normal_path(tmp_path: Path, tmux: Tmux) -> None:
    path, _ = scrolled_library(tmp_path / "data")
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('theme = "nord"\n')
    _start_hold(tmux, path, config, seconds=0)
    screen = tmux.wait_for(lambda s: "painted" in s or "normal path" in s, "the outcome")
    assert "normal path" in screen


def test_hold_then_restore_leaves_the_terminal_as_it_was(tmp_path: Path, tmux: Tmux) -> None:
    path, _ = scrolled_library(tmp_path / "data")
    _start_hold(tmux, path, tmp_path / "config" / "config.toml", seconds=0.5)
    tmux.wait_for(lambda s: "/70" in s, "the pre-painted screen")
    assert "-icanon" in tty_settings(tmux)
    screen = tmux.wait_for(lambda s: "painted" in s, "the normal screen back")
    assert "/70" not in screen
    settings = tty_settings(tmux)
    assert "icanon" in settings and "echo" in settings


CRASH_IN_PREPAINT = """
import os, sys
from pathlib import Path
from newsreader.store import Library
from newsreader.ui import prepaint as pp

real_write = os.write
def broken_write(fd, data):
    raise OSError("injected")
pp.os.write = broken_write
library = Library(sys.argv[1])
print("result:", pp.prepaint(library, None))
os.write = real_write
import time; time.sleep(60)
"""

CRASH_IN_APP = """
import sys
from pathlib import Path
from newsreader.store import Library
from newsreader.ui import app, launch

class Broken(app.NewsreaderApp):
    def __init__(self, *args, **kwargs):
        raise RuntimeError("injected start-up failure")

app.NewsreaderApp = Broken
library = Library(sys.argv[1])
try:
    launch.run(library, config_path=Path(sys.argv[2]))
except RuntimeError as exc:
    print("caught:", exc)
import time; time.sleep(60)
"""


@pytest.mark.parametrize("script", [CRASH_IN_PREPAINT, CRASH_IN_APP], ids=["prepaint", "app"])
def test_a_failure_leaves_the_terminal_usable(tmp_path: Path, tmux: Tmux, script: str) -> None:
    """Input modes back (echo, lines), the normal screen shown, the error visible."""
    path, _ = scrolled_library(tmp_path / "data")
    crash = tmp_path / "crash.py"
    crash.write_text(script)
    config = tmp_path / "config" / "config.toml"
    tmux.start([sys.executable, str(crash), str(path), str(config)])
    screen = tmux.wait_for(lambda s: "result:" in s or "caught:" in s, "the failure reported")
    assert "/70" not in screen  # the alternate screen was left
    assert "result: None" in screen or "injected start-up failure" in screen
    settings = tty_settings(tmux)
    assert "icanon" in settings and "echo" in settings and "icrnl" in settings


def test_pre_paint_is_skipped_without_a_terminal(tmp_path: Path) -> None:
    """Under pytest stdin is not a terminal: the normal path, nothing written."""
    path, _ = scrolled_library(tmp_path / "data")
    with Library(path) as library:
        assert pp.prepaint(library, None) is None


@pytest.mark.parametrize(
    ("size", "virtual", "position"),
    [(38, 70, 0), (38, 70, 13), (38, 70, 32), (38, 10_000, 0), (38, 100_000, 5_000), (38, 30, 0)],
)
def test_scrollbar_is_textuals(size: int, virtual: int, position: int) -> None:
    from rich.color import Color
    from textual.scrollbar import ScrollBarRender

    back, bar = Color.parse("#000000"), Color.parse("#003054")
    window = size if size < virtual else 0
    theirs = ScrollBarRender.render_bar(
        size, virtual, window, position, 2, True, back_color=back, bar_color=bar
    )
    segments = [s for s in theirs.segments if s.text != "\n"]
    expected = []
    for segment in segments:
        style = segment.style
        assert style is not None
        if style.reverse and segment.text.strip():
            look = "thumb-bottom"
        elif style.reverse:
            look = "thumb"
        elif segment.text.strip():
            look = "thumb-top"
        else:
            look = "track"
        expected.append((segment.text[0], look))
    assert prepaint_layout.scrollbar(size, virtual, position) == expected


def test_256_colours_are_richs() -> None:
    from rich.color import Color, ColorSystem

    for look in prepaint_terminal.LOOKS.values():
        for rgb in (look.fg, look.bg):
            rich = Color.from_rgb(*rgb).downgrade(ColorSystem.EIGHT_BIT)
            assert prepaint_terminal.eight_bit(rgb) == rich.number, rgb


@pytest.mark.parametrize(
    ("scope", "many"),
    [({"feed": "Broken Feed"}, 0), ({"feed": "Extra feed 59"}, 60)],
    ids=["failed feed", "entry below the sidebar's first screen"],
)
def test_scopes_it_cannot_reproduce_take_the_normal_path(
    tmp_path: Path, scope: dict[str, object], many: int
) -> None:
    """The sidebar's error line under a failed feed, and a sidebar scrolled to its entry."""
    path = feeds_library(tmp_path / "data", scope=scope, many=many)
    with Library(path) as library:
        assert pp.plan(library, None, 120, 40) is None
        library.set_state("ui.feed_scope", None)
        assert pp.plan(library, None, 120, 40) is not None


def test_furniture_is_one_cell_a_character_in_richs_table() -> None:
    from rich.cells import cell_len

    for char in prepaint_layout.NARROW:
        assert cell_len(char) == 1, char
    assert prepaint_layout.cells("⏎ Open · ●★…") == cell_len("⏎ Open · ●★…")

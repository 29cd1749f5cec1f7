"""One test per wrapper in `newsreader.ui.compat`: what each private Textual/Rich API must
still do. After a Textual or Rich upgrade, run this file first: a failure names the private
call whose behaviour changed, and the docstring of its wrapper says what depends on it."""

from __future__ import annotations

import asyncio
import time
from itertools import pairwise
from pathlib import Path

import pytest
from rich.console import Console
from rich.text import Text
from textual.app import App, ComposeResult
from textual.constants import MAX_FPS
from textual.events import ScreenResume
from textual.geometry import Size
from textual.pilot import Pilot
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.widgets import Label

from newsreader.ui import compat

pytestmark = pytest.mark.anyio


class Probe(ScrollView):
    """A scroll view as the list and the reader are: virtual height, vertical scrollbar."""

    DEFAULT_CSS = "Probe { height: 1fr; overflow-y: auto; }"


class ProbeApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Probe()


class OffScreen(Screen[None]):
    """A screen built but not shown, as the reader is before the first Enter."""

    def compose(self) -> ComposeResult:
        yield Label("probe", id="probe")


class Restyled(Screen[None]):
    """Counts how often Textual re-applies the stylesheet to it when it is resumed."""

    skip = False

    def __init__(self) -> None:
        super().__init__()
        self.restyles = 0

    def update_node_styles(self, animate: bool = True) -> None:
        self.restyles += 1
        super().update_node_styles(animate=animate)

    def on_screen_resume(self, event: ScreenResume) -> None:
        if self.skip:
            compat.skip_restyle_on_resume(event)


@pytest.mark.parametrize(
    "text",
    [
        "The quick brown fox jumps over the lazy dog",
        "日本語のテキストを折り返す 日本語のテキスト",
        "averyveryverylongwordthatmustbefolded and then some",
        "Café crème — naïve façade, déjà vu",
    ],
)
@pytest.mark.parametrize("width", [5, 12, 30])
def test_divide_line_breaks_where_rich_wraps_text(text: str, width: int) -> None:
    offsets = compat.divide_line(text, width)
    bounds = [0, *offsets, len(text)]
    ours = [text[start:end].rstrip() for start, end in pairwise(bounds)]
    console = Console(width=width, file=None, legacy_windows=False)
    rich_lines = [line.plain.rstrip() for line in Text(text).wrap(console, width, no_wrap=False)]
    assert ours == rich_lines
    assert all(0 < offset < len(text) for offset in offsets)


async def test_css_generation_moves_when_the_theme_changes() -> None:
    app = ProbeApp()
    async with app.run_test(size=(40, 10)) as pilot:
        before = compat.css_generation(app)
        assert isinstance(before, int)
        await pilot.pause()
        assert compat.css_generation(app) == before, "nothing changed the CSS"
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        assert compat.css_generation(app) > before


@pytest.mark.parametrize("skip", [False, True])
async def test_skip_restyle_on_resume_stops_the_screen_restyling(skip: bool) -> None:
    app = ProbeApp()
    async with app.run_test(size=(40, 10)) as pilot:
        screen = Restyled()
        screen.skip = skip
        app.install_screen(screen, "restyled")
        app.push_screen("restyled")
        await pilot.pause()
        app.pop_screen()
        await pilot.pause()
        screen.restyles = 0
        app.push_screen("restyled")  # the second push is what the reader saves
        await pilot.pause()
        assert app.screen is screen
        if skip:
            assert screen.restyles == 0, "Screen no longer reads refresh_styles after our handler"
        else:
            assert screen.restyles > 0, "Screen no longer restyles on resume: skipping is moot"


async def test_load_screen_css_reads_the_screens_stylesheet(tmp_path: Path) -> None:
    css = tmp_path / "probe.tcss"
    css.write_text("#probe { width: 7; }\n", encoding="utf-8")
    styled = type("Styled", (OffScreen,), {"CSS_PATH": str(css)})
    app = ProbeApp()
    async with app.run_test(size=(40, 10)):
        screen = styled()
        assert not app.stylesheet.has_source(str(css), "")
        compat.load_screen_css(app, screen)
        assert app.stylesheet.has_source(str(css), "")


async def test_start_installed_screen_composes_it_without_showing_it() -> None:
    app = ProbeApp()
    async with app.run_test(size=(40, 10)) as pilot:
        shown = app.screen
        screen = OffScreen()
        app.install_screen(screen, "off")
        assert not screen.is_running
        compat.start_installed_screen(app, "off")
        await pilot.pause()
        assert screen.is_running and screen.is_mounted
        assert screen.query_one("#probe", Label).is_mounted
        assert app.screen is shown


async def started_off_screen(app: ProbeApp, pilot: Pilot[None]) -> OffScreen:
    """An `OffScreen` installed and started (composed, mounted) but never shown."""
    screen = OffScreen()
    app.install_screen(screen, "off")
    compat.start_installed_screen(app, "off")
    await pilot.pause()
    return screen


async def test_lay_out_screen_sizes_a_screen_that_is_not_shown() -> None:
    app = ProbeApp()
    async with app.run_test(size=(40, 10)) as pilot:
        screen = await started_off_screen(app, pilot)
        label = screen.query_one("#probe", Label)
        label.styles.width = "100%"
        await pilot.pause()
        assert label.region.width == 0, "Textual lays out only the current screen"
        assert screen._layout_required, "the change waits for the screen to be shown"
        compat.lay_out_screen(screen, Size(50, 12))
        assert label.region.width == 50
        assert not screen._layout_required, "laid out: showing it needs no second layout"
        assert app.screen is not screen


async def test_layout_pending_says_a_hidden_screen_waits_for_a_layout() -> None:
    app = ProbeApp()
    async with app.run_test(size=(40, 10)) as pilot:
        screen = await started_off_screen(app, pilot)
        compat.lay_out_screen(screen, Size(40, 10))
        assert not compat.layout_pending(screen)
        await screen.mount(Label("late", id="late"))  # as the reader's scrollbar, after its layout
        await pilot.pause()
        late = screen.query_one("#late", Label)
        assert compat.layout_pending(screen), "a widget mounted since asks for another layout"
        assert not late.region, "and it is not placed until then"
        compat.lay_out_screen(screen, Size(40, 10))
        assert not compat.layout_pending(screen)
        assert late.region


async def test_hide_toast_rack_hides_what_showing_the_screen_would() -> None:
    app = ProbeApp()
    async with app.run_test(size=(40, 10), notifications=True) as pilot:
        screen = await started_off_screen(app, pilot)
        (rack,) = screen.query(compat.TOAST_RACK)
        assert not rack.styles.inline.has_rule("display"), "left to its CSS until first shown"
        compat.hide_toast_rack(screen)
        assert not rack.display
        app.push_screen("off")
        await pilot.pause()
        assert not rack.display, "no notifications: shown screens keep it hidden"
        app.pop_screen()
        await pilot.pause()
        app.notify("hello")
        app.push_screen("off")
        await pilot.pause()
        assert rack.display, "a notification shows it again when the screen is shown"


class Ticking(OffScreen):
    """Notes when its update timer ticks (the tick that lays out and paints a shown screen)."""

    def __init__(self) -> None:
        super().__init__()
        self.ticks: list[float] = []

    def _on_timer_update(self) -> None:
        self.ticks.append(time.monotonic())
        super()._on_timer_update()


async def _first_tick_after_push(app: App[None], pilot: Pilot[None], screen: Ticking) -> float:
    """Seconds from pushing `screen` to its update timer's first tick after it."""
    screen.ticks.clear()
    pushed = time.monotonic()
    app.push_screen(screen)
    while not screen.ticks:
        await asyncio.sleep(0.001)
    assert app.screen is screen
    first = screen.ticks[0] - pushed
    app.pop_screen()
    await pilot.pause()
    return first


async def test_start_update_timer_lets_the_first_frame_of_a_hidden_screen_go_at_once() -> None:
    period = 1 / MAX_FPS
    app = ProbeApp()
    async with app.run_test(size=(40, 10)) as pilot:
        cold, warm = Ticking(), Ticking()
        for name, screen in (("cold", cold), ("warm", warm)):
            app.install_screen(screen, name)
            compat.start_installed_screen(app, name)
        await pilot.pause()
        for screen in (cold, warm):
            compat.lay_out_screen(screen, Size(40, 10))  # makes the timer, paused
        compat.start_update_timer(warm)
        await pilot.pause(3 * period)
        assert warm.ticks and not cold.ticks, "it ticks once, hidden; the other never ran"
        assert app.screen is not warm, "starting the timer shows nothing"
        waited = await _first_tick_after_push(app, pilot, cold)
        assert waited >= 0.9 * period, "Textual's timer no longer waits a period on its first run"
        assert await _first_tick_after_push(app, pilot, warm) < waited


async def test_update_scrollbars_shows_the_scrollbar_at_once() -> None:
    app = ProbeApp()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        probe = app.query_one(Probe)
        assert not probe.show_vertical_scrollbar
        probe.virtual_size = Size(20, 500)
        compat.update_scrollbars(probe)  # no layout, no pause: now
        assert probe.show_vertical_scrollbar
        assert probe.vertical_scrollbar.window_virtual_size == 500


async def test_existing_vertical_scrollbar_is_the_one_textual_uses() -> None:
    app = ProbeApp()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        probe = app.query_one(Probe)
        assert compat.existing_vertical_scrollbar(probe) is None, "nothing needed one yet"
        bar = probe.vertical_scrollbar  # Textual's own property creates it
        assert compat.existing_vertical_scrollbar(probe) is bar


class OwnBar(ScrollBar):
    """A scrollbar of our own class, as `LeanScrollBar` is."""


async def test_attach_vertical_scrollbar_makes_textual_use_our_bar() -> None:
    app = ProbeApp()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        probe = app.query_one(Probe)
        bar = OwnBar(vertical=True, name="vertical")
        compat.attach_vertical_scrollbar(probe, bar)
        assert probe.vertical_scrollbar is bar
        probe.virtual_size = Size(20, 500)
        await pilot.pause()
        assert bar.is_running and bar.parent is probe
        assert probe.show_vertical_scrollbar and bar.display
        assert bar.region.height == probe.region.height and bar.region.width >= 1
        probe.scroll_to(y=100, animate=False, immediate=True)
        await pilot.pause()
        assert bar.position == 100, "Textual moves the attached bar as the view scrolls"


def test_prepainted_driver_relies_on_linux_driver_start() -> None:
    """`prepainted_driver`: the alternate screen is entered by one exact write, the modes
    to restore are kept in `attrs_before`, and stopping restores them from there."""
    import inspect

    from textual.drivers.linux_driver import LinuxDriver

    start = inspect.getsource(LinuxDriver.start_application_mode)
    assert 'self.write("\\x1b[?1049h")' in start
    assert "self.attrs_before = termios.tcgetattr" in start
    assert "self.attrs_before" in inspect.getsource(LinuxDriver.stop_application_mode)
    assert compat.ALT_SCREEN == "\x1b[?1049h"

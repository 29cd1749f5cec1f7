"""Every use of a private Textual or Rich API, in one place.

Why: the list and the reader are fast because they skip or pre-run steps
Textual keeps to itself (see `ui/widgets/direct_paint.py`,
`NewsreaderApp.prepare_reader`, `ReaderScreen.on_screen_resume`). A Textual
or Rich upgrade may rename or change any of them without notice, so none is
touched anywhere else: each has a named wrapper here saying what it relies on,
and `tests/ui/test_compat.py` has one test per wrapper that fails when an
upgrade changes that. After an upgrade, run that file first.

Checked against Textual 8.2 and Rich 15. The wrappers are plain calls (no
checks, no copies): several run on every key press or every opened article.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from rich._wrap import divide_line as _divide_line

if TYPE_CHECKING:
    from textual import events
    from textual.app import App
    from textual.driver import Driver
    from textual.geometry import Size
    from textual.screen import Screen
    from textual.scrollbar import ScrollBar
    from textual.widget import Widget


# -- Rich ---------------------------------------------------------------------


def divide_line(text: str, width: int, *, fold: bool = True) -> list[int]:
    """Offsets at which Rich would break `text` (no newlines) to fit `width` cells.

    Relies on `rich._wrap.divide_line(text, width, fold)`, the word wrapper
    behind `Text.wrap`. The reader wraps its text itself (as offsets into the
    article, so find and scrolling need no re-render) and must break lines
    exactly where Rich would for text with wide or combining characters.
    """
    return _divide_line(text, width, fold=fold)


# -- styles -------------------------------------------------------------------


def css_generation(app: App[Any]) -> int:
    """A number that changes whenever the app's CSS is invalidated (theme or stylesheet change).

    Relies on `App._css_update_count`, which `App._invalidate_css` increments.
    The reused reader screen keeps its widgets' styles between articles
    unless this moved since it last styled them.
    """
    return app._css_update_count


def skip_restyle_on_resume(event: events.ScreenResume) -> None:
    """Stop `Screen` re-applying the stylesheet to all its widgets for this resume.

    Relies on `events.ScreenResume.refresh_styles` being read by
    `Screen._on_screen_resume` *after* a subclass's own `on_screen_resume`
    handler ran (Textual dispatches the most derived class's handler first).
    Restyling every widget was a quarter of opening an article.
    """
    event.refresh_styles = False


# -- screens ------------------------------------------------------------------


def load_screen_css(app: App[Any], screen: Screen[Any]) -> None:
    """Read `screen`'s `CSS_PATH`/`CSS` into the app's stylesheet now, not when it is pushed.

    Relies on `App._load_screen_css(screen)`, the step `push_screen` and
    `install_screen` take for a screen's own stylesheet. Used to build the
    reader before the user first opens an article.
    """
    app._load_screen_css(screen)


def start_installed_screen(app: App[Any], name: str) -> None:
    """Start (compose and mount) the installed screen `name` without showing it.

    Relies on `App._get_screen(name)`, the step of `push_screen` that
    registers an installed screen that is not running yet. Done while the
    user looks at the list, the first article opens as fast as the next ones.
    """
    app._get_screen(name)


def lay_out_screen(screen: Screen[Any], size: Size) -> None:
    """Lay `screen` out at `size` now, even while another screen is shown.

    Relies on `Screen._refresh_layout(size)`, which sizes and places every
    widget of the screen (Textual calls it only for the current screen), and
    on `Screen._layout_required`, the flag its update timer lays it out for:
    cleared as that timer clears it after its own layout. Otherwise a layout
    asked for while the screen was hidden (an article prepared off screen)
    would be done again, and the screen drawn twice, when it is shown.
    """
    screen._refresh_layout(size)
    screen._layout_required = False


def layout_pending(screen: Screen[Any]) -> bool:
    """Whether `screen` waits to be laid out again (a widget mounted or resized since).

    Relies on `Screen._layout_required`, the flag `Widget.refresh(layout=True)`
    sets on the screen and its update timer clears after laying it out. A
    widget whose mount finishes after the reader was laid out off screen (the
    article's scrollbar) sets it again: left set, the first Enter lays the
    whole screen out before its first frame.
    """
    return screen._layout_required


TOAST_RACK = "#textual-toastrack"
"""The id of the notification area Textual composes into every screen."""


def hide_toast_rack(screen: Screen[Any]) -> None:
    """Hide `screen`'s notification area now, as showing the screen without notifications would.

    Relies on Textual composing a `ToastRack` with id `textual-toastrack` into
    every screen (with notifications on), its display left to its CSS until
    `App._refresh_notifications` (run when a screen is resumed) sets it from
    whether there are notifications. Setting it the first time asks for a
    layout, so the first Enter laid the reader out again right after its
    first frame. Never hides a notification: each resume sets it again.
    """
    for rack in screen.query(TOAST_RACK):
        rack.display = False


def start_update_timer(screen: Screen[Any]) -> None:
    """Start `screen`'s update timer now, while it is not shown, so its first frame is not late.

    Relies on `Screen._update_timer`, the paused interval timer (one tick per
    `1 / MAX_FPS` seconds) whose tick lays out and paints a screen's changes,
    and on how `Timer._run` counts: a timer made paused starts its clock when
    first resumed and then sleeps a whole period before its first tick, while
    one that has ticked before ticks at once when resumed. The reader is laid
    out off screen, so its timer was never resumed: the first Enter waited a
    whole period for its first frame. Resumed here, it ticks once (not the
    current screen: the tick only pauses it again) and the first Enter finds
    it as every later one does.
    """
    screen._update_timer.resume()


# -- scroll views -------------------------------------------------------------


def update_scrollbars(widget: Widget) -> None:
    """Show or hide `widget`'s scrollbars and size them for its `virtual_size` now.

    Relies on `Widget._scroll_update(virtual_size)`, which Textual otherwise
    runs at the next layout: doing it at once saves the reader a second and
    third layout when a new article's scrollbar appears or disappears.
    """
    widget._scroll_update(widget.virtual_size)


def existing_vertical_scrollbar(widget: Widget) -> ScrollBar | None:
    """`widget`'s vertical scrollbar if it was created, else None (never creates one).

    Relies on `Widget._vertical_scrollbar`, the slot `Widget.vertical_scrollbar`
    fills on first use; Textual has no hook for the scrollbar's class.
    """
    return widget._vertical_scrollbar


def attach_vertical_scrollbar(widget: Widget, bar: ScrollBar) -> None:
    """Make `bar` (hidden at first) `widget`'s vertical scrollbar, started like Textual's own.

    Relies on `Widget._vertical_scrollbar` (what Textual lays out and moves
    as the widget's scrollbar) and `App._start_widget(parent, widget)`, the
    two steps of `Widget.vertical_scrollbar` after it builds a `ScrollBar`.
    Lets the list and the reader use a cheaper scrollbar class.
    """
    bar.display = False
    widget._vertical_scrollbar = bar
    widget.app._start_widget(widget, bar)


# -- the terminal -------------------------------------------------------------


class PrePainted(Protocol):
    """What the driver needs of `ui/prepaint.PrePaint` (the store must not reach widgets)."""

    attrs: list[Any] | None
    taken_over: bool


ALT_SCREEN = "\x1b[?1049h"
HOLD_LIMIT = 1.0
"""Seconds a pre-painted screen waits at most for the app's own first full frame."""


def prepainted_driver(painted: PrePainted) -> tuple[type[Driver], Callable[[], None]]:
    """A driver that takes over a screen `ui/prepaint.py` drew, and the call that shows frames.

    Relies on three things `LinuxDriver.start_application_mode` does: it
    enters the alternate screen with exactly one `write("\\x1b[?1049h")`
    (skipped the first time: some terminals clear the screen on it even when
    already there), it records the terminal's modes in `attrs_before` for
    `stop_application_mode` and suspend to put back (replaced by the modes
    from before the pre-paint, which had already changed them), and every
    frame goes through `write`. Frames are held from the start until the call
    returned here runs (the list screen's first settle, once its rows are
    drawn), until the app stops, or for `HOLD_LIMIT` seconds: Textual's very
    first frame has the list still empty, which would blank the pre-painted rows.
    """
    from textual.drivers.linux_driver import LinuxDriver

    drivers: list[PrePaintedDriver] = []

    class PrePaintedDriver(LinuxDriver):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._skip_alt_screen = not drivers
            self._held: list[str] | None = None
            self._held_since = 0.0
            drivers.append(self)

        def start_application_mode(self) -> None:
            first = self._skip_alt_screen
            if first:
                painted.taken_over = True
            super().start_application_mode()
            if first:
                self._skip_alt_screen = False
                self.attrs_before = painted.attrs
                self._held = []
                self._held_since = time.monotonic()

        def write(self, data: str) -> None:
            if self._skip_alt_screen and data == ALT_SCREEN:
                return
            held = self._held
            if held is None:
                super().write(data)
                return
            held.append(data)
            if time.monotonic() - self._held_since > HOLD_LIMIT:
                self.show_frames()

        def show_frames(self) -> None:
            held, self._held = self._held, None
            if held:
                super().write("".join(held))
                self.flush()

        def stop_application_mode(self) -> None:
            self.show_frames()
            super().stop_application_mode()

    def show_frames() -> None:
        for driver in drivers:
            driver.show_frames()

    return PrePaintedDriver, show_frames

"""The pre-painted screen's colours and the terminal's modes around it.

Why a module of its own: what the terminal can show (colour depth, locale,
a tty at all) decides whether the pre-paint happens, and the terminal must be
put back exactly as it was whatever happens after; both are about the
terminal, not about what the list shows (`ui/prepaint_layout.py`). The
colours are `textual-dark` as the list screen's CSS resolves it, written as
Rich would write them, so the handover to Textual changes no cell.

The standard library only: this runs before Textual (or Rich) has loaded.
"""

from __future__ import annotations

import os
import sys
from typing import Any, NamedTuple

from newsreader.ui.prepaint_layout import Line

RGB = tuple[int, int, int]


class Look(NamedTuple):
    """One style as Textual resolves it for the default theme (colours without alpha)."""

    fg: RGB
    bg: RGB
    bold: bool = False
    reverse: bool = False


SURFACE: RGB = (0x1E, 0x1E, 0x1E)
PANEL: RGB = (0x24, 0x2F, 0x38)
FOREGROUND: RGB = (0xE0, 0xE0, 0xE0)
MUTED: RGB = (0xA5, 0xA5, 0xA5)
THUMB: RGB = (0x00, 0x30, 0x54)
TRACK: RGB = (0x00, 0x00, 0x00)
HIGHLIGHT: RGB = (0x15, 0x38, 0x54)
"""The sidebar's highlighted entry while the list has the focus (`block-cursor-blurred`)."""

LOOKS: dict[str, Look] = {
    "base": Look(FOREGROUND, SURFACE),
    "cursor": Look((0xDD, 0xED, 0xF9), (0x01, 0x78, 0xD4), bold=True),
    "mark": Look((0xFF, 0xC4, 0x73), SURFACE),
    "bookmark": Look((0xFF, 0xC4, 0x73), SURFACE),
    "unread": Look(FOREGROUND, SURFACE, bold=True),
    "read": Look(MUTED, SURFACE),
    "source": Look((0x56, 0x84, 0xA5), SURFACE),
    "date": Look(MUTED, SURFACE),
    "bar": Look(FOREGROUND, PANEL),
    "bar-active": Look((0x21, 0x15, 0x05), (0xFE, 0xA6, 0x2B), bold=True),
    "bar-inactive": Look((0xA7, 0xAB, 0xAF), PANEL),
    "hint-key": Look((0xFF, 0xA6, 0x2B), PANEL, bold=True),
    "hint": Look(FOREGROUND, PANEL),
    "track": Look(FOREGROUND, TRACK),
    "thumb": Look(THUMB, SURFACE, reverse=True),
    "thumb-top": Look(THUMB, TRACK),
    "thumb-bottom": Look(THUMB, TRACK, reverse=True),
    "bar-scope": Look((0x56, 0x84, 0xA5), (0x0C, 0x21, 0x30), bold=True),
    "side": Look(FOREGROUND, SURFACE),
    "side-active": Look((0xFF, 0xC4, 0x73), SURFACE, bold=True),
    "side-folder": Look((0x56, 0x84, 0xA5), SURFACE, bold=True),
    "side-count": Look((0xFF, 0xFF, 0xFF), SURFACE),
    "side-error": Look((0xD1, 0x7E, 0x92), SURFACE, bold=True),
    "side-border": Look((0x45, 0x50, 0x5A), SURFACE),
}
for _name in ("side", "side-active", "side-folder", "side-count", "side-error"):
    LOOKS[f"{_name}-hl"] = LOOKS[_name]._replace(bg=HIGHLIGHT)
"""`textual-dark` as the list screen's CSS resolves it (tests check it against Textual)."""


def eight_bit(rgb: RGB) -> int:
    """The 256-colour number Rich downgrades `rgb` to (`rich.color.Color.downgrade`)."""
    import colorsys

    red, green, blue = rgb
    _, lightness, saturation = colorsys.rgb_to_hls(red / 255, green / 255, blue / 255)
    if saturation < 0.15:
        gray = round(lightness * 25.0)
        return 16 if gray == 0 else 231 if gray == 25 else 231 + gray

    def six(value: int) -> int:
        return round(value / 95 if value < 95 else 1 + (value - 95) / 40)

    return 16 + 36 * six(red) + 6 * six(green) + six(blue)


def sgr(look: Look, truecolor: bool) -> str:
    """The escape sequence that sets `look` from a reset state."""
    codes = ["0"]
    if look.bold:
        codes.append("1")
    if look.reverse:
        codes.append("7")
    for base, rgb in ((38, look.fg), (48, look.bg)):
        if truecolor:
            codes.append(f"{base};2;{rgb[0]};{rgb[1]};{rgb[2]}")
        else:
            codes.append(f"{base};5;{eight_bit(rgb)}")
    return f"\x1b[{';'.join(codes)}m"


def color_system(env: dict[str, str] | os._Environ[str]) -> bool | None:
    """True for 24-bit colour, False for 256 colours, None for anything else (Rich's rules)."""
    if env.get("NO_COLOR") or env.get("TEXTUAL_COLOR_SYSTEM"):
        return None
    if env.get("COLORTERM", "").strip().lower() in ("truecolor", "24bit"):
        return True
    _, _, colors = env.get("TERM", "").strip().lower().rpartition("-")
    return False if colors in ("256color", "kitty") else None


def why_not(env: dict[str, str] | os._Environ[str]) -> str | None:
    """The reason this terminal takes the normal path, or None to pre-paint."""
    term = env.get("TERM", "")
    if term in ("", "dumb", "unknown") or env.get("TEXTUAL_DRIVER"):
        return "TERM=dumb or unset, or another driver"
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return "not a terminal"
    if (sys.stdout.encoding or "").lower().replace("-", "") != "utf8":
        return "not a UTF-8 locale"
    if color_system(env) is None:
        return "fewer than 256 colours, or NO_COLOR"
    return None


def render(lines: list[Line], truecolor: bool) -> str:
    """The whole screen as one string of escape sequences and text."""
    codes = {name: sgr(look, truecolor) for name, look in LOOKS.items()}
    out = ["\x1b[?1049h\x1b[?25l\x1b[?7l"]  # alternate screen, no cursor, no autowrap
    for y, line in enumerate(lines):
        out.append(f"\x1b[{y + 1};1H")
        for text, look in line:
            out.append(codes[look])
            out.append(text)
    out.append("\x1b[0m")
    return "".join(out)


LEAVE = "\x1b[0m\x1b[?7h\x1b[?25h\x1b[?1049l"
"""Undoes what `render` switched on."""


class PrePaint:
    """A painted first screen: the terminal modes to put back, and whether Textual took over."""

    def __init__(self, fd: int, attrs: list[Any] | None) -> None:
        self.fd = fd
        self.attrs = attrs
        """The input modes the terminal had before (None: they were not changed)."""
        self.taken_over = False
        """Set by the driver once Textual runs the terminal (then it leaves the screen)."""

    def restore(self) -> None:
        """Put the terminal back as it was before the pre-paint (and Textual, if it ran)."""
        import termios

        try:
            if self.attrs is not None:
                termios.tcsetattr(sys.stdin.fileno(), termios.TCSANOW, self.attrs)
        finally:
            if not self.taken_over:
                os.write(self.fd, LEAVE.encode())


def quiet_input() -> list[Any] | None:
    """Input as Textual will want it, keys left waiting: no echo, not line by line.

    Signals stay on (ctrl+c still stops a start that hangs) and nothing is
    flushed (`TCSANOW`), so keys typed already are kept, and those typed from
    now on are neither echoed over the pre-painted screen nor turned into
    lines (an Enter read as a newline would not be an Enter).
    """
    import termios

    fd = sys.stdin.fileno()
    before = termios.tcgetattr(fd)
    attrs = termios.tcgetattr(fd)
    attrs[0] &= ~(termios.IXON | termios.IXOFF | termios.ICRNL | termios.INLCR | termios.IGNCR)
    attrs[3] &= ~(termios.ECHO | termios.ICANON | termios.IEXTEN)
    attrs[6][termios.VMIN] = 1
    attrs[6][termios.VTIME] = 0
    termios.tcsetattr(fd, termios.TCSANOW, attrs)
    return before

"""Paint the list's first screen from the library before Textual has loaded.

Why: importing Textual and building the first screen take longer than
newsboat takes to show its whole list. This module (stdlib and our store
only) draws the screen Textual is about to draw: the same rows, cursor,
filter bar, scrollbar and key hints, in the same places and colours, on the
alternate screen. `ui/launch.py` then starts Textual with a driver that
takes the screen over without clearing it and holds its frames back until
the list's rows are in them (`ui/compat.py: prepainted_driver`), so nothing
blanks or jumps in between.

Keys typed meanwhile are never read here: the terminal is put in the input
mode Textual will use (no echo, not line by line), so they wait in the tty
and reach the app intact; `PrePaint.restore` (and the driver, on exit and
suspend) put back the modes the terminal had before.

The feeds sidebar (subscriptions on a terminal 100 columns or wider) and a
list narrowed to a feed or folder are drawn too: the sidebar's entries,
counts, highlight and scrollbar, and the scope in the filter bar.

Anything this cannot reproduce exactly takes the old path (Textual paints
first), decided before a byte is written: not a terminal, `TERM=dumb`, a
non-UTF-8 locale, `NO_COLOR` or fewer than 256 colours, a terminal too small
for the full row layout, a theme other than the default, a scope whose feed
failed (the sidebar then shows the error under its list) or whose entry sits
below the sidebar's first screen, an empty list, or text with control
characters. Any exception here also falls back, after putting the terminal back.
"""

from __future__ import annotations

import contextlib
import os
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from newsreader.model.library import ArticleRow, Feed, Filter, ListQuery
from newsreader.ui.folders import folder_label, folder_tree, in_folder

if TYPE_CHECKING:
    from pathlib import Path

    from newsreader.store import Library

# The list screen's layout and state keys, mirrored from `ui/screens/list_screen.py`,
# `ui/widgets/article_rows.py`, `ui/widgets/feed_sidebar.py` and the stylesheet
# (imported, they would load Textual);
# tests/e2e/test_prepaint.py compares the two screens cell by cell.
FILTER_STATE = "ui.filter"
FEED_SCOPE_STATE = "ui.feed_scope"
LAST_ARTICLE_STATE = "ui.last_article"
FILTERS: tuple[tuple[Filter, str], ...] = (
    ("all", "All"),
    ("unread", "Unread"),
    ("bookmarked", "Bookmarked"),
)
SIDEBAR_MIN_WIDTH = 100
SIDEBAR_WIDTH = 30
"""`FeedSidebar { width: 30 }`, its last column the `border-right: vkey` line."""
SIDEBAR_BORDER = "▕"
SCROLLBAR_WIDTH = 2
UNREAD_MARK = "●"
BOOKMARK_MARK = "★"
DATE_WIDTH = 10
KEY_HINTS = (
    ("⏎", "Open"),
    ("/", "Search"),
    ("f", "Filter"),
    ("b", "Bookmark"),
    ("m", "Read"),
    ("?", "Help"),
    ("q", "Quit"),
)
PALETTE_HINT = ("ctrl+p", "Command palette")
MIN_WIDTH = 70
"""Narrower, the key hints or the row layout change in ways not mirrored here."""
MIN_HEIGHT = 5
DEFAULT_THEME = "textual-dark"
VERTICAL_BARS = ("▁", "▂", "▃", "▄", "▅", "▆", "▇", " ")
"""Textual's `ScrollBarRender.VERTICAL_BARS`: the thumb's ends in eighths of a cell."""

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

Line = list[tuple[str, str]]
"""A screen line as (text, look name) runs."""


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


NARROW = frozenset("⏎·●★…")
"""The non-ASCII characters of the screen's own furniture: one cell each in Rich's table
(tests check it), so measuring the bars does not import Rich before the screen is out."""


def cells(text: str) -> int:
    """Cells `text` takes (Rich's measure: the list cuts titles with it)."""
    if text.isascii() or all(char.isascii() or char in NARROW for char in text):
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def fit(text: str, width: int) -> str:
    """`article_rows.fit_cells`: `text` padded or cut (with an ellipsis) to `width` cells."""
    length = cells(text)
    if length <= width:
        return text + " " * (width - length)
    if text.isascii():
        return text[: max(0, width - 1)] + "…"
    from rich.cells import set_cell_size

    return set_cell_size(text, max(0, width - 1)) + "…"


def safe(text: str) -> bool:
    """No control characters: the store removes them, and a stray one would move the cursor."""
    return text.isprintable()


def format_date(published: datetime | None) -> str:
    return published.strftime("%Y-%m-%d") if published else "—"


def row_line(row: ArticleRow, width: int, cursor: bool) -> Line:
    """`ArticleList._row_strip` for widths of at least `MIN_WIDTH` - 2."""
    source_width = 14 if width < 110 else 24
    title_width = max(4, width - 5 - (source_width + 2) - DATE_WIDTH - 2)
    line: Line = [
        (f" {UNREAD_MARK if not row.read else ' '} ", "mark"),
        (f"{BOOKMARK_MARK if row.bookmarked else ' '} ", "bookmark"),
        (fit(row.title, title_width), "read" if row.read else "unread"),
        (f"  {fit(row.source or '', source_width)}", "source"),
        (f"  {format_date(row.published):<{DATE_WIDTH}}", "date"),
    ]
    if cursor:
        line = [(text, "cursor") for text, _ in line]
    return line


def scrollbar(size: int, virtual: int, position: int) -> list[tuple[str, str]]:
    """Textual's vertical `ScrollBarRender.render_bar`: (glyph, look) per line."""
    from math import ceil

    if not (size and virtual and size < virtual):
        return [(" ", "track")] * size
    bars = len(VERTICAL_BARS)
    thumb = max(1, size / (virtual / size))
    offset = (size - thumb) * (position / (virtual - size))
    start = int(offset * bars)
    end = start + ceil(thumb * bars)
    start_index, start_bar = divmod(max(0, start), bars)
    end_index, end_bar = divmod(max(0, end), bars)
    glyphs = [(" ", "track")] * size
    glyphs[start_index:end_index] = [(" ", "thumb")] * (end_index - start_index)
    if start_index < size and VERTICAL_BARS[bars - 1 - start_bar] != " ":
        glyphs[start_index] = (VERTICAL_BARS[bars - 1 - start_bar], "thumb-top")
    if end_index < size and VERTICAL_BARS[bars - 1 - end_bar] != " ":
        glyphs[end_index] = (VERTICAL_BARS[bars - 1 - end_bar], "thumb-bottom")
    return glyphs


def filter_line(active: str, counts: dict[str, int], position: str, scope: str = "") -> Line:
    """`FilterBar.show_filters` (`scope`: "Folder: News", for a list narrowed by the sidebar)."""
    line: Line = []
    if scope:
        line.append((f" {scope} ", "bar-scope"))
        line.append((" ", "bar"))
    for i, (name, label) in enumerate(FILTERS):
        if i:
            line.append((" · ", "bar-inactive"))
        look = "bar-active" if name == active else "bar-inactive"
        line.append((f" {label} {counts.get(name, 0)} ", look))
    if position:
        line.append(("   ", "bar"))
        line.append((position, "bar-inactive"))
    return line


def hints_line(width: int) -> Line:
    """`KeyHints._redraw` on the list screen with the list focused."""
    line: Line = []
    for key, description in KEY_HINTS:
        line.append((f" {key} ", "hint-key"))
        line.append((f"{description} ", "hint"))
    used = sum(cells(text) for text, _ in line)
    palette = len(PALETTE_HINT[0]) + len(PALETTE_HINT[1]) + 3
    gap = width - used - palette
    if gap >= 1:
        line.append((" " * gap, "hint"))
        line.append((f" {PALETTE_HINT[0]} ", "hint-key"))
        line.append((f"{PALETTE_HINT[1]} ", "hint"))
    return line


def pad(line: Line, width: int, look: str) -> Line | None:
    """`line` filled to `width` cells with `look`; None when it does not fit."""
    used = sum(cells(text) for text, _ in line)
    if used > width:
        return None
    return [*line, (" " * (width - used), look)] if used < width else line


class Scope(NamedTuple):
    """`feed_sidebar.FeedScope`, the parts the first screen shows."""

    kind: str  # "all", "folder" or "feed"
    key: str
    """`FeedScope.option_id`: which sidebar entry it is."""
    label: str
    feed_id: int | None = None
    feed_ids: tuple[int, ...] | None = None
    error: bool = False


EVERYTHING = Scope("all", "all", "All articles")


def feed_label(feed: Feed) -> str:
    return feed.title or feed.url


def feed_entry(feed: Feed) -> Scope:
    return Scope("feed", f"feed:{feed.id}", feed_label(feed), feed.id, error=bool(feed.last_error))


def folder_entry(name: str, feeds: list[Feed]) -> Scope:
    members = [feed for feed in feeds if in_folder(feed, name)]
    return Scope(
        "folder",
        f"folder:{name}",
        folder_label(name),
        feed_ids=tuple(feed.id for feed in members),
        error=any(feed.last_error for feed in members),
    )


def resolve(value: object, feeds: list[Feed]) -> Scope:
    """`feed_sidebar.resolve_scope`: the stored scope checked against today's feeds."""
    if not isinstance(value, dict):
        return EVERYTHING
    feed_id = value.get("feed")
    if isinstance(feed_id, int):
        return next((feed_entry(f) for f in feeds if f.id == feed_id), EVERYTHING)
    folder = value.get("folder")
    if isinstance(folder, str) and any(in_folder(feed, folder) for feed in feeds):
        return folder_entry(folder, feeds)
    return EVERYTHING


class Entry(NamedTuple):
    scope: Scope
    depth: int
    unread: int


def entries(feeds: list[Feed], all_unread: int) -> list[Entry]:
    """`feed_sidebar.sidebar_entries`: All articles, the folder tree, the loose feeds."""
    found = [Entry(EVERYTHING, 0, all_unread)]
    for node in folder_tree(feeds):
        if node.feed is not None:
            found.append(Entry(feed_entry(node.feed), node.depth, node.feed.unread))
        elif node.folder is not None:
            scope = folder_entry(node.folder, feeds)
            members = set(scope.feed_ids or ())
            unread = sum(feed.unread for feed in feeds if feed.id in members)
            found.append(Entry(scope, node.depth, unread))
    return found


def entry_line(entry: Entry, width: int, active: bool) -> Line | None:
    """`FeedSidebar._prompt` as `OptionList` draws it; None when it would not fit."""
    scope = entry.scope
    if not safe(scope.label):
        return None
    hl = "-hl" if active else ""  # the active entry is the highlighted one at start
    count = f"({entry.unread})" if scope.kind == "folder" else str(entry.unread or "")
    mark = "! " if scope.kind == "feed" and scope.error else ""
    room = max(3, width - 2 * entry.depth - len(mark) - len(count) - 1)
    title = "side-active" if active else "side-folder" if scope.kind == "folder" else "side"
    line: Line = []
    if entry.depth:
        line.append(("  " * entry.depth, f"side{hl}"))
    if mark:
        line.append((mark, f"side-error{hl}"))
    line.append((fit(scope.label, room), f"{title}{hl}"))
    line.append((" ", f"side{hl}"))
    if count:
        line.append((count, f"side-count{hl}"))
    return pad(line, width, f"side{hl}")


def sidebar(rows: list[Entry], active: Scope, height: int) -> list[Line] | None:
    """The sidebar's `height` lines, border included; None when not reproducible."""
    keys = [entry.scope.key for entry in rows]
    highlighted = keys.index(active.key) if active.key in keys else 0
    if highlighted >= height:
        return None  # the sidebar would scroll to its entry
    scrolls = len(rows) > height
    width = SIDEBAR_WIDTH - 1 - (1 if scrolls else 0)
    bar = scrollbar(height, len(rows), 0) if scrolls else []
    lines: list[Line] = []
    for y in range(height):
        if y < len(rows):
            line = entry_line(rows[y], width, y == highlighted)
            if line is None:
                return None
        else:
            line = [(" " * width, "side")]
        if scrolls:
            line.append(bar[y])
        line.append((SIDEBAR_BORDER, "side-border"))
        lines.append(line)
    return lines


class Plan(NamedTuple):
    """What the first screen shows: the screen lines and where the cursor row is."""

    lines: list[Line]


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


def plan(library: Library, config_path: Path | None, width: int, height: int) -> Plan | None:
    """The first screen as the list will draw it, or None when it cannot be reproduced."""
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        return None
    if config_path is not None and config_path.exists():
        from newsreader.config import load_config

        config = load_config(config_path)
        if config.theme != DEFAULT_THEME or config.warnings:
            return None
    stored_scope = library.get_state(FEED_SCOPE_STATE)
    wide = width >= SIDEBAR_MIN_WIDTH
    feeds = library.feeds() if wide or stored_scope not in (None, {}) else []
    scope = resolve(stored_scope, feeds)
    if scope.error:
        return None  # the bar's failure mark, and the sidebar's error line under its list
    stored = library.get_state(FILTER_STATE, "all")
    active: Filter = "all"
    if stored in ("unread", "bookmarked"):
        active = stored
    query = ListQuery(filter=active, feed_id=scope.feed_id, feed_ids=scope.feed_ids)
    counts = library.counts()
    side: list[Line] = []
    rows_height = height - 2
    if wide and feeds:
        found = sidebar(entries(feeds, counts["unread"]), scope, rows_height)
        if found is None:
            return None
        side = found
    if scope.kind != "all":
        counts = {
            name: library.count(
                ListQuery(filter=name, feed_id=scope.feed_id, feed_ids=scope.feed_ids)
            )
            for name, _ in FILTERS
        }
    count = counts[active]
    if not count:
        return None
    last = library.get_state(LAST_ARTICLE_STATE)
    cursor = 0
    top = 0
    index = library.index_of(query, last) if isinstance(last, int) else None
    if index is not None:
        # `ArticleList.reload(keep=...)` runs before the list is laid out, so the
        # list scrolls only on its first resize, just far enough to show the cursor.
        cursor = index
        top = max(0, index - rows_height + 1)
    rows = (
        library.seek(query, top, limit=rows_height)
        if top
        else library.page(query, limit=rows_height)
    )
    list_width = width - SCROLLBAR_WIDTH - (SIDEBAR_WIDTH if side else 0)
    bar = scrollbar(rows_height, count, top)
    lines: list[Line] = []
    label = "" if scope.kind == "all" else f"{scope.kind.title()}: {scope.label}"
    if not safe(label):
        return None
    head = pad(filter_line(active, counts, f"{cursor + 1}/{count}", label), width, "bar")
    if head is None:
        return None
    lines.append(head)
    for y in range(rows_height):
        glyph, look = bar[y]
        if y < len(rows):
            row = rows[y]
            if not (safe(row.title) and safe(row.source or "")):
                return None
            line = row_line(row, list_width, top + y == cursor)
        else:
            line = [(" " * list_width, "base")]
        lines.append([*(side[y] if side else ()), *line, (glyph * SCROLLBAR_WIDTH, look)])
    foot = pad(hints_line(width), width, "hint")
    if foot is None:
        return None
    lines.append(foot)
    return Plan(lines)


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


def prepaint(library: Library, config_path: Path | None) -> PrePaint | None:
    """Paint the list's first screen now; None (nothing written) when it takes the normal path.

    Never raises: a failure after the terminal was touched puts it back first.
    """
    painted: PrePaint | None = None
    try:
        env = os.environ
        if why_not(env) is not None:
            return None
        truecolor = bool(color_system(env))
        fd = sys.stdout.fileno()
        width, height = os.get_terminal_size(fd)
        screen = plan(library, config_path, width, height)
        if screen is None:
            return None
        text = render(screen.lines, truecolor)
        painted = PrePaint(fd, quiet_input())
        data = text.encode("utf-8")
        while data:
            data = data[os.write(fd, data) :]
        return painted
    except Exception:
        if painted is not None:
            with contextlib.suppress(Exception):
                painted.restore()
        return None

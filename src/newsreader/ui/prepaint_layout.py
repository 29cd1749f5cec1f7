"""The first screen's rows, bars and sidebar cells, as the list screen's widgets draw them.

Why a module of its own: `ui/prepaint.py` must draw exactly what Textual is
about to draw, so every measure, label and mark the list screen uses is
mirrored here, in one place, from `ui/screens/list_screen.py`,
`ui/widgets/article_rows.py`, `ui/widgets/feed_sidebar.py` and the stylesheet
(imported, they would load Textual). Plain values and the standard library
only (Rich just for the rare wide character); tests/e2e/test_prepaint.py
compares the two screens cell by cell.

A screen line is a list of (text, look name) runs; `ui/prepaint_terminal.py`
turns look names into colours.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from newsreader.model.library import ArticleRow, Feed, Filter
from newsreader.ui.folders import folder_label, folder_tree, in_folder

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
VERTICAL_BARS = ("▁", "▂", "▃", "▄", "▅", "▆", "▇", " ")
"""Textual's `ScrollBarRender.VERTICAL_BARS`: the thumb's ends in eighths of a cell."""

Line = list[tuple[str, str]]
"""A screen line as (text, look name) runs."""


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

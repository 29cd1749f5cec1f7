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

This module decides and writes; what the rows, bars and sidebar look like is
`ui/prepaint_layout.py`, and the colours and terminal modes `ui/prepaint_terminal.py`.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import TYPE_CHECKING, NamedTuple

from newsreader.model.library import Filter, ListQuery
from newsreader.ui.prepaint_layout import (
    FILTERS,
    MIN_HEIGHT,
    MIN_WIDTH,
    SCROLLBAR_WIDTH,
    SIDEBAR_MIN_WIDTH,
    SIDEBAR_WIDTH,
    Line,
    entries,
    filter_line,
    hints_line,
    pad,
    resolve,
    row_line,
    safe,
    scrollbar,
    sidebar,
)
from newsreader.ui.prepaint_terminal import PrePaint, color_system, quiet_input, render, why_not

if TYPE_CHECKING:
    from pathlib import Path

    from newsreader.store import Library

# The list screen's state keys, mirrored from `ui/screens/list_screen.py` and
# `ui/widgets/feed_sidebar.py` (imported, they would load Textual); its layout is
# mirrored in `ui/prepaint_layout.py`.
FILTER_STATE = "ui.filter"
FEED_SCOPE_STATE = "ui.feed_scope"
LAST_ARTICLE_STATE = "ui.last_article"
DEFAULT_THEME = "textual-dark"


class Plan(NamedTuple):
    """What the first screen shows: the screen lines and where the cursor row is."""

    lines: list[Line]


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

"""How the article list's rows look: columns, marks, dates and search snippets.

Kept apart from the widget's scrolling and caching so the row format (which
`ui/prepaint` mirrors for the first paint) reads in one place. Everything
here is a plain function of its arguments: the widget passes the component
styles it has cached.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from newsreader.model.library import ListQuery, SearchHit

UNREAD_MARK = "●"
BOOKMARK_MARK = "★"
DATE_WIDTH = len("2026-01-02")
"""The date column's width, also on rows without a date, so the source column lines up."""


def format_date(published: datetime | None) -> str:
    """Fixed-width date for the list: the same text whatever the clock says."""
    return published.strftime("%Y-%m-%d") if published else "—"


def empty_list_message(query: ListQuery) -> str:
    """What an empty list says: the way out that applies (a filter to change, or a refresh)."""
    if query.filter != "all":
        return f"No articles here are {query.filter}. Press f to change the filter."
    if query.feed_ids is not None:
        return "No articles in this folder yet. Press r to refresh."
    if query.feed_id is not None or query.source is not None:
        return "No articles in this feed yet. Press r to refresh."
    return "No articles yet. Press r to refresh, or subscribe with: newsreader add URL"


def fit_snippet(
    snippet: str, highlights: Sequence[tuple[int, int]], width: int
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The snippet cut at the front so its first match is whole within `width` cells.

    FTS5's snippet is a window of tokens that can run past the list's width
    with the match near its end; cutting at the right then lost the word
    that made it a hit. The cut falls on a word boundary and shows an ellipsis.
    """
    spans = tuple(highlights)
    if not spans or cell_len(snippet[: spans[0][1]]) <= width - 1:
        return snippet, spans
    start, end = spans[0]
    # A third of the line before the match, or all the room the rest leaves.
    lead = (width - 2 - cell_len(snippet[start:end])) // 3
    lead = max(0, lead, width - 2 - cell_len(snippet[start:]))
    begin = start
    while begin > 0 and cell_len(snippet[begin - 1 : start]) <= lead:
        begin -= 1
    space = snippet.find(" ", begin, start)
    if begin > 0 and space >= 0:
        begin = space + 1
    shift = 1 - begin
    kept = tuple((a + shift, b + shift) for a, b in spans if a >= begin)
    return "…" + snippet[begin:], kept


def snippet_line(hit: SearchHit, width: int, snippet_style: Style, match_style: Style) -> Text:
    """The hit's snippet under its title, matched words highlighted and never cut."""
    snippet, highlights = fit_snippet(hit.snippet, hit.highlights, max(1, width - 5))
    text = Text(snippet, style=snippet_style, no_wrap=True, overflow="ellipsis", end="")
    for start, end in highlights:
        text.stylize(match_style, start, end)
    text.truncate(max(1, width - 5), overflow="ellipsis")
    out = Text("     ", end="")
    out.append_text(text)
    return out


def light_row(strip: Strip, cursor: Style, base: Style, gutter: Segment | None) -> Strip:
    """The cursor row: the cursor's colours over every cell of the row but the `gutter`.

    Not `Strip.apply_style`, under which each cell's own background wins:
    the cursor then lit only the gaps between the row's parts.
    """
    segments = list(strip)
    last = segments.pop() if segments and segments[-1] is gutter and gutter is not None else None
    lit = [Segment(text, (style or base) + cursor) for text, style, _ in segments]
    if last is not None:
        lit.append(last)
    return Strip(lit, strip.cell_length)


def fit_cells(text: str, width: int) -> str:
    """`text` padded or cut (with an ellipsis) to exactly `width` cells."""
    length = cell_len(text)
    if length <= width:
        return text + " " * (width - length)
    return set_cell_size(text, max(0, width - 1)) + "…"

"""The article list: a virtual list that renders only the rows on screen.

Why not `ListView`/`OptionList`/`DataTable`: they hold a widget or an option per
row and take seconds at 100k rows. This is a `ScrollView` whose virtual height
is the row count (`Library.count`) and whose `render_line(y)` asks a small page
cache for the one row it paints (the toolong `log_lines.py` model):

* rows come from the store in pages of `PAGE_SIZE`, keyed by page number, at
  most `MAX_PAGES` kept (LRU);
* a page next to a cached one is fetched by keyset (`page(after=last_key)` or
  `page(after=first_key, reverse=True)`), the last page by `page(reverse=True)`,
  and only a far jump with no neighbour (scrollbar drag) uses OFFSET `seek`;
* rendered rows are kept in an LRU keyed by (index, width), dropped when a row
  changes, on resize and on theme change.

In search mode the list shows a fixed list of `SearchHit`s instead, two lines
per hit (title row, then the snippet with the matched words highlighted).

The rows come from a `RowSource` (the four calls above), which `Library`
satisfies: the widget never imports the store.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, ClassVar, Protocol

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region, Size
from textual.strip import Strip

from newsreader.model.library import ArticleRow, ListQuery, SearchHit
from newsreader.ui.keys import bindings
from newsreader.ui.widgets.direct_paint import DirectScrollView
from newsreader.ui.widgets.typeahead import open_box_or_forward

PAGE_SIZE = 100
MAX_PAGES = 8
MAX_LINES = 512

UNREAD_MARK = "●"
BOOKMARK_MARK = "★"
DATE_WIDTH = len("2026-01-02")
"""The date column's width, also on rows without a date, so the source column lines up."""


class RowSource(Protocol):
    """Where the list's rows come from: counts, keyset pages and positions (`Library`)."""

    def count(self, query: ListQuery) -> int:
        """How many rows `query` lists."""
        ...

    def index_of(self, query: ListQuery, article_id: int) -> int | None:
        """Position of the article in the list, None when the list does not hold it."""
        ...

    def page(
        self,
        query: ListQuery,
        *,
        after: tuple[Any, int] | None = None,
        limit: int = 100,
        reverse: bool = False,
    ) -> list[ArticleRow]:
        """Rows after the keyset cursor `after` (with `reverse`, before it), in list order."""
        ...

    def seek(self, query: ListQuery, index: int, *, limit: int = 100) -> list[ArticleRow]:
        """Rows from position `index` on (OFFSET: only for jumps with no cached neighbour)."""
        ...


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


class ArticleList(DirectScrollView, can_focus=True):
    """Virtual list of articles backed by keyset pages from a `RowSource`."""

    BINDINGS = bindings("list-nav")

    def on_key(self, event: events.Key) -> None:
        if event.key == "enter" and self.screen is self.app.screen:
            # Here, not only through the binding: bindings run after the keys
            # typed next have been handled, and `enter /word` must find "word"
            # in the article, not search the library.
            event.stop()
            event.prevent_default()
            self.action_open()
            return
        open_box_or_forward(self, event, getattr(self.screen, "action_search", lambda: None))

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-list--cursor",
        "article-list--cursor-blurred",
        "article-list--unread",
        "article-list--read",
        "article-list--mark",
        "article-list--bookmark",
        "article-list--source",
        "article-list--date",
        "article-list--snippet",
        "article-list--match",
        "article-list--empty",
    }

    def __init__(
        self,
        library: RowSource,
        query: ListQuery | None = None,
        *,
        on_highlight: Callable[[int | None], None] | None = None,
        on_open: Callable[[int], None] | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.library = library
        self.query_ = query or ListQuery()
        self.on_highlight = on_highlight
        """Called with the article under the cursor (None: empty list) whenever it moves.

        A plain call rather than a message: the screen's status bar then
        repaints in the same frame as the two rows, one compositor pass per
        key instead of two (a message is handled after the rows are painted).
        """
        self.on_open = on_open
        """Called with the article to open (enter, double click).

        A plain call too: the reader is on screen before the next key is
        handled, so `enter /word` typed at once finds "word" in the article
        instead of searching the library.
        """
        self.cursor = 0
        self.empty_message = ""
        """What an empty search result says (the store list says `empty_list_message`)."""
        self._count = 0
        self._pages: OrderedDict[int, list[ArticleRow]] = OrderedDict()
        self._lines: OrderedDict[tuple[int, int, int, bool], Strip] = OrderedDict()
        self._hits: list[SearchHit] | None = None
        self._base_style: Style | None = None
        self._row_styles: dict[tuple[str, bool], Style] = {}
        """Component styles by (class name, layer), cached: five are looked up per row."""
        self._cursor_line: tuple[Strip, str, Strip] | None = None
        """(row strip, cursor class, highlighted strip): repaints reuse it and its filtered copy."""

    # -- data -------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._hits) if self._hits is not None else self._count

    @property
    def row_height(self) -> int:
        return 2 if self._hits is not None else 1

    @property
    def searching(self) -> bool:
        return self._hits is not None

    def reload(
        self, query: ListQuery | None = None, *, keep: int | None = None, anchor: bool = False
    ) -> None:
        """Recount and drop every cached row; put the cursor on article `keep` if listed.

        With `anchor` (articles arriving during a refresh) the kept article
        also stays on the same screen row instead of being centred.
        """
        if query is not None:
            self.query_ = query
        old_cursor = self.cursor
        old_row = old_cursor * self.row_height - self.scroll_offset.y
        self._count = self.library.count(self.query_)
        self._pages.clear()
        self._clear_lines()
        index = None
        if keep is not None and self._hits is None:
            index = self.library.index_of(self.query_, keep)
        self._update_size()
        if anchor and index is not None:
            top = max(0, index * self.row_height - old_row)
            self.scroll_to(y=top, animate=False, immediate=True)
            self.move_to(index)
            return
        self.move_to(old_cursor if index is None else index, center=index is not None)

    def show_hits(self, hits: Sequence[SearchHit] | None) -> None:
        """Replace the list by search results, or return to the store list with None."""
        self._hits = list(hits) if hits is not None else None
        self._clear_lines()
        self._update_size()
        self.move_to(0)

    def row_at(self, index: int) -> ArticleRow | None:
        """The row at `index` (fetching its page if needed), None out of range."""
        if index < 0 or index >= self.row_count:
            return None
        if self._hits is not None:
            return self._hits[index].row
        number = index // PAGE_SIZE
        page = self._pages.get(number)
        if page is None:
            page = self._fetch_page(number)
        else:
            self._pages.move_to_end(number)
        offset = index - number * PAGE_SIZE
        return page[offset] if offset < len(page) else None

    @property
    def current(self) -> ArticleRow | None:
        return self.row_at(self.cursor)

    def _fetch_page(self, number: int) -> list[ArticleRow]:
        """One page by keyset from a cached neighbour, else from an end, else by seek."""
        query = self.query_
        start = number * PAGE_SIZE
        want = min(PAGE_SIZE, max(0, self._count - start))
        before = self._pages.get(number - 1)
        after = self._pages.get(number + 1)
        if number == 0:
            rows = self.library.page(query, limit=want)
        elif before and len(before) == PAGE_SIZE:
            rows = self.library.page(query, after=before[-1].key_for(query.order), limit=want)
        elif after:
            rows = self.library.page(
                query, after=after[0].key_for(query.order), limit=want, reverse=True
            )
        elif start + want >= self._count:
            rows = self.library.page(query, limit=want, reverse=True)
        else:
            rows = self.library.seek(query, start, limit=want)
        self._pages[number] = rows
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        return rows

    def update_row(
        self, article_id: int, *, read: bool | None = None, bookmarked: bool | None = None
    ) -> None:
        """Patch a cached row after a state change (None: unchanged) and repaint it."""

        def patched(row: ArticleRow) -> ArticleRow:
            return row._replace(
                read=row.read if read is None else read,
                bookmarked=row.bookmarked if bookmarked is None else bookmarked,
            )

        if self._hits is not None:
            for i, hit in enumerate(self._hits):
                if hit.row.id == article_id:
                    self._hits[i] = hit._replace(row=patched(hit.row))
        for page in self._pages.values():
            for i, row in enumerate(page):
                if row.id == article_id:
                    page[i] = patched(row)
        self._clear_lines()
        self.refresh()

    # -- cursor -----------------------------------------------------------

    def move_to(self, index: int, *, center: bool = False) -> None:
        count = self.row_count
        index = max(0, min(index, count - 1)) if count else 0
        previous, self.cursor = self.cursor, index
        scroll_before = self.scroll_offset.y
        self._scroll_to_cursor(center=center)
        if self.scroll_offset.y == scroll_before:
            # Only two rows changed: repainting just them keeps a key press cheap.
            self._refresh_row(previous)
            self._refresh_row(index)
        else:
            self.refresh()
        if self.on_highlight is not None:
            row = self.row_at(index)
            self.on_highlight(row.id if row else None)

    def step_to(self, index: int) -> None:
        """`move_to` for keys: a key that cannot move the cursor repaints nothing."""
        count = self.row_count
        if (max(0, min(index, count - 1)) if count else 0) != self.cursor:
            self.move_to(index)

    def _refresh_row(self, index: int) -> None:
        top = index * self.row_height - self.scroll_offset.y
        width = self.scrollable_content_region.width or self.size.width
        self.refresh(Region(0, top, width, self.row_height))

    def _scroll_to_cursor(self, *, center: bool = False) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = self.cursor * self.row_height
        bottom = top + self.row_height
        y = self.scroll_offset.y
        if center:
            target = max(0, top - height // 2)
        elif top < y:
            target = top
        elif bottom > y + height:
            target = bottom - height
        else:
            return
        self.scroll_to(y=target, animate=False, immediate=True)

    @property
    def page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height // self.row_height)

    def action_cursor_down(self) -> None:
        self.step_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.step_to(self.cursor - 1)

    def action_cursor_first(self) -> None:
        self.step_to(0)

    def action_cursor_last(self) -> None:
        self.step_to(self.row_count - 1)

    def action_page_down(self) -> None:
        self.step_to(self.cursor + self.page_rows)

    def action_page_up(self) -> None:
        self.step_to(self.cursor - self.page_rows)

    def action_open(self) -> None:
        row = self.current
        if row is not None and self.on_open is not None:
            self.on_open(row.id)

    # -- events -----------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        index = (event.y + self.scroll_offset.y) // self.row_height
        if index >= self.row_count:
            return
        event.stop()
        if index == self.cursor or event.chain >= 2:
            self.move_to(index)
            self.action_open()
        else:
            self.move_to(index)

    def on_resize(self, event: events.Resize) -> None:
        self._clear_lines()
        self._update_size()
        self._scroll_to_cursor()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._clear_lines()

    def _update_size(self) -> None:
        width = self.scrollable_content_region.width or self.size.width
        self.virtual_size = Size(width, self.row_count * self.row_height)

    def _clear_lines(self) -> None:
        self._lines.clear()
        self._base_style = None
        self._row_styles.clear()
        self._cursor_line = None
        self.forget_gutter()

    def component_style(self, name: str, *, layer: bool = False) -> Style:
        """A component class's style, cached like `base_style` (five lookups per row otherwise).

        `layer`: only what its CSS rule sets (colours as Textual resolves them on
        this widget), to paint over the row's own styles.
        """
        key = (name, layer)
        style = self._row_styles.get(key)
        if style is None:
            style = self.get_component_rich_style(name)
            if layer:
                own = self.get_component_rich_style(name, partial=True)
                style = own + Style(
                    color=style.color if own.color else None,
                    bgcolor=style.bgcolor if own.bgcolor else None,
                )
            self._row_styles[key] = style
        return style

    @property
    def base_style(self) -> Style:
        """The widget's own style, cached: Textual recomputes `rich_style` from every ancestor."""
        if self._base_style is None:
            self._base_style = self.rich_style
        return self._base_style

    # -- rendering --------------------------------------------------------

    def paint_line(self, y: int, width: int, scroll_y: int) -> Strip:
        """Screen line `y` of the list: a cached row, with the cursor style when on it."""
        line = y + scroll_y
        height = self.row_height
        index, sub = divmod(line, height)
        if self.row_count == 0:
            if y == 1:
                message = self.empty_message if self.searching else empty_list_message(self.query_)
                text = Text("  " + message, style=self.component_style("article-list--empty"))
                return self.with_gutter(self._to_strip(text, width), width)
            return self.with_gutter(Strip.blank(width, self.base_style), width)
        if index >= self.row_count:
            return self.with_gutter(Strip.blank(width, self.base_style), width)
        key = (index, sub, width, self.gutter_covered)
        strip = self._lines.get(key)
        if strip is None:
            row = self.row_at(index)
            if row is None:
                return self.with_gutter(Strip.blank(width, self.base_style), width)
            if sub == 0:
                strip = self._row_strip(row, width)
            else:
                assert self._hits is not None
                text = self._snippet_text(self._hits[index], width)
                strip = self.with_gutter(self._to_strip(text, width), width)
            self._lines[key] = strip
            while len(self._lines) > MAX_LINES:
                self._lines.popitem(last=False)
        else:
            self._lines.move_to_end(key)
        if index == self.cursor:
            name = "article-list--cursor" if self.has_focus else "article-list--cursor-blurred"
            cached = self._cursor_line
            if cached is None or cached[0] is not strip or cached[1] != name:
                lit = self._highlight(strip, self.component_style(name, layer=True))
                cached = self._cursor_line = (strip, name, lit)
            strip = cached[2]
        return strip

    def _highlight(self, strip: Strip, cursor: Style) -> Strip:
        """The cursor row: the cursor's colours over every cell of the row but the gutter.

        Not `Strip.apply_style`, under which each cell's own background wins:
        the cursor then lit only the gaps between the row's parts.
        """
        segments = list(strip)
        gutter = segments.pop() if segments and segments[-1] is self._gutter else None
        base = self.base_style
        lit = [Segment(text, (style or base) + cursor) for text, style, _ in segments]
        if gutter is not None:
            lit.append(gutter)
        return Strip(lit, strip.cell_length)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def _to_strip(self, text: Text, width: int) -> Strip:
        """`text` on the widget's colours: unstyled cells would show the terminal's own."""
        segments = list(text.render(self.app.console))
        base = self.base_style
        return Strip(segments).adjust_cell_length(width, base).apply_style(base)

    def _row_strip(self, row: ArticleRow, width: int) -> Strip:
        """The row as segments built directly: 4x cheaper than rendering a `Text`.

        Paging through a million rows renders a screenful per key press, so
        this is the hot path. Layout: ` ● ★ Title…   Source  2026-01-02`.
        """
        mark_style = self.component_style("article-list--mark")
        star_style = self.component_style("article-list--bookmark")
        title_style = self.component_style(
            "article-list--read" if row.read else "article-list--unread"
        )
        date = format_date(row.published)
        source_width = 0 if width < 60 else (14 if width < 110 else 24)
        date_width = DATE_WIDTH if width >= 40 else 0
        title_width = max(4, width - 5 - (source_width + 2 if source_width else 0) - date_width - 2)
        # The gaps ride on their neighbours' segments: every cell carries the
        # widget's background (a cell with no style shows the terminal's own),
        # and fewer segments are less work for the compositor on every page.
        segments = [
            Segment(f" {UNREAD_MARK if not row.read else ' '} ", mark_style),
            Segment(f"{BOOKMARK_MARK if row.bookmarked else ' '} ", star_style),
            Segment(_fit(row.title, title_width), title_style),
        ]
        if source_width:
            source_style = self.component_style("article-list--source")
            segments.append(Segment(f"  {_fit(row.source or '', source_width)}", source_style))
        if date_width:
            date_style = self.component_style("article-list--date")
            segments.append(Segment(f"  {date:<{DATE_WIDTH}}", date_style))
        used = 5 + title_width + (source_width + 2 if source_width else 0)
        used += date_width + 2 if date_width else 0
        if used != width:  # a very narrow terminal
            strip = Strip(segments).adjust_cell_length(width, self.base_style)
            return self.with_gutter(strip, width)
        gutter = self.gutter_segment(width)
        if gutter is not None:
            segments.append(gutter)
            width += len(gutter.text)
        return Strip(segments, width)

    def _snippet_text(self, hit: SearchHit, width: int) -> Text:
        """The hit's snippet under its title, matched words highlighted and never cut."""
        snippet, highlights = fit_snippet(hit.snippet, hit.highlights, max(1, width - 5))
        text = Text(
            snippet,
            style=self.component_style("article-list--snippet"),
            no_wrap=True,
            overflow="ellipsis",
            end="",
        )
        match = self.component_style("article-list--match")
        for start, end in highlights:
            text.stylize(match, start, end)
        text.truncate(max(1, width - 5), overflow="ellipsis")
        out = Text("     ", end="")
        out.append_text(text)
        return out

    def render_lines_debug(self) -> list[str]:
        """The visible rows as plain text (tests and debugging)."""
        return [
            "".join(seg.text for seg in self.render_line(y) if isinstance(seg, Segment))
            for y in range(self.scrollable_content_region.height)
        ]


def _fit(text: str, width: int) -> str:
    """`text` padded or cut (with an ellipsis) to exactly `width` cells."""
    length = cell_len(text)
    if length <= width:
        return text + " " * (width - length)
    return set_cell_size(text, max(0, width - 1)) + "…"

"""The article list: a virtual list that renders only the rows on screen.

Why not `ListView`/`OptionList`/`DataTable`: they hold a widget or an option per
row and become unusably slow at 100k rows. This is a `ScrollView` whose virtual
height is the row count and whose `render_line(y)` asks a small page cache
(`row_pages`) for the one row it paints (the toolong `log_lines.py` model).
Rendered rows are kept in an LRU keyed by (index, width), dropped when a row
changes, on resize and on theme change; how a row looks is `article_rows`.

In search mode the list shows a fixed list of `SearchHit`s instead, two lines
per hit (title row, then the snippet with the matched words highlighted).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.geometry import Region, Size
from textual.strip import Strip

from newsreader.model.library import ArticleRow, ListQuery, SearchHit
from newsreader.ui.keys import bindings
from newsreader.ui.widgets.article_list_keys import ListKeys
from newsreader.ui.widgets.article_list_styles import ListStyles
from newsreader.ui.widgets.article_rows import (
    BOOKMARK_MARK,
    DATE_WIDTH,
    UNREAD_MARK,
    empty_list_message,
    fit_cells,
    format_date,
    light_row,
    snippet_line,
)
from newsreader.ui.widgets.direct_paint import DirectScrollView
from newsreader.ui.widgets.row_pages import RowPages, RowSource

MAX_LINES = 512


class ArticleList(ListKeys, ListStyles, DirectScrollView, can_focus=True):
    """Virtual list of articles backed by keyset pages from a `RowSource`."""

    BINDINGS = bindings("list-nav")

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
        self._rows = RowPages(library, query or ListQuery())
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
        self._lines: OrderedDict[tuple[int, int, int, bool], Strip] = OrderedDict()
        self._hits: list[SearchHit] | None = None
        self._base_style = None
        self._row_styles = {}
        self._cursor_line: tuple[Strip, str, Strip] | None = None
        """(row strip, cursor class, highlighted strip): repaints reuse it and its filtered copy."""

    # -- data -------------------------------------------------------------

    @property
    def library(self) -> RowSource:
        """Where the rows come from."""
        return self._rows.source

    @property
    def query_(self) -> ListQuery:
        """What the list shows (outside search mode)."""
        return self._rows.query

    @property
    def row_count(self) -> int:
        return len(self._hits) if self._hits is not None else self._rows.count

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
        old_cursor = self.cursor
        old_row = old_cursor * self.row_height - self.scroll_offset.y
        self._rows.recount(query)
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
        return self._rows.row(index)

    @property
    def current(self) -> ArticleRow | None:
        return self.row_at(self.cursor)

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
        self._rows.patch(article_id, patched)
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
        self.forget_styles()
        self._cursor_line = None
        self.forget_gutter()

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
                text = snippet_line(
                    self._hits[index],
                    width,
                    self.component_style("article-list--snippet"),
                    self.component_style("article-list--match"),
                )
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
                cursor = self.component_style(name, layer=True)
                lit = light_row(strip, cursor, self.base_style, self._gutter)
                cached = self._cursor_line = (strip, name, lit)
            strip = cached[2]
        return strip

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
        """The row as segments built directly: far cheaper than rendering a `Text`.

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
            Segment(fit_cells(row.title, title_width), title_style),
        ]
        if source_width:
            source_style = self.component_style("article-list--source")
            segments.append(Segment(f"  {fit_cells(row.source or '', source_width)}", source_style))
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

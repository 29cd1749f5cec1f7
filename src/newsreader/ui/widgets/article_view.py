"""The reader: one article drawn through Textual's line API.

Why the line API rather than `Markdown` or a big `Static`: the Markdown widget
takes seconds on long articles, and a `Static` re-renders the whole article on
every highlight change. Here the article's layout (`render.layout`, which
`newsreader show` and the Markdown export draw too) becomes a list of *units*
(title, meta line, key points, each body block) built once as Rich `Text` with
`Text.append(str, style)` — never markup, so a title like
`[@click=app.quit]hi[/]` is shown literally. A unit is wrapped into lines of
(unit, start, end) offsets once per width; `render_line` slices only the lines
on screen, overlays find matches on them, and keeps the resulting strips in an
LRU. Find therefore costs a regex pass over the units, not a re-render.

Styles come from component classes in `newsreader.tcss`, so themes apply;
a style update drops every cache.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import OrderedDict
from dataclasses import dataclass, field
from itertools import pairwise
from typing import ClassVar, NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip

from newsreader.model.article import Article
from newsreader.model.library import StoredArticle
from newsreader.render.layout import (
    BlockQuote,
    Caption,
    Heading,
    KeyPoints,
    Link,
    Links,
    Media,
    Meta,
    Paragraph,
    Title,
    article_layout,
    credit_label,
)
from newsreader.ui.compat import divide_line, update_scrollbars
from newsreader.ui.keys import bindings
from newsreader.ui.widgets.direct_paint import DirectScrollView
from newsreader.ui.widgets.typeahead import open_box_or_forward

MAX_MEASURE = 96
"""Widest text column: long lines are hard to read at 200 columns, so the text is centred."""
MAX_STRIPS = 512
QUOTE_BAR = "▌ "
BULLET = "• "


class Match(NamedTuple):
    unit: int
    start: int
    end: int


@dataclass(slots=True)
class Unit:
    """A wrappable piece of the article with the decoration around each of its lines."""

    text: Text
    prefix: tuple[str, str] = ("", "")
    """Text before the first line, and before the following lines."""
    prefix_style: str = ""
    boxed: bool = False
    """Draw inside the key points box (side borders, tinted fill)."""
    searchable: bool = True
    rule: str | None = None
    """A decoration line instead of text: 'top:Label' or 'bottom' of the box, or 'blank'."""
    block: int | None = None
    """Index into `Article.blocks` for the first unit of a body block."""


@dataclass(slots=True)
class Line:
    unit: int
    start: int
    end: int
    first: bool


@dataclass(slots=True)
class Layout:
    width: int
    lines: list[Line] = field(default_factory=list)
    first_line: list[int] = field(default_factory=list)
    """Index of each unit's first line, so a match maps to its line without a scan."""


def smart_case_pattern(query: str) -> re.Pattern[str] | None:
    """Literal match, case-insensitive unless the query has a capital letter (vim's smartcase)."""
    if not query:
        return None
    flags = 0 if any(ch.isupper() for ch in query) else re.IGNORECASE
    return re.compile(re.escape(query), flags)


def wrap_offsets(plain: str, width: int) -> list[tuple[int, int]]:
    """Line spans of `plain` word-wrapped at `width` cells (hard newlines kept)."""
    spans: list[tuple[int, int]] = []
    position = 0
    for piece in plain.split("\n"):
        if piece:
            breaks = (
                _ascii_breaks(piece, max(1, width))
                if piece.isascii() and "\t" not in piece
                else divide_line(piece, max(1, width), fold=True)
            )
            bounds = [0, *breaks, len(piece)]
            for start, end in pairwise(bounds):
                if end > start:
                    spans.append((position + start, position + end))
        else:
            spans.append((position, position))
        position += len(piece) + 1
    return spans or [(0, 0)]


def _ascii_breaks(piece: str, width: int) -> list[int]:
    """`rich`'s `divide_line` for one-cell-per-character text, a line at a time.

    Rich measures every word; a 100k-word article spent most of its opening
    time there. For ASCII the last space within the width is one `rfind`.
    """
    breaks: list[int] = []
    start = 0
    size = len(piece)
    while size - start > width:
        cut = piece.rfind(" ", start, start + width + 1)
        if cut <= start:
            following = start + width  # a word longer than the line: fold it
        else:
            following = cut + 1
            while following < size and piece[following] == " ":
                following += 1
        if following >= size:
            break
        breaks.append(following)
        start = following
    return breaks


def _same_article(shown: StoredArticle, new: StoredArticle) -> bool:
    """The same article with the same text: its wrapped lines can be kept."""
    return shown.id == new.id and shown.article == new.article


class ArticleView(DirectScrollView, can_focus=True):
    """Scrollable, searchable rendering of one `StoredArticle`."""

    BINDINGS = bindings("reader-nav")

    def on_key(self, event: events.Key) -> None:
        open_box_or_forward(self, event, getattr(self.screen, "action_find", lambda: None))

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-view--title",
        "article-view--meta",
        "article-view--box",
        "article-view--box-border",
        "article-view--box-title",
        "article-view--bullet",
        "article-view--heading",
        "article-view--paragraph",
        "article-view--caption",
        "article-view--credit",
        "article-view--quote",
        "article-view--quote-bar",
        "article-view--speaker",
        "article-view--inline-quote",
        "article-view--match",
        "article-view--match-current",
    }

    class FindChanged(Message):
        """Match count or current match changed (for the find bar's counter)."""

        def __init__(self, current: int, total: int) -> None:
            super().__init__()
            self.current = current
            self.total = total

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.stored: StoredArticle | None = None
        self._units: list[Unit] | None = None
        self._layout: Layout | None = None
        self._strips: OrderedDict[tuple[int, int, int, bool], Strip] = OrderedDict()
        self._base: Style | None = None
        self._styles: dict[str, Style] = {}
        """Component styles by short name, cached: a few are looked up for every line."""
        self._blank: Strip | None = None
        self._matches: list[Match] = []
        self._by_unit: dict[int, list[int]] = {}
        self.current_match = -1
        self._find_generation = 0
        self.find_query = ""
        self._built_signature: tuple[Style, ...] = ()
        self._painted_signature: tuple[Style, ...] = ()

    # -- public API -------------------------------------------------------

    def show(self, stored: StoredArticle, *, keep_scroll: bool = False) -> None:
        """Display `stored` from the top, with no find matches.

        `keep_scroll` redraws in place (same scroll top, find query re-run):
        for an article whose body was just replaced by its full text.
        """
        top = self.scroll_offset.y
        query = self.find_query
        same = self.stored is not None and _same_article(self.stored, stored)
        self.stored = stored
        if not same:  # the same article again (Escape, Enter) keeps its wrapped lines
            self._units = None
            self._layout = None
        if not same or self._matches:
            self._strips.clear()
        self._matches = []
        self._by_unit = {}
        self.current_match = -1
        self.find_query = ""
        # The scrollbar too, now: the screen's next layout then places it, instead
        # of a second (and third) layout when it appears or disappears later.
        self.relayout_now()
        self.scroll_to(y=top if keep_scroll else 0, animate=False, immediate=True)
        if keep_scroll and query:
            self.find(query)
        self.refresh()

    @property
    def line_count(self) -> int:
        return len(self._layout.lines) if self._layout else 0

    @property
    def match_count(self) -> int:
        return len(self._matches)

    def find(self, query: str) -> int:
        """Highlight every match of `query` (smart case); return how many there are."""
        self.find_query = query
        pattern = smart_case_pattern(query)
        self._matches = []
        self._by_unit = {}
        if pattern is not None:  # an empty query must not build (or lay out) anything
            for number, unit in enumerate(self._ensure_units()):
                if not unit.searchable:
                    continue
                for found in pattern.finditer(unit.text.plain):
                    if found.end() > found.start():
                        self._by_unit.setdefault(number, []).append(len(self._matches))
                        self._matches.append(Match(number, found.start(), found.end()))
        self.current_match = self._first_visible_match() if self._matches else -1
        self._find_changed()
        self._scroll_to_current()
        return len(self._matches)

    def find_next(self, step: int = 1) -> None:
        if not self._matches:
            return
        self.current_match = (self.current_match + step) % len(self._matches)
        self._find_changed()
        self._scroll_to_current()

    def clear_find(self) -> None:
        self.find("")

    def line_of_match(self, index: int) -> int:
        """Layout line holding match `index` (used to scroll it into view)."""
        match = self._matches[index]
        return self._line_at(match.unit, match.start)

    def scroll_to_block(self, block: int, offset: int = 0) -> None:
        """Bring the body block `block` (e.g. a pull quote's) into view, a third down."""
        units = self._ensure_units()
        for number, unit in enumerate(units):
            if unit.block == block:
                y = self._line_at(number, offset)
                self.scroll_to(
                    y=max(0, y - self.scrollable_content_region.height // 3),
                    animate=False,
                    immediate=True,
                )
                return

    def visible_text(self) -> str:
        """The lines on screen as plain text (tests)."""
        return "\n".join(
            self.render_line(y).text.rstrip() for y in range(self.scrollable_content_region.height)
        )

    def document_text(self) -> str:
        """Every laid-out line as plain text (tests)."""
        layout = self._ensure_layout()
        units = self._ensure_units()
        return "\n".join(
            units[line.unit].text.plain[line.start : line.end] for line in layout.lines
        )

    # -- actions ----------------------------------------------------------

    def action_scroll_down(self) -> None:
        self.scroll_relative(y=1, animate=False, immediate=True)

    def action_scroll_up(self) -> None:
        self.scroll_relative(y=-1, animate=False, immediate=True)

    def action_scroll_home(self) -> None:
        self.scroll_to(y=0, animate=False, immediate=True)

    def action_scroll_end(self) -> None:
        self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)

    def action_page_down(self) -> None:
        self.scroll_relative(
            y=max(1, self.scrollable_content_region.height - 1), animate=False, immediate=True
        )

    def action_page_up(self) -> None:
        self.scroll_relative(
            y=-max(1, self.scrollable_content_region.height - 1), animate=False, immediate=True
        )

    # -- events -----------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._relayout()

    def relayout_now(self) -> None:
        """Wrap for the current width and size the scrollbar now, not on the next resize
        event and layout (a new article; a screen laid out off screen)."""
        self._relayout()
        update_scrollbars(self)

    def notify_style_update(self) -> None:
        """Rebuild only when a component style really changed (focus changes call this too)."""
        super().notify_style_update()
        if self._units is None and not self._strips:
            # Nothing drawn yet (on the first styling, component styles do not exist yet).
            self._painted_signature = ()
            self._forget_styles()
            return
        signature = self._style_signature()
        if signature == self._painted_signature:
            return  # focus came or went: nothing this view draws looks different
        self._painted_signature = signature
        self._strips.clear()
        self._forget_styles()
        if self._units is not None and signature[1:] != self._built_signature:
            self._units = None
            self._layout = None
            if self.is_mounted and self.stored is not None:
                self._relayout()
        self.refresh()

    def _forget_styles(self) -> None:
        self._base = self._blank = None
        self._styles.clear()
        self.forget_gutter()

    def _style_signature(self) -> tuple[Style, ...]:
        """The widget's own style, then every component style (what units are built from)."""
        components = sorted(self.COMPONENT_CLASSES)
        return (
            self.rich_style,
            *(self.get_component_rich_style(name, partial=True) for name in components),
        )

    # -- building ---------------------------------------------------------

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_component_rich_style(
                f"article-view--{name}", partial=True
            )
        return style

    def _ensure_units(self) -> list[Unit]:
        if self._units is None:
            self._built_signature = self._style_signature()[1:]
            self._units = self._build_units(self.stored.article) if self.stored else []
            if self.find_query:
                query, self.find_query = self.find_query, ""
                self.find(query)
        return self._units

    def _build_units(self, article: Article) -> list[Unit]:
        """Turn the article's layout into styled units; untrusted text only goes through append.

        The reader draws neither the link nor the pull quotes list (the bar
        and `Q` show those); it names who is quoted under each paragraph.
        """
        units: list[Unit] = []
        blank = Unit(Text(""), searchable=False, rule="blank")
        for element in article_layout(article):
            if isinstance(element, Paragraph):
                text = Text()
                text.append(element.text, self._style("paragraph"))
                if element.quotes:
                    inline = self._style("inline-quote")
                    for span in element.quotes:
                        text.stylize(inline, span.start, span.end)
                units.append(Unit(text, block=element.block))
                for speaker in element.speakers:
                    line = Text()
                    line.append(f"— {speaker}", self._style("speaker"))
                    units.append(Unit(line, prefix=("  ", "  ")))
                units.append(blank)
            elif isinstance(element, Heading):
                text = Text()
                text.append(element.text, self._style("heading"))
                units.append(Unit(text, block=element.block))
                units.append(blank)
            elif isinstance(element, Caption):
                text = Text()
                text.append(element.text, self._style("caption"))
                if element.credit:
                    text.append("  ")
                    text.append(credit_label(element.credit), self._style("credit"))
                units.append(
                    Unit(text, prefix=("◩ ", "  "), prefix_style="caption", block=element.block)
                )
                units.append(blank)
            elif isinstance(element, BlockQuote):
                text = Text()
                text.append(element.text, self._style("quote"))
                bar = (QUOTE_BAR, QUOTE_BAR)
                units.append(Unit(text, prefix=bar, prefix_style="quote-bar", block=element.block))
                if element.attribution:
                    line = Text()
                    line.append(f"— {element.attribution}", self._style("speaker"))
                    units.append(Unit(line, prefix=bar, prefix_style="quote-bar"))
                units.append(blank)
            elif isinstance(element, Title):
                title = Text()
                title.append(element.text, self._style("title"))
                units.append(Unit(title))
            elif isinstance(element, Meta):
                units.append(Unit(Text(element.text, self._style("meta"))))
                units.append(blank)
            elif isinstance(element, Link | Media | Links):
                self._link_units(element, units, blank)
            elif isinstance(element, KeyPoints):
                units.append(Unit(Text(""), searchable=False, rule="top:Key points"))
                for point in element.points:
                    text = Text()
                    text.append(point, self._style("box"))
                    units.append(
                        Unit(text, prefix=(BULLET, "  "), prefix_style="bullet", boxed=True)
                    )
                units.append(Unit(Text(""), searchable=False, rule="bottom"))
                units.append(blank)
        return units

    def _link_units(self, element: Link | Media | Links, units: list[Unit], blank: Unit) -> None:
        """The URL and enclosures under the meta line (the article's header), and the
        numbered links at the end, which `l` + a digit opens."""
        meta = self._style("meta")
        if isinstance(element, Links):
            units.append(Unit(Text("Links", self._style("heading"))))
            for number, (label, url) in enumerate(element.links, start=1):
                text = Text()
                text.append(label, self._style("paragraph"))
                text.append(f"  {url}", meta)
                mark = f"[{number}] "
                units.append(Unit(text, prefix=(mark, " " * len(mark)), prefix_style="bullet"))
            units.append(blank)
            return
        header: list[Unit] = []
        if isinstance(element, Link):
            header.append(Unit(Text(element.url, meta)))
        else:
            for url, label in element.items:
                header.append(Unit(Text(f"▶ {label}  {url}", meta)))
        # Right under the meta line, before the blank line that closes the header.
        at = len(units) - 1 if units and units[-1] is blank else len(units)
        units[at:at] = header

    def _content_width(self) -> int:
        return max(10, self.scrollable_content_region.width)

    def _geometry(self, width: int | None = None) -> tuple[int, int]:
        """(left margin, text column width) for `width` (default: the current width)."""
        width = self._content_width() if width is None else width
        measure = min(width - 2, MAX_MEASURE)
        margin = max(1, (width - measure) // 2)
        return margin, measure

    def _ensure_layout(self) -> Layout:
        width = self._content_width()
        if self._layout is None or self._layout.width != width:
            units = self._ensure_units()
            _, measure = self._geometry(width)
            layout = Layout(width)
            for number, unit in enumerate(units):
                layout.first_line.append(len(layout.lines))
                if unit.rule is not None:
                    layout.lines.append(Line(number, 0, 0, True))
                    continue
                inner = measure - cell_len(unit.prefix[0])
                if unit.boxed:
                    inner -= 4
                for i, (start, end) in enumerate(wrap_offsets(unit.text.plain, inner)):
                    layout.lines.append(Line(number, start, end, i == 0))
            self._layout = layout
            self._strips.clear()
        return self._layout

    def _relayout(self) -> None:
        if self.scrollable_content_region.width <= 0:
            return  # not laid out yet: on_resize will come with the real width
        if not self.is_mounted or self.stored is None:
            self.virtual_size = Size(self._content_width(), 0)
            return
        layout = self._ensure_layout()
        self.virtual_size = Size(self._content_width(), len(layout.lines))
        self.refresh()

    # -- find helpers -----------------------------------------------------

    def _line_at(self, unit: int, offset: int) -> int:
        """The layout line showing character `offset` of `unit`."""
        layout = self._ensure_layout()
        if not 0 <= unit < len(layout.first_line):
            return 0
        number = layout.first_line[unit]
        lines = layout.lines
        while (
            number + 1 < len(lines)
            and lines[number + 1].unit == unit
            and lines[number + 1].start <= offset
        ):
            number += 1
        return number

    def _first_visible_match(self) -> int:
        """The first match at or below the top of the view (so typing does not jump back)."""
        layout = self._ensure_layout()
        top = self.scroll_offset.y
        if top >= len(layout.lines):
            return 0
        line = layout.lines[top]
        index = bisect_left(self._matches, (line.unit, line.start, 0))
        return index if index < len(self._matches) else 0

    def _find_changed(self) -> None:
        self._find_generation += 1
        self._strips.clear()
        self.refresh()
        total = len(self._matches)
        self.post_message(self.FindChanged(self.current_match + 1 if total else 0, total))

    def _scroll_to_current(self) -> None:
        if self.current_match < 0 or not self._matches:
            return
        y = self.line_of_match(self.current_match)
        height = self.scrollable_content_region.height
        top = self.scroll_offset.y
        if not (top <= y < top + height):
            self.scroll_to(y=max(0, y - height // 3), animate=False, immediate=True)

    # -- rendering --------------------------------------------------------

    @property
    def base_style(self) -> Style:
        """The widget's own style, cached: Textual recomputes `rich_style` from every ancestor."""
        if self._base is None:
            self._base = self.rich_style
        return self._base

    def paint_line(self, y: int, width: int, scroll_y: int) -> Strip:
        width = max(10, width)  # as _content_width(), without asking Textual again per line
        if self.stored is None:
            return self._blank_line(width)
        layout = self._layout
        if layout is None or layout.width != width:
            layout = self._ensure_layout()
        number = y + scroll_y
        if number >= len(layout.lines):
            return self._blank_line(width)
        key = (number, width, self._find_generation, self.gutter_covered)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._render_layout_line(layout.lines[number], width)
            self._strips[key] = strip
            while len(self._strips) > MAX_STRIPS:
                self._strips.popitem(last=False)
        else:
            self._strips.move_to_end(key)
        return strip

    def _blank_line(self, width: int) -> Strip:
        gutter = self.gutter_segment(width)
        full = width + (len(gutter.text) if gutter else 0)
        if self._blank is None or self._blank.cell_length != full:
            self._blank = self.with_gutter(Strip.blank(width, self.base_style), width)
        return self._blank

    def _render_layout_line(self, line: Line, width: int) -> Strip:
        units = self._ensure_units()
        unit = units[line.unit]
        margin, measure = self._geometry(width)
        base = self.base_style
        out = Text(end="", no_wrap=True)
        out.append(" " * margin)
        if unit.rule is not None:
            if unit.rule.startswith("top:"):
                label = unit.rule[4:]
                border = self._style("box-border")
                out.append("╭─ ", border)
                out.append(label, self._style("box-title"))
                out.append(" " + "─" * max(0, measure - cell_len(label) - 5) + "╮", border)
            elif unit.rule == "bottom":
                out.append("╰" + "─" * max(0, measure - 2) + "╯", self._style("box-border"))
            return self._strip(out, width, base)
        content = unit.text[line.start : line.end]
        for index in self._by_unit.get(line.unit, ()):
            match = self._matches[index]
            if match.end <= line.start or match.start >= line.end:
                continue
            style = "match-current" if index == self.current_match else "match"
            content.stylize(
                self._style(style),
                max(0, match.start - line.start),
                min(line.end, match.end) - line.start,
            )
        content.rstrip()
        prefix = unit.prefix[0] if line.first else unit.prefix[1]
        if unit.boxed:
            border = self._style("box-border")
            fill = self._style("box")
            out.append("│ ", border)
            out.append(prefix, self._style(unit.prefix_style) if unit.prefix_style else fill)
            inner = measure - 4 - cell_len(prefix)
            content.truncate(inner, pad=True)
            content.stylize_before(fill)
            out.append_text(content)
            out.append(" │", border)
        else:
            if prefix:
                out.append(prefix, self._style(unit.prefix_style) if unit.prefix_style else "")
            out.append_text(content)
        return self._strip(out, width, base)

    def _strip(self, text: Text, width: int, base: Style) -> Strip:
        """`text` over the base style, padded to `width`, then the gutter: one Strip."""
        segments = list(Segment.apply_style(text.render(self.app.console), base))
        cells = Segment.get_line_length(segments)
        if cells > width:
            segments = list(Strip(segments, cells).crop(0, width))
            cells = width
        elif cells < width:
            segments.append(Segment(" " * (width - cells), base))
        gutter = self.gutter_segment(width)
        if gutter is not None:
            segments.append(gutter)
            width += len(gutter.text)
        return Strip(segments, width)

"""The reader: one article drawn through Textual's line API.

Why the line API rather than `Markdown` or a big `Static`: the Markdown widget
is far too slow on long articles, and a `Static` re-renders the whole article
on every highlight change. Here the article becomes styled units wrapped into
lines once per width (`reader_lines`); `render_line` slices only the lines on
screen, overlays find matches on them (`reader_find`), and keeps the resulting
strips in an LRU. Find therefore costs a regex pass over the units, not a
re-render. Lines built off the UI thread for a fast open are taken over
through `reader_prepare.ReaderPreparation`.

Styles come from component classes in `newsreader.tcss`, so themes apply;
a style update drops every cache.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip

from newsreader.model.library import StoredArticle
from newsreader.ui.compat import update_scrollbars
from newsreader.ui.keys import bindings
from newsreader.ui.widgets.direct_paint import DirectScrollView
from newsreader.ui.widgets.reader_find import (
    Match,
    find_matches,
    first_match_from,
    highlight_matches,
    smart_case_pattern,
)
from newsreader.ui.widgets.reader_lines import (
    Layout,
    Line,
    Unit,
    build_units,
    geometry,
    lay_out,
    line_at,
)
from newsreader.ui.widgets.reader_prepare import ReaderPreparation
from newsreader.ui.widgets.typeahead import open_box_or_forward

MAX_STRIPS = 512


def _same_article(shown: StoredArticle, new: StoredArticle) -> bool:
    """The same article with the same text: its wrapped lines can be kept."""
    return shown.id == new.id and shown.article == new.article


class ArticleView(ReaderPreparation, DirectScrollView, can_focus=True):
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
        self._built_brief = True
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
        self._forget_find()
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
            self._matches, self._by_unit = find_matches(self._ensure_units(), pattern)
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
        return line_at(self._ensure_layout(), match.unit, match.start)

    def scroll_to_block(self, block: int, offset: int = 0) -> None:
        """Bring the body block `block` (e.g. a pull quote's) into view, a third down."""
        units = self._ensure_units()
        for number, unit in enumerate(units):
            if unit.block == block:
                y = line_at(self._ensure_layout(), number, offset)
                self.scroll_to(
                    y=max(0, y - self.scrollable_content_region.height // 3),
                    animate=False,
                    immediate=True,
                )
                return

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
            brief = self._built_brief = self._brief()
            self._units = (
                build_units(self.stored.article, self._style, brief=brief) if self.stored else []
            )
            if self.find_query:
                query, self.find_query = self.find_query, ""
                self.find(query)
        return self._units

    def _brief(self) -> bool:
        """The `brief` setting of config.toml (a generated brief above articles without one)."""
        return bool(getattr(getattr(self.app, "config", None), "brief", True))

    def _content_width(self) -> int:
        return max(10, self.scrollable_content_region.width)

    def _ensure_layout(self) -> Layout:
        width = self._content_width()
        if self._layout is None or self._layout.width != width:
            self._layout = lay_out(self._ensure_units(), width)
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

    def _forget_find(self) -> None:
        """No matches and no query: a new article (or new lines) starts unsearched."""
        self._matches = []
        self._by_unit = {}
        self.current_match = -1
        self.find_query = ""

    def _first_visible_match(self) -> int:
        """The first match at or below the top of the view (so typing does not jump back)."""
        return first_match_from(self._ensure_layout(), self._matches, self.scroll_offset.y)

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
        margin, measure = geometry(width)
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
        indices = self._by_unit.get(line.unit)
        if indices:
            highlight_matches(
                content, line, indices, self._matches, self.current_match, self._style
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

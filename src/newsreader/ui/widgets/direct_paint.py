"""Line-API scroll views (and their scrollbars) painted straight to the screen.

Why: Textual sends every line a widget paints through `StylesCache`, which
re-derives border, padding, outline, tint and opacity each time: about 120 us
a line here, so a page-down through the list, or a scroll of the reader, spent
more time there than building the lines. The list and the reader have none of
those styles (their CSS sets colours and a scrollbar gutter), so their lines
are final once built: `DirectScrollView.render_lines` hands them over with only
the app's line filters (ANSI colour conversion, NO_COLOR) applied, and each
cached strip keeps its filtered copy.

The scrollbar moves on every page and went through the same pipeline, costing many
times what rendering the bar itself does; `LeanScrollBar` renders Textual's own
`ScrollBarRender` straight to strips. Colours, hover and drag are Textual's.
A test compares every cell with what Textual's pipeline paints, in two themes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.segment import Segment
from textual.color import Color
from textual.filter import ANSIToTruecolor, LineFilter
from textual.geometry import Region
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip
from textual.style import Style as TextualStyle

from newsreader.ui.compat import attach_vertical_scrollbar, existing_vertical_scrollbar

if TYPE_CHECKING:
    from textual.widget import Widget


class LeanScrollBar(ScrollBar):
    """Textual's `ScrollBar`, rendered whole and cached by what it shows."""

    def __init__(self, vertical: bool = True, name: str | None = None, *, thickness: int = 1):
        super().__init__(vertical, name, thickness=thickness)
        self._painted: tuple[tuple[object, ...], list[Strip]] | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        width, height = self.region.size
        renderable = self.render()
        base = self.rich_style  # under the bar's own colours, as Textual paints it
        key: tuple[object, ...] = (width, height, base)
        if isinstance(renderable, ScrollBarRender):
            key += (
                renderable.virtual_size,
                renderable.window_size,
                renderable.position,
                renderable.thickness,
                renderable.style,
            )
        else:  # a subclass renderer we know nothing about: never reuse
            key += (object(),)
        if self._painted is None or self._painted[0] != key:
            console = self.app.console
            options = console.options.update_dimensions(width, height)
            lines = console.render_lines(renderable, options, pad=True)
            # Most lines are the same track: one shared Strip each keeps its
            # filtered and divided copies cached across repaints.
            shared: dict[tuple[Segment, ...], Strip] = {}
            strips = []
            for line in lines:
                segments = tuple(Segment.apply_style(line, base))
                strip = shared.get(segments)
                if strip is None:
                    strip = shared[segments] = Strip(segments, width)
                strips.append(strip)
            self._painted = (key, strips)
        strips = self._painted[1][crop.y : crop.bottom]
        if len(strips) < crop.height:  # hidden, or not laid out yet
            strips += [Strip.blank(width)] * (crop.height - len(strips))
        filters = self.app.get_line_filters()
        if filters:
            background = self.background_colors[1]
            for line_filter in filters:
                strips = [strip.apply_filter(line_filter, background) for strip in strips]
        x1, x2 = crop.column_span
        if (x1, x2) != (0, width):
            strips = [strip.crop(x1, x2) for strip in strips]
        return strips


def _leaves_alone(line_filter: LineFilter, strip: Strip, background: Color) -> bool:
    """True when `line_filter` would return `strip` unchanged, so it need not run.

    The ANSI colour filter is always on and rebuilds every new line (every row
    of a page-down), yet the theme's colours are true colours already: asking
    its own cached per-style conversion is cheaper, and exact.
    """
    if not isinstance(line_filter, ANSIToTruecolor):
        return False
    convert = line_filter.truecolor_style
    under = background.rich_color
    return all(style is None or convert(style, under) is style for _, style, _ in strip)


def lean_vertical_scrollbar(widget: Widget) -> ScrollBar:
    """`widget`'s vertical scrollbar, created as a `LeanScrollBar` on first use.

    Mirrors `Widget.vertical_scrollbar`, which offers no hook for the class.
    """
    existing = existing_vertical_scrollbar(widget)
    if existing is not None:
        return existing
    bar = LeanScrollBar(vertical=True, name="vertical", thickness=widget.scrollbar_size_vertical)
    attach_vertical_scrollbar(widget, bar)
    return bar


class DirectScrollView(ScrollView):
    """A `ScrollView` whose lines, built by `paint_line`, go to the screen as they are.

    Only for widgets whose CSS has no border, padding, outline, tint or
    opacity: those are what the skipped pipeline would have added.
    """

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._gutter: Segment | None = None
        self.gutter_covered = False
        """The scrollbar is drawn over the gutter, so lines stop short of it: the
        compositor then has no line to cut at the scrollbar's edge (one Strip less
        per new line). Set before each paint; part of the subclasses' cache keys."""

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        return lean_vertical_scrollbar(self)

    def paint_line(self, y: int, width: int, scroll_y: int) -> Strip:
        """Screen line `y`, content `width` cells wide plus `with_gutter`'s blank cells."""
        raise NotImplementedError

    def render_line(self, y: int) -> Strip:
        self._check_gutter()
        return self.paint_line(y, self.scrollable_content_region.width, self.scroll_offset.y)

    def _check_gutter(self) -> None:
        self.gutter_covered = (
            self.show_vertical_scrollbar and self.styles.scrollbar_visibility == "visible"
        )

    def render_lines(self, crop: Region) -> list[Strip]:
        self._check_gutter()
        width = self.scrollable_content_region.width
        scroll_y = self.scroll_offset.y
        filters = self.app.get_line_filters()
        background = self.background_colors[1]
        strips = []
        for y in crop.line_range:
            strip = self.paint_line(y, width, scroll_y)
            for line_filter in filters:
                if not _leaves_alone(line_filter, strip, background):
                    strip = strip.apply_filter(line_filter, background)
            strips.append(strip)
        x1, x2 = crop.column_span
        if (x1, x2) != (0, self.region.width):
            strips = [strip.crop(x1, x2) for strip in strips]
        return strips

    def gutter_segment(self, width: int) -> Segment | None:
        """Blank cells for the gutter when no scrollbar covers it (as Textual pads lines)."""
        gap = self.region.width - width
        if gap <= 0 or self.gutter_covered:
            return None
        if self._gutter is None or len(self._gutter.text) != gap:
            base_background, background = self.background_colors
            style = TextualStyle(background=base_background + background).rich_style
            self._gutter = Segment(" " * gap, style)
        return self._gutter

    def with_gutter(self, strip: Strip, width: int) -> Strip:
        """`strip` (`width` cells) continued under the scrollbar."""
        gutter = self.gutter_segment(width)
        if gutter is None:
            return strip
        return Strip([*strip, gutter], strip.cell_length + len(gutter.text))

    def forget_gutter(self) -> None:
        """Call when styles change (the gutter takes the widget's background)."""
        self._gutter = None

"""A vertical scrollbar painted in one pass, for the list and the reader.

Why: a page-down moves the thumb, so the scrollbar repaints all of its lines,
and Textual's generic per-line style pipeline (`StylesCache`) cost about 3 ms
for a 38-line bar, more than rendering the bar itself (0.2 ms). A scrollbar has
no border, padding or tint, so this one renders Textual's own `ScrollBarRender`
straight to strips and keeps the result until its geometry or style changes.
Colours, hover and drag behave exactly as Textual's scrollbar: only the
painting path differs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.segment import Segment
from textual.geometry import Region
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip

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
        filters = self.app.get_line_filters()
        if filters:
            background = self.background_colors[1]
            for line_filter in filters:
                strips = [strip.apply_filter(line_filter, background) for strip in strips]
        x1, x2 = crop.column_span
        if (x1, x2) != (0, width):
            strips = [strip.crop(x1, x2) for strip in strips]
        return strips


def lean_vertical_scrollbar(widget: Widget) -> ScrollBar:
    """`widget`'s vertical scrollbar, created as a `LeanScrollBar` on first use.

    Mirrors `Widget.vertical_scrollbar`, which offers no hook for the class.
    """
    existing = widget._vertical_scrollbar
    if existing is not None:
        return existing
    bar = LeanScrollBar(vertical=True, name="vertical", thickness=widget.scrollbar_size_vertical)
    bar.display = False
    widget._vertical_scrollbar = bar
    widget.app._start_widget(widget, bar)
    return bar

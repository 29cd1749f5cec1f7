"""The article list's component styles, looked up once and kept until the styles change.

Why a module of its own: every row the list paints takes five component styles
(mark, bookmark, title, source, date), the cursor row one more, and Textual
works each one out from the CSS and every ancestor on each call; on the hot
path of paging through the list they are read from this cache instead, which
`ArticleList` drops on resize, theme and style changes.
"""

from __future__ import annotations

from typing import Protocol, cast

from rich.style import Style


class _StyledWidget(Protocol):
    """What the mixin uses of the widget (Textual's own API), named for the type checker."""

    @property
    def rich_style(self) -> Style: ...

    def get_component_rich_style(
        self, *names: str, partial: bool = False, default: Style | None = None
    ) -> Style: ...


class ListStyles:
    """`component_style` and `base_style` of `ArticleList`, cached (mixed in)."""

    _base_style: Style | None
    _row_styles: dict[tuple[str, bool], Style]
    """Component styles by (class name, layer), cached: five are looked up per row."""

    def forget_styles(self) -> None:
        """Drop the cached styles: the theme, the CSS or the focus changed them."""
        self._base_style = None
        self._row_styles.clear()

    def component_style(self, name: str, *, layer: bool = False) -> Style:
        """A component class's style, cached like `base_style` (five lookups per row otherwise).

        `layer`: only what its CSS rule sets (colours as Textual resolves them on
        this widget), to paint over the row's own styles.
        """
        key = (name, layer)
        style = self._row_styles.get(key)
        if style is None:
            widget = cast("_StyledWidget", self)
            style = widget.get_component_rich_style(name)
            if layer:
                own = widget.get_component_rich_style(name, partial=True)
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
            self._base_style = cast("_StyledWidget", self).rich_style
        return self._base_style

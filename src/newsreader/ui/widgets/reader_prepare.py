"""Opening an article fast: its lines built off the UI thread, then adopted by the reader.

Why a module of its own: wrapping a long article is most of what opening it
costs, so the app builds the lines of the article under the list's cursor in
a worker thread while the user rests on its row (`NewsreaderApp`), and the
reader only takes them on Enter. Agreeing on what those lines depend on
(`LineRecipe`), building them without Textual (`build_lines`) and handing them
to the view (`ReaderPreparation`, mixed into `ArticleView`) is one job, apart
from painting them.

The mixin names what it uses of the view in a Protocol, so this module never
imports `article_view`.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, ClassVar, NamedTuple, Protocol, cast

from rich.style import Style
from textual.geometry import Size

from newsreader.model.library import StoredArticle
from newsreader.ui.compat import update_scrollbars
from newsreader.ui.widgets.reader_lines import Layout, Unit, build_units, lay_out

if TYPE_CHECKING:
    from textual.geometry import Offset, Region
    from textual.strip import Strip
    from textual.widget import Widget


class LineRecipe(NamedTuple):
    """What an article's wrapped lines depend on, taken from the view on the UI thread.

    Why: the lines of the article under the list's cursor are built in a
    worker thread while the user looks at the list (`NewsreaderApp`), and a
    thread must not ask Textual for styles. The view adopts the lines only
    if its recipe is still the same (no resize, theme or setting change).
    """

    width: int
    styles: tuple[tuple[str, Style], ...]
    """Every component style by short name (`paragraph`), sorted: also the identity."""
    brief: bool


class PreparedLines(NamedTuple):
    """An article's units and their wrapping for `recipe`, built off the UI thread."""

    stored: StoredArticle
    units: list[Unit]
    layout: Layout
    recipe: LineRecipe


def build_lines(stored: StoredArticle, recipe: LineRecipe) -> PreparedLines:
    """`stored`'s units and wrapped lines for `recipe`: plain values, safe in a thread."""
    styles = dict(recipe.styles)
    units = build_units(stored.article, styles.__getitem__, brief=recipe.brief)
    return PreparedLines(stored, units, lay_out(units, recipe.width), recipe)


class _PreparingView(Protocol):
    """What the mixin uses of `ArticleView`, named here so neither module imports the other."""

    COMPONENT_CLASSES: ClassVar[set[str]]
    stored: StoredArticle | None
    _units: list[Unit] | None
    _layout: Layout | None
    _strips: OrderedDict[tuple[int, int, int, bool], Strip]
    _built_signature: tuple[Style, ...]
    _built_brief: bool
    virtual_size: Size

    @property
    def scrollable_content_region(self) -> Region: ...

    @property
    def scroll_offset(self) -> Offset: ...

    def get_component_rich_style(self, *names: str, partial: bool = False) -> Style: ...

    def _content_width(self) -> int: ...

    def _brief(self) -> bool: ...

    def _forget_find(self) -> None: ...

    def _check_gutter(self) -> None: ...

    def paint_line(self, y: int, width: int, scroll_y: int) -> Strip: ...

    def line_recipe(self) -> LineRecipe | None: ...

    def scroll_to(
        self,
        x: float | None = None,
        y: float | None = None,
        *,
        animate: bool = True,
        immediate: bool = False,
    ) -> None: ...

    def refresh(self) -> object: ...


class ReaderPreparation:
    """The reader's side of a prepared article: the recipe, the check, the adoption."""

    def line_recipe(self) -> LineRecipe | None:
        """What this view would build an article's lines from now; None before its layout."""
        view = cast("_PreparingView", self)
        if view.scrollable_content_region.width <= 0:
            return None
        prefix = "article-view--"
        styles = tuple(
            (name[len(prefix) :], view.get_component_rich_style(name, partial=True))
            for name in sorted(view.COMPONENT_CLASSES)
        )
        return LineRecipe(view._content_width(), styles, view._brief())

    def holds(self, article_id: int, recipe: LineRecipe) -> bool:
        """The article `article_id` is shown with lines built from `recipe`."""
        view = cast("_PreparingView", self)
        return (
            view.stored is not None
            and view.stored.id == article_id
            and view._layout is not None
            and view._layout.width == recipe.width
            and view._built_signature == tuple(style for _, style in recipe.styles)
            and view._built_brief == recipe.brief
        )

    def adopt(self, prepared: PreparedLines) -> bool:
        """Show `prepared` (built off screen), from the top; False if its recipe is stale."""
        view = cast("_PreparingView", self)
        if view.line_recipe() != prepared.recipe:
            return False
        view.stored = prepared.stored
        view._units = prepared.units
        view._layout = prepared.layout
        view._built_signature = tuple(style for _, style in prepared.recipe.styles)
        view._built_brief = prepared.recipe.brief
        view._strips.clear()
        view._forget_find()
        view.virtual_size = Size(prepared.recipe.width, len(prepared.layout.lines))
        update_scrollbars(cast("Widget", self))
        view.scroll_to(y=0, animate=False, immediate=True)
        view.refresh()
        return True

    def warm_lines(self) -> None:
        """Paint the lines on screen into the cache now (off screen, while nothing waits)."""
        view = cast("_PreparingView", self)
        region = view.scrollable_content_region
        if region.width <= 0 or view._layout is None:
            return
        view._check_gutter()
        for y in range(region.height):
            view.paint_line(y, region.width, view.scroll_offset.y)

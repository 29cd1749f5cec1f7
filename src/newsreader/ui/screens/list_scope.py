"""Library search narrowed to the sidebar's feed or folder, and saying so.

With a feed or folder selected, `/` searches only its articles: the box
reads "Search in Harbour Gazette…" and the filter bar " Search in Harbour
Gazette ", so a search that finds nothing is never taken for the library's
answer. With every article shown, it searches the whole library as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, cast

from newsreader.model.library import ListQuery

if TYPE_CHECKING:
    from textual.widgets import Input

    from newsreader.ui.widgets.feed_sidebar import FeedScope
    from newsreader.ui.widgets.status_bar import FilterBar

LIBRARY_PLACEHOLDER = "search the library"


class _ScopeScreen(Protocol):
    """What the mixin uses of `ListScreen`, named here so neither module imports the other."""

    scope: FeedScope
    filter_bar: FilterBar
    _search_box: Input | None


class ListSearchScope:
    """Mixed into `ListScreen`: the search's scope and its wording."""

    def search_query(self) -> ListQuery | None:
        """The articles a search looks in: the sidebar's feed or folder, None for all."""
        scope = cast("_ScopeScreen", self).scope
        if scope.kind == "feed":
            return ListQuery(feed_id=scope.feed_id)
        if scope.kind == "folder":
            return ListQuery(feed_ids=scope.feed_ids)
        return None

    def show_search_scope(self) -> None:
        """Word the search box and the filter bar for the current scope."""
        screen = cast("_ScopeScreen", self)
        scope = screen.scope
        label = "" if scope.kind == "all" else scope.label
        screen.filter_bar.search_scope = label
        if screen._search_box is not None:
            screen._search_box.placeholder = f"Search in {label}…" if label else LIBRARY_PLACEHOLDER

"""What the list screen says about the library: the filter bar's counts and the sidebar's.

Counting costs queries, so a cursor move (`recount=False`) redraws the bar
with the last counts, and the sidebar's are read only while it shows. The
scope is re-checked against the feeds each recount: a feed removed or a
folder that changed elsewhere moves the list with it. Mixed into
`ListScreen`; what it uses of the screen is `_StatusScreen`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from newsreader.errors import NewsreaderError
from newsreader.model.library import Feed, Filter, ListQuery
from newsreader.ui.widgets.feed_sidebar import resolve_scope
from newsreader.ui.widgets.status_bar import FILTER_LABELS

if TYPE_CHECKING:
    from newsreader.store import Library
    from newsreader.ui.host import Host
    from newsreader.ui.widgets.article_list import ArticleList
    from newsreader.ui.widgets.feed_sidebar import FeedScope, FeedSidebar
    from newsreader.ui.widgets.status_bar import FilterBar


class _StatusScreen(Protocol):
    """What the mixin uses of `ListScreen`, named here so neither module imports the other."""

    library: Library
    host: Host
    filter: Filter
    scope: FeedScope
    _counts: dict[str, int] | None
    _search_query: str

    @property
    def article_list(self) -> ArticleList: ...

    @property
    def filter_bar(self) -> FilterBar: ...

    @property
    def sidebar(self) -> FeedSidebar | None: ...

    @property
    def sidebar_open(self) -> bool: ...

    def list_query(self) -> ListQuery: ...

    def _load_feeds(self) -> list[Feed]: ...

    def update_status(self, *, recount: bool = True, feeds: list[Feed] | None = None) -> None: ...

    def _scope_counts(self) -> dict[str, int]: ...

    def _refresh_sidebar(self, feeds: list[Feed] | None = None) -> None: ...


class ListStatus:
    """The filter bar's and the sidebar's counts: mixed into `ListScreen`."""

    _counts: dict[str, int] | None = None
    """The last counts, reused while only the cursor moves."""

    def update_status(
        self: _StatusScreen, *, recount: bool = True, feeds: list[Feed] | None = None
    ) -> None:
        """Redraw the filter bar (and the sidebar's counts when `recount`).

        `recount=False` (cursor moves) reuses the last counts.
        """
        listing = self.article_list
        if recount:
            self._refresh_sidebar(feeds)
        if listing.searching:
            hits = listing.row_count if self._search_query else None
            self.filter_bar.show_search(self._search_query, hits if self._search_query else 0)
            return
        count = listing.row_count
        position = f"{listing.cursor + 1}/{count}" if count else ""
        if recount or self._counts is None:
            self._counts = self._scope_counts()
        scope = self.scope
        label = "" if scope.kind == "all" else f"{scope.kind.title()}: {scope.label}"
        self.filter_bar.show_filters(
            self.filter,
            self._counts,
            position,
            scope=label,
            failing=bool(scope.error),
            note=self.host.sync_note(),
        )

    def recount(self: _StatusScreen) -> None:
        """Counts and the sidebar from the store again (a write landed or failed)."""
        try:
            self.update_status()
        except NewsreaderError as exc:
            self.host.writes.read_failed(exc)

    def _scope_counts(self: _StatusScreen) -> dict[str, int]:
        if self.scope.kind == "all":
            return self.library.counts()
        query = self.list_query()
        return {
            name: self.library.count(
                ListQuery(filter=name, feed_id=query.feed_id, feed_ids=query.feed_ids)
            )
            for name in FILTER_LABELS
        }

    def _refresh_sidebar(self: _StatusScreen, feeds: list[Feed] | None = None) -> None:
        """New unread counts and error marks; re-check the scope against today's feeds."""
        if feeds is None:
            if not self.sidebar_open and self.scope.kind == "all":
                return  # filled when it opens
            feeds = self._load_feeds()
        scope = resolve_scope(self.scope, feeds)
        if scope != self.scope:
            changed = scope.feed_ids != self.scope.feed_ids or scope.kind != self.scope.kind
            self.scope = scope
            if changed:  # the folder gained or lost feeds, or the feed was removed
                current = self.article_list.current
                self.article_list.reload(
                    self.list_query(), keep=current.id if current else None, anchor=True
                )
        sidebar = self.sidebar
        if sidebar is not None and sidebar.display:
            sidebar.show_feeds(feeds, self.library.counts()["unread"], self.scope)

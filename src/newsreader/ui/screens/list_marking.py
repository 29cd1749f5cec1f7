"""Mark a feed, a folder or everything read from the list, and undo it (newsboat's `A`/`C`).

`A` marks what the list shows: the sidebar's feed or folder under the
current filter (or the search results, when a search is shown); `C` marks
the whole library. Either is one statement in the store and is remembered,
so `u` restores exactly the articles it changed (articles that were already
read keep their read time); a second mark replaces what `u` would undo.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, cast

from newsreader.model.library import ListQuery

if TYPE_CHECKING:
    from newsreader.store import Library
    from newsreader.store.bulk import BulkResult
    from newsreader.ui.host import Host
    from newsreader.ui.widgets.article_list import ArticleList
    from newsreader.ui.widgets.feed_sidebar import FeedScope


class _MarkingScreen(Protocol):
    """What the mixin uses of `ListScreen`, named here so neither module imports the other."""

    library: Library
    host: Host
    article_list: ArticleList
    scope: FeedScope

    def list_query(self) -> ListQuery: ...

    def update_status(self) -> None: ...

    def notify(self, message: str, **kwargs: Any) -> Any: ...


class MarkedRead(NamedTuple):
    """What the last mark changed, for `u`."""

    ids: list[int]
    label: str


def _plural(count: int) -> str:
    return f"{count} article{'s' if count != 1 else ''}"


class ListMarking:
    """The list's `A`, `C` and `u`: mixed into `ListScreen`."""

    last_marked: MarkedRead | None = None

    def action_mark_scope_read(self) -> None:
        screen = cast("_MarkingScreen", self)
        listing = screen.article_list
        if listing.searching:
            ids = [
                row.id
                for row in (listing.row_at(i) for i in range(listing.row_count))
                if row is not None
            ]
            self._mark(lambda: screen.library.set_read_many(ids, True).changed, "search results")
            return
        scope = screen.scope
        label = "every article" if scope.kind == "all" else scope.label
        query = screen.list_query()
        self._mark(lambda: screen.library.mark_list_read(query), label)

    def action_mark_all_read(self) -> None:
        screen = cast("_MarkingScreen", self)
        self._mark(lambda: screen.library.mark_list_read(ListQuery()), "every article")

    def action_undo_mark_read(self) -> None:
        screen = cast("_MarkingScreen", self)
        marked = self.last_marked
        if marked is None:
            screen.notify("Nothing to undo", timeout=2)
            return

        def undone(result: BulkResult) -> None:
            if self.last_marked is marked:
                self.last_marked = None
            self._show_change()
            screen.notify(f"Marked {_plural(len(result.changed))} unread again", timeout=3)

        screen.host.writes.write(
            lambda: screen.library.set_read_many(marked.ids, False),
            what="Not marked unread",
            key="mark-read",
            done=undone,
        )

    def _mark(self, run: Callable[[], list[int]], label: str) -> None:
        """Run the mark through the UI's writes (a busy library: when it is free)."""
        screen = cast("_MarkingScreen", self)
        screen.host.writes.write(
            run, what="Not marked read", key="mark-read", done=lambda ids: self._marked(ids, label)
        )

    def _marked(self, changed: list[int], label: str) -> None:
        screen = cast("_MarkingScreen", self)
        if not changed:
            screen.notify(f"Nothing to mark: no unread articles in {label}", timeout=3)
            return
        self.last_marked = MarkedRead(changed, label)
        self._show_change()
        screen.notify(f"Marked {_plural(len(changed))} read — u to undo", markup=False, timeout=6)

    def _show_change(self) -> None:
        """Rows, counts and the sidebar's unread numbers from the store again."""
        screen = cast("_MarkingScreen", self)
        listing = screen.article_list
        current = listing.current
        if listing.searching:
            for index in range(listing.row_count):
                row = listing.row_at(index)
                if row is not None:
                    listing.update_row(row.id, read=screen.library.is_read(row.id))
        else:
            listing.reload(keep=current.id if current else None, anchor=True)
        screen.update_status()

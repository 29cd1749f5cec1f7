"""`D` in the list: delete the article under the cursor, after a yes / no question.

The article, its state and its search entry go; a feed entry's guid is
remembered so the next refresh does not bring it back (`store.retention`).
The cursor stays where it was, now on the next article.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, cast

from newsreader.ui.screens.confirm_screen import ConfirmScreen

if TYPE_CHECKING:
    from newsreader.model.library import ArticleRow
    from newsreader.store import Library
    from newsreader.store.bulk import BulkResult
    from newsreader.ui.host import Host
    from newsreader.ui.widgets.article_list import ArticleList


class _DeletingScreen(Protocol):
    """What the mixin uses of `ListScreen`, named here so neither module imports the other."""

    library: Library
    host: Host
    article_list: ArticleList

    _search_query: str

    def update_status(self) -> None: ...

    def _run_search(self, text: str) -> None: ...

    def notify(self, message: str, **kwargs: Any) -> Any: ...

    @property
    def app(self) -> Any: ...


class ListDeleting:
    """The list's `D`: mixed into `ListScreen`."""

    def action_delete_article(self) -> None:
        screen = cast("_DeletingScreen", self)
        row = screen.article_list.current
        if row is None:
            return
        screen.app.push_screen(
            ConfirmScreen(
                f"Delete “{row.title}”?",
                "It leaves the library with its read state and bookmark;"
                " a refresh does not bring it back.",
            ),
            lambda yes: self._answered(row, bool(yes)),
        )

    def _answered(self, row: ArticleRow, yes: bool) -> None:
        screen = cast("_DeletingScreen", self)
        if not yes:
            return
        screen.host.writes.write(
            lambda: screen.library.delete_articles([row.id]),
            what="Not deleted",
            key=("delete", row.id),
            done=lambda result: self._deleted(row, result),
        )

    def _deleted(self, row: ArticleRow, result: BulkResult) -> None:
        screen = cast("_DeletingScreen", self)
        listing = screen.article_list
        if listing.searching:
            screen._run_search(screen._search_query)  # the same search, without it
        else:
            after = listing.row_at(listing.cursor + 1) or listing.row_at(listing.cursor - 1)
            listing.reload(keep=after.id if after is not None else None, anchor=True)
        screen.update_status()
        if result.changed:
            screen.notify(f"Deleted “{row.title}”", markup=False, timeout=3)

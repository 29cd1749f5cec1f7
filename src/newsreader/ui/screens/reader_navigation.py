"""Next / previous article and next / previous unread, from inside the reader (newsboat's
`J`/`K` and `n`/`p`).

The order is the list's: its filter, the sidebar's feed or folder, or the
search results when a search is shown; the list's cursor follows, so `escape`
lands on the article last read. Opening one marks it read at once, as `enter`
does, and reuses the reader screen (`ReaderScreen.load`), so stepping costs
what drawing the article costs.

`n` is shared with find: while a find is active (a query in the find bar)
`n` moves to the next match, otherwise to the next unread article. The
binding for next-unread comes first and steps aside (`SkipAction`) while a
find is active, so the find's own binding needs no change. `p` is always the
previous unread; `N` stays the find's.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol, cast

from textual.actions import SkipAction

from newsreader.errors import NewsreaderError
from newsreader.store import Library
from newsreader.ui.screens.list_screen import LAST_ARTICLE_STATE, ListScreen
from newsreader.ui.widgets.article_list import ArticleList

if TYPE_CHECKING:
    from textual.app import App

    from newsreader.model.library import StoredArticle
    from newsreader.ui.host import Host
    from newsreader.ui.widgets.article_view import ArticleView


class _NavigatingReader(Protocol):
    """What the mixin uses of `ReaderScreen`, named here so neither imports the other."""

    library: Library
    host: Host
    stored: StoredArticle
    view: ArticleView

    @property
    def app(self) -> App[Any]: ...

    def load(self, stored: StoredArticle) -> None: ...

    def notify(self, message: str, **kwargs: Any) -> Any: ...


def position_in_list(listing: ArticleList, library: Library, article_id: int) -> int | None:
    """Where the article is in the list: the cursor's row when it is there (it normally is)."""
    current = listing.current
    if current is not None and current.id == article_id:
        return listing.cursor
    if listing.searching:
        for index in range(listing.row_count):
            row = listing.row_at(index)
            if row is not None and row.id == article_id:
                return index
        return None
    return library.index_of(listing.query_, article_id)


def next_unread_index(
    listing: ArticleList, library: Library, index: int, step: int, skip: int
) -> int | None:
    """The nearest unread row after (`step` 1) or before (-1) `index`, None when none is.

    In an unfiltered list the store finds it by keyset (one indexed query,
    however far away it is); a filtered list or search results are walked
    row by row, as they are short or, unfiltered by "unread", mostly unread.
    """
    query = listing.query_
    reference = listing.row_at(index)
    if not listing.searching and query.filter == "all" and reference is not None:
        rows = library.page(
            replace(query, filter="unread"),
            after=reference.key_for(query.order),
            limit=1,
            reverse=step < 0,
        )
        return library.index_of(query, rows[0].id) if rows else None
    position = index + step
    while 0 <= position < listing.row_count:
        row = listing.row_at(position)
        if row is not None and not row.read and row.id != skip:
            return position
        position += step
    return None


class ReaderNavigation:
    """The reader's `J`/`K`/`n`/`p`: mixed into `ReaderScreen`."""

    def action_next_article(self) -> None:
        self._go(1, unread=False)

    def action_previous_article(self) -> None:
        self._go(-1, unread=False)

    def action_next_unread(self) -> None:
        screen = cast("_NavigatingReader", self)
        if screen.view.find_query:
            raise SkipAction  # `n` is the find's next match while a find is active
        self._go(1, unread=True)

    def action_previous_unread(self) -> None:
        self._go(-1, unread=True)

    def _go(self, step: int, *, unread: bool) -> None:
        screen = cast("_NavigatingReader", self)
        list_screen = next((s for s in screen.app.screen_stack if isinstance(s, ListScreen)), None)
        if list_screen is None or not list_screen.is_mounted:
            return
        listing = list_screen.article_list
        library = screen.library
        try:
            index = position_in_list(listing, library, screen.stored.id)
            if index is None:
                index = listing.cursor
            if unread:
                target = next_unread_index(listing, library, index, step, screen.stored.id)
            else:
                target = index + step if 0 <= index + step < listing.row_count else None
        except NewsreaderError as exc:
            screen.notify(str(exc), severity="error", markup=False)
            return
        row = listing.row_at(target) if target is not None else None
        if target is None or row is None:
            if unread:
                where = "after" if step > 0 else "before"
                message = f"No unread articles {where} this one"
            else:
                message = "This is the last article" if step > 0 else "This is the first article"
            screen.notify(message, timeout=2)
            return
        article_id = row.id
        writes = screen.host.writes
        marked = writes.write(
            lambda: library.set_read([article_id], True),
            what="Not marked read",
            key=("read", article_id),
            failed=lambda: screen.host.show_stored_state(article_id),
        )
        writes.save_setting(LAST_ARTICLE_STATE, article_id)
        try:
            stored = library.get(article_id)
        except NewsreaderError as exc:
            screen.notify(str(exc), severity="error", markup=False)
            return
        listing.move_to(target)
        if marked:
            stored.read = True  # a write queued behind a busy library has not landed yet
            listing.update_row(article_id, read=True)
        screen.load(stored)

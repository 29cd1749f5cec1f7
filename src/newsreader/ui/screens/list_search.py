"""The list's library search: the `/` box, its typeahead, and the debounced search.

Why it is careful: the box is mounted after the first paint (an `Input` is
costly to style at start-up), yet `/` and the query typed in the same burst
must land in it; a search runs after a pause in typing, on a thread, and a
result that arrives after the query changed or the box closed is dropped.
Mixed into `ListScreen`; what it uses of the screen is `_SearchScreen`.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, cast

from textual import work
from textual.binding import BindingType
from textual.timer import Timer
from textual.widget import MountError
from textual.widgets import Input
from textual.worker import get_current_worker

from newsreader.errors import NewsreaderError
from newsreader.model.library import ListQuery, SearchHit
from newsreader.ui.keys import bindings
from newsreader.ui.widgets.article_list import ArticleList

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode
    from textual.notifications import SeverityLevel
    from textual.widget import Widget
    from textual.worker_manager import WorkerManager

    from newsreader.store import Library
    from newsreader.ui.host import Host
    from newsreader.ui.widgets.status_bar import FilterBar

LAST_ARTICLE_STATE = "ui.last_article"
"""The article the list comes back to: after a search, and on the next start."""
NOTE_INDEXING = 5000
"""Articles the index has to catch up with before a search says so (about a quarter second)."""

SEARCH_DELAY = 0.15
"""Seconds of typing pause before a library search runs (one query per pause, not per key)."""
SEARCH_LIMIT = 50


class SearchInput(Input):
    """The library search box: escape clears the search, ↓ moves into the results."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("search")

    def action_close(self) -> None:
        screen = self.screen
        if isinstance(screen, ListSearch):
            cast("_SearchScreen", screen).action_clear_search()

    def action_to_results(self) -> None:
        self.screen.query_one(ArticleList).focus()

    def on_mount(self) -> None:
        screen = self.screen
        if isinstance(screen, ListSearch):
            cast("_SearchScreen", screen).search_box_mounted()


class _SearchScreen(Protocol):
    """What the mixin uses of `ListScreen`, named here so neither module imports the other."""

    library: Library
    host: Host
    typeahead: list[str] | None
    _search_timer: Timer | None
    _search_query: str
    _search_box: SearchInput | None
    _search_box_ready: bool

    @property
    def app(self) -> App[Any]: ...

    @property
    def workers(self) -> WorkerManager: ...

    @property
    def is_mounted(self) -> bool: ...

    @property
    def is_attached(self) -> bool: ...

    @property
    def article_list(self) -> ArticleList: ...

    @property
    def filter_bar(self) -> FilterBar: ...

    @property
    def search_input(self) -> SearchInput: ...

    @property
    def search_open(self) -> bool: ...

    def mount(self, *widgets: Widget, after: Widget | None = None) -> Any: ...

    def set_focus(self, widget: Widget | None) -> None: ...

    def set_timer(self, delay: float, callback: Any = None) -> Timer: ...

    def notify(
        self,
        message: str,
        *,
        title: str = ...,
        severity: SeverityLevel = ...,
        timeout: float | None = ...,
        markup: bool = ...,
    ) -> None: ...

    def update_status(self) -> None: ...

    def search_query(self) -> ListQuery | None: ...

    def show_search_scope(self) -> None: ...

    def action_search(self) -> None: ...

    def action_clear_search(self) -> None: ...

    def search_box_mounted(self) -> None: ...

    def _schedule_search(self, text: str) -> None: ...

    def _run_search(self, text: str) -> None: ...

    def _search_worker(self, text: str) -> Any: ...

    def _show_hits(self, text: str, hits: list[SearchHit]) -> None: ...


class ListSearch:
    """The list's `/` search: mixed into `ListScreen` (its `Input` handlers call in here)."""

    typeahead: list[str] | None = None
    """Keys typed after `/` while the search box was still being mounted."""
    _search_timer: Timer | None = None
    _search_query = ""
    _search_box: SearchInput | None = None
    _search_box_ready = False

    @property
    def search_input(self: _SearchScreen) -> SearchInput:
        """The library search box (created and mounted on first use, if not yet)."""
        if self._search_box is None:
            box = SearchInput(placeholder="search the library", id="search-input")
            self.mount(box, after=self.filter_bar)
            self._search_box = box
        return self._search_box

    def _mount_search_box(self: _SearchScreen) -> None:
        """After the first paint; not when the app is already closing (q pressed at once)."""
        if self.is_mounted and self.is_attached:
            with contextlib.suppress(MountError):
                _ = self.search_input

    @property
    def search_open(self: _SearchScreen) -> bool:
        return self._search_box is not None and self._search_box.has_class("-visible")

    def action_search(self: _SearchScreen) -> None:
        box = self.search_input
        self.show_search_scope()  # "Search in <feed>…" (list_scope.py)
        if not self._search_box_ready:
            # `/` within a frame of start-up: keep what is typed until the box exists.
            if self.typeahead is None:
                self.typeahead = []
            return
        box.add_class("-visible")
        # Shown and focused now, not at the next style update: the query typed
        # right after `/` must land in the box (a `q` in the list would quit).
        box.display = True
        self.set_focus(box)
        if not self.article_list.searching:
            self.article_list.empty_message = ""  # the filter bar says what to type
            self.article_list.show_hits([])
            self._search_query = box.value
            if box.value:
                self._schedule_search(box.value)
        if self.typeahead is not None:
            typed, self.typeahead = "".join(self.typeahead), None
            box.insert_text_at_cursor(typed)
        self.update_status()

    def search_box_mounted(self: _SearchScreen) -> None:
        """The box is in the DOM: open it now if `/` came first."""
        self._search_box_ready = True
        if self.typeahead is not None:
            self.action_search()

    def action_clear_search(self: _SearchScreen) -> None:
        """Leave search mode and return to the list as it was (cursor on the last article)."""
        if not self.article_list.searching and not self.search_open:
            return
        if self._search_timer is not None:
            self._search_timer.stop()
        self.workers.cancel_group(cast("DOMNode", self), "search")
        box = self.search_input
        box.remove_class("-visible")
        box.display = False
        box.value = ""
        self._search_query = ""
        listing = self.article_list
        listing.show_hits(None)
        try:
            last = self.host.writes.setting(LAST_ARTICLE_STATE)
        except NewsreaderError:
            last = None  # the list starts at its top instead
        listing.reload(keep=last if isinstance(last, int) else None)
        listing.focus()
        self.update_status()

    def _schedule_search(self: _SearchScreen, text: str) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, lambda: self._run_search(text))

    def _run_search(self: _SearchScreen, text: str) -> None:
        if not self.search_open:
            return
        self._search_query = text
        if not text.strip():
            self.article_list.empty_message = ""
            self.article_list.show_hits([])
            self.update_status()
            return
        self.filter_bar.show_search(text, None)
        self._search_worker(text)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search_worker(self: _SearchScreen, text: str) -> None:
        try:
            behind = self.library.unindexed()
            if behind >= NOTE_INDEXING:
                # The search indexes them first (store/search_index.py): say why it waits.
                self.app.call_from_thread(
                    self.notify, f"Indexing {behind:,} new articles for search…", markup=False
                )
            hits = self.library.search(
                text, limit=SEARCH_LIMIT, prefix=True, query=self.search_query()
            )
        except NewsreaderError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_hits, text, hits)

    def _show_hits(self: _SearchScreen, text: str, hits: list[SearchHit]) -> None:
        if text != self._search_query or not self.search_open:
            return
        self.article_list.empty_message = "No matches."
        self.article_list.show_hits(hits)
        self.update_status()

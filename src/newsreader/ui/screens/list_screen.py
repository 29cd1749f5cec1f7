"""The article list screen: filter bar, feeds sidebar, library search, virtual list.

State the user expects back on relaunch (the filter, the sidebar's feed or
folder, the last article) is written through `Library.set_state` the moment
it changes. The refresh itself runs on the app (it outlives this screen's
focus); this screen shows its progress bar and the articles as they arrive.
What it asks of the app goes through the `Host` it is given (`ui/host.py`).
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import MountError
from textual.widgets import Input, OptionList
from textual.worker import get_current_worker

from newsreader.errors import NewsreaderError
from newsreader.model.library import Feed, Filter, ListQuery, SearchHit
from newsreader.store import Library
from newsreader.ui.host import Host
from newsreader.ui.keys import Scope, bindings, is_key
from newsreader.ui.screens.list_delete import ListDeleting
from newsreader.ui.screens.list_marking import ListMarking
from newsreader.ui.screens.list_scope import ListSearchScope
from newsreader.ui.widgets.article_list import ArticleList
from newsreader.ui.widgets.feed_sidebar import ALL, FeedScope, FeedSidebar, resolve_scope
from newsreader.ui.widgets.key_hints import KeyHints
from newsreader.ui.widgets.status_bar import FILTER_LABELS, FilterBar, RefreshBar
from newsreader.ui.widgets.typeahead import follow_current_screen, forward_typeahead
from newsreader.ui.writes import GuardedRows

if TYPE_CHECKING:
    from newsreader.services.refresh import FeedOutcome

FILTER_CYCLE: tuple[Filter, ...] = ("all", "unread", "bookmarked")
FILTER_STATE = "ui.filter"
FEED_SCOPE_STATE = "ui.feed_scope"
LAST_ARTICLE_STATE = "ui.last_article"
SIDEBAR_MIN_WIDTH = 100
"""The sidebar opens by itself only on terminals at least this wide (it hides at 80)."""
SEARCH_DELAY = 0.15
"""Seconds of typing pause before a library search runs (one query per pause, not per key)."""
SEARCH_LIMIT = 50


class SearchInput(Input):
    """The library search box: escape clears the search, ↓ moves into the results."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("search")

    def action_close(self) -> None:
        screen = self.screen
        if isinstance(screen, ListScreen):
            screen.action_clear_search()

    def action_to_results(self) -> None:
        self.screen.query_one(ArticleList).focus()

    def on_mount(self) -> None:
        screen = self.screen
        if isinstance(screen, ListScreen):
            screen.search_box_mounted()


READER_PREPARE_DELAY = 0.4
"""Seconds after the list is shown before the reader screen is composed in the background."""


class ListBody(Horizontal):
    """The sidebar and the list side by side; they cover it, so it paints nothing itself."""

    BLANK = True


class ListScreen(ListMarking, ListDeleting, ListSearchScope, Screen[None]):
    """Articles newest first; `/` searches the library, `f` cycles the filter."""

    KEY_SCOPE: ClassVar[Scope] = "list"
    BLANK = True
    """Its children cover it: painting its background under them is wasted per key press."""
    BINDINGS: ClassVar[list[BindingType]] = bindings("list")
    AUTO_FOCUS = "ArticleList"

    def __init__(self, library: Library, host: Host) -> None:
        super().__init__(id="list-screen")
        self.library = library
        self.host = host
        self.filter: Filter = "all"
        self._search_timer: Timer | None = None
        self._search_query = ""
        self._counts: dict[str, int] | None = None
        self.scope: FeedScope = ALL
        self._has_feeds = False
        self._feeds_at_start: list[Feed] = []
        self._sidebar_choice: bool | None = None
        """The user's `s` (None: follow the terminal width)."""
        self._search_box: SearchInput | None = None
        self._search_box_ready = False
        self.typeahead: list[str] | None = None
        """Keys typed after `/` while the search box was still being mounted."""

    def compose(self) -> ComposeResult:
        # The refresh bar is mounted on first use: it only costs start-up time here.
        # The search box is mounted just after the first paint (`on_mount`):
        # an `Input` costs 15 % of the start-up CPU in styles alone. The feeds
        # sidebar is composed only when it shows at once (subscriptions, a wide
        # terminal); otherwise on first use, as its styles cost start-up too.
        self._feeds_at_start = self._load_feeds()
        yield FilterBar(id="filter-bar")
        with ListBody(id="list-body"):
            if self._sidebar_wanted(self.app.size.width):
                yield FeedSidebar(id="sidebar")
            yield ArticleList(
                GuardedRows(self.library, self.host.writes.read_failed),
                on_highlight=self._highlighted,
                on_open=self.open_article,
                id="article-list",
            )
        yield KeyHints(id="key-hints")

    @property
    def article_list(self) -> ArticleList:
        return self.query_one(ArticleList)

    @property
    def search_input(self) -> SearchInput:
        """The library search box (created and mounted on first use, if not yet)."""
        if self._search_box is None:
            box = SearchInput(placeholder="search the library", id="search-input")
            self.mount(box, after=self.filter_bar)
            self._search_box = box
        return self._search_box

    def _mount_search_box(self) -> None:
        """After the first paint; not when the app is already closing (q pressed at once)."""
        if self.is_mounted and self.is_attached:
            with contextlib.suppress(MountError):
                _ = self.search_input

    @property
    def search_open(self) -> bool:
        return self._search_box is not None and self._search_box.has_class("-visible")

    @property
    def filter_bar(self) -> FilterBar:
        return self.query_one(FilterBar)

    @property
    def sidebar(self) -> FeedSidebar | None:
        """The feeds sidebar, None until it has first been shown."""
        found = self.query(FeedSidebar)
        return found.first() if found else None

    @property
    def refresh_bar(self) -> RefreshBar:
        found = self.query(RefreshBar)
        if found:
            return found.first()
        bar = RefreshBar(id="refresh-bar")
        self.mount(bar, before=self.query_one(KeyHints))
        return bar

    @property
    def sidebar_open(self) -> bool:
        sidebar = self.sidebar
        return sidebar is not None and sidebar.display

    def list_query(self) -> ListQuery:
        """The filter and the sidebar's feed or folder as one store query."""
        scope = self.scope
        return ListQuery(
            filter=self.filter,
            feed_id=scope.feed_id if scope.kind == "feed" else None,
            feed_ids=scope.feed_ids if scope.kind == "folder" else None,
        )

    def on_mount(self) -> None:
        stored = self.library.get_state(FILTER_STATE, "all")
        self.filter = stored if stored in FILTER_CYCLE else "all"
        feeds = self._feeds_at_start
        self.scope = resolve_scope(self.library.get_state(FEED_SCOPE_STATE), feeds)
        last = self.library.get_state(LAST_ARTICLE_STATE)
        keep = last if isinstance(last, int) else None
        self.article_list.reload(self.list_query(), keep=keep)
        self.update_status(feeds=feeds)
        sidebar = self.sidebar
        if sidebar is not None:
            sidebar.highlight(self.scope)
        self.call_after_refresh(self._mount_search_box)
        self.call_after_refresh(self.host.settle_memory)
        # Once the list is on screen and the user is reading it, build the
        # reader screen so the first Enter costs what every later one does.
        self.set_timer(READER_PREPARE_DELAY, self._prepare_reader)

    def _prepare_reader(self) -> None:
        current = self.article_list.current
        if current is None:
            return
        try:
            stored = self.library.get(current.id)
        except NewsreaderError:
            return  # the real open will report it
        self.host.prepare_reader(stored)

    def _load_feeds(self) -> list[Feed]:
        try:
            feeds = self.library.feeds()
        except NewsreaderError as exc:
            self.notify(str(exc), severity="error", markup=False)
            feeds = []
        self._has_feeds = bool(feeds)
        return feeds

    def _sidebar_wanted(self, width: int) -> bool:
        if self._sidebar_choice is not None:
            return self._sidebar_choice
        return self._has_feeds and width >= SIDEBAR_MIN_WIDTH

    def on_key(self, event: events.Key) -> None:
        """`/` and the keys after it go to the search box even when they reach the screen
        directly (typed while the app started, before anything had the focus).

        A burst of keys reaches this handler one after another before any of
        them reaches the app's bindings, so `/` must open the box here, not
        through its binding, or the letters after it run list commands. (A `/`
        the list or the search box handled never gets here.)
        """
        if follow_current_screen(self, event):
            return
        if is_key(event.key, "list", "open") and not isinstance(self.focused, (Input, OptionList)):
            # As `/`: an `enter` that reached the screen directly opens the
            # article now, before the keys typed after it are handled.
            event.stop()
            event.prevent_default()
            self.article_list.action_open()
            return
        if is_key(event.key, "list", "search"):
            event.stop()
            event.prevent_default()
            self.action_search()
            return
        forward_typeahead(self, event)

    async def on_resize(self, event: events.Resize) -> None:
        if self._sidebar_choice is None:
            await self._show_sidebar(self._sidebar_wanted(event.size.width))

    def on_screen_resume(self) -> None:
        """Back from the reader: read state and bookmarks may have changed."""
        if not self.is_mounted:
            return
        listing = self.article_list
        current = listing.current
        if listing.searching:
            if current is not None:
                listing.update_row(
                    current.id,
                    read=self.library.is_read(current.id),
                    bookmarked=self.library.is_bookmarked(current.id),
                )
        else:
            listing.reload(keep=current.id if current else None)
        self.update_status()

    def outside_changes(self) -> None:
        """Another process changed the library (a CLI `bookmark`, a refresh): show it.

        Rows, counts and the sidebar are read again, the cursor kept on its
        article and its screen row; search results keep their order and get
        their state re-read.
        """
        if not self.is_mounted:
            return
        listing = self.article_list
        current = listing.current
        try:
            if listing.searching:
                for index in range(listing.row_count):
                    row = listing.row_at(index)
                    if row is not None:
                        listing.update_row(
                            row.id,
                            read=self.library.is_read(row.id),
                            bookmarked=self.library.is_bookmarked(row.id),
                        )
            else:
                listing.reload(keep=current.id if current else None, anchor=True)
            self.update_status()
        except NewsreaderError as exc:
            self.notify(str(exc), severity="error", markup=False)

    # -- status -----------------------------------------------------------

    def update_status(self, *, recount: bool = True, feeds: list[Feed] | None = None) -> None:
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

    def recount(self) -> None:
        """Counts and the sidebar from the store again (a write landed or failed)."""
        try:
            self.update_status()
        except NewsreaderError as exc:
            self.host.writes.read_failed(exc)

    def _scope_counts(self) -> dict[str, int]:
        if self.scope.kind == "all":
            return self.library.counts()
        query = self.list_query()
        return {
            name: self.library.count(
                ListQuery(filter=name, feed_id=query.feed_id, feed_ids=query.feed_ids)
            )
            for name in FILTER_LABELS
        }

    def _refresh_sidebar(self, feeds: list[Feed] | None = None) -> None:
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

    # -- feeds sidebar ----------------------------------------------------

    async def _show_sidebar(self, show: bool) -> FeedSidebar | None:
        """Show or hide the sidebar, mounting it the first time it shows."""
        sidebar = self.sidebar
        if sidebar is None:
            if not show:
                return None
            sidebar = FeedSidebar(id="sidebar")
            await self.query_one(ListBody).mount(sidebar, before=self.article_list)
        elif show == sidebar.display:
            return sidebar
        sidebar.display = show
        if show:
            self._refresh_sidebar()
            sidebar.highlight(self.scope)
        elif sidebar.feed_list.has_focus:
            self.article_list.focus()
        return sidebar

    async def action_toggle_sidebar(self) -> None:
        self._sidebar_choice = not self.sidebar_open
        await self._show_sidebar(self._sidebar_choice)
        if self._sidebar_choice and not self._has_feeds:
            self.notify(
                "No subscriptions yet: add one with `newsreader add URL`"
                " or import an OPML file with `newsreader import FILE.opml`",
                markup=False,
                timeout=6,
            )

    async def action_switch_focus(self) -> None:
        """tab: the sidebar (opening it if needed) ⇄ the article list."""
        sidebar = self.sidebar
        if sidebar is not None and sidebar.feed_list.has_focus:
            self.article_list.focus()
            return
        if not self.sidebar_open:
            self._sidebar_choice = True
            sidebar = await self._show_sidebar(True)
        if sidebar is not None:
            sidebar.feed_list.focus()

    @on(FeedSidebar.Selected)
    def _feed_selected(self, event: FeedSidebar.Selected) -> None:
        self.select_scope(event.scope)

    def select_scope(self, scope: FeedScope) -> None:
        """Narrow the list to a feed or folder (ALL for everything) and remember it."""
        if self.article_list.searching:
            self.action_clear_search()
        self.scope = scope
        self.host.writes.save_setting(FEED_SCOPE_STATE, scope.to_state())
        current = self.article_list.current
        self.article_list.reload(self.list_query(), keep=current.id if current else None)
        self.update_status()
        self.notify(
            "Showing all articles" if scope.kind == "all" else f"Showing {scope.label}",
            markup=False,
            timeout=2,
        )

    # -- refresh (driven by the app's worker) -----------------------------

    def action_refresh_feeds(self) -> None:
        self.host.start_refresh()

    def refresh_started(self, total: int) -> None:
        self.refresh_bar.start(total)

    def refresh_progress(self, done: int, total: int, outcome: FeedOutcome, changed: bool) -> None:
        """One more feed stored: progress, and its new articles into the list at once."""
        self.refresh_bar.step(done, total, outcome.title or outcome.url)
        listing = self.article_list
        if changed and not listing.searching:
            current = listing.current
            listing.reload(keep=current.id if current else None, anchor=True)
        self.update_status()

    def refresh_finished(self) -> None:
        self.refresh_bar.stop()
        self.update_status()

    def _highlighted(self, article_id: int | None) -> None:
        if not self.article_list.searching and self.is_mounted:
            self.update_status(recount=False)

    # -- opening ----------------------------------------------------------

    def open_article(self, article_id: int) -> None:
        """Mark read (committed before the reader shows unless the library is busy) and open it.

        A library that cannot be written (read-only media, a full disk) still
        opens the article: the user is told it stays unread.
        """
        writes = self.host.writes
        marked = writes.write(
            lambda: self.library.set_read([article_id], True),
            what="Not marked read",
            key=("read", article_id),
            failed=lambda: self.host.show_stored_state(article_id),
        )
        writes.save_setting(LAST_ARTICLE_STATE, article_id)
        try:
            stored = self.library.get(article_id)
        except NewsreaderError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        if marked:
            stored.read = True  # a write queued behind a busy library has not landed yet
            self.article_list.update_row(article_id, read=True)
        self.host.open_reader(stored)

    def action_open(self) -> None:
        self.article_list.action_open()

    # -- state toggles ----------------------------------------------------

    def action_toggle_bookmark(self) -> None:
        """Flip the bookmark the row shows (not the stored one: another process may have
        changed that since, and the key must do what the user sees)."""
        row = self.article_list.current
        if row is None:
            return
        value = not row.bookmarked
        self.article_list.update_row(row.id, bookmarked=value)
        article_id = row.id
        self.host.writes.write(
            lambda: self.library.set_bookmarked([article_id], value),
            what="Bookmark not saved" if value else "Bookmark not removed",
            key=("bookmark", article_id),
            done=lambda _: self.recount(),
            failed=lambda: self.host.show_stored_state(article_id),
        )

    def action_toggle_read(self) -> None:
        """Flip the read state the row shows (see `action_toggle_bookmark`)."""
        row = self.article_list.current
        if row is None:
            return
        value = not row.read
        self.article_list.update_row(row.id, read=value)
        article_id = row.id
        self.host.writes.write(
            lambda: self.library.set_read([article_id], value),
            what="Not marked read" if value else "Not marked unread",
            key=("read", article_id),
            done=lambda _: self.recount(),
            failed=lambda: self.host.show_stored_state(article_id),
        )

    def action_cycle_filter(self) -> None:
        if self.article_list.searching:
            self.action_clear_search()
        index = FILTER_CYCLE.index(self.filter) if self.filter in FILTER_CYCLE else 0
        self.filter = FILTER_CYCLE[(index + 1) % len(FILTER_CYCLE)]
        self.host.writes.save_setting(FILTER_STATE, self.filter)
        current = self.article_list.current
        self.article_list.reload(self.list_query(), keep=current.id if current else None)
        self.update_status()
        self.notify(f"Showing {FILTER_LABELS[self.filter].lower()} articles", timeout=2)

    # -- library search ---------------------------------------------------

    def action_search(self) -> None:
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

    def search_box_mounted(self) -> None:
        """The box is in the DOM: open it now if `/` came first."""
        self._search_box_ready = True
        if self.typeahead is not None:
            self.action_search()

    def action_clear_search(self) -> None:
        """Leave search mode and return to the list as it was (cursor on the last article)."""
        if not self.article_list.searching and not self.search_open:
            return
        if self._search_timer is not None:
            self._search_timer.stop()
        self.workers.cancel_group(self, "search")
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

    @on(Input.Changed, "#search-input")
    def _search_changed(self, event: Input.Changed) -> None:
        if self.search_open:
            self._schedule_search(event.value)

    @on(Input.Submitted, "#search-input")
    def _search_submitted(self, event: Input.Submitted) -> None:
        if self._search_timer is not None and self._search_query != event.value:
            self._search_timer.stop()
            self._run_search(event.value)
            return
        self.article_list.action_open()

    def _schedule_search(self, text: str) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, lambda: self._run_search(text))

    def _run_search(self, text: str) -> None:
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
    def _search_worker(self, text: str) -> None:
        try:
            hits = self.library.search(
                text, limit=SEARCH_LIMIT, prefix=True, query=self.search_query()
            )
        except NewsreaderError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_hits, text, hits)

    def _show_hits(self, text: str, hits: list[SearchHit]) -> None:
        if text != self._search_query or not self.search_open:
            return
        self.article_list.empty_message = "No matches."
        self.article_list.show_hits(hits)
        self.update_status()

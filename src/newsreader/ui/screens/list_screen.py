"""The article list screen: filter bar, feeds sidebar, library search, virtual list.

State the user expects back on relaunch (the filter, the sidebar's feed or
folder, the last article) is written through `Library.set_state` the moment
it changes. The refresh itself runs on the app (it outlives this screen's
focus); this screen shows its progress bar and the articles as they arrive.
What it asks of the app goes through the `Host` it is given (`ui/host.py`).
The library search (`list_search`), the counts (`list_status`) and marking
everything read (`list_marking`) are mixins beside it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Input, OptionList

from newsreader.errors import NewsreaderError
from newsreader.model.library import Feed, Filter, ListQuery
from newsreader.store import Library
from newsreader.ui.host import Host
from newsreader.ui.keys import Scope, bindings, is_key
from newsreader.ui.screens.list_delete import ListDeleting
from newsreader.ui.screens.list_marking import ListMarking
from newsreader.ui.screens.list_scope import ListSearchScope
from newsreader.ui.screens.list_search import LAST_ARTICLE_STATE, ListSearch
from newsreader.ui.screens.list_status import ListStatus
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
SIDEBAR_MIN_WIDTH = 100
"""The sidebar opens by itself only on terminals at least this wide (it hides at 80)."""
READER_PREPARE_DELAY = 0.4
"""Seconds after the list is shown before the reader screen is composed in the background."""


class ListBody(Horizontal):
    """The sidebar and the list side by side; they cover it, so it paints nothing itself."""

    BLANK = True


class ListScreen(ListMarking, ListDeleting, ListSearchScope, ListSearch, ListStatus, Screen[None]):
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
        self.scope: FeedScope = ALL
        self._has_feeds = False
        self._feeds_at_start: list[Feed] = []
        self._sidebar_choice: bool | None = None
        """The user's `s` (None: follow the terminal width)."""

    def compose(self) -> ComposeResult:
        # The refresh bar is mounted on first use: it only costs start-up time here.
        # The search box is mounted just after the first paint (`on_mount`):
        # an `Input` is a large share of the start-up CPU in styles alone. The feeds
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
        # The library's first write is slow (`Writes.warm_up`): not on the first Enter.
        self.host.writes.warm_up(FILTER_STATE, self.filter)

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
        if self.article_list.move_now(event):
            return  # a move that reached the screen before the list had the focus: as Enter
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
        self.host.article_highlighted(article_id)
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

    # -- library search (`list_search`) -----------------------------------
    # These two handlers stay here: Textual collects `@on` handlers only from the
    # classes its metaclass builds (the screen), not from a plain mixin.

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

"""Refreshing subscriptions from the TUI: `r`, the sidebar's `r`, the timer, and their bars.

Why a module of its own (as `ui/sync_ui.py` is for sync): starting a
refresh, following it feed by feed and reporting its end is one job, apart
from the app's screens, theme and palette. The refresh runs on its own daemon
thread (`services.refresh.BackgroundRefresh`), committing each feed as it
arrives; a Textual worker only waits for it and posts its progress and its
end to the app, where the list and the reader draw them. When the app quits,
Textual cancels that worker and the refresh is cancelled without being
waited for, so `q` exits at once.

Mixed into `NewsreaderApp` (`RefreshUI`): the worker and the message handlers
must be the app's. `services.refresh` is imported when a refresh starts, never
on the path to the first paint.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol, cast

from textual import work
from textual.message import Message

from newsreader.errors import NewsreaderError
from newsreader.ui.host import READER

if TYPE_CHECKING:
    from textual.screen import Screen

    from newsreader.model.library import Feed
    from newsreader.services.refresh import FeedOutcome
    from newsreader.store import Library
    from newsreader.ui.screens.list_screen import ListScreen
    from newsreader.ui.sync_ui import SyncController

NO_FEEDS_HINT = (
    "No subscriptions yet: add one with `newsreader add URL`"
    " or import an OPML file with `newsreader import FILE.opml`"
)


class RefreshProgress(Message):
    """Posted from the refresh thread as each feed is stored (totals so far)."""

    def __init__(self, done: int, total: int, outcome: FeedOutcome, changed: int) -> None:
        super().__init__()
        self.done = done
        self.total = total
        self.outcome = outcome
        self.changed = changed
        """New + updated articles so far: the list reloads when this grows."""

    def can_replace(self, message: Message) -> bool:
        # Totals are cumulative, so a burst of progress collapses to the latest.
        return isinstance(message, RefreshProgress)


class RefreshFinished(Message):
    """Posted from the refresh thread when every feed is done (or it failed as a whole)."""

    def __init__(self, outcomes: Sequence[FeedOutcome], total: int, error: str | None) -> None:
        super().__init__()
        self.outcomes = list(outcomes)
        self.total = total
        self.error = error


def refresh_summary(outcomes: Sequence[FeedOutcome], total: int) -> str:
    """`Refreshed 50 feeds: 120 new, 2 failed (see feeds) — Valley Post: HTTP 500 …`."""
    new = sum(o.new for o in outcomes)
    failed = [o for o in outcomes if o.error]
    text = f"Refreshed {total} feed{'s' if total != 1 else ''}: {new} new"
    updated = sum(o.updated for o in outcomes)
    if updated:
        text += f", {updated} updated"
    if failed:
        text += f", {len(failed)} failed (see feeds)"
        for outcome in failed[:3]:
            text += f"\n{outcome.title or outcome.url}: {outcome.error}"
        if len(failed) > 3:
            text += f"\n… and {len(failed) - 3} more"
    return text


class _RefreshingApp(Protocol):
    """What the mixin uses of `NewsreaderApp`, named here so neither module imports the other."""

    library: Library
    syncer: SyncController

    def notify(self, message: str, **kwargs: Any) -> Any: ...

    def list_screen(self) -> ListScreen | None: ...

    def sync_note(self) -> str: ...

    def post_message(self, message: Message) -> bool: ...

    def is_screen_installed(self, screen: Screen[Any] | str) -> bool: ...

    def get_screen(self, screen: str) -> Screen[Any]: ...


class RefreshUI:
    """The app's refresh: one at a time, in the background, its progress in the bars."""

    refreshing: bool
    """A refresh runs now (a second request is a no-op)."""
    _refresh_seen: int
    """New + updated articles the list has been told of in this refresh."""
    _refresh_done: tuple[int, int]
    """(feeds done, feeds in all) of this refresh, for "Already refreshing (3/10)"."""

    def start_refresh(self, feed_ids: Sequence[int] | None = None, *, quiet: bool = False) -> None:
        """`r`: refresh every subscription (or only `feed_ids`) in the background.

        With sync on, refreshing means syncing (the server fetches the feeds),
        then fetching the feeds kept local only.
        """
        app = cast("_RefreshingApp", self)
        if app.syncer.configured:
            app.syncer.start(quiet=quiet, then_refresh=True, feed_ids=feed_ids)
            return
        self.start_direct_refresh(feed_ids, quiet=quiet)

    def start_direct_refresh(
        self, feed_ids: Sequence[int] | None = None, *, quiet: bool = False
    ) -> None:
        """Fetch every subscription (or only `feed_ids`) here, in the background.

        A second request meanwhile is a no-op. `quiet` (the timer's refresh)
        says nothing when there is nothing to refresh. Feeds the sync server
        fetches are left to it.
        """
        app = cast("_RefreshingApp", self)
        if self.refreshing:
            if not quiet:
                done, total = self._refresh_done
                app.notify(f"Already refreshing ({done}/{total})", timeout=2)
            return
        try:
            feeds = app.library.feeds()
        except NewsreaderError as exc:
            if not quiet:
                app.notify(str(exc), severity="error", markup=False)
            return
        if feed_ids:
            wanted = set(feed_ids)
            feeds = [feed for feed in feeds if feed.id in wanted]
        if app.syncer.configured:
            server_fetches = app.library.synced_feed_ids()
            feeds = [feed for feed in feeds if feed.id not in server_fetches]
        if not feeds:
            if not quiet:
                app.notify(NO_FEEDS_HINT, severity="warning", markup=False, timeout=8)
            return
        self.refreshing = True
        self._refresh_seen = 0
        self._refresh_done = (0, len(feeds))
        screen = app.list_screen()
        if screen is not None:
            screen.refresh_started(len(feeds))
        self._show_refresh_in_reader(0, len(feeds))
        self._refresh_worker(feeds)

    def on_feed_sidebar_refresh_requested(self, message: Message) -> None:
        """`r` on the sidebar: the highlighted feed, a folder's feeds, or (All) every one."""
        self.start_refresh(getattr(message, "feed_ids", None) or None)

    def _refresh_on_timer(self) -> None:
        """The `refresh_minutes` timer: a quiet refresh, skipped while one runs."""
        self.start_refresh(quiet=True)

    @work(exclusive=True, group="refresh", exit_on_error=False)
    async def _refresh_worker(self, feeds: list[Feed]) -> None:
        """Waits for a `BackgroundRefresh` (its own daemon thread) and reports its end.

        Each feed is committed by the refresh as it arrives; this only posts
        progress. When the app quits, Textual cancels this worker and the
        refresh is cancelled without being waited for: `q` exits at once.
        """
        from newsreader.services.refresh import BackgroundRefresh

        app = cast("_RefreshingApp", self)
        total = len(feeds)
        changed = 0
        loop = asyncio.get_running_loop()
        finished = asyncio.Event()

        def on_outcome(outcome: FeedOutcome) -> None:  # on the refresh thread
            nonlocal changed
            changed += outcome.new + outcome.updated
            app.post_message(RefreshProgress(len(run.outcomes), total, outcome, changed))

        def on_done() -> None:  # on the refresh thread
            # RuntimeError: the app's loop is gone, so nobody is waiting.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(finished.set)

        run = BackgroundRefresh(app.library, feeds, on_outcome=on_outcome, on_done=on_done)
        run.start()
        try:
            await finished.wait()
        except asyncio.CancelledError:
            run.cancel()
            raise
        app.post_message(RefreshFinished(run.outcomes, total, run.error))

    def on_refresh_progress(self, message: RefreshProgress) -> None:
        """One more feed stored: the bars, and its articles into the list when there are new."""
        self._refresh_done = (message.done, message.total)
        changed = message.changed != self._refresh_seen
        self._refresh_seen = message.changed
        screen = cast("_RefreshingApp", self).list_screen()
        if screen is not None and screen.is_mounted:
            screen.refresh_progress(message.done, message.total, message.outcome, changed)
        self._show_refresh_in_reader(message.done, message.total)

    def _show_refresh_in_reader(self, done: int, total: int | None) -> None:
        """`Refreshing 3/10` in the reader's bar too (None: the refresh ended)."""
        app = cast("_RefreshingApp", self)
        if not app.is_screen_installed(READER):
            return
        reader = app.get_screen(READER)
        show = getattr(reader, "show_refresh", None)
        if show is not None and reader.is_mounted:
            show(app.sync_note() or None if total is None else f"Refreshing {done}/{total}")

    def on_refresh_finished(self, message: RefreshFinished) -> None:
        """The bars stop, and a summary (or why the refresh stopped) is shown."""
        app = cast("_RefreshingApp", self)
        self.refreshing = False
        self._show_refresh_in_reader(0, None)
        screen = app.list_screen()
        if screen is not None and screen.is_mounted:
            screen.refresh_finished()
        if message.error is not None:
            app.notify(
                f"Refresh stopped: {message.error}", severity="error", markup=False, timeout=10
            )
            return
        failed = any(outcome.error for outcome in message.outcomes)
        app.notify(
            refresh_summary(message.outcomes, message.total),
            title="Refresh",
            severity="warning" if failed else "information",
            markup=False,
            timeout=8 if failed else 5,
        )

"""Sync from the TUI: `S`, the palette's "Sync now", the auto-refresh timer, and `r`.

Why a daemon thread of its own (as `services.refresh.BackgroundRefresh`): a
sync waits on the network, and a Textual thread worker is joined when the app
exits, so `q` would wait for the server. Nobody waits for this thread: the
sync commits each page with its cursor in one transaction, so a sync left
behind at exit loses nothing and the next one resumes. The thread hands its
progress and its end to the app's event loop (`call_soon_threadsafe`), where
the status bars are drawn and the list is reloaded: a sync in this process
never moves `PRAGMA data_version` for this connection, so the outside-change
poll would not show what it pulled.

Only Textual-free code here until a sync starts: `services.sync` (and httpx)
is imported on the sync's own thread, never on the path to the first paint.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from newsreader.errors import NewsreaderError
from newsreader.ui.host import READER

if TYPE_CHECKING:
    from newsreader.services.sync import SyncReport
    from newsreader.ui.host import SyncHost
    from newsreader.ui.screens.reader_screen import ReaderScreen

STARTUP_DELAY = 1.0
"""Seconds after start before the first sync, so it never competes with the first paint."""
PROGRESS_EVERY = 0.1
"""Least seconds between two progress updates handed to the UI (the last one always is)."""
STAGES: dict[str, str] = {"push": "sending changes", "feeds": "subscriptions", "entries": "entries"}


def offline_note(waiting: int) -> str:
    """`offline — 12 changes waiting` (the status bar's words while the server is away)."""
    if waiting <= 0:
        return "offline"
    return f"offline — {waiting} change{'s' if waiting != 1 else ''} waiting"


def progress_label(stage: str, done: int, total: int | None) -> str:
    """`Syncing · entries 120/500` (no total when the server does not say)."""
    of = f"/{total}" if total else ""
    return f"Syncing · {STAGES.get(stage, stage)} {done}{of}"


def sync_summary(report: SyncReport) -> str:
    """`Synced: 120 new, 4 read changes, 1 star change, 3 sent`: only what happened."""
    parts = [f"{report.new} new"]
    if report.read_changed:
        parts.append(f"{report.read_changed} read change{'s' if report.read_changed != 1 else ''}")
    if report.star_changed:
        parts.append(f"{report.star_changed} star change{'s' if report.star_changed != 1 else ''}")
    if report.pushed:
        parts.append(f"{report.pushed} sent")
    if report.feeds_added or report.feeds_removed:
        parts.append(f"feeds +{report.feeds_added} -{report.feeds_removed}")
    return "Synced: " + ", ".join(parts)


class SyncController:
    """The app's sync: one at a time, in the background, its state in the status bars."""

    def __init__(self, app: SyncHost) -> None:
        self.app = app
        self.running = False
        self.failed = False
        """The last sync failed: the status bar says offline and what waits."""
        self._label = ""
        self._quiet = False
        self._then_refresh: tuple[bool, Sequence[int] | None] = (False, None)
        self._last_reload = 0.0

    @property
    def configured(self) -> bool:
        return self.app.config.sync is not None

    # -- starting -----------------------------------------------------------------

    def start(
        self,
        *,
        quiet: bool = False,
        then_refresh: bool = False,
        feed_ids: Sequence[int] | None = None,
    ) -> None:
        """Sync now in the background; `then_refresh` fetches the local-only feeds after.

        A second request meanwhile is a no-op. `quiet` (the timer's and
        start-up's) says nothing unless the sync fails for the first time.
        """
        app = self.app
        if self.app.config.sync is None:
            if not quiet:
                app.notify(
                    "Sync is not configured: add a [sync] table to config.toml"
                    " (see the README's Sync section)",
                    severity="warning",
                    markup=False,
                    timeout=6,
                )
            return
        if self.running:
            if not quiet:
                app.notify(f"Already {self._label[0].lower()}{self._label[1:]}", timeout=2)
            return
        self.running = True
        self._quiet = quiet
        self._then_refresh = (then_refresh, feed_ids)
        self._show(progress_label("push", 0, None))
        loop = asyncio.get_running_loop()
        # The UI loop's context (Textual's active app is a context variable): what the
        # thread hands back runs in it, so a timer or widget made there finds its app.
        context = contextvars.copy_context()
        thread = threading.Thread(
            target=self._run,
            args=(loop, context, app.config),
            name="newsreader-sync",
            daemon=True,
        )
        thread.start()

    def _run(
        self, loop: asyncio.AbstractEventLoop, context: contextvars.Context, config: Any
    ) -> None:
        """On the sync thread: the whole sync; its end handed to the UI loop."""
        last = 0.0

        def hand(callback: Callable[..., None], *args: Any) -> None:
            # RuntimeError: the app's loop is closed (the user quit); nobody is waiting.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(callback, *args, context=context)

        def progress(stage: str, done: int, total: int | None) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= PROGRESS_EVERY or (total is not None and done >= total):
                last = now
                hand(self._progress, stage, done, total)

        report: SyncReport | None = None
        error: str | None = None
        try:
            from newsreader.services.sync import sync

            report = sync(self.app.library, config, progress=progress)
        except NewsreaderError as exc:
            error = str(exc)
        except Exception as exc:  # a bug, or the library closed under it at exit
            error = f"sync stopped: {type(exc).__name__}: {exc}"
        hand(self._finished, report, error)
        if error is None:
            # What the sync pulled is indexed here, after its end is shown, as the refresh
            # thread does (services.refresh.BackgroundRefresh._index); a quit stops it.
            with contextlib.suppress(NewsreaderError):
                self.app.library.catch_up_index(stop=lambda: not self.app.is_running)

    # -- on the UI loop -------------------------------------------------------------

    def _progress(self, stage: str, done: int, total: int | None) -> None:
        if not self.app.is_running:
            return  # the user quit meanwhile
        self._show(progress_label(stage, done, total), done, total)
        if stage == "entries" and done and time.monotonic() - self._last_reload >= 1.0:
            self._last_reload = time.monotonic()
            self._reload()

    def _finished(self, report: SyncReport | None, error: str | None) -> None:
        app = self.app
        self.running = False
        self._label = ""
        if not app.is_running:
            return  # the user quit meanwhile; what the sync committed stays
        was_failing, self.failed = self.failed, error is not None
        if report is not None:
            changed = (
                report.new
                or report.read_changed
                or report.star_changed
                or report.feeds_added
                or report.feeds_removed
            )
            if changed:
                self._reload()
            if not self._quiet or changed or was_failing:
                app.notify(sync_summary(report), title="Sync", markup=False, timeout=4)
        elif error is not None and (not self._quiet or not was_failing):
            app.notify(error, title="Sync failed", severity="error", markup=False, timeout=10)
        self._show(None)
        then_refresh, feed_ids = self._then_refresh
        self._then_refresh = (False, None)
        if then_refresh:
            app.start_direct_refresh(feed_ids, quiet=True)  # the feeds kept local

    def note(self) -> str:
        """The status bar's sync words: `offline — 12 changes waiting` after a failure."""
        if not self.failed:
            return ""
        try:
            return offline_note(self.app.library.outbox_size())
        except NewsreaderError:
            return "offline"

    # -- drawing -----------------------------------------------------------------

    def _show(self, label: str | None, done: int = 0, total: int | None = None) -> None:
        """Progress in the list's bar and the reader's; None: the sync ended."""
        app = self.app
        self._label = label or ""
        screen = app.list_screen()
        if screen is not None and screen.is_mounted and not app.refreshing:
            bar = screen.refresh_bar
            if label is None:
                bar.stop()
                screen.update_status()  # the offline note, or its end
            else:
                bar.show_progress(label, done, total)
        reader = self._reader()
        if reader is not None and not app.refreshing:
            reader.show_refresh(label or self.note() or None)

    def _reader(self) -> ReaderScreen | None:
        """The reader screen when it is built and mounted (it may be off the stack)."""
        if not self.app.is_screen_installed(READER):
            return None
        from newsreader.ui.screens.reader_screen import ReaderScreen

        reader = self.app.get_screen(READER)
        return reader if isinstance(reader, ReaderScreen) and reader.is_mounted else None

    def _reload(self) -> None:
        """What the sync stored, into the list now (rows, counts, the sidebar)."""
        screen = self.app.list_screen()
        if screen is not None and screen.is_mounted:
            screen.outside_changes()
        reader = self._reader()
        if reader is not None:
            reader.outside_changes()

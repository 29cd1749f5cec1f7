"""Refresh subscriptions: fetch every feed, parse it, store it, one feed at a time.

Shared by `newsreader refresh` and the TUI's background refresh. Each feed's
result is stored in its own transaction as soon as it arrives, so one bad feed
never loses or blocks the others, an interrupted refresh leaves every finished
feed stored, and the TUI can show new articles while the rest download.
Nothing here raises for a feed's failure: it becomes that feed's error line.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsreader.errors import NewsreaderError
from newsreader.limits import MAX_DOCUMENT_BYTES
from newsreader.store import Feed, Library

if TYPE_CHECKING:
    from newsreader.parse.feed import ParsedFeed

DEFAULT_MAX_BYTES = MAX_DOCUMENT_BYTES


@dataclass(slots=True)
class FeedOutcome:
    """What one feed's refresh did, for the summary table and `--json`."""

    feed_id: int
    url: str
    title: str
    new: int = 0
    updated: int = 0
    not_modified: bool = False
    error: str | None = None
    elapsed: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "feed_id": self.feed_id,
            "url": self.url,
            "title": self.title,
            "new": self.new,
            "updated": self.updated,
            "not_modified": self.not_modified,
            "error": self.error,
            "elapsed": round(self.elapsed, 3),
        }


def store_fetch_result(
    library: Library, feed: Feed, result: Any, parsed: ParsedFeed | None = None
) -> FeedOutcome:
    """Parse one `FetchResult` and store it (or its error) for `feed`.

    `parsed` is the body already parsed by a caller that had to look at it
    first (subscribing checks the feed before adding it), so it is parsed once.
    """
    outcome = FeedOutcome(feed.id, feed.url, feed.title, elapsed=getattr(result, "elapsed", 0.0))
    if result.error:
        outcome.error = result.error
    elif result.not_modified:
        outcome.not_modified = True
    else:
        if parsed is None:
            from newsreader.parse.feed import parse_feed

            try:
                parsed = parse_feed(result.body or b"", name=feed.url, url=result.url)
            except NewsreaderError as exc:
                outcome.error = str(exc)
            except RecursionError:
                outcome.error = f"{feed.url}: document nested too deeply to read"
        if parsed is not None:
            source = feed.title or parsed.title
            for entry in parsed.entries:
                entry.source = source or entry.source
            try:
                added = library.record_fetch(
                    feed.id,
                    articles=parsed.entries,
                    etag=result.etag,
                    last_modified=result.last_modified,
                    title=parsed.title or None,
                    site_url=parsed.link,
                )
            except NewsreaderError as exc:
                outcome.error = str(exc)
            else:
                outcome.new = sum(a.created for a in added)
                outcome.updated = sum(a.updated for a in added)
                outcome.title = feed.title or parsed.title or feed.url
                return outcome
    try:
        library.record_fetch(
            feed.id,
            error=outcome.error,
            etag=getattr(result, "etag", None),
            last_modified=getattr(result, "last_modified", None),
        )
    except NewsreaderError as exc:  # the library itself failed (disk full, read-only)
        outcome.error = f"{outcome.error or 'not modified'}; status not saved: {exc}"
    return outcome


async def refresh_async(
    library: Library,
    feeds: Sequence[Feed] | None = None,
    *,
    on_outcome: Callable[[FeedOutcome], None] | None = None,
    concurrency: int = 8,
    per_host: int = 2,
    max_bytes: int = DEFAULT_MAX_BYTES,
    **fetch_options: Any,
) -> list[FeedOutcome]:
    """Fetch and store `feeds` (default: all subscriptions); outcomes in feed order."""
    from newsreader.fetch import FetchRequest, fetch_many

    targets = list(library.feeds() if feeds is None else feeds)
    by_id = {feed.id: feed for feed in targets}
    outcomes: dict[int, FeedOutcome] = {}

    def on_result(result: Any) -> None:
        feed = by_id[result.request.key]
        outcome = store_fetch_result(library, feed, result)
        outcomes[feed.id] = outcome
        if on_outcome:
            on_outcome(outcome)

    requests = [
        FetchRequest(feed.url, etag=feed.etag, last_modified=feed.last_modified, key=feed.id)
        for feed in targets
    ]
    await fetch_many(
        requests,
        concurrency=concurrency,
        per_host=per_host,
        max_bytes=max_bytes,
        on_result=on_result,
        **fetch_options,
    )
    return [
        outcomes.get(feed.id) or FeedOutcome(feed.id, feed.url, feed.title, error="not fetched")
        for feed in targets
    ]


def refresh(
    library: Library, feeds: Sequence[Feed] | None = None, **options: Any
) -> list[FeedOutcome]:
    """Blocking wrapper around `refresh_async` for the CLI and worker threads."""
    return asyncio.run(refresh_async(library, feeds, **options))


class _Stopped(Exception):
    """Raised inside the outcome callback once `BackgroundRefresh.cancel` was called."""


class BackgroundRefresh:
    """`refresh_async` on a daemon thread of its own, which nobody has to wait for.

    Why: the reader quits the moment the user presses `q`, even mid-refresh.
    A refresh on an executor thread (a Textual thread worker) is joined when
    the app's event loop closes, so quitting waited for in-flight fetches and
    the feed being parsed. Here `cancel` stops the fetches (the HTTP client is
    closed by the cancelled task) and returns at once; the daemon thread never
    holds up the process's exit. Each feed is committed in its own
    transaction, so a refresh cut short anywhere leaves whole feeds or none.
    """

    def __init__(
        self,
        library: Library,
        feeds: Sequence[Feed],
        *,
        on_outcome: Callable[[FeedOutcome], None] | None = None,
        on_done: Callable[[], None] | None = None,
        **options: Any,
    ) -> None:
        import threading

        self.library = library
        self.feeds = list(feeds)
        self.outcomes: list[FeedOutcome] = []
        self.error: str | None = None
        """Set when the refresh as a whole failed (never for one feed's failure)."""
        self._on_outcome = on_outcome
        self._on_done = on_done
        self._options = options
        self._stop = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[Any] | None = None
        self.thread = threading.Thread(target=self._run, name="newsreader-refresh", daemon=True)

    @property
    def cancelled(self) -> bool:
        return self._stop.is_set()

    def start(self) -> None:
        self.thread.start()

    def cancel(self) -> None:
        """Stop fetching now; returns without waiting (a feed being stored still commits)."""
        self._stop.set()
        loop, task = self._loop, self._task
        if loop is not None and task is not None:
            # RuntimeError: its loop already closed, so the refresh has ended.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(task.cancel)

    def _outcome(self, outcome: FeedOutcome) -> None:
        if self._stop.is_set():
            raise _Stopped
        self.outcomes.append(outcome)
        if self._on_outcome is not None:
            self._on_outcome(outcome)

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._task = asyncio.current_task()
        if self._stop.is_set():
            return
        await refresh_async(self.library, self.feeds, on_outcome=self._outcome, **self._options)

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except (_Stopped, asyncio.CancelledError):
            pass
        except Exception as exc:  # the refresh as a whole failed: report, never crash
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            if self._on_done is not None and not self._stop.is_set():
                self._on_done()

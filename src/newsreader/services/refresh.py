"""Refresh subscriptions: fetch every feed, parse them on every core, store them as parsed.

Shared by `newsreader refresh` and the TUI's background refresh. Parsing is
nearly all of a refresh's CPU, so in the CLI the bodies are parsed in forked
worker processes while the rest download, as `import` parses files
(`services.refresh_parse`); this process stays the single writer, on a thread
of its own so that fetching and handing out bodies go on while it writes. Each feed's
result is stored as soon as it is parsed, together with the others the workers
finished meanwhile: one transaction for those (its commit is shared), a
savepoint for each feed in it, so one bad feed is rolled back alone and never
loses or blocks the others, an interrupted refresh leaves whole feeds stored or
none of a feed, and the TUI can show new articles while the rest download. Feeds
that answered 304 change nothing but their fetch time, so they are recorded
together in one transaction at the end. Nothing here raises for a feed's
failure: it becomes that feed's error line.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from newsreader.errors import NewsreaderError
from newsreader.limits import MAX_DOCUMENT_BYTES
from newsreader.services.refresh_parse import (
    ParsedBody,
    Parsers,
    default_workers,
    parse_body,
    parse_job,
    records_of,
)
from newsreader.store import Feed, Library
from newsreader.store.feeds import FeedFetch

if TYPE_CHECKING:
    from newsreader.parse.feed import ParsedFeed

DEFAULT_MAX_BYTES = MAX_DOCUMENT_BYTES

BATCH_FEEDS = 8
"""Most parsed feeds stored in one transaction."""
BATCH_ENTRIES = 4000
"""Most entries in one transaction (a bigger single feed is one transaction of its own): a
transaction holds the library's write lock, which readers in this process wait for."""


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
    library: Library,
    feed: Feed,
    result: Any,
    parsed: ParsedFeed | ParsedBody | None = None,
) -> FeedOutcome:
    """Parse one `FetchResult` (unless `parsed` is given) and store it, or its error, for `feed`.

    `parsed` is the body already parsed: by a worker, or by a caller that had
    to look at it first (subscribing checks the feed before adding it), so it is
    parsed once.
    """
    outcome = FeedOutcome(feed.id, feed.url, feed.title, elapsed=getattr(result, "elapsed", 0.0))
    if result.error:
        outcome.error = result.error
    elif result.not_modified:
        outcome.not_modified = True
    else:
        if parsed is None:
            body = parse_body(
                result.body or b"",
                name=feed.url,
                url=result.url,
                feed_title=feed.title,
                known=library.entry_digests(feed.id) if feed.last_ok else first_known(result),
            )
        elif isinstance(parsed, ParsedBody):
            body = parsed
        else:
            body = records_of(parsed, feed.title)
        if body.error is not None:
            outcome.error = body.error
        else:
            try:
                added = library.record_fetch(
                    feed.id,
                    # insert_records takes records as they are; record_fetch's hint says
                    # Article only (store/feeds.py is not this module's to change).
                    articles=cast("list[Any]", body.records),
                    etag=result.etag,
                    last_modified=result.last_modified,
                    title=body.title or None,
                    site_url=body.link,
                )
            except NewsreaderError as exc:
                outcome.error = str(exc)
            else:
                outcome.new = sum(a.created for a in added)
                outcome.updated = sum(a.updated for a in added)
                outcome.title = feed.title or body.title or feed.url
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


def first_known(result: Any) -> dict[str, str] | None:
    """`known` for a feed's first fetch: nothing, and digests wanted only from a server
    that sent no validator.

    Why: such a server answers the next refresh with every entry again, so the
    entries get their digests now (`parse.feed.entry_digest`, a few µs each)
    instead of being made twice. A server that sent an ETag or Last-Modified
    will mostly answer 304; its entries get theirs when it first does not.
    """
    if getattr(result, "etag", None) or getattr(result, "last_modified", None):
        return None
    return {}


async def refresh_async(
    library: Library,
    feeds: Sequence[Feed] | None = None,
    *,
    on_outcome: Callable[[FeedOutcome], None] | None = None,
    concurrency: int = 8,
    per_host: int = 2,
    max_bytes: int = DEFAULT_MAX_BYTES,
    workers: int | None = None,
    **fetch_options: Any,
) -> list[FeedOutcome]:
    """Fetch, parse and store `feeds` (default: all subscriptions); outcomes in feed order.

    `workers` processes parse the bodies (default: one per core from the main
    thread; 0, the default from another thread, parses in this one);
    one thread stores every result (with workers, a thread of its own, else
    this coroutine's).
    """
    synced = library.synced_feed_ids()  # with sync on, the server fetches these (#16)
    targets = [f for f in (library.feeds() if feeds is None else feeds) if f.id not in synced]
    by_id = {feed.id: feed for feed in targets}
    outcomes: dict[int, FeedOutcome] = {}
    count = workers if workers is not None else default_workers()
    parsers = Parsers(count) if count >= 1 and len(targets) > 1 else None
    if parsers is not None and any(not (f.etag or f.last_modified) for f in targets):
        parsers.start()  # a feed never fetched answers with a body: the workers start now
    import_httpx()
    from newsreader.fetch import FetchRequest, fetch_many

    # With parse workers, the stores run on a thread of their own: SQLite lets go of the GIL
    # while it writes, so this loop goes on fetching and handing bodies to the workers
    # meanwhile instead of stalling them for the length of every batch.
    writer = ThreadPoolExecutor(1, thread_name_prefix="newsreader-writer") if parsers else None
    # Fetching may run ahead of the writer by this many feeds, no more: bodies and parsed
    # entries waiting in memory stay bounded however many feeds there are.
    ahead = asyncio.Semaphore(max(concurrency, 2 * count + BATCH_FEEDS)) if writer else None
    holding: set[int] = set()
    parsing: list[asyncio.Future[None]] = []
    ready: list[tuple[Feed, Any, ParsedBody]] = []
    unchanged: list[tuple[Feed, Any]] = []
    storing: asyncio.Future[None] | None = None
    loop = asyncio.get_running_loop()

    def done(outcome: FeedOutcome) -> None:
        outcomes[outcome.feed_id] = outcome
        if on_outcome:
            on_outcome(outcome)

    async def store_ready() -> None:
        """Store what is parsed, a batch at a time; what parses meanwhile joins the next."""
        while ready:
            batch = _take_batch(ready)
            for outcome in await loop.run_in_executor(writer, store_parsed, library, batch):
                release(outcome.feed_id)  # stored: the next feed may be fetched
                done(outcome)

    async def parse_then_store(feed: Feed, result: Any) -> None:
        nonlocal storing
        assert parsers is not None
        try:
            # A feed fetched before may repeat entries stored already: the worker leaves
            # those out (`parse_feed`'s `known`). Read on the writer's thread, the one
            # that uses the library; a new feed (every first fetch) needs no read.
            known = (
                await loop.run_in_executor(writer, library.entry_digests, feed.id)
                if feed.last_ok
                else first_known(result)
            )
            body = await loop.run_in_executor(
                parsers.get(),
                parse_job,
                result.body or b"",
                feed.url,
                result.url,
                feed.title,
                known,
            )
            del known
            # This coroutine may wait for the writer until the whole refresh is stored: it must
            # not keep the bytes or the parsed entries alive meanwhile.
            result.body = None
            ready.append((feed, result, body))
            del body
            if storing is None or storing.done():
                storing = asyncio.ensure_future(store_ready())
            await storing  # its failure (the library's, or a cancel) is every waiter's
        finally:
            release(feed.id)

    async def store_failure(feed: Feed, result: Any) -> None:
        try:
            done(await loop.run_in_executor(writer, store_fetch_result, library, feed, result))
        finally:
            release(feed.id)

    def release(feed_id: int) -> None:
        """Give back the place `feed_id` held in `ahead` (once: later calls do nothing)."""
        if ahead is not None and feed_id in holding:
            holding.remove(feed_id)
            ahead.release()

    def on_result(result: Any) -> None:
        feed = by_id[result.request.key]
        holding.add(feed.id)
        if result.not_modified and not result.error:
            release(feed.id)
            unchanged.append((feed, result))
        elif parsers is not None and not result.error:
            parsing.append(asyncio.ensure_future(parse_then_store(feed, result)))
        elif writer is not None:
            parsing.append(asyncio.ensure_future(store_failure(feed, result)))
        else:
            done(store_fetch_result(library, feed, result))

    requests = [
        FetchRequest(feed.url, etag=feed.etag, last_modified=feed.last_modified, key=feed.id)
        for feed in targets
    ]
    # One bulk write: the WAL is checkpointed once at the end, not every few feeds.
    with library.bulk_writes():
        try:
            await fetch_many(
                requests,
                concurrency=concurrency,
                per_host=per_host,
                max_bytes=max_bytes,
                on_result=on_result,
                gate=ahead,
                **fetch_options,
            )
            if parsing:
                await asyncio.gather(*parsing)
        finally:
            for task in parsing:
                task.cancel()
            if parsers is not None:
                parsers.close()
            if writer is not None:
                # A batch being written is finished (whole feeds or none), queued ones dropped,
                # before the library can be closed.
                writer.shutdown(wait=True, cancel_futures=True)
        _store_unchanged(library, unchanged, done)
    return [
        outcomes.get(feed.id) or FeedOutcome(feed.id, feed.url, feed.title, error="not fetched")
        for feed in targets
    ]


def _take_batch(ready: list[tuple[Feed, Any, ParsedBody]]) -> list[tuple[Feed, Any, ParsedBody]]:
    """Take the first of `ready` (always one, then up to `BATCH_FEEDS` / `BATCH_ENTRIES`)."""
    entries = 0
    count = 0
    for _feed, _result, body in ready:
        entries += len(body.records)
        if count and (count >= BATCH_FEEDS or entries > BATCH_ENTRIES):
            break
        count += 1
    batch = ready[:count]
    del ready[:count]
    return batch


def store_parsed(
    library: Library, batch: Sequence[tuple[Feed, Any, ParsedBody]]
) -> list[FeedOutcome]:
    """Store parsed feeds in one transaction (`Library.record_fetches`); outcomes in order.

    A feed the library refuses is rolled back alone and reports why. Should
    the transaction as a whole fail, each feed is stored in a transaction of
    its own instead, so one feed's failure still never costs the others.
    """
    if len(batch) == 1:
        feed, result, body = batch[0]
        return [store_fetch_result(library, feed, result, body)]
    fetches = [
        FeedFetch(
            feed.id,
            body.records if body.error is None else (),
            body.error,
            result.etag,
            result.last_modified,
            body.title or None,
            body.link,
        )
        for feed, result, body in batch
    ]
    try:
        answers = library.record_fetches(fetches)
    except NewsreaderError:
        return [store_fetch_result(library, feed, result, body) for feed, result, body in batch]
    outcomes: list[FeedOutcome] = []
    for (feed, result, body), answer in zip(batch, answers, strict=True):
        outcome = FeedOutcome(feed.id, feed.url, feed.title, elapsed=result.elapsed)
        if body.error is not None:
            outcome.error = body.error
        elif isinstance(answer, str):
            outcome.error = answer
        else:
            outcome.new = sum(a.created for a in answer)
            outcome.updated = sum(a.updated for a in answer)
            outcome.title = feed.title or body.title or feed.url
        outcomes.append(outcome)
    _retain(library, [o for o in outcomes if o.new])
    return outcomes


def _retain(library: Library, gained: list[FeedOutcome]) -> None:
    """Apply retention to the feeds that gained articles, as `Library.record_fetch` does."""
    if not gained:
        return
    rules = library.rules()
    if not rules.retains:
        return
    try:
        library.prune(rules, feed_ids=[outcome.feed_id for outcome in gained])
    except NewsreaderError as exc:  # stored, but not pruned: say so, as for one feed
        for outcome in gained:
            outcome.error = str(exc)


def _store_unchanged(
    library: Library, unchanged: list[tuple[Feed, Any]], done: Callable[[FeedOutcome], None]
) -> None:
    """Record the 304s once the bodies are stored, so they never wait in front of a parse.

    They change nothing but each feed's fetch status, so all of them are one
    transaction (`record_not_modified`) rather than one each.
    """
    if not unchanged:
        return
    error: str | None = None
    try:
        library.record_not_modified(
            (feed.id, getattr(result, "etag", None), getattr(result, "last_modified", None))
            for feed, result in unchanged
        )
    except NewsreaderError as exc:  # the library itself failed (disk full, read-only)
        error = f"not modified; status not saved: {exc}"
    for feed, result in unchanged:
        elapsed = getattr(result, "elapsed", 0.0)
        done(
            FeedOutcome(
                feed.id, feed.url, feed.title, not_modified=True, error=error, elapsed=elapsed
            )
        )


def import_httpx() -> None:
    """Import httpx (and httpcore, which it loads lazily) without what it loads for nothing.

    Why: httpcore imports trio when it is installed, to run under trio's event
    loop (ours is asyncio), and httpx imports click, pygments and rich for its
    own command-line client. Together they were most of the CPU that importing
    the HTTP stack cost every refresh and `add`. Both libraries treat those
    packages as optional and catch their absence, so they are marked absent
    while httpx loads and importable again afterwards.
    """
    if "httpcore" in sys.modules:
        return
    blocked = [name for name in ("trio", "click") if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        import httpcore  # noqa: F401
        import httpx  # noqa: F401
    finally:
        for name in blocked:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]


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
    holds up the process's exit. Each feed is committed whole (in a
    transaction of its own or a savepoint of a shared one), so a refresh cut
    short anywhere leaves whole feeds or none.
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
        self._index()

    def _index(self) -> None:
        """Index what the refresh stored, after it is shown as done.

        Why here: the reader's next search would otherwise index it first (see
        `store.search_index`), while nobody waits for this thread. A quit or a
        failure leaves the rest to that search.
        """
        if self.error is not None or self._stop.is_set():
            return
        with contextlib.suppress(NewsreaderError):
            self.library.catch_up_index(stop=self._stop.is_set)

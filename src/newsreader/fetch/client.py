"""The fetch itself: hops, retries, one time limit per fetch, bounded concurrency.

httpx is imported inside the functions: the TUI's startup path imports this
module's names and must not pay for httpx until something is fetched.
"""

from __future__ import annotations

import contextlib
import email.utils
import threading
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from newsreader import __version__
from newsreader.errors import FetchError
from newsreader.fetch.decoding import ACCEPT_ENCODING, BoundedDecoder
from newsreader.fetch.reasons import (
    Failure,
    describe_exception,
    reason_phrase,
    seconds_text,
    too_large,
)
from newsreader.limits import MAX_DOCUMENT_BYTES
from newsreader.urls import describe_url, require_web_url

if TYPE_CHECKING:
    import asyncio
    import ssl

USER_AGENT = f"newsreader/{__version__}"
DEFAULT_MAX_BYTES = MAX_DOCUMENT_BYTES
_RETRY_STATUSES = frozenset({429, 503})
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_ACCEPT = (
    "application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5"
)


@dataclass(frozen=True)
class FetchTimeouts:
    """Limits in seconds: `connect` and `read` per request, `total` for the whole fetch.

    `total` covers every redirect hop, retry and Retry-After wait of one URL, so
    a slow server cannot turn a 60 s limit into minutes by redirecting or
    asking to retry; it also bounds a server that drips one byte at a time.
    """

    connect: float = 5.0
    read: float = 10.0
    total: float = 60.0


@dataclass
class FetchRequest:
    """What to fetch; `etag`/`last_modified` make it conditional, `key` is the caller's tag."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    key: object = None


@dataclass
class FetchResult:
    """The outcome of one request: a body, "not modified", or a human-readable error."""

    request: FetchRequest
    url: str
    status: int | None = None
    body: bytes | None = None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    error: str | None = None
    elapsed: float = 0.0
    content_type: str | None = None

    @property
    def ok(self) -> bool:
        """True for a 2xx body or a 304; False whenever `error` is set."""
        return self.error is None


async def fetch_many(
    requests: Sequence[FetchRequest],
    *,
    concurrency: int = 8,
    per_host: int = 2,
    timeout: FetchTimeouts | float | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_redirects: int = 5,
    retries: int = 2,
    max_retry_wait: float = 30.0,
    backoff: float = 1.0,
    on_result: Callable[[FetchResult], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    transport: Any = None,
    gate: asyncio.Semaphore | None = None,
) -> list[FetchResult]:
    """Fetch every request concurrently; results come back in request order.

    At most `concurrency` requests are in flight, at most `per_host` to one
    host. 429/503 are retried up to `retries` times, waiting Retry-After
    (capped at `max_retry_wait`) or `backoff` doubling each time, as long as
    the wait fits in the fetch's `total` time limit. `on_result`
    is called as each request finishes and `on_progress(done, total)` after;
    exceptions raised by those callbacks are the caller's and propagate.
    `transport` is an httpx transport for tests. `gate`, when given, is
    acquired before each request starts and released by the caller once it is
    done with the result: what a caller still holds (bodies waiting to be parsed
    and stored) bounds how far the fetching runs ahead.
    """
    import asyncio

    import httpx

    limits = _timeouts(timeout)
    global_slots = asyncio.Semaphore(max(1, concurrency))
    host_slots: dict[str, asyncio.Semaphore] = {}
    done = 0
    total = len(requests)
    settings = _Settings(
        limits=limits,
        max_bytes=max_bytes,
        max_redirects=max_redirects,
        retries=retries,
        max_retry_wait=max_retry_wait,
        backoff=backoff,
        per_host=max(1, per_host),
        global_slots=global_slots,
        host_slots=host_slots,
    )
    client = httpx.AsyncClient(
        transport=transport,
        # A transport given (tests) brings its own TLS; the default one gets the process's.
        verify=True if transport is not None else tls_context(),
        follow_redirects=False,
        timeout=httpx.Timeout(limits.read, connect=limits.connect),
        headers={
            "User-Agent": USER_AGENT,
            "Accept": _ACCEPT,
            "Accept-Encoding": ACCEPT_ENCODING,
        },
        limits=httpx.Limits(max_connections=max(1, concurrency), max_keepalive_connections=8),
    )

    async def run(request: FetchRequest) -> FetchResult:
        nonlocal done
        if gate is not None:
            await gate.acquire()
        result = await _fetch_one(client, request, settings)
        done += 1
        if on_result is not None:
            on_result(result)
        if on_progress is not None:
            on_progress(done, total)
        return result

    async with client:
        return list(await asyncio.gather(*(run(request) for request in requests)))


_tls: ssl.SSLContext | None = None
_tls_lock = threading.Lock()


def tls_context() -> ssl.SSLContext:
    """The process's one TLS context, made on first use and shared by every client.

    Why: httpx builds a new context for each client it makes, loading and
    parsing the whole CA bundle every time, and that was a large part of a
    refresh whose feeds all answered 304 (the reader refreshes in the same
    process again and again). It is the context httpx would make (certifi's
    bundle, or `SSL_CERT_FILE` / `SSL_CERT_DIR` as read the first time);
    contexts are safe to share between threads and event loops.
    """
    global _tls
    if _tls is None:
        with _tls_lock:
            if _tls is None:
                import httpx

                _tls = httpx.create_ssl_context()
    return _tls


def fetch_one(url: str, **kwargs: Any) -> FetchResult:
    """Fetch one URL synchronously (for the CLI and the reader view's worker thread).

    Accepts `etag`/`last_modified` plus any `fetch_many` keyword. Works even
    when called from a thread that already runs an event loop, by running the
    fetch on a fresh thread.
    """
    request = FetchRequest(
        url=url, etag=kwargs.pop("etag", None), last_modified=kwargs.pop("last_modified", None)
    )

    import asyncio

    def run() -> FetchResult:
        return asyncio.run(fetch_many([request], **kwargs))[0]

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return run()
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


# --------------------------------------------------------------------------- internals


@dataclass
class _Settings:
    limits: FetchTimeouts
    max_bytes: int
    max_redirects: int
    retries: int
    max_retry_wait: float
    backoff: float
    per_host: int
    global_slots: asyncio.Semaphore
    host_slots: dict[str, asyncio.Semaphore]

    def host_slot(self, url: str) -> asyncio.Semaphore:
        import asyncio

        host = (urlsplit(url).hostname or "").lower()
        slot = self.host_slots.get(host)
        if slot is None:
            slot = self.host_slots[host] = asyncio.Semaphore(self.per_host)
        return slot


def _timeouts(value: FetchTimeouts | float | None) -> FetchTimeouts:
    if value is None:
        return FetchTimeouts()
    if isinstance(value, FetchTimeouts):
        return value
    seconds = float(value)
    return FetchTimeouts(connect=min(5.0, seconds), read=seconds, total=max(seconds * 6, 1.0))


async def _fetch_one(client: Any, request: FetchRequest, settings: _Settings) -> FetchResult:
    """Run one request to completion; every exception becomes `result.error`."""
    started = time.monotonic()
    result = FetchResult(request=request, url=request.url)
    try:
        require_web_url(request.url)
        await _follow(client, request, result, settings)
    except FetchError as exc:
        result.error = str(exc)
    except Failure as exc:
        result.error = str(exc)
    except Exception as exc:  # never let one request take down a refresh
        result.error = describe_exception(
            exc, result.url, connect=settings.limits.connect, read=settings.limits.read
        )
    if result.error is not None:
        result.body = None
    result.elapsed = time.monotonic() - started
    return result


class _Budget:
    """What is left of one fetch's `total` time limit.

    Time is spent only while the fetch holds its slots or sleeps before a
    retry: in a refresh of 200 feeds most wait their turn behind the others,
    and that queueing must not use up their own limit before they start.
    """

    def __init__(self, total: float) -> None:
        self.total = total
        self.remaining = total

    def spend(self, seconds: float) -> None:
        self.remaining -= seconds

    def timed_out(self) -> Failure:
        return Failure(f"timed out after {seconds_text(self.total)} s (total)")


async def _follow(client: Any, request: FetchRequest, result: FetchResult, s: _Settings) -> None:
    """Redirect and retry loop around single requests, all under one time budget."""
    import asyncio

    url = request.url
    headers: dict[str, str] = {}
    if request.etag:
        headers["If-None-Match"] = request.etag
    if request.last_modified:
        headers["If-Modified-Since"] = request.last_modified
    budget = _Budget(s.limits.total)
    hops = 0
    attempt = 0
    while True:
        result.url = url
        status, response_headers, body = await _attempt(client, url, headers, s, budget)
        result.status = status
        if status in _REDIRECT_STATUSES and response_headers.get("location"):
            hops += 1
            if hops > s.max_redirects:
                raise Failure(f"too many redirects (>{s.max_redirects})")
            target = _resolve(url, response_headers["location"])
            try:
                require_web_url(target)
            except FetchError:
                raise Failure(f"redirect to {describe_url(target)} refused") from None
            url = target
            continue
        if status in _RETRY_STATUSES and attempt < s.retries:
            wait = _retry_wait(response_headers.get("retry-after"), attempt, s)
            if wait >= budget.remaining:
                # Sleeping only to time out on waking would hide the real reason.
                retry_in = seconds_text(round(wait, 1))
                raise Failure(
                    f"HTTP {status} {reason_phrase(status)} (a retry in {retry_in}"
                    f" s would pass the {seconds_text(budget.total)} s time limit)"
                )
            attempt += 1
            started = time.monotonic()
            await asyncio.sleep(wait)
            budget.spend(time.monotonic() - started)
            continue
        result.content_type = response_headers.get("content-type")
        result.etag = response_headers.get("etag")
        result.last_modified = response_headers.get("last-modified")
        if status == 304:
            if not headers:
                # Nothing was cached to compare against: taking this as "unchanged"
                # would leave the feed empty yet reported fine on every refresh.
                raise Failure("HTTP 304 Not Modified to a request that was not conditional")
            result.not_modified = True
            return
        if 200 <= status < 300:
            result.body = body
            return
        reason = reason_phrase(status)
        if status in _RETRY_STATUSES and attempt:
            raise Failure(f"HTTP {status} {reason} (gave up after {attempt} retries)")
        raise Failure(f"HTTP {status} {reason}".rstrip())


async def _attempt(
    client: Any, url: str, headers: dict[str, str], s: _Settings, budget: _Budget
) -> tuple[int, dict[str, str], bytes | None]:
    """One GET under the host and global slots and what is left of the time budget.

    The body is read only for 2xx.
    """
    import asyncio

    async with s.host_slot(url), s.global_slots:
        if budget.remaining <= 0:
            raise budget.timed_out()
        started = time.monotonic()
        try:
            async with asyncio.timeout(budget.remaining):
                return await _get(client, url, headers, s)
        except TimeoutError:
            raise budget.timed_out() from None
        finally:
            budget.spend(time.monotonic() - started)


async def _get(
    client: Any, url: str, headers: dict[str, str], s: _Settings
) -> tuple[int, dict[str, str], bytes | None]:
    import httpx

    try:
        async with client.stream("GET", url, headers=headers) as response:
            status = response.status_code
            response_headers = {key.lower(): value for key, value in response.headers.items()}
            if not 200 <= status < 300:
                return status, response_headers, None
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > s.max_bytes:
                raise Failure(too_large(s.max_bytes))
            decoder = BoundedDecoder(
                response.headers.get_list("content-encoding", split_commas=True), s.max_bytes
            )
            chunks: list[bytes] = []
            try:
                # Raw bytes: httpx's own decoding would inflate a chunk without limit.
                async for raw in response.aiter_raw():
                    chunks.extend(decoder.feed(raw))
                chunks.extend(decoder.flush())
            except httpx.RemoteProtocolError:
                raise Failure("server closed the connection mid-body") from None
            except zlib.error:
                raise Failure("could not decode the response body (bad compression)") from None
            return status, response_headers, b"".join(chunks)
    except Failure:
        raise
    except httpx.HTTPError as exc:
        raise Failure(
            describe_exception(exc, url, connect=s.limits.connect, read=s.limits.read)
        ) from None


def _resolve(base: str, location: str) -> str:
    try:
        return urljoin(base, location.strip())
    except ValueError:
        return location


def _retry_wait(header: str | None, attempt: int, s: _Settings) -> float:
    """Seconds to wait before retry `attempt + 1`: Retry-After if given, else exponential."""
    wait: float | None = None
    if header:
        header = header.strip()
        if header.isdigit():
            wait = float(header)
        else:
            with contextlib.suppress(TypeError, ValueError, IndexError, OverflowError):
                when = email.utils.parsedate_to_datetime(header)
                if when.tzinfo is None:
                    when = when.replace(tzinfo=UTC)
                wait = (when - datetime.now(UTC)).total_seconds()
    if wait is None:
        wait = s.backoff * (2**attempt)
    return max(0.0, min(wait, s.max_retry_wait))

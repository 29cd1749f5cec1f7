"""The `add` use case: subscribe to feeds after fetching and parsing each once.

Checking the feed before subscribing makes a typo or a dead URL fail now, with
its reason, instead of at the next refresh; the entries of that one fetch are
stored straight away, so the first fetch is not wasted. Many URLs are fetched
concurrently in one process (`subscribe_many`), and one that fails costs the
others nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from newsreader.errors import NewsreaderError
from newsreader.sanitize import clean_line
from newsreader.services.refresh import FeedOutcome, import_httpx, store_fetch_result
from newsreader.store import Feed, Library
from newsreader.urls import feed_key, require_web_url


@dataclass(slots=True, frozen=True)
class Subscribed:
    """What `subscribe` did: the feed as subscribed, whether it is new, and its first fetch."""

    feed: Feed
    created: bool
    outcome: FeedOutcome


def subscribe(
    library: Library, url: str, *, title: str | None = None, tags: Sequence[str] = ()
) -> Subscribed:
    """Fetch `url` once, parse it, subscribe and store its entries.

    Raises `NewsreaderError` (nothing subscribed) for a URL that is not
    http(s), a failed fetch, or a body that is not a feed. `title` overrides
    the feed's own; `tags` are added to an existing subscription's. Both are
    user-given and shown in `feeds` and the sidebar, so they are cleaned here
    like a feed's own title (a tag that cleans to nothing is dropped).
    """
    # Imported here: httpx and feedparser are heavy and only subscribing needs them.
    import_httpx()
    from newsreader.fetch import fetch_one

    url = require_web_url(url.strip())
    result = fetch_one(url)
    known = _known_feeds(library)
    return _subscribe_fetched(
        library, url, result, title=_clean_title(title), tags=_clean(tags), known=known
    )


@dataclass(slots=True, frozen=True)
class NotSubscribed:
    """A URL of `subscribe_many` that failed (nothing subscribed), and why, in one line."""

    url: str
    error: str


def subscribe_many(
    library: Library,
    urls: Sequence[str],
    *,
    tags: Sequence[str] = (),
    concurrency: int = 8,
    per_host: int = 2,
    **fetch_options: Any,
) -> list[Subscribed | NotSubscribed]:
    """`subscribe` to each of `urls`, fetched concurrently; one result per URL, in order.

    Why: subscribing one command at a time paid the start of the program and of
    the HTTP stack for every feed. Here one client fetches them all (at most
    `concurrency` at once, `per_host` to one host) and each is parsed and
    stored as it arrives, this thread being the library's only writer. A URL
    given twice is fetched once and reported once. Never raises for one URL's
    failure: a refused URL, a failed fetch, a body that is no feed or a store
    error is that URL's `NotSubscribed`, with the message `subscribe` raises.
    """
    import asyncio

    import_httpx()
    from newsreader.fetch import FetchRequest, fetch_many

    tags = _clean(tags)
    given = list(dict.fromkeys(url.strip() for url in urls))
    results: dict[str, Subscribed | NotSubscribed] = {}
    requests: list[FetchRequest] = []
    known = _known_feeds(library)
    for url in given:
        try:
            requests.append(FetchRequest(require_web_url(url), key=url))
        except NewsreaderError as exc:
            results[url] = NotSubscribed(url, str(exc))

    def on_result(result: Any) -> None:
        url = result.request.key
        try:
            results[url] = _subscribe_fetched(
                library, url, result, title=None, tags=tags, known=known
            )
        except NewsreaderError as exc:
            results[url] = NotSubscribed(url, str(exc))

    if requests:
        asyncio.run(
            fetch_many(
                requests,
                concurrency=concurrency,
                per_host=per_host,
                on_result=on_result,
                **fetch_options,
            )
        )
    return [results.get(url) or NotSubscribed(url, f"{url}: not fetched") for url in given]


def _known_feeds(library: Library) -> dict[str, str]:
    """`feed_key` -> the URL stored, for every subscription."""
    return {feed_key(feed.url): feed.url for feed in library.feeds()}


def _subscribe_fetched(
    library: Library,
    url: str,
    result: Any,
    *,
    title: str | None,
    tags: list[str],
    known: dict[str, str],
) -> Subscribed:
    """Subscribe to `url` from its fetch `result` and store the entries; raises on failure.

    A URL that is a subscription already but for a trailing slash, the case of
    its host or a default port, or that redirected to one (`known`, updated
    here), is that subscription: it gains the tags, and no second feed is made.
    """
    from newsreader.parse.feed import parse_feed

    if result.error:
        raise NewsreaderError(f"{url}: {result.error}; not subscribed")
    parsed = parse_feed(result.body or b"", name=url, url=result.url)
    final = result.url if isinstance(result.url, str) and result.url else url
    stored = known.get(feed_key(url)) or known.get(feed_key(final)) or url
    feed, created = library.add_feed(stored, title=title or parsed.title, tags=tags)
    known.setdefault(feed_key(url), feed.url)
    outcome = store_fetch_result(library, feed, result, parsed)
    return Subscribed(feed, created, outcome)


def _clean(tags: Sequence[str]) -> list[str]:
    """User-given tags, cleaned like a feed's title; one that cleans to nothing is dropped."""
    return [tag for tag in map(clean_line, tags) if tag]


def _clean_title(title: str | None) -> str | None:
    return clean_line(title or "") or None

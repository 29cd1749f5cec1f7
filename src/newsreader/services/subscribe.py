"""The `add` use case: subscribe to a feed after fetching and parsing it once.

Checking the feed before subscribing makes a typo or a dead URL fail now, with
its reason, instead of at the next refresh; the entries of that one fetch are
stored straight away, so the first fetch is not wasted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from newsreader.errors import NewsreaderError
from newsreader.sanitize import clean_line
from newsreader.services.refresh import FeedOutcome, store_fetch_result
from newsreader.store import Feed, Library
from newsreader.urls import require_web_url


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
    from newsreader.fetch import fetch_one
    from newsreader.parse.feed import parse_feed

    url = require_web_url(url.strip())
    tags = [tag for tag in map(clean_line, tags) if tag]
    title = clean_line(title or "") or None
    result = fetch_one(url)
    if result.error:
        raise NewsreaderError(f"{url}: {result.error}; not subscribed")
    parsed = parse_feed(result.body or b"", name=url, url=result.url)
    feed, created = library.add_feed(url, title=title or parsed.title, tags=tags)
    outcome = store_fetch_result(library, feed, result, parsed)
    return Subscribed(feed, created, outcome)

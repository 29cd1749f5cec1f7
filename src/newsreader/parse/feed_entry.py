"""A feed entry's fields as the feed readers give them, before one converter makes an article.

Why a shape of our own: feedparser answers with nested dicts, feedparser-rs
with objects of its own, and JSON Feed is read into feedparser's dicts. Each
reader fills this tuple (`parse.feed.entry_fields` for the dicts,
`parse.fastfeed` straight from the Rust parser's entries), and
`parse.feed` alone decides from it which link, body, date, id and
enclosures an article gets. The fast reader used to build feedparser-shaped
dicts only for them to be read back, a fifth of the time it took to parse a
feed.

Values are as the reader gave them, unchecked (a hostile feed can make them
anything); the converter checks every one.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class EntryFields(NamedTuple):
    """One entry's fields, in the order a converter weighs them."""

    title: Any
    """The title's text ("" when it has none)."""
    title_type: Any
    """Its MIME type as the reader says it ("" when unknown: then HTML is looked for)."""
    links: list[Any]
    """The entry's links, in the order they are tried: each `rel="alternate"` one, then `link`."""
    base: Any
    """What relative links in the body are joined to; empty: the entry's own link."""
    contents: list[tuple[Any, Any]]
    """(text, MIME type) of each full-content element."""
    summary: tuple[Any, Any]
    """(text, MIME type) of the summary, the body when there is no content."""
    dates: tuple[Any, Any, Any]
    """Published, updated and created times (UTC time tuples, or None), tried in that order."""
    id: Any
    """The entry's id or guid, as the reader resolved it."""
    enclosures: list[tuple[Any, Any, Any]]
    """(URL, MIME type, claimed length) of each enclosure and `rel="enclosure"` link."""
    author: Any
    """The author the entry names (None: the feed's own author stands in)."""

"""Parse RSS 0.9x/1.0/2.0, Atom and JSON Feed 1.x feeds into `Article`s.

feedparser does the format work (it detects the dialect from the content, not
from a file extension, and copes with lying encoding declarations). Around it
we add what it does not give us: a size cap and entity refusal before it runs
(`xmlguard`), a clear "not a feed" error instead of an empty result for HTML
pages, sanitised text everywhere (feedparser returns ESC sequences untouched:
each field is cleaned once, as it leaves feedparser's result, by `clean_line`
or by the block converters),
only http(s) links, and entry bodies converted to typed blocks.

feedparser is imported inside `parse_feed` because it is slow to import
and the TUI's startup path imports this module's names.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from newsreader.errors import NewsreaderError, ParseError
from newsreader.limits import MAX_DOCUMENT_BYTES, first_blocks
from newsreader.model.article import Article, Block, Enclosure
from newsreader.model.record import LEFT_OUT
from newsreader.parse.fastfeed import fast_parse
from newsreader.parse.feed_entry import EntryFields
from newsreader.parse.html_blocks import (
    html_to_blocks,
    html_to_blocks_and_links,
    text_to_blocks,
)
from newsreader.parse.jsonfeed import json_feed_result, looks_like_json_feed
from newsreader.parse.quotes import apply_quotes
from newsreader.parse.xmlguard import check_xml
from newsreader.sanitize import clean_line
from newsreader.urls import is_safe_web_url

ENTRY_DIGEST_VERSION = 1
"""Part of every entry digest: raise it when a change to parsing should remake stored entries."""
_TITLE_WORDS = 12
_MAX_ENCLOSURES = 20


@dataclass
class ParsedFeed:
    """A feed's own title and link, its entries as articles, and non-fatal notes."""

    title: str
    link: str | None
    entries: list[Article] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    digests: list[str | None] = field(default_factory=list)
    """Each entry's `entry_digest` (beside `entries`); None where the caller passed no `known`."""


def parse_feed(
    data: bytes,
    *,
    name: str,
    url: str | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    fast: bool = True,
    known: Mapping[str, str] | None = None,
) -> ParsedFeed:
    """Parse feed bytes; `name` (file name or URL) prefixes every error and warning.

    `url` is where the feed came from, used to resolve relative links. Raises
    `ParseError` for anything that is not a readable RSS/Atom/JSON feed; never
    raises anything else. `fast` tries feedparser-rs first (`parse.fastfeed`),
    falling back to feedparser for this feed wherever the fast parser is unsure;
    False reads with feedparser alone (the reference the parity tests compare with).
    `known` (guid -> entry digest, of a feed read before) asks for each entry's
    digest, and leaves out the entries whose digest it holds (`entry_digest`) and
    those it marks `LEFT_OUT`.
    """
    if looks_like_json_feed(data):
        result, notes = json_feed_result(data, name=name, url=url, max_bytes=max_bytes)
        parsed_json = _from_parsed(result, data, name=name, known=known)
        parsed_json.warnings[:0] = notes
        return parsed_json
    check_xml(data, name=name, max_bytes=max_bytes)
    parsed = fast_parse(data, url) if fast else None
    if parsed is not None:
        return _from_parsed(parsed, data, name=name, known=known)
    try:
        parsed = _feedparser_parse(data, url)
    except (RecursionError, MemoryError) as exc:
        raise ParseError(f"{name}: not an RSS or Atom feed ({type(exc).__name__})") from None
    except Exception as exc:  # feedparser internals on hostile input: report, never crash
        reason = clean_line(f"{type(exc).__name__}: {exc}")[:200]
        raise ParseError(f"{name}: not an RSS or Atom feed ({reason})") from None
    return _from_parsed(parsed, data, name=name, known=known)


def _from_parsed(
    parsed: Any, data: bytes, *, name: str, known: Mapping[str, str] | None = None
) -> ParsedFeed:
    """Articles from a feedparser-shaped result: feedparser's own, JSON Feed's, or
    `fast_parse`'s (whose entries are `EntryFields` already)."""
    feed_info = parsed.get("feed", {}) or {}
    entries = parsed.get("entries", []) or []
    title_detail = feed_info.get("title_detail")
    feed_title = _plain(
        feed_info.get("title", ""),
        title_detail.get("type", "") if isinstance(title_detail, dict) else "",
    )
    if not parsed.get("version") and not entries:
        raise ParseError(f"{name}: not an RSS or Atom feed ({_reason(parsed, data)})")
    if parsed.get("bozo") and not entries and not feed_title:
        raise ParseError(f"{name}: not an RSS or Atom feed ({_reason(parsed, data)})")

    warnings: list[str] = []
    if parsed.get("bozo"):
        warnings.append(
            f"{name}: feed is not well-formed ({_reason(parsed, data)}); read leniently"
        )
    link = feed_info.get("link")
    result = ParsedFeed(
        title=feed_title,
        link=link if is_safe_web_url(link) else None,
        warnings=warnings,
    )
    source = feed_title or clean_line(name)
    feed_author: str | None = None  # the feed's own author, cleaned once when first needed
    for index, entry in enumerate(entries, start=1):
        try:
            fields = entry if isinstance(entry, EntryFields) else entry_fields(entry)
            link = _entry_link(fields.links)
            digest = None
            if known is not None:
                stored = known.get(_entry_guid(fields, link) or "")
                digest = None if stored == LEFT_OUT else entry_digest(fields)
                if stored == LEFT_OUT or (digest is not None and digest == stored):
                    continue  # held as it is already, or deleted for good
            article = _entry_article(fields, link, source=source, name=name, index=index)
        except NewsreaderError as exc:
            warnings.append(str(exc))
            continue
        except Exception as exc:  # one odd entry must not lose the whole feed
            warnings.append(
                f"{name}: skipped entry {index}, it could not be read ({type(exc).__name__})"
            )
            continue
        if article is None:
            warnings.append(f"{name}: skipped entry {index}, it has neither title nor content")
            continue
        if not article.author:
            if feed_author is None:
                feed_author = clean_line(str(feed_info.get("author") or ""))
            article.author = feed_author or None
        result.entries.append(article)
        result.digests.append(digest)
    return result


def _feedparser_parse(data: bytes, url: str | None) -> Any:
    """feedparser on a byte stream, never on a str/bytes it might treat as a path or URL.

    `feedparser.parse(bytes)` first tries `open(bytes)`: a feed body that
    happens to read `/etc/passwd` would be opened as a file. A `BytesIO`
    avoids every such lookup.
    """
    import feedparser

    headers = {"content-location": url} if is_safe_web_url(url) else {}
    return feedparser.parse(io.BytesIO(data), response_headers=headers, sanitize_html=True)


def _reason(parsed: Any, data: bytes) -> str:
    head = data[:2048].lower()
    if b"<html" in head or b"<!doctype html" in head:
        return "it is an HTML page"
    exc = parsed.get("bozo_exception")
    if exc is not None:
        message = clean_line(str(exc))[:160]
        if message:
            return message
    return "no channel or feed element found"


def _plain(value: Any, kind: Any = "") -> str:
    """One-line text of a feed field, tags removed when its reader says it is HTML (or
    does not say)."""
    if not isinstance(value, str):
        return ""
    if "<" in value and ("html" in kind or not kind):
        return " ".join(" ".join(_html_text(value)).split())  # the converter cleaned it
    return clean_line(value)


def _html_text(value: str) -> list[str]:
    key_points, blocks = html_to_blocks(value)
    return [*key_points, *(block.text for block in blocks)]


def entry_fields(entry: Any) -> EntryFields:
    """The fields of one entry of feedparser's result (or JSON Feed's, read into that shape)."""
    links = entry.get("links") or []
    title_detail = entry.get("title_detail")
    summary_detail = entry.get("summary_detail") or {}
    enclosures: list[Any] = list(entry.get("enclosures") or [])
    enclosures += [
        link for link in links if isinstance(link, dict) and link.get("rel") == "enclosure"
    ]
    return EntryFields(
        title=entry.get("title", ""),
        title_type=title_detail.get("type", "") if isinstance(title_detail, dict) else "",
        links=[
            *(
                link.get("href")
                for link in links
                if isinstance(link, dict) and link.get("rel", "alternate") == "alternate"
            ),
            entry.get("link"),
        ],
        # dict.get, not entry.get: FeedParserDict's get() maps published_parsed to
        # updated_parsed with a DeprecationWarning; `_entry_date` does that fallback itself.
        base=dict.get(entry, "base"),
        contents=[
            (content.get("value"), content.get("type"))
            for content in entry.get("content") or []
            if isinstance(content, dict)
        ],
        summary=(entry.get("summary"), summary_detail.get("type")),
        dates=(
            dict.get(entry, "published_parsed"),
            dict.get(entry, "updated_parsed"),
            dict.get(entry, "created_parsed"),
        ),
        id=entry.get("id"),
        enclosures=[
            (item.get("href") or item.get("url"), item.get("type"), item.get("length"))
            for item in enclosures
            if isinstance(item, dict)
        ],
        author=entry.get("author"),
    )


def _entry_article(
    fields: EntryFields, link: str | None, *, source: str, name: str, index: int
) -> Article | None:
    """The article of one entry, whose http(s) link (`_entry_link`) is `link`."""
    title = _plain(fields.title, fields.title_type)
    # feedparser made the body's links absolute against the feed's URL; the fast
    # parser leaves that to the links reader, which joins them to that same URL.
    key_points, blocks, links = _entry_content(fields, fields.base or link)
    if not title and not blocks and not key_points:
        return None
    if not title:
        title = _lead_words(blocks, key_points)
    published = _entry_date(fields.dates)
    guid = _entry_guid(fields, link)
    if not guid:
        stamp = published.isoformat() if published else ""
        guid = "sha256:" + hashlib.sha256(f"{title}\x1f{stamp}".encode()).hexdigest()
    warnings: list[str] = []
    blocks = first_blocks(blocks, warnings)
    blocks, quotes = apply_quotes(blocks, title=title, key_points=key_points, warnings=warnings)
    return Article(
        title=title,
        blocks=blocks,
        key_points=key_points,
        quotes=quotes,
        source=source,
        url=link,
        published=published,
        guid=guid,
        warnings=[f"{name}: entry {index}: {warning}" for warning in warnings],
        links=links,
        enclosures=_entry_enclosures(fields.enclosures),
        author=clean_line(str(fields.author or "")) or None,
    )


def _entry_guid(fields: EntryFields, link: str | None) -> str | None:
    """The id the entry gives itself, else its link (None when it has neither)."""
    return clean_line(str(fields.id or "")) or link


def entry_digest(fields: EntryFields) -> str | None:
    """A digest of everything an entry says, or None when some value cannot be written down.

    Why: a feed whose server answers 200 every time (no ETag or Last-Modified,
    or a feed made again for each request) repeats every entry on every
    refresh, and making an article of each again (its HTML read into blocks,
    its quotations found) was nearly all that such a refresh cost. An entry
    whose digest is stored with its article is the same entry, read by the
    same parsing (`ENTRY_DIGEST_VERSION`): there is nothing to make.
    """
    try:
        published, updated, created = (
            None if value is None else tuple(value[:6]) for value in fields.dates
        )
        dates = (published, updated, created)  # time tuples print as their six numbers
        text = repr((ENTRY_DIGEST_VERSION, tuple(fields._replace(dates=dates))))
    except Exception:  # a hostile value's own repr or slice: no digest, the entry is made
        return None
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _entry_content(
    fields: EntryFields, base: str | None
) -> tuple[list[str], list[Block], list[tuple[str, str]]]:
    """Key points, blocks and links of the richest body the entry has (full content,
    else the summary); links from HTML bodies only, joined to `base`."""
    chosen = _body_source(fields)
    if chosen is None:
        return [], [], []
    value, kind = chosen
    if kind == "text/plain" or "<" not in value:
        return [], text_to_blocks(value), []  # no markup, so no links either
    return html_to_blocks_and_links(value, base)


def _entry_enclosures(candidates: list[tuple[Any, Any, Any]]) -> list[Enclosure]:
    """Podcast and video attachments: `<enclosure>` / `rel="enclosure"`, http(s) only."""
    found: dict[str, Enclosure] = {}
    for url, kind, length in candidates:
        if not is_safe_web_url(url) or url in found:
            continue
        found[url] = Enclosure(url, clean_line(str(kind or ""))[:100], _length(length))
        if len(found) >= _MAX_ENCLOSURES:
            break
    return list(found.values())


def _length(value: Any) -> int | None:
    """A claimed size in bytes, or None for missing, negative or absurd values."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 1 << 50 else None


def _body_source(fields: EntryFields) -> tuple[str, str] | None:
    """(value, MIME type) of the richest body the entry has: full content, else the summary."""
    candidates: list[tuple[str, str]] = []
    for value, kind in fields.contents:
        if isinstance(value, str) and value and not value.isspace():  # no stripped copy
            candidates.append((value, str(kind or "")))
    if not candidates:
        summary, kind = fields.summary
        if isinstance(summary, str) and summary and not summary.isspace():
            candidates.append((summary, str(kind or "")))
    if len(candidates) < 2:
        return candidates[0] if candidates else None
    # Prefer HTML content over a plain-text alternative when an entry has both.
    return max(candidates, key=lambda item: ("html" in item[1], len(item[0])))


def _entry_link(candidates: list[Any]) -> str | None:
    """The entry's http(s) link: rel=alternate first, then `link`; other schemes dropped."""
    for candidate in candidates:
        if is_safe_web_url(candidate):
            return candidate
    return None


def _entry_date(dates: tuple[Any, ...]) -> datetime | None:
    """The first of the entry's times that is a real date, as an aware UTC datetime."""
    for value in dates:
        if value is None:
            continue
        try:
            year, month, day, hour, minute, second = value[:6]
            return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
        except (TypeError, ValueError, OverflowError):
            continue
    return None


def _lead_words(blocks: list[Block], key_points: list[str]) -> str:
    """A title for an untitled entry: the first words of its body, else "(untitled)"."""
    for text in [*(block.text for block in blocks), *key_points]:
        words = text.split()
        if words:
            lead = " ".join(words[:_TITLE_WORDS])
            return lead + ("…" if len(words) > _TITLE_WORDS else "")
    return "(untitled)"

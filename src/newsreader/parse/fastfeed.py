"""The fast path of feed parsing: feedparser-rs, answering in feedparser's shape or not at all.

feedparser spends most of a refresh reading XML in Python; feedparser-rs (Rust,
a feedparser-compatible API) reads the same feeds many times faster. It was
chosen over fastfeedparser, which was faster still on the XML but loses what
`parse_feed` relies on: Atom `type="text"` and `type="html"` titles arrive
alike, XHTML titles are dropped, and it has no not-well-formed flag, so an
odd feed could not be told from a good one.

`fast_parse` returns a dict shaped like feedparser's result (only the keys
`parse_feed` reads) whose entries are `EntryFields`, the shape `parse_feed`
also reads feedparser's entries into, so one converter turns either into
articles. It returns None whenever it is unsure, and `parse_feed` then asks
feedparser, which stays the reference for everything odd:

* the Rust parser raised, or flagged the document (`bozo`: not well-formed,
  undeclared entities such as `&nbsp;`, truncated);
* the bytes do not decode in the encoding it settled on (a Latin-1 feed that
  declares UTF-8: feedparser re-reads it as cp1252, the Rust parser would
  store U+FFFD);
* `xml:base` is used (feedparser resolves against it element by element);
* no version or no entries (feedparser's reasons say why it is no feed).

The entity guard (`xmlguard`) and the size cap run before either parser.
"""

from __future__ import annotations

import codecs
import functools
import html
import re
import time
import urllib.parse
from typing import Any

from newsreader.limits import MAX_DOCUMENT_BYTES
from newsreader.parse.feed_entry import EntryFields
from newsreader.urls import is_safe_web_url, joins_to_itself

_URI_FIXER = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*://)(/*)(.*?)")
"""feedparser's own fix-up before it joins a URI to its base (`feedparser.urls._urljoin`)."""

_GUID_TAG = re.compile(rb"<guid\b([^>]*)>", re.IGNORECASE)
_PERMALINK_FALSE = re.compile(rb"""ispermalink\s*=\s*["']\s*false""", re.IGNORECASE)
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
"""Deleted with `bytes.translate` to find one: a tenth of a regular expression's scan."""
_BAD_CHAR_REF = re.compile(
    rb"&#(?:0*(?:[0-8]|1[1-2]|1[4-9]|2[0-9]|3[01])|x0*(?:[0-8]|[bcef]|1[0-9a-f]));", re.I
)
"""Control characters raw or as references: not XML, so feedparser reads such a feed loosely."""


class _Unsure(Exception):
    """Raised inside the adapter when only feedparser can give the answer it would give."""


_ENCODING_ALIASES = {"gbk": "gb18030", "gb2312": "gb18030", "euc-kr": "cp949"}
"""Encodings the Rust parser names whose superset Python should check the bytes against."""


def fast_parse(data: bytes, url: str | None) -> dict[str, Any] | None:
    """A feedparser-shaped dict of `data` (entries as `EntryFields`), or None when feedparser
    should read it instead."""
    if b"xml:base" in data or (b"&#" in data and _BAD_CHAR_REF.search(data)):
        return None
    if len(data.translate(None, _CONTROL_BYTES)) != len(data):
        return None
    try:
        import feedparser_rs
    except ImportError:  # a broken install of the optional wheel: the slow path still works
        return None
    try:
        # Neither its sanitiser (html_tree is the trust boundary, and its sanitiser drops
        # figure captions feedparser keeps) nor its joining of links to the channel's
        # link (feedparser joins them to the feed's URL: `_urljoin` below does that).
        parsed = feedparser_rs.parse_with_limits(
            data, limits=_limits(), sanitize_html=False, resolve_relative_uris=False
        )
    except Exception:  # any failure of the fast path is feedparser's to judge
        return None
    version = str(parsed.version or "")
    if parsed.bozo or not version or version.startswith("json") or not parsed.entries:
        return None
    if not _decodes(data, str(parsed.encoding or "utf-8")):
        return None
    base = url if is_safe_web_url(url) else ""
    ids = _Ids(version, data, base)
    try:
        return {
            "version": version,
            "bozo": False,
            "feed": _feed(parsed.feed, base),
            "entries": [_entry(entry, base, ids) for entry in parsed.entries],
        }
    except Exception:  # _Unsure, or an attribute this version lacks: read it the slow way
        return None


_MOST_ENTRIES = 200_000
"""Entries the fast parser reads: its default, 10,000, flagged a bigger feed as broken and
sent it to feedparser, 20 s for 50,000 items; the 10 MB cap bounds what it can hold."""


@functools.cache
def _limits() -> Any:
    import feedparser_rs

    return feedparser_rs.ParserLimits(
        max_entries=_MOST_ENTRIES, max_feed_size_bytes=MAX_DOCUMENT_BYTES + 1
    )


def _decodes(data: bytes, encoding: str) -> bool:
    """True when `data` is valid in `encoding` (after its BOM), so nothing became U+FFFD."""
    name = _ENCODING_ALIASES.get(encoding.lower(), encoding)
    try:
        codec = codecs.lookup(name)
    except LookupError:
        return False
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if data.startswith(bom):
            return True  # the parser followed the BOM, which cannot lie
    if codec.name == "utf-8" and data.isascii():
        return True  # ASCII is UTF-8: no need to decode a copy of the whole feed
    try:
        data.decode(name)
    except UnicodeDecodeError:
        return False
    return True


def _urljoin(base: str, uri: Any) -> Any:
    """`uri` joined to the feed's URL exactly as feedparser joins it, so links and ids agree."""
    if not isinstance(uri, str):
        return uri
    if joins_to_itself(uri):  # the usual link: no fix-up, no split
        return uri
    uri = _URI_FIXER.sub(r"\1\3", uri)
    try:
        return urllib.parse.urljoin(base, uri)
    except ValueError:
        return ""


class _Ids:
    """feedparser's rule for entry ids: joined to the base like links, except an RSS guid
    marked `isPermaLink="false"` (and RSS 1.0's `rdf:about`, taken as it is).

    Ids are what refresh matches stored articles by, so one that came out different
    from feedparser's would store every entry again. The Rust parser does not say
    which guids were marked, so a feed where joining would change an id and the
    marks could matter is left to feedparser.
    """

    def __init__(self, version: str, data: bytes, base: str) -> None:
        self.base = base
        self.join: bool | None = True
        """True: join every id; False: none (all marked); None: it depends on the guid."""
        if version in ("rss090", "rss10"):
            self.join = False
        elif not version.startswith("atom"):
            marks = [
                _PERMALINK_FALSE.search(attributes) is not None
                for attributes in _GUID_TAG.findall(data)
            ]
            if marks and all(marks):
                self.join = False
            elif any(marks):
                self.join = None

    def __call__(self, value: Any) -> Any:
        if not isinstance(value, str) or not value:
            return value
        joined = _urljoin(self.base, value)
        if joined == value or self.join is False:
            return value
        if self.join is None:
            raise _Unsure
        return joined


def _text(value: Any, kind: str) -> tuple[Any, str]:
    """(value, type) as feedparser would give them.

    The Rust parser marks RSS text as HTML and escapes it (`T &amp; Co`); feedparser
    gives such text unescaped, as plain text. HTML without a tag is exactly that.
    """
    if isinstance(value, str) and "html" in kind and "<" not in value:
        return html.unescape(value), "text/plain"
    return value, kind


def _construct(construct: Any) -> tuple[Any, str]:
    """(value, type) of a text construct (a title, a summary), read as `_text` reads them."""
    return _text(construct.value, getattr(construct, "type", "") or "")


def _detail(construct: Any) -> dict[str, Any] | None:
    """`{"type", "value"}` of a text construct, as feedparser gives the feed's title."""
    if construct is None:
        return None
    value, kind = _construct(construct)
    return {"type": kind, "value": value}


def _value(construct: Any, fallback: Any) -> Any:
    return construct["value"] if construct is not None else fallback


def _feed(feed: Any, base: str) -> dict[str, Any]:
    detail = _detail(feed.title_detail)
    return {
        "title": _value(detail, feed.title or ""),
        "title_detail": detail,
        "link": _urljoin(base, feed.link),
        "author": getattr(feed, "author", None),
    }


def _entry(entry: Any, base: str, ids: _Ids) -> EntryFields:
    """The fields of one of the Rust parser's entries, as feedparser would have given them.

    Each attribute read copies a value out of the Rust parser, so each is read once,
    and only where it is needed.
    """
    link = entry.link
    joined = _urljoin(base, link)  # the alternate link is usually `link` itself: joined once
    alternates: list[Any] = []
    enclosures = [
        (_urljoin(base, item.href), item.type, item.length) for item in entry.enclosures or []
    ]
    for item in entry.links or []:
        rel = item.rel or "alternate"
        if rel == "alternate":
            href = item.href
            alternates.append(joined if href == link else _urljoin(base, href))
        elif rel == "enclosure":
            href = item.href
            enclosures.append(
                (
                    joined if href == link else _urljoin(base, href),
                    getattr(item, "type", None),
                    getattr(item, "length", None),
                )
            )
    alternates.append(joined)
    detail = entry.title_detail
    title, title_type = (entry.title or "", "") if detail is None else _construct(detail)
    summary = entry.summary_detail
    return EntryFields(
        title=title,
        title_type=title_type,
        links=alternates,
        base=base,
        contents=[
            _text(content.value, getattr(content, "type", "") or "")
            for content in entry.content or []
        ],
        summary=(entry.summary, "") if summary is None else _construct(summary),
        dates=(
            _struct(entry.published_parsed),
            _struct(entry.updated_parsed),
            _struct(getattr(entry, "created_parsed", None)),
        ),
        id=ids(entry.id),
        enclosures=enclosures,
        author=getattr(entry, "author", None),
    )


def _struct(value: Any) -> time.struct_time | None:
    return value if isinstance(value, time.struct_time) else None

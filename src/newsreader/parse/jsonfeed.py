"""JSON Feed 1.0 and 1.1 (jsonfeed.org), read into the same shape as an RSS or Atom feed.

A JSON feed is told by its content, as XML feeds are: a JSON object whose
`version` names `https://jsonfeed.org/version/1` or `/1.1`. Its items are turned
into a feedparser-shaped result, so `parse.feed` makes articles of them with the
very code it uses for RSS and Atom: the same cleaning of every field, HTML
through the one HTML trust boundary (`html_tree`), http(s)-only links and
enclosures, and the same guid rule. The size cap is checked before the JSON is
read; anything that is not such an object is a `ParseError`.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from datetime import UTC, datetime
from typing import Any

from newsreader.errors import ParseError
from newsreader.limits import MAX_DOCUMENT_BYTES
from newsreader.parse.decode import check_size
from newsreader.urls import is_safe_web_url

_SNIFF = re.compile(rb'"version"\s*:\s*"https?://jsonfeed\.org/version/1(?:\.\d+)?/?"')
_SNIFF_BYTES = 4096
_MAX_ITEMS = 10_000
"""More items than any real feed holds; the rest are dropped with a warning."""


def looks_like_json_feed(data: bytes) -> bool:
    """True when `data` is a JSON object that names a JSON Feed version near its start."""
    head = data[:_SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{") and _SNIFF.search(head) is not None


def json_feed_result(
    data: bytes, *, name: str, url: str | None = None, max_bytes: int = MAX_DOCUMENT_BYTES
) -> tuple[dict[str, Any], list[str]]:
    """A feedparser-shaped result of a JSON feed, and warnings; raises `ParseError`."""
    check_size(data, name=name, max_bytes=max_bytes)
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ParseError(f"{name}: not a JSON feed (not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        raise ParseError(f"{name}: not a JSON feed (invalid JSON at line {exc.lineno})") from None
    except ValueError:  # Python refuses to read an integer of more than 4,300 digits
        raise ParseError(f"{name}: not a JSON feed (a number too long to read)") from None
    except RecursionError:
        raise ParseError(f"{name}: not a JSON feed (nested too deeply)") from None
    if not isinstance(document, dict):
        raise ParseError(f"{name}: not a JSON feed (not a JSON object)")
    version = document.get("version")
    if not isinstance(version, str) or "jsonfeed.org/version/1" not in version:
        raise ParseError(f"{name}: not a JSON feed (no JSON Feed version)")
    items = document.get("items")
    if not isinstance(items, list):
        raise ParseError(f"{name}: not a JSON feed (no items list)")
    warnings: list[str] = []
    if len(items) > _MAX_ITEMS:
        warnings.append(f"{name}: only the first {_MAX_ITEMS} of {len(items)} items read")
        items = items[:_MAX_ITEMS]
    home = _string(document.get("home_page_url"))
    base = url if is_safe_web_url(url) else (home if is_safe_web_url(home) else "")
    feed = {
        "title": _string(document.get("title")),
        "title_detail": {"type": "text/plain"},
        "link": _join(base, home),
    }
    entries = [_entry(item, base) if isinstance(item, dict) else {} for item in items]
    return {"version": "json1", "bozo": False, "feed": feed, "entries": entries}, warnings


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _join(base: str, value: Any) -> str | None:
    """`value` as an absolute URL against `base`; None unless it is a string."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return urllib.parse.urljoin(base, value.strip())
    except ValueError:
        return None


def _entry(item: dict[str, Any], base: str) -> dict[str, Any]:
    content: list[dict[str, str]] = []
    if _string(item.get("content_html")).strip():
        content.append({"value": item["content_html"], "type": "text/html"})
    if _string(item.get("content_text")).strip():
        content.append({"value": item["content_text"], "type": "text/plain"})
    link = _join(base, item.get("url")) or _join(base, item.get("external_url"))
    enclosures = []
    for attachment in item.get("attachments") or []:
        if isinstance(attachment, dict):
            enclosures.append(
                {
                    "href": _join(base, attachment.get("url")),
                    "type": _string(attachment.get("mime_type")),
                    "length": attachment.get("size_in_bytes"),
                }
            )
    raw_id = item.get("id")
    return {
        # JSON Feed 1.0 allowed numeric ids; 1.1 says strings. Both name the same item.
        "id": str(raw_id) if isinstance(raw_id, str | int) and not isinstance(raw_id, bool) else "",
        "title": _string(item.get("title")),
        "title_detail": {"type": "text/plain"},
        "link": link,
        "links": [],
        "summary": _string(item.get("summary")) or None,
        "summary_detail": {"type": "text/plain"},
        "content": content,
        "enclosures": enclosures[:50],
        "base": base,
        "published_parsed": _date(item.get("date_published")),
        "updated_parsed": _date(item.get("date_modified")),
    }


def _date(value: Any) -> tuple[int, ...] | None:
    """An RFC 3339 date as a UTC time tuple, like feedparser's `*_parsed`; None if unreadable."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return tuple(moment.astimezone(UTC).timetuple())[:6]
    except (OverflowError, ValueError):
        return None

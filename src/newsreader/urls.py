"""Decide which URLs newsreader may fetch or show as links.

Feeds, OPML files and web pages are written by strangers, and their links end
up in HTTP requests, in the terminal, and possibly in a `webbrowser.open` or a
subprocess call. Only plain http(s) URLs with a host are allowed anywhere;
everything else (`javascript:`, `file:`, `data:`, option-looking `-x`, URLs
with whitespace or control characters that could smuggle a second argument or
an escape sequence) is refused in one place so every caller agrees.
"""

from __future__ import annotations

import re
from typing import TypeGuard
from urllib.parse import urlsplit

from newsreader.errors import FetchError

_MAX_URL = 8192
"""Longer than any real URL; refusing longer ones bounds work and log lines."""

_BAD_CHARS = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
"""Whitespace, C0/C1 controls, bidi and zero-width characters: never valid in a URL we fetch."""


def is_safe_web_url(url: object) -> TypeGuard[str]:
    """True only for an absolute http(s) URL with a host and no unsafe characters."""
    if not isinstance(url, str) or not url or len(url) > _MAX_URL:
        return False
    if url.startswith("-") or _BAD_CHARS.search(url):
        return False
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError on a junk port
    except ValueError:
        return False
    del port
    if parts.scheme.lower() not in ("http", "https"):
        return False
    host = parts.hostname
    return host is not None and host != "" and not host.startswith("-")


def require_web_url(url: object) -> str:
    """Return `url` unchanged if `is_safe_web_url`, else raise `FetchError` saying why."""
    if is_safe_web_url(url):
        return url
    return _refuse(url)


def describe_url(url: object, limit: int = 200) -> str:
    """A printable, bounded rendering of an untrusted URL for one-line messages."""
    text = repr(url) if not isinstance(url, str) else url
    text = _BAD_CHARS.sub("?", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _refuse(url: object) -> str:
    shown = describe_url(url)
    if not isinstance(url, str) or not url:
        raise FetchError("empty URL refused: expected an http:// or https:// address")
    if len(url) > _MAX_URL:
        raise FetchError(f"URL refused: longer than {_MAX_URL} characters ({shown})")
    if url.startswith("-"):
        raise FetchError(f"URL refused: it begins with '-' ({shown})")
    if _BAD_CHARS.search(url):
        raise FetchError(f"URL refused: it contains whitespace or control characters ({shown})")
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError:
        raise FetchError(f"URL refused: it is malformed ({shown})") from None
    if parts.scheme.lower() not in ("http", "https"):
        scheme = parts.scheme or "no scheme"
        raise FetchError(f"URL refused: only http and https are allowed, not {scheme} ({shown})")
    raise FetchError(f"URL refused: it has no host name ({shown})")


def feed_key(url: str) -> str:
    """What makes two feed URLs the same subscription: `HTTP://Example.com:80/feed/` and
    `http://example.com/feed` are one feed, so subscribing to both must not make two.

    Scheme and host compare without case, a default port and a fragment are
    dropped, and so is a trailing slash of the path; the query is kept as is
    (it often picks the feed).
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.strip()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if port is not None and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/")
    return f"{scheme}://{host}{path}" + (f"?{parts.query}" if parts.query else "")

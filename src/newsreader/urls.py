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

_PLAIN_WEB_URL = re.compile(r"https?://[A-Za-z0-9_][A-Za-z0-9._-]*(?:[/?#][!-~]*)?")
"""An http(s) URL with a plain host name and printable ASCII after it: see `is_safe_web_url`."""
_PLAIN_WEB_URL_CHARS = 2048

_SELF_JOINING_WEB_URI = re.compile(r"https?://(?![/?#])[!-:<-Z\\^-~]+")
"""An absolute http(s) URI with a host, printable ASCII but `;`, `[` and `]` only: see
`joins_to_itself`."""
_WEB_SCHEMES = ("http://", "https://")
_OPAQUE_URI = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):(?!//)")
"""A scheme with no authority after it (`urn:`, `tag:`, `mailto:`): see `joins_to_itself`."""


def is_safe_web_url(url: object) -> TypeGuard[str]:
    """True only for an absolute http(s) URL with a host and no unsafe characters.

    The usual URL is answered without splitting it: a match of `_PLAIN_WEB_URL`
    has an http(s) scheme, a host not starting with `-`, no port, user or
    brackets, and no whitespace or control characters, so the long way would
    accept it too. Why: an article's links are each checked as they are read
    and again as they are stored, and splitting them was a tenth of reading
    a feed of full articles.
    """
    if isinstance(url, str) and len(url) <= _PLAIN_WEB_URL_CHARS and _PLAIN_WEB_URL.fullmatch(url):
        return True
    return _is_safe_split(url)


def _is_safe_split(url: object) -> bool:
    """`is_safe_web_url` the long way: the URL split and each part checked."""
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


def joins_to_itself(uri: str) -> bool:
    """True when `urljoin(base, uri)` gives `uri` back unchanged for any http(s) base.

    Why: nearly every link in a feed or an article is already absolute, and
    joining each to its base (`urljoin` splits both) was a large share of
    reading them. The cases answered here are the ones where `urljoin` provably
    returns its input: a URI whose scheme is not http(s) and has no authority
    (`urn:`, `tag:`: a scheme unlike the base's comes back as given), or an
    http(s) URI with a host in printable ASCII that survives
    `urlunsplit(urlsplit(uri))` (no `;` params, no brackets, no empty `?` query
    or `#` fragment, which that round trip would drop). Everything else needs
    `urljoin`.
    """
    if not uri.startswith(_WEB_SCHEMES):  # those never match `_OPAQUE_URI`: `//` follows
        opaque = _OPAQUE_URI.match(uri)
        if opaque is None:
            return False
        # urlsplit drops tabs and newlines, which could make `//` appear
        scheme = opaque.group(1).lower()
        return scheme not in ("http", "https") and not ("\t" in uri or "\r" in uri or "\n" in uri)
    if not _SELF_JOINING_WEB_URI.fullmatch(uri):
        return False
    end = uri.find("#")
    if end == len(uri) - 1:  # an empty fragment
        return False
    if end < 0:
        end = len(uri)
    asked = uri.find("?", 0, end)
    return asked < 0 or asked < end - 1  # no query, or a non-empty one


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

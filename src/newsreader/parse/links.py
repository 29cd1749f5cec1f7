"""The links inside an article's HTML, numbered by the reader (`l` then a digit).

Links come from strangers, so only what `is_safe_web_url` accepts survives
(http(s) with a host, no whitespace or control characters), relative links are
resolved against the page's own URL, link text is sanitised to one line, and
the list is bounded: a page of navigation cannot grow an article without end.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from newsreader.parse.html_tree import parse_fragment
from newsreader.sanitize import clean_line
from newsreader.urls import is_safe_web_url, joins_to_itself

MAX_LINKS = 200
"""More than any article links to; a bound on what a hostile page can make us store."""
MAX_LINK_TEXT = 200


def links_in_tree(root: Any, base: str | None = None) -> list[tuple[str, str]]:
    """(text, url) of every distinct http(s) `<a href>` under `root`, in document order."""
    found: dict[str, str] = {}
    base_url = base if is_safe_web_url(base) else None
    for anchor in root.iter("a"):
        href = anchor.get("href")
        if not isinstance(href, str) or not href.strip():
            continue
        href = href.strip()
        if base_url is not None and not joins_to_itself(href):
            try:
                href = urljoin(base_url, href)
            except ValueError:
                continue
        if not is_safe_web_url(href) or href in found:
            continue
        text = clean_line(anchor.text_content() or "")[:MAX_LINK_TEXT]
        found[href] = text or href
        if len(found) >= MAX_LINKS:
            break
    return [(text, url) for url, text in found.items()]


def links_in_html(html: str, base: str | None = None) -> list[tuple[str, str]]:
    """`links_in_tree` over an HTML fragment (a feed entry's content); [] when it has none."""
    if "<a" not in html and "<A" not in html:
        return []  # the usual plain entry: no second parse
    root = parse_fragment(html)
    return [] if root is None else links_in_tree(root, base)

"""A web page's own metadata: title, canonical URL, publication date and site name.

Pages say these things several ways (Open Graph and Twitter meta tags, JSON-LD,
Dublin Core, `<link rel=canonical>`, `<time>`, the `<title>` and the H1), and
every one is sometimes missing or wrong, so each value is taken from the most
specific source that gives it. The tree comes from `html_tree`, already clean.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from newsreader.parse.html_tree import squash, text_key, text_of
from newsreader.sanitize import clean_line
from newsreader.urls import is_safe_web_url

_DATE_KEYS = (
    "article:published_time", "og:published_time", "datePublished", "dc.date",
    "DC.date", "dc.date.issued", "DC.date.issued", "dcterms.created", "dcterms.date",
    "DCTERMS.created", "parsely-pub-date", "sailthru.date", "pubdate", "publishdate",
    "date", "article.published",
)  # fmt: skip
"""Meta names and properties that carry a story's publication date, most specific first."""
_META_ATTRS = ("property", "name", "itemprop")
_LD_TYPES = ("article", "posting", "report", "webpage", "blog")
_RELATED_SHARE = 0.5
"""Two titles name the same story when this share of the shorter one's words is in both."""


@dataclass(slots=True)
class PageMeta:
    """What the page says about itself (empty / None where it says nothing)."""

    title: str
    published: datetime | None
    site: str
    url: str | None


def page_metadata(doc: Any, url: str | None) -> PageMeta:
    """Title, canonical URL, published date and site name from the page's own metadata."""
    metas = _meta_values(doc)

    def meta_content(*keys: str) -> str:
        for key in keys:
            for attr in _META_ATTRS:
                content = metas.get((attr, key))
                if content:
                    return content
        return ""

    linked = _json_ld(doc)
    h1_element = doc.find(".//h1")
    h1 = squash(text_of(h1_element)) if h1_element is not None else ""
    element = doc.find(".//title")
    doc_title = squash(text_of(element)) if element is not None else ""
    declared = meta_content("og:title", "twitter:title") or _ld_text(linked, "headline")
    title = declared or h1 or doc_title
    if declared and h1 and _related(h1, doc_title) and not _related(declared, doc_title):
        title = h1  # a site-wide og:title ("News - Latest Headlines") on every page of a site

    canonical = None
    for element in doc.iterfind(".//link[@rel]"):
        if "canonical" in (element.get("rel") or "").lower().split():
            canonical = _absolute(element.get("href"), url)
            if canonical:
                break
    canonical = canonical or _absolute(meta_content("og:url"), url)

    published = None
    for value in (meta_content(*_DATE_KEYS[:2]), _ld_text(linked, "datePublished"),
                  meta_content(*_DATE_KEYS[2:])):  # fmt: skip
        published = published or parse_datetime(value)
    if published is None:
        for element in doc.iterfind(".//time[@datetime]"):
            published = parse_datetime(element.get("datetime") or "")
            if published is not None:
                break

    site = meta_content("og:site_name") or _ld_publisher(linked) or host_of(canonical or url)
    return PageMeta(clean_title(title, site=site, h1=h1), published, site, canonical)


def _meta_values(doc: Any) -> dict[tuple[str, str], str]:
    """(attribute, key) → the first non-empty `content` of a `<meta>` with that key.

    One walk over the `<meta>` elements instead of a document search per key.
    """
    found: dict[tuple[str, str], str] = {}
    for element in doc.iter("meta"):
        attrib = element.attrib
        content = attrib.get("content")
        if not content:
            continue
        for attr in _META_ATTRS:
            key = attrib.get(attr)
            if key and (attr, key) not in found and (content := squash(content)):
                found[(attr, key)] = content
    return found


def _related(a: str, b: str) -> bool:
    """Whether two titles share most of the shorter one's words (the same story)."""
    words_a, words_b = set(text_key(a, 40).split()), set(text_key(b, 40).split())
    shorter = min(len(words_a), len(words_b))
    return shorter > 0 and len(words_a & words_b) >= _RELATED_SHARE * shorter


_DAY = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b")


def parse_datetime(value: str) -> datetime | None:
    """ISO 8601 (with `Z` or an offset), an RFC 2822 date or a bare `YYYY-MM-DD` / `YYYY/MM/DD`
    to an aware UTC datetime; naive values count as UTC."""
    value = (value or "").strip()
    if not value:
        return None
    parsed: datetime | None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        parsed = _loose_date(value)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # `0001-01-01T00:00+23:59`: before year 1 in UTC, so no date
        return None


def _loose_date(value: str) -> datetime | None:
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        pass
    match = _DAY.match(value)
    if match is None:
        return None
    try:
        year, month, day = (int(part) for part in match.groups())
        return datetime(year, month, day)
    except ValueError:
        return None


def _absolute(href: str | None, base: str | None) -> str | None:
    """`href` made absolute against `base`, if the result is a safe web URL."""
    from urllib.parse import urljoin

    href = (href or "").strip()
    if not href:
        return None
    if base and is_safe_web_url(base):
        try:
            href = urljoin(base, href)
        except ValueError:
            return None
    return href if is_safe_web_url(href) else None


def _json_ld(doc: Any) -> list[dict[str, Any]]:
    """The JSON-LD objects of the page that describe an article (or a web page), flattened."""
    import json

    found: list[dict[str, Any]] = []
    for script in doc.iterfind(".//script[@type]"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(_unwrapped_script(script.text or ""))
        except (ValueError, RecursionError):
            continue
        pending = [data]
        while pending and len(found) < 50:
            item = pending.pop()
            if isinstance(item, list):
                pending.extend(item[:50])
            elif isinstance(item, dict):
                if "@graph" in item:
                    pending.append(item["@graph"])
                kind = str(item.get("@type") or "").lower()
                if any(word in kind for word in _LD_TYPES):
                    found.append(item)
    found.sort(key=lambda item: "webpage" in str(item.get("@type") or "").lower())
    return found


def _unwrapped_script(text: str) -> str:
    """Script text without the `<![CDATA[ … ]]>` or `<!-- … -->` wrapper old XHTML habits
    put around it (MediaWiki does), which JSON cannot read."""
    text = text.strip()
    for opening, closing in (("<![CDATA[", "]]>"), ("<!--", "-->")):
        if text.startswith(opening) and text.endswith(closing):
            text = text[len(opening) : -len(closing)].strip()
    return text


def _ld_text(linked: list[dict[str, Any]], key: str) -> str:
    for item in linked:
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return clean_line(squash(value))  # JSON's `\u001b` decodes past the page's cleaning
    return ""


def _ld_publisher(linked: list[dict[str, Any]]) -> str:
    for item in linked:
        publisher = item.get("publisher")
        if isinstance(publisher, list) and publisher:
            publisher = publisher[0]
        if isinstance(publisher, dict):
            name = publisher.get("name")
            if isinstance(name, str) and name.strip():
                return clean_line(squash(name))
    return ""


_TITLE_SEPARATOR = re.compile(r"\s+[-|–—:·•»]{1,2}\s+")


def same_text(a: str, b: str) -> bool:
    """The same words in the same order, case and punctuation aside."""
    return text_key(a) == text_key(b) and bool(a.strip())


def clean_title(title: str, *, site: str = "", h1: str = "") -> str:
    """A page title without its " - Site Name" (or "Site | ") part.

    The part goes when it is the site's name, or when the rest is the page's
    H1, or when it is a short tail (at most four words) after a title of four
    words or more: the way sites brand their `<title>`s.
    """
    separators = list(_TITLE_SEPARATOR.finditer(title))
    if not separators:
        return title
    if h1 and any(same_text(part, h1) for part in _TITLE_SEPARATOR.split(title)):
        return h1
    first, last = separators[0], separators[-1]
    if site and same_text(title[last.end() :], site):
        return title[: last.start()].strip()
    if site and same_text(title[: first.start()], site):
        return title[first.end() :].strip()
    head, tail = title[: last.start()], title[last.end() :]
    if len(tail.split()) <= 4 and len(head.split()) >= 4:
        return head.strip()
    return title


def host_of(url: str | None) -> str:
    """The host of a safe web URL without `www.` (a site name of last resort)."""
    from urllib.parse import urlsplit

    if url is None or not is_safe_web_url(url):
        return ""
    host = urlsplit(url).hostname or ""  # clean: `is_safe_web_url` refuses unsafe characters
    return host.removeprefix("www.")

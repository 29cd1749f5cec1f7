"""Read a whole web page (a saved file or a fetched body) as an `Article`.

trafilatura finds the main text (it is far better than we would be at dropping
menus, cookie banners and "related stories"); around it we put back what it
throws away but a reader wants: figure captions with their photo credits, the
speaker of a blockquote, a key-points list, and the page's title, date and site
name from its metadata. When trafilatura finds nothing, our own walk over the
`<article>` (or `<main>`, or `<body>`) stands in.

The bytes are decoded by `decode` and the markup crosses the trust boundary in
`html_tree`, so everything read from the page's tree here is already clean.
lxml and trafilatura are imported inside the functions: the TUI's startup path
imports this module's names and must not pay for them (see the README's first-paint figures).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from newsreader.errors import ParseError
from newsreader.limits import MAX_DOCUMENT_BYTES
from newsreader.model.article import Article, Block, BlockKind
from newsreader.parse.decode import decode_document, http_charset, meta_charset
from newsreader.parse.html_blocks import (
    blockquote_block,
    convert,
    list_items,
    looks_like_key_points,
    split_caption,
)
from newsreader.parse.html_tree import (
    drop_hidden,
    parse_document,
    parse_fragment,
    prepare_markup,
    remove_keep_tail,
    squash,
    tag_name,
    text_of,
)
from newsreader.parse.links import links_in_tree
from newsreader.parse.quotes import apply_quotes
from newsreader.urls import is_safe_web_url

_KEY_POINT_CLASS = re.compile(
    r"key[-_ ]?points?|summary|highlights?|takeaways?|tl-?dr|bullets", re.I
)
_LEAD_WORDS = 12
_UNLIKELY = re.compile(
    r"-ad-|ai2html|banner|breadcrumbs|combx|comment|community|disqus|gdpr|legends|menu|"
    r"related|remark|replies|rss|shoutbox|sidebar|skyscraper|social|sponsor|supplemental|"
    r"ad-break|agegate|pagination|pager|popup|yom-remote|vjs-|newsletter|outbrain|taboola",
    re.I,
)
"""Class or id words of page furniture (Readability's list, plus video players and ad networks)."""
_MAYBE = re.compile(r"and|article|body|column|content|main|mathjax|shadow", re.I)
_FURNITURE_TAGS = frozenset({
    "nav", "aside", "script", "style", "noscript", "template", "iframe", "button", "select",
    "input", "textarea", "dialog", "svg", "canvas",
})  # fmt: skip
"""Never the story; dropped before trafilatura, whose fallback for short pages keeps them."""
_UNLIKELY_SHARE = 0.4
"""An "unlikely" element holding more than this share of the page's text is kept anyway."""


def parse_html(
    data: bytes,
    *,
    name: str,
    url: str | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    content_type: str | None = None,
) -> Article:
    """Read a whole web page (saved file or fetched body) as an `Article`.

    `content_type` is the HTTP header, if any, for its charset. Raises
    `ParseError` when the page is too large or holds no article text.
    """
    html, warnings = decode_document(
        data,
        name=name,
        declared=(http_charset(content_type), meta_charset(data)),
        max_bytes=max_bytes,
    )
    try:
        return _parse_page(html, name=name, url=url, warnings=warnings)
    except ParseError:
        raise
    except (RecursionError, MemoryError) as exc:
        raise ParseError(f"{name}: page too complex to read ({type(exc).__name__})") from None
    except Exception as exc:  # lxml/trafilatura internals: report, never crash
        raise ParseError(f"{name}: could not read the page ({type(exc).__name__}: {exc})") from None


def _parse_page(html: str, *, name: str, url: str | None, warnings: list[str]) -> Article:
    markup = prepare_markup(html)
    if not markup.strip():
        raise ParseError(f"{name}: no article text found (the page is empty)")
    doc = parse_document(markup)
    if doc is None:
        raise ParseError(f"{name}: no article text found (not an HTML page)")

    meta = _page_metadata(doc, url)
    drop_hidden(doc)
    _drop_furniture(doc)
    title = meta["title"]
    scope = _article_scope(doc)
    figures = _figure_captions(scope)
    quote_speakers = _blockquote_speakers(scope)
    key_points = _marked_key_points(scope)
    links = links_in_tree(scope, url)

    extracted = _trafilatura_blocks(doc, url=url, figures=figures)
    if extracted is None or not extracted[1]:
        extracted = _fallback_blocks(scope)
    lead_points, blocks = extracted

    if not key_points:
        key_points = lead_points
    else:
        blocks = _without_key_point_repeats(blocks, key_points)
    blocks = _restore_speakers(blocks, quote_speakers)
    blocks = _without_title_heading(blocks, title)
    blocks = _tidy(blocks)
    if not any(block.text for block in blocks):
        raise ParseError(f"{name}: no article text found")
    if not title:
        title = _first_words(blocks) or "(untitled)"
    blocks, quotes = apply_quotes(blocks, title=title, key_points=key_points, warnings=warnings)
    return Article(
        title=title,
        blocks=blocks,
        key_points=key_points,
        quotes=quotes,
        # Empty when the page names no site and has no URL: callers (the importer) supply one.
        source=meta["site"],
        url=url if is_safe_web_url(url) else meta["url"],
        published=meta["published"],
        warnings=warnings,
        links=links,
    )


_DATE_KEYS = (
    "article:published_time", "og:published_time", "datePublished", "dc.date",
    "DC.date", "dc.date.issued", "DC.date.issued", "dcterms.created", "dcterms.date",
    "DCTERMS.created", "parsely-pub-date", "sailthru.date", "pubdate", "publishdate",
    "date", "article.published",
)  # fmt: skip
"""Meta names and properties that carry a story's publication date, most specific first."""


def _page_metadata(doc: Any, url: str | None) -> dict[str, Any]:
    """Title, canonical URL, published date and site name from the page's own metadata."""

    def meta_content(*keys: str) -> str:
        for key in keys:
            for attr in ("property", "name", "itemprop"):
                for element in doc.iterfind(f".//meta[@{attr}='{key}']"):
                    content = squash(element.get("content") or "")
                    if content:
                        return content
        return ""

    linked = _json_ld(doc)
    h1_element = doc.find(".//h1")
    h1 = squash(text_of(h1_element)) if h1_element is not None else ""
    title = meta_content("og:title", "twitter:title") or _ld_text(linked, "headline") or h1
    if not title:
        element = doc.find(".//title")
        title = squash(text_of(element)) if element is not None else ""

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

    site = meta_content("og:site_name") or _ld_publisher(linked) or _host(canonical or url)
    return {
        "title": clean_title(title, site=site, h1=h1),
        "published": published,
        "site": site,
        "url": canonical,
    }


_DAY = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b")


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


_LD_TYPES = ("article", "posting", "report", "webpage", "blog")


def _json_ld(doc: Any) -> list[dict[str, Any]]:
    """The JSON-LD objects of the page that describe an article (or a web page), flattened."""
    import json

    found: list[dict[str, Any]] = []
    for script in doc.iterfind(".//script[@type]"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
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


def _ld_text(linked: list[dict[str, Any]], key: str) -> str:
    for item in linked:
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return squash(value)
    return ""


def _ld_publisher(linked: list[dict[str, Any]]) -> str:
    for item in linked:
        publisher = item.get("publisher")
        if isinstance(publisher, list) and publisher:
            publisher = publisher[0]
        if isinstance(publisher, dict):
            name = publisher.get("name")
            if isinstance(name, str) and name.strip():
                return squash(name)
    return ""


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
    return parsed.astimezone(UTC)


def _drop_furniture(doc: Any) -> None:
    """Remove menus, comments, galleries of other stories, share bars and players' controls.

    By class and id, as Readability does; an element that holds much of the
    page's text is kept whatever it is called (a site that names its story
    `comment-body` must not lose it).
    """
    body = doc.find("body")
    if body is None:
        return
    total = len(body.text_content()) or 1
    doomed = []
    for element in body.iter():
        tag = tag_name(element)
        if tag in _FURNITURE_TAGS:
            doomed.append(element)
            continue
        if tag is None or tag in ("body", "a", "article", "main", "html"):
            continue
        names = f"{element.get('class') or ''} {element.get('id') or ''}"
        if len(names) < 3 or not _UNLIKELY.search(names) or _MAYBE.search(names):
            continue
        if len(element.text_content()) > total * _UNLIKELY_SHARE:
            continue
        doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            remove_keep_tail(element)


def _article_scope(doc: Any) -> Any:
    """The element holding the story: `<article>` (the longest), `<main>`, else `<body>`."""
    articles = list(doc.iter("article"))
    if articles:
        return max(articles, key=lambda el: len(el.text_content()))
    main = doc.find(".//main")
    if main is not None:
        return main
    body = doc.find(".//body")
    return body if body is not None else doc


def _figure_captions(scope: Any) -> list[tuple[str | None, Block]]:
    """(image src, caption block) for every captioned figure, in document order."""
    import copy

    found: list[tuple[str | None, Block]] = []
    for figure in scope.iter("figure"):
        caption = figure.find(".//figcaption")
        if caption is None:
            continue
        text, credit = split_caption(copy.deepcopy(caption))
        if not (text or credit):
            continue
        image = figure.find(".//img")
        src = image.get("src") if image is not None else None
        found.append((src, Block(BlockKind.CAPTION, text, credit=credit)))
    return found


def _blockquote_speakers(scope: Any) -> dict[str, str]:
    """Normalised opening words of each blockquote → its cited speaker."""
    import copy

    speakers: dict[str, str] = {}
    for quote in scope.iter("blockquote"):
        block = blockquote_block(copy.deepcopy(quote))
        if block is not None and block.speaker:
            speakers[_quote_key(block.text)] = block.speaker
    return speakers


def _quote_key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower())[:12])


def _restore_speakers(blocks: list[Block], speakers: dict[str, str]) -> list[Block]:
    if not speakers:
        return blocks
    for block in blocks:
        if block.kind is BlockKind.QUOTE and block.speaker is None:
            block.speaker = speakers.get(_quote_key(block.text))
    return blocks


_KEY_POINT_LABEL = re.compile(
    r"^(?:story\s+)?highlights|^key\s+(?:points|takeaways|facts)|^takeaways|^summary|^in\s+brief"
    r"|^tl;?\s*dr|^at\s+a\s+glance|^what\s+you\s+need\s+to\s+know|^in\s+short|^the\s+short\s+version",
    re.I,
)
"""A label that announces the list after it as the story's summary (CNN's STORY HIGHLIGHTS)."""
_LABEL_TAGS = ("h2", "h3", "h4", "h5", "h6", "p", "div", "span", "strong", "b", "header", "dt")
_MAX_LABEL_CHARS = 40


def _marked_key_points(scope: Any) -> list[str]:
    """A summary list the page marks as one: by its class (or its wrapper's) or by a label.

    The class says key points / summary / highlights, or a short element such as
    CNN's "STORY HIGHLIGHTS" heading comes right before the list. Either way the
    list must read like a summary (`looks_like_key_points`), so a "summary" class
    on a contents list or a menu gives nothing.
    """
    for element in scope.iter("ul", "ol", "div", "section"):
        classes = f"{element.get('class') or ''} {element.get('id') or ''}"
        if not _KEY_POINT_CLASS.search(classes):
            continue
        lists = [element] if tag_name(element) in ("ul", "ol") else list(element.iter("ul", "ol"))
        for candidate in lists:
            items = list_items(candidate)
            if items and looks_like_key_points(items):
                return items
    for label in scope.iter(*_LABEL_TAGS):
        if len(label) > 2:  # a label is a line of text, not a wrapper (and text_of is costly)
            continue
        text = squash(text_of(label))
        if not text or len(text) > _MAX_LABEL_CHARS or not _KEY_POINT_LABEL.match(text):
            continue
        candidate = _list_after(label)
        if candidate is not None:
            items = list_items(candidate)
            if items and looks_like_key_points(items):
                return items
    return []


def _list_after(label: Any) -> Any | None:
    """The first list after `label` in document order, if nothing but whitespace lies between."""
    node = label
    for _ in range(4):  # climb out of a wrapper (<div><h3>STORY HIGHLIGHTS</h3></div><ul>)
        sibling = node.getnext()
        while sibling is not None and tag_name(sibling) is None:
            sibling = sibling.getnext()
        if sibling is not None:
            if tag_name(sibling) in ("ul", "ol"):
                return sibling
            found = next(sibling.iter("ul", "ol"), None)
            if found is not None and not squash(_text_before(sibling, found)):
                return found
            return None
        node = node.getparent()
        if node is None:
            return None
    return None


def _text_before(container: Any, target: Any) -> str:
    """The text inside `container` that comes before `target`."""
    parts: list[str] = []
    for element in container.iter():
        if element is target:
            break
        parts.append(element.text or "")
        if element is not container and element.tail:
            parts.append(element.tail)
    return " ".join(parts)


def _without_key_point_repeats(blocks: list[Block], key_points: Iterable[str]) -> list[Block]:
    """Drop bullet paragraphs that repeat the key points (trafilatura keeps the list as text)."""
    points = {point for point in key_points}
    return [
        block
        for block in blocks
        if not (block.kind is BlockKind.PARAGRAPH and block.text.removeprefix("• ") in points)
    ]


def _trafilatura_blocks(
    doc: Any, *, url: str | None, figures: list[tuple[str | None, Block]]
) -> tuple[list[str], list[Block]] | None:
    """Main text via trafilatura, figure captions put back where their images were.

    trafilatura gets our clean tree (it copies it) rather than the markup, so the
    page is parsed once. Not `favor_precision`: it threw most of some articles away.
    """
    import trafilatura

    try:
        extracted = trafilatura.extract(
            doc,
            url=url if is_safe_web_url(url) else None,
            output_format="html",
            include_comments=False,
            include_tables=True,
            include_images=True,
            include_formatting=True,  # bold-only paragraphs are subheadings (`_bold_only`)
            include_links=False,
            favor_precision=False,
            with_metadata=False,
        )
    except Exception:  # trafilatura failing is a reason to fall back, not to fail
        return None
    if not extracted:
        return None
    root = parse_fragment(extracted)
    if root is None:
        return None
    pending = list(figures)
    for image in list(root.iter("img")):
        src = _image_key(image.get("src"))
        for index, (figure_src, block) in enumerate(pending):
            if figure_src is not None and _image_key(figure_src) == src:
                _replace_with_caption(image, block)
                del pending[index]
                break
    key_points, blocks = convert(root, page=True)
    if pending and blocks:
        blocks = _insert_orphan_captions(blocks, [block for _, block in pending])
    return key_points, blocks


def _image_key(src: str | None) -> str:
    """Compare image sources by path: trafilatura makes them absolute when given a URL."""
    from urllib.parse import urlsplit

    try:
        return urlsplit((src or "").strip()).path
    except ValueError:
        return src or ""


def _replace_with_caption(image: Any, block: Block) -> None:
    """Swap an `<img>` placeholder for a `<figcaption>` carrying the caption and credit."""
    import lxml.html

    caption = lxml.html.Element("figcaption")
    caption.text = block.text
    if block.credit:
        credit = lxml.html.Element("small")
        credit.set("class", "credit")
        credit.text = block.credit
        caption.append(credit)
    caption.tail = image.tail
    parent = image.getparent()
    if parent is not None:
        parent.replace(image, caption)


def _insert_orphan_captions(blocks: list[Block], captions: list[Block]) -> list[Block]:
    """Captions whose image trafilatura dropped go after the first paragraph (near the top)."""
    for index, block in enumerate(blocks):
        if block.kind is BlockKind.PARAGRAPH:
            return [*blocks[: index + 1], *captions, *blocks[index + 1 :]]
    return [*blocks, *captions]


def _fallback_blocks(scope: Any) -> tuple[list[str], list[Block]]:
    """Our own extraction when trafilatura finds nothing: the scope minus page furniture."""
    import copy

    scope = copy.deepcopy(scope)
    for element in [el for el in scope.iter("header", "footer") if el is not scope]:
        headings = [copy.deepcopy(h) for h in element.iter("h1", "h2")]
        parent = element.getparent()
        if parent is None:
            continue
        index = parent.index(element)
        remove_keep_tail(element)
        for offset, heading in enumerate(headings):
            heading.tail = None
            parent.insert(index + offset, heading)
    return convert(scope, page=True)


_TITLE_SEPARATOR = re.compile(r"\s+[-|–—:·•»]{1,2}\s+")


def _same_text(a: str, b: str) -> bool:
    return _quote_key(a) == _quote_key(b) and bool(a.strip())


def _without_title_heading(blocks: list[Block], title: str) -> list[Block]:
    """Drop the H1 that repeats the title near the top, and the short kicker above it."""
    for index, block in enumerate(blocks[:4]):
        if block.kind is BlockKind.HEADING and _same_text(block.text, title):
            before = blocks[:index]
            if all(len(b.text.split()) <= 5 and b.kind is not BlockKind.QUOTE for b in before):
                return blocks[index + 1 :]
            return [*before, *blocks[index + 1 :]]
    return blocks


def clean_title(title: str, *, site: str = "", h1: str = "") -> str:
    """A page title without its " - Site Name" (or "Site | ") part.

    The part goes when it is the site's name, or when the rest is the page's
    H1, or when it is a short tail (at most four words) after a title of four
    words or more: the way sites brand their `<title>`s.
    """
    separators = list(_TITLE_SEPARATOR.finditer(title))
    if not separators:
        return title
    if h1 and any(_same_text(part, h1) for part in _TITLE_SEPARATOR.split(title)):
        return h1
    first, last = separators[0], separators[-1]
    if site and _same_text(title[last.end() :], site):
        return title[: last.start()].strip()
    if site and _same_text(title[: first.start()], site):
        return title[first.end() :].strip()
    head, tail = title[: last.start()], title[last.end() :]
    if len(tail.split()) <= 4 and len(head.split()) >= 4:
        return head.strip()
    return title


_BOILERPLATE = re.compile(
    r"^(?:loading weather data\W*|continue reading the main story\W*|read more\W*"
    r"|(?:skip )?advertisement\W*|story continues below(?: advertisement)?\W*"
    r"|(?:share|send|show) (?:us )?your (?:photos|videos|stories|story)\b.{0,120}"
    r"|have you been affected\b.{0,160}|(?:do|did) you (?:have|see|witness)\b.{0,120}"
    r"(?:ireport|email|contact|get in touch|share)\b.{0,80})$",
    re.I,
)
"""Whole paragraphs that are page furniture: loaders, "continue reading", call-outs."""
_DANGLING = re.compile(r"\s*(?:read more|see also|related|more)\s*:\s*$", re.I)
_CAPTION_LABEL = re.compile(
    r"^(?:(?:media|image|video) caption|image copyright|photo|caption)\s*[:,]?\s*", re.I
)


_MAX_CREDIT_WORDS = 7
"""A "Photo: …" longer than this is the caption itself, not a photographer's name."""


def _tidy(blocks: list[Block]) -> list[Block]:
    """Drop boilerplate paragraphs, a dangling "Read more:", caption labels, repeated captions."""
    kept: list[Block] = []
    captions: set[str] = set()
    for block in blocks:
        text = block.text
        if block.kind in (BlockKind.PARAGRAPH, BlockKind.HEADING):
            if _BOILERPLATE.match(text):
                continue
            text = _DANGLING.sub("", text)
        if block.kind is BlockKind.CAPTION:
            text = _strip_caption_labels(text)
            if not text and block.credit and len(block.credit.split()) > _MAX_CREDIT_WORDS:
                text, block.credit = block.credit, None  # "Photo: <a whole sentence>" (BBC)
            key = _quote_key(text)
            if key and key in captions:
                continue
            captions.add(key)
        if not text and not block.credit:
            continue
        block.text = text
        kept.append(block)
    if captions:  # a paragraph that only repeats a caption (a lead photo's text twice)
        kept = [
            b
            for b in kept
            if b.kind is not BlockKind.PARAGRAPH or _quote_key(b.text) not in captions
        ]
    return kept


def _strip_caption_labels(text: str) -> str:
    for _ in range(3):  # "Media caption Photo: ..." carries two
        stripped = _CAPTION_LABEL.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    return text


def _first_words(blocks: list[Block]) -> str:
    for block in blocks:
        words = block.text.split()
        if words:
            title = " ".join(words[:_LEAD_WORDS])
            return title + ("…" if len(words) > _LEAD_WORDS else "")
    return ""


def _host(url: str | None) -> str:
    from urllib.parse import urlsplit

    if url is None or not is_safe_web_url(url):
        return ""
    host = urlsplit(url).hostname or ""  # clean: `is_safe_web_url` refuses unsafe characters
    return host.removeprefix("www.")

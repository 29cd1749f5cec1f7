"""Read a whole web page (a saved file or a fetched body) as an `Article`.

trafilatura finds the main text (it is far better than we would be at dropping
menus, cookie banners and "related stories"); around it we put back what it
throws away but a reader wants: figure captions with their photo credits, the
speaker of a blockquote, a key-points list, and the page's title, date and site
name from its metadata. When trafilatura finds nothing, our own walk over the
`<article>` (or `<main>`, or `<body>`) stands in.

The bytes are decoded by `decode` and the markup crosses the trust boundary in
`html_tree`, so everything read from the page's tree here is already clean. The
page's metadata is read by `html_meta`; furniture (menus, link lists, layout
tables, call-outs) is removed by `html_furniture`; trafilatura's part, with the
captions and lists it drops put back, is `html_extract`.
lxml and trafilatura are imported inside the functions: the TUI's startup path
imports this module's names and must not pay for them (see the README's first-paint figures).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from newsreader.errors import ParseError
from newsreader.limits import MAX_DOCUMENT_BYTES, first_blocks
from newsreader.model.article import Article, Block, BlockKind
from newsreader.parse.decode import decode_document, http_charset, meta_charset
from newsreader.parse.html_blockquotes import blockquote_block
from newsreader.parse.html_blocks import convert
from newsreader.parse.html_captions import split_caption
from newsreader.parse.html_extract import restore_dropped_lists, trafilatura_blocks
from newsreader.parse.html_furniture import (
    article_scope,
    drop_furniture,
    tidy,
    without_title_heading,
)
from newsreader.parse.html_lists import list_items, looks_like_key_points
from newsreader.parse.html_meta import clean_title, page_metadata, parse_datetime
from newsreader.parse.html_tree import (
    parse_document,
    prepare_markup,
    remove_keep_tail,
    squash,
    tag_name,
    text_key,
    text_of,
)
from newsreader.parse.links import links_in_tree
from newsreader.parse.quotes import apply_quotes
from newsreader.urls import is_safe_web_url

__all__ = ["clean_title", "parse_datetime", "parse_html"]
"""`clean_title` and `parse_datetime` live in `html_meta`; re-exported for older callers."""

_KEY_POINT_CLASS = re.compile(
    r"key[-_ ]?points?|summary|highlights?|takeaways?|tl-?dr|bullets", re.I
)
_LEAD_WORDS = 12


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

    meta = page_metadata(doc, url)
    drop_furniture(doc)
    title = meta.title
    scope = article_scope(doc)
    figures = _figure_captions(scope)
    quote_speakers = _blockquote_speakers(scope)
    key_points = _marked_key_points(scope)
    links = links_in_tree(scope, url)

    extracted = trafilatura_blocks(doc, url=url, figures=figures)
    if extracted is None or not extracted[1]:
        extracted = _fallback_blocks(scope)
    else:
        extracted = (extracted[0], restore_dropped_lists(scope, extracted[1]))
    lead_points, blocks = extracted
    blocks = first_blocks(blocks, warnings)

    if not key_points:
        key_points = lead_points
    else:
        blocks = _without_key_point_repeats(blocks, key_points)
    blocks = _restore_speakers(blocks, quote_speakers)
    blocks = without_title_heading(blocks, title)
    blocks = tidy(blocks)
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
        source=meta.site,
        url=url if is_safe_web_url(url) else meta.url,
        published=meta.published,
        warnings=warnings,
        links=links,
    )


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
            speakers[text_key(block.text)] = block.speaker
    return speakers


def _restore_speakers(blocks: list[Block], speakers: dict[str, str]) -> list[Block]:
    if not speakers:
        return blocks
    for block in blocks:
        if block.kind is BlockKind.QUOTE and block.speaker is None:
            block.speaker = speakers.get(text_key(block.text))
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
        if not (_key_point_class(element.get("class")) or _key_point_class(element.get("id"))):
            continue
        lists = [element] if tag_name(element) in ("ul", "ol") else list(element.iter("ul", "ol"))
        for candidate in lists:
            items = list_items(candidate)
            if items and looks_like_key_points(items):
                return items
    for label in scope.iter(*_LABEL_TAGS):
        if len(label) > 2:  # a label is a line of text, not a wrapper (and text_of is costly)
            continue
        raw = label.text_content()  # one C call: most elements fail these cheap tests
        if len(raw) > _MAX_LABEL_RAW or not _LABEL_HINT.search(raw):
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


_MAX_LABEL_RAW = 4 * _MAX_LABEL_CHARS
"""Characters of a label element with its markup's whitespace, at most."""
_LABEL_HINT = re.compile(r"highlight|key|takeaway|summary|brief|tl;?\s*dr|glance|need|short", re.I)
"""A word every summary label holds: a quick test before the exact one."""


@lru_cache(maxsize=4096)
def _key_point_class(names: str | None) -> bool:
    """Whether a class or id names a summary (cached: pages repeat their classes)."""
    return bool(names) and _KEY_POINT_CLASS.search(names or "") is not None


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


def _first_words(blocks: list[Block]) -> str:
    for block in blocks:
        words = block.text.split()
        if words:
            title = " ".join(words[:_LEAD_WORDS])
            return title + ("…" if len(words) > _LEAD_WORDS else "")
    return ""

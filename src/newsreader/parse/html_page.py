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
from newsreader.parse.html_blocks import blockquote_block, convert, split_caption
from newsreader.parse.html_tree import (
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

    meta = _page_metadata(doc)
    title = meta["title"]
    scope = _article_scope(doc)
    figures = _figure_captions(scope)
    quote_speakers = _blockquote_speakers(scope)
    key_points = _marked_key_points(scope)
    links = links_in_tree(scope, url)

    extracted = _trafilatura_blocks(markup, url=url, figures=figures)
    if extracted is None or not extracted[1]:
        extracted = _fallback_blocks(scope)
    lead_points, blocks = extracted

    if not key_points:
        key_points = lead_points
    else:
        blocks = _without_key_point_repeats(blocks, key_points)
    blocks = _restore_speakers(blocks, quote_speakers)
    if blocks and blocks[0].kind is BlockKind.HEADING and title and blocks[0].text == title:
        blocks = blocks[1:]
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
        # Empty when the page names no site: callers (the importer) supply their own.
        source=meta["site"] or _host(url),
        url=url if is_safe_web_url(url) else None,
        published=meta["published"],
        warnings=warnings,
        links=links,
    )


def _page_metadata(doc: Any) -> dict[str, Any]:
    def meta_content(*keys: str) -> str:
        for key in keys:
            for attr in ("property", "name", "itemprop"):
                for element in doc.iterfind(f".//meta[@{attr}='{key}']"):
                    content = squash(element.get("content") or "")
                    if content:
                        return content
        return ""

    title = meta_content("og:title", "twitter:title")
    if not title:
        h1 = doc.find(".//h1")
        title = squash(text_of(h1)) if h1 is not None else ""
    if not title:
        element = doc.find(".//title")
        title = squash(text_of(element)) if element is not None else ""
    published = parse_datetime(meta_content("article:published_time", "datePublished", "date"))
    if published is None:
        for element in doc.iterfind(".//time[@datetime]"):
            published = parse_datetime(element.get("datetime") or "")
            if published is not None:
                break
    return {"title": title, "published": published, "site": meta_content("og:site_name")}


def parse_datetime(value: str) -> datetime | None:
    """ISO 8601 (with `Z` or an offset) to an aware UTC datetime; naive values count as UTC."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


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


def _marked_key_points(scope: Any) -> list[str]:
    """Items of a list whose class (or its wrapper's) says key points / summary / highlights."""
    for element in scope.iter("ul", "ol", "div", "section"):
        classes = f"{element.get('class') or ''} {element.get('id') or ''}"
        if not _KEY_POINT_CLASS.search(classes):
            continue
        lists = [element] if tag_name(element) in ("ul", "ol") else list(element.iter("ul", "ol"))
        for candidate in lists:
            items = [squash(text_of(li)) for li in candidate.iter("li")]
            items = [item for item in items if item]
            if items:
                return items
    return []


def _without_key_point_repeats(blocks: list[Block], key_points: Iterable[str]) -> list[Block]:
    """Drop bullet paragraphs that repeat the key points (trafilatura keeps the list as text)."""
    points = {point for point in key_points}
    return [
        block
        for block in blocks
        if not (block.kind is BlockKind.PARAGRAPH and block.text.removeprefix("• ") in points)
    ]


def _trafilatura_blocks(
    html: str, *, url: str | None, figures: list[tuple[str | None, Block]]
) -> tuple[list[str], list[Block]] | None:
    """Main text via trafilatura, figure captions put back where their images were."""
    import trafilatura

    try:
        extracted = trafilatura.extract(
            html,
            url=url if is_safe_web_url(url) else None,
            output_format="html",
            include_comments=False,
            include_tables=False,
            include_images=True,
            include_formatting=False,
            include_links=False,
            favor_precision=True,
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
    key_points, blocks = convert(root)
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
    return convert(scope)


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
    return urlsplit(url).hostname or ""  # clean: `is_safe_web_url` refuses unsafe characters

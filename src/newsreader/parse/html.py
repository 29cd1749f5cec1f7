"""Turn HTML into article blocks: feed content fragments and whole saved web pages.

Two entry points share one converter. `html_to_blocks` reads the HTML that feeds
put in `content:encoded` / Atom `content`; `parse_html` reads a whole page,
lets trafilatura find the main text (it is far better than we would be at
dropping menus, cookie banners and "related stories"), then puts back what
trafilatura throws away but a reader wants: figure captions with their photo
credits, the speaker of a blockquote, and a key-points list.

lxml and trafilatura are imported inside the functions: the TUI's startup path
imports this module's names and must not pay ~100 ms+ for them.

libxml2 silently truncates HTML nested deeper than 256 levels, and our walker
falls back to flat text below `_MAX_DEPTH`, so hostile nesting degrades to
plain text instead of a `RecursionError` or a multi-second parse.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from newsreader.errors import ParseError
from newsreader.model.article import Article, Block, BlockKind, Quote
from newsreader.sanitize import clean_line, clean_text
from newsreader.urls import is_safe_web_url

if TYPE_CHECKING:
    from lxml.html import HtmlElement

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

_MAX_DEPTH = 120
"""Below this depth a subtree is read as flat text (Python recursion stays shallow)."""

_DROP_TAGS = frozenset(
    {
        "script",
        "style",
        "nav",
        "aside",
        "noscript",
        "template",
        "iframe",
        "object",
        "embed",
        "form",
        "button",
        "select",
        "input",
        "textarea",
        "svg",
        "math",
        "canvas",
        "head",
        "title",
        "meta",
        "link",
        "video",
        "audio",
        "map",
        "dialog",
    }
)
"""Never article text: code, navigation, widgets and media."""

_INLINE_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "cite",
        "code",
        "data",
        "del",
        "dfn",
        "em",
        "font",
        "i",
        "img",
        "ins",
        "kbd",
        "label",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "sup",
        "time",
        "tt",
        "u",
        "var",
        "wbr",
        "hi",
        "ref",
    }
)
"""Elements whose text flows into the surrounding paragraph."""

_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "head"})
"""`head` is trafilatura's XML name for a heading; HTML `<head>` is dropped before walking."""

_LISTS = frozenset({"ul", "ol", "list", "dl"})
_CREDIT_CLASS = re.compile(r"credit|copyright|byline|source|attribution|photographer", re.I)
_CREDIT_PREFIX = re.compile(
    r"^\s*\(?\s*(?:photo(?:graph)?s?|pictures?|image|illustration|credit|video)"
    r"(?:\s+by)?\s*[:/]\s*(.+?)\)?\s*$",
    re.I,
)
_CREDIT_INLINE = re.compile(
    r"^(.*?[.!?…”\"])\s*\(?\s*(?:photo(?:graph)?|picture|image|illustration|credit)"
    r"(?:\s+by)?\s*[:/]\s*(.+?)\)?\s*$",
    re.I | re.S,
)
_PHOTO_BY = re.compile(
    r"^(.*?)\s*\(?\s*(?:photo(?:graph)?|picture|image)\s+by\s+(.+?)\)?\s*$", re.I
)
_SENTENCE_END = re.compile(r"[.!?…”\"]\s+")
_SPEAKER_LINE = re.compile(r"^\s*[—–―-]{1,2}\s*(\S.{0,100})$", re.S)
_KEY_POINT_CLASS = re.compile(
    r"key[-_ ]?points?|summary|highlights?|takeaways?|tl-?dr|bullets", re.I
)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_LEAD_WORDS = 12


# --------------------------------------------------------------------------- fragments


def html_to_blocks(html: str) -> tuple[list[str], list[Block]]:
    """Convert an HTML fragment (feed entry content) into (key points, blocks).

    A list that comes before the first paragraph is the story's key points;
    later lists become "• " paragraphs. Text that holds no markup at all is
    read as plain text, paragraphs split on blank lines. Never raises: bad
    markup degrades to whatever text lxml recovers.
    """
    if not html or not html.strip():
        return [], []
    # Escape sequences go whole before lxml sees them: lxml drops a lone ESC
    # byte and would leave the rest (`]52;c;…`) behind as visible text.
    html = clean_text(html)
    if "<" not in html:
        return [], text_to_blocks(html)
    root = _parse_fragment(html)
    if root is None:
        return [], text_to_blocks(_strip_tags(html))
    converter = _Converter()
    try:
        converter.convert(root)
    except ValueError:  # lxml refusing a string: degrade to the text, as promised
        return [], text_to_blocks(_strip_tags(html))
    return converter.key_points, converter.blocks


def text_to_blocks(text: str) -> list[Block]:
    """Plain text to paragraphs: blank lines separate paragraphs, single newlines join lines."""
    text = clean_text(text)
    chunks = re.split(r"\n\s*\n", text)
    blocks = []
    for chunk in chunks:
        line = clean_line(chunk)
        if line:
            blocks.append(Block(BlockKind.PARAGRAPH, line))
    return blocks


def _parse_fragment(html: str) -> HtmlElement | None:
    """Parse a fragment into a `<div>`-like root; None when lxml recovers nothing."""
    import lxml.etree
    import lxml.html

    html = _XML_DECL.sub("", html, count=1)
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, recover=True)
    try:
        doc = lxml.html.document_fromstring(f"<html><body>{html}</body></html>", parser=parser)
    except (lxml.etree.ParserError, ValueError, lxml.etree.XMLSyntaxError):
        return None
    body = doc.find("body")
    return body if body is not None else doc


def _strip_tags(html: str) -> str:
    """Last-resort text from markup lxml could not parse at all."""
    return re.sub(r"<[^>]*>", " ", html)


class _Converter:
    """Walks an lxml tree in document order and emits blocks.

    Inline text accumulates in `_buffer` and is flushed as a paragraph when a
    block-level element starts or its container ends.
    """

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.key_points: list[str] = []
        self._buffer: list[str] = []

    # -- public -------------------------------------------------------------

    def convert(self, root: Any) -> None:
        """Fill `blocks`/`key_points` from `root` (a body or container element)."""
        _drop_junk(root)
        self._container(root, 0)
        self._flush()
        self._attach_speaker_lines()

    # -- walking ------------------------------------------------------------

    def _container(self, element: Any, depth: int) -> None:
        if element.text:
            self._buffer.append(element.text)
        for child in element:
            self._node(child, depth + 1)
            if child.tail:
                self._buffer.append(child.tail)

    def _node(self, element: Any, depth: int) -> None:
        tag = _tag(element)
        if tag is None:
            return
        if depth > _MAX_DEPTH:
            self._buffer.append(_text_of(element))
            return
        if tag in _INLINE_TAGS and not _has_block_child(element):
            self._buffer.append(_inline_text(element))
            return
        if tag == "br":
            self._flush()
            return
        self._flush()
        if tag in _HEADINGS:
            self._emit(BlockKind.HEADING, _text_of(element))
        elif tag in ("p", "pre"):
            self._paragraph(element, depth, preformatted=tag == "pre")
        elif tag in _LISTS:
            self._list(element, depth)
        elif tag in ("figure", "figcaption"):
            self._figure(element)
        elif tag in ("blockquote", "quote"):
            self._blockquote(element)
        elif tag == "table":
            self._table(element)
        elif tag in ("hr", "img", "graphic"):
            pass
        else:
            self._container(element, depth)
            self._flush()

    def _paragraph(self, element: Any, depth: int, *, preformatted: bool) -> None:
        if any(_tag(child) in ("figure", "figcaption", "blockquote") for child in element):
            self._container(element, depth)
            self._flush()
            return
        if preformatted:
            text = clean_text(element.text_content()).strip("\n")
            if text.strip():
                self.blocks.append(Block(BlockKind.PARAGRAPH, text))
            return
        self._emit(BlockKind.PARAGRAPH, _inline_text(element, with_tail=False))

    def _list(self, element: Any, depth: int) -> None:
        items = [
            clean_line(_text_of(item))
            for item in element
            if _tag(item) in ("li", "item", "dd", "dt")
        ]
        items = [item for item in items if item]
        if not items:
            self._container(element, depth)
            self._flush()
            return
        lead = not any(block.kind is not BlockKind.HEADING for block in self.blocks)
        if lead and not self.key_points:
            self.key_points.extend(items)
            return
        for item in items:
            self.blocks.append(Block(BlockKind.PARAGRAPH, f"• {item}"))

    def _figure(self, element: Any) -> None:
        caption_el = element if _tag(element) == "figcaption" else element.find(".//figcaption")
        if caption_el is None:
            return
        text, credit = split_caption(caption_el)
        if text or credit:
            self.blocks.append(Block(BlockKind.CAPTION, text, credit=credit))

    def _blockquote(self, element: Any) -> None:
        speaker = None
        for cite in list(element.iter("cite", "footer")):
            if speaker is None:
                speaker = _clean_speaker(_text_of(cite))
            _remove_keep_tail(cite)
        parts = []
        paragraphs = [child for child in element if _tag(child) == "p"]
        if paragraphs:
            parts = [clean_line(_text_of(p)) for p in paragraphs]
        text = "\n".join(part for part in parts if part) or clean_line(_text_of(element))
        if not text:
            return
        match = _SPEAKER_LINE.match(parts[-1]) if len(parts) > 1 else None
        if speaker is None and match and len(match.group(1)) <= 80:
            speaker = _clean_speaker(match.group(1))
            text = "\n".join(parts[:-1])
        self.blocks.append(Block(BlockKind.QUOTE, text, speaker=speaker or None))

    def _table(self, element: Any) -> None:
        for row in element.iter("tr"):
            cells = [clean_line(_text_of(cell)) for cell in row if _tag(cell) in ("td", "th")]
            line = " | ".join(cell for cell in cells if cell)
            if line:
                self.blocks.append(Block(BlockKind.PARAGRAPH, line))

    # -- output -------------------------------------------------------------

    def _emit(self, kind: BlockKind, text: str) -> None:
        line = clean_line(text)
        if line:
            self.blocks.append(Block(kind, line))

    def _flush(self) -> None:
        if self._buffer:
            text = "".join(self._buffer)
            self._buffer.clear()
            self._emit(BlockKind.PARAGRAPH, text)

    def _attach_speaker_lines(self) -> None:
        """A "— Name" paragraph right after a speakerless quote names its speaker."""
        kept: list[Block] = []
        for block in self.blocks:
            previous = kept[-1] if kept else None
            match = _SPEAKER_LINE.match(block.text) if block.kind is BlockKind.PARAGRAPH else None
            if (
                match
                and previous is not None
                and previous.kind is BlockKind.QUOTE
                and previous.speaker is None
                and len(match.group(1)) <= 80
            ):
                previous.speaker = _clean_speaker(match.group(1))
                continue
            kept.append(block)
        self.blocks = kept


def _tag(element: Any) -> str | None:
    """Lower-case local tag name; None for comments, PIs and entities."""
    tag = element.tag
    if not isinstance(tag, str):
        return None
    if "}" in tag:
        tag = tag.rsplit("}", 1)[1]
    return tag.lower()


def _drop_junk(root: Any) -> None:
    """Remove script/style/nav/... subtrees (keeping their tail text) before walking."""
    doomed = [el for el in root.iter() if _tag(el) in _DROP_TAGS]
    for element in doomed:
        _remove_keep_tail(element)


def _remove_keep_tail(element: Any) -> None:
    """Detach `element`, leaving its tail text where it was (lxml's `drop_tree` for any tree)."""
    parent = element.getparent()
    if parent is None:
        return
    # Character references (`&#27;`) decode to control characters that lxml
    # refuses to store back; they would be stripped later anyway.
    tail = clean_text(element.tail or "")
    previous = element.getprevious()
    if tail:
        if previous is not None:
            previous.tail = clean_text(previous.tail or "") + tail
        else:
            parent.text = clean_text(parent.text or "") + tail
    parent.remove(element)


def _has_block_child(element: Any) -> bool:
    for child in element:
        tag = _tag(child)
        if tag is not None and tag not in _INLINE_TAGS:
            return True
    return False


def _text_of(element: Any) -> str:
    """All text inside `element` (not its tail), iteratively, so depth cannot hurt."""
    return " ".join(part for part in element.itertext() if part)


def _inline_text(element: Any, *, with_tail: bool = False) -> str:
    """Text of an inline run; `<q>` gets curly quotes, `<br>` becomes a space."""
    if _tag(element) == "q":
        return f"“{_text_of(element)}”"
    parts: list[str] = []
    if element.text:
        parts.append(element.text)
    for child in element:
        tag = _tag(child)
        if tag == "q":
            parts.append(f"“{_text_of(child)}”")
        elif tag == "br":
            parts.append(" ")
        elif tag is not None:
            parts.append(_text_of(child))
        if child.tail:
            parts.append(child.tail)
    if with_tail and element.tail:
        parts.append(element.tail)
    return "".join(parts)


def _clean_speaker(text: str) -> str | None:
    text = clean_line(text).lstrip("—–―-~ ").strip()
    return text or None


def split_caption(caption: Any) -> tuple[str, str | None]:
    """Split a `<figcaption>` into (caption text, photo credit).

    A trailing span/small/cite (or any child whose class says credit) is the
    credit; otherwise "Photo: X", "… (Photograph by X)" and "Caption. Name |
    Agency" patterns in the text are recognised.
    """
    credit: str | None = None
    children = [child for child in caption if _tag(child) is not None]
    for child in children:
        classes = f"{child.get('class') or ''} {child.get('itemprop') or ''}"
        if _CREDIT_CLASS.search(classes):
            credit = clean_line(_text_of(child))
            _remove_keep_tail(child)
            break
    if credit is None and children:
        last = children[-1]
        if _tag(last) in ("small", "cite", "span", "em", "i") and not (last.tail or "").strip():
            candidate = clean_line(_text_of(last))
            if candidate and len(candidate) <= 120 and clean_line(_text_of(caption)) != candidate:
                credit = candidate
                _remove_keep_tail(last)
    text = clean_line(_text_of(caption))
    if credit is None:
        text, credit = split_caption_text(text)
    if credit:
        prefixed = _CREDIT_PREFIX.match(credit)
        if prefixed:
            credit = prefixed.group(1).strip()
    return text, credit or None


def split_caption_text(text: str) -> tuple[str, str | None]:
    """Find a credit inside caption text: "Photo: X", "(Photo by X)", "Caption. X | Agency"."""
    text = clean_line(text)
    whole = _CREDIT_PREFIX.match(text)
    if whole:
        return "", whole.group(1).strip()
    inline = _CREDIT_INLINE.match(text)
    if inline:
        return inline.group(1).strip(), inline.group(2).strip()
    photo_by = _PHOTO_BY.match(text)
    if photo_by and photo_by.group(1):
        return photo_by.group(1).strip(), photo_by.group(2).strip()
    if " | " in text:
        head = text.split(" | ", 1)[0]
        ends = list(_SENTENCE_END.finditer(head))
        if ends:
            cut = ends[-1].end()
            return text[:cut].strip(), text[cut:].strip()
        if len(text) <= 80:
            return "", text
    return text, None


# --------------------------------------------------------------------------- quotes hook


def apply_quotes(
    blocks: list[Block], *, title: str, key_points: Sequence[str], warnings: list[str]
) -> tuple[list[Block], list[Quote]]:
    """Run the quote extractor if it is installed; the parse still succeeds if it fails.

    `parse.quotes` is written separately and may not exist yet; a bug in it
    must not make a feed unreadable, so its failures become a warning.
    """
    try:
        from newsreader.parse.quotes import extract_quotes
    except ImportError:
        return blocks, []
    try:
        return extract_quotes(blocks, title=title, key_points=key_points)
    except Exception as exc:  # deliberately broad: see docstring
        warnings.append(f"quote detection failed ({type(exc).__name__}: {exc})")
        return blocks, []


# --------------------------------------------------------------------------- whole pages


def parse_html(
    data: bytes,
    *,
    name: str,
    url: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    content_type: str | None = None,
) -> Article:
    """Read a whole web page (saved file or fetched body) as an `Article`.

    `content_type` is the HTTP header, if any, for its charset. Raises
    `ParseError` when the page is too large or holds no article text.
    """
    from newsreader.parse.xmlguard import check_size

    check_size(data, name=name, max_bytes=max_bytes)
    warnings: list[str] = []
    html = decode_html(data, content_type=content_type, warnings=warnings, name=name)
    try:
        return _parse_page(html, name=name, url=url, warnings=warnings)
    except ParseError:
        raise
    except (RecursionError, MemoryError) as exc:
        raise ParseError(f"{name}: page too complex to read ({type(exc).__name__})") from None
    except Exception as exc:  # lxml/trafilatura internals: report, never crash
        raise ParseError(f"{name}: could not read the page ({type(exc).__name__}: {exc})") from None


def decode_html(
    data: bytes,
    *,
    content_type: str | None = None,
    warnings: list[str] | None = None,
    name: str = "",
) -> str:
    """Bytes to text: BOM, then HTTP charset, then `<meta charset>`, then UTF-8, then cp1252."""
    import codecs

    boms = (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    )
    for bom, encoding in boms:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    candidates: list[str] = []
    if content_type:
        match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type, re.I)
        if match:
            candidates.append(match.group(1))
    meta = _META_CHARSET.search(data[:8192])
    if meta:
        candidates.append(meta.group(1).decode("ascii", "replace"))
    for encoding in candidates:
        try:
            codecs.lookup(encoding)
            return data.decode(encoding, errors="replace")
        except LookupError:
            continue
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        if warnings is not None:
            warnings.append(f"{name}: not valid UTF-8, decoded as cp1252")
        return data.decode("cp1252", errors="replace")


def _parse_page(html: str, *, name: str, url: str | None, warnings: list[str]) -> Article:
    import lxml.etree
    import lxml.html

    html = clean_text(_XML_DECL.sub("", html, count=1))  # whole escape sequences, before lxml
    if not html.strip():
        raise ParseError(f"{name}: no article text found (the page is empty)")
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, recover=True)
    try:
        doc = lxml.html.document_fromstring(html, parser=parser)
    except (lxml.etree.ParserError, ValueError, lxml.etree.XMLSyntaxError):
        raise ParseError(f"{name}: no article text found (not an HTML page)") from None

    meta = _page_metadata(doc)
    title = meta["title"]
    scope = _article_scope(doc)
    figures = _figure_captions(scope)
    quote_speakers = _blockquote_speakers(scope)
    key_points = _marked_key_points(scope)

    extracted = _trafilatura_blocks(html, url=url, figures=figures)
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
    )


def _page_metadata(doc: Any) -> dict[str, Any]:
    def meta_content(*keys: str) -> str:
        for key in keys:
            for attr in ("property", "name", "itemprop"):
                for element in doc.iterfind(f".//meta[@{attr}='{key}']"):
                    content = clean_line(element.get("content") or "")
                    if content:
                        return content
        return ""

    title = meta_content("og:title", "twitter:title")
    if not title:
        h1 = doc.find(".//h1")
        title = clean_line(_text_of(h1)) if h1 is not None else ""
    if not title:
        element = doc.find(".//title")
        title = clean_line(_text_of(element)) if element is not None else ""
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
        converter = _Converter()
        converter._blockquote(copy.deepcopy(quote))
        for block in converter.blocks:
            if block.speaker:
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
        lists = [element] if _tag(element) in ("ul", "ol") else list(element.iter("ul", "ol"))
        for candidate in lists:
            items = [clean_line(_text_of(li)) for li in candidate.iter("li")]
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
    root = _parse_fragment(_XML_DECL.sub("", extracted, count=1))
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
    converter = _Converter()
    converter.convert(root)
    blocks = converter.blocks
    if pending and blocks:
        blocks = _insert_orphan_captions(blocks, [block for _, block in pending])
    return converter.key_points, blocks


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
        _remove_keep_tail(element)
        for offset, heading in enumerate(headings):
            heading.tail = None
            parent.insert(index + offset, heading)
    converter = _Converter()
    converter.convert(scope)
    return converter.key_points, converter.blocks


def _first_words(blocks: list[Block]) -> str:
    for block in blocks:
        words = block.text.split()
        if words:
            title = " ".join(words[:_LEAD_WORDS])
            return title + ("…" if len(words) > _LEAD_WORDS else "")
    return ""


def _host(url: str | None) -> str:
    from urllib.parse import urlsplit

    if not is_safe_web_url(url):
        return ""
    return clean_line(urlsplit(url).hostname or "")

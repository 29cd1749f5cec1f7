"""Page furniture: what is on a web page but is not the story, removed before and after extraction.

Before trafilatura sees the tree (`drop_furniture`): hidden elements, menus,
share bars, comment threads and players' controls by tag and by class or id (as
Readability does), lists made mostly of links (navigation and "most read"
boxes), and tables used for layout are unwrapped so their cells read as the
text they are. After it (`tidy`, `without_title_heading`): paragraphs that are
a loader or a call-out, caption labels, repeated captions and the H1 that
repeats the title.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from newsreader.model.article import Block, BlockKind
from newsreader.parse.html_meta import same_text
from newsreader.parse.html_tree import is_hidden, remove_keep_tail, tag_name, text_key

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
_NEVER_UNLIKELY = frozenset({"body", "a", "article", "main", "html"})
_UNLIKELY_SHARE = 0.4
"""An "unlikely" element holding more than this share of the page's text is kept anyway."""
_LINK_LIST_DENSITY = 0.5
"""A list whose text is more than this share link text is navigation (Readability's bound
for lists it does not otherwise suspect)."""
_LIST_COMMAS = 10
"""A list with this many commas is prose written as a list, links or not (Readability's rule)."""
_BLOCK_IN_CELL = frozenset(
    {"p", "ul", "ol", "div", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "dl"}
)
_TABLE_PARTS = ("thead", "tbody", "tfoot", "tr", "td", "th")


def drop_furniture(doc: Any) -> None:
    """Remove what is never the story from `doc`'s body, in one walk over its elements.

    By tag, by the page hiding it, and by class and id as Readability does; an
    element that holds much of the page's text is kept whatever it is called (a
    site that names its story `comment-body` must not lose it). Then link lists
    go and layout tables are unwrapped.
    """
    body = doc.find("body")
    if body is None:
        return
    limit = (len(body.text_content()) or 1) * _UNLIKELY_SHARE
    doomed = []
    # Depth first by hand rather than `iter()`: a doomed element's subtree goes with
    # it, so it is not walked (on most pages that is more than half the elements).
    pending = list(reversed(body))
    while pending:
        element = pending.pop()
        tag = element.tag
        if tag.__class__ is not str:  # a comment or PI (HTML parser tags are lower-case)
            continue
        if tag in _FURNITURE_TAGS or (element.attrib and is_hidden(element)):
            doomed.append(element)
            continue
        if tag not in _NEVER_UNLIKELY:
            classes, ident = _words_of(element.get("class")), _words_of(element.get("id"))
            if (
                (classes[0] or ident[0])
                and not (classes[1] or ident[1])
                and len(element.text_content()) <= limit
            ):
                doomed.append(element)
                continue
        pending.extend(reversed(element))
    for element in doomed:
        remove_keep_tail(element)
    _drop_link_lists(body)
    _unwrap_layout_tables(body)


@lru_cache(maxsize=4096)
def _words_of(names: str | None) -> tuple[bool, bool]:
    """(a furniture word, a story word) in a class or id (cached: pages repeat classes)."""
    if not names or len(names) < 2:
        return False, False
    return _UNLIKELY.search(names) is not None, _MAYBE.search(names) is not None


def _chars(text: str) -> int:
    """Characters of `text` that are not whitespace (markup indentation must not count)."""
    return len(text) - sum(text.count(space) for space in (" ", "\n", "\t", "\r", "\xa0"))


def _drop_link_lists(body: Any) -> None:
    """Lists made mostly of links are menus, "most read" boxes and related-story lists."""
    doomed = []
    for element in body.iter("ul", "ol"):
        text = element.text_content()
        chars = _chars(text)
        if not chars or text.count(",") >= _LIST_COMMAS:
            continue
        linked = sum(_chars(link.text_content()) for link in element.iter("a"))
        if linked > _LINK_LIST_DENSITY * chars:
            doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            remove_keep_tail(element)


def _unwrap_layout_tables(body: Any) -> None:
    """A table that lays out the page (not one of data) becomes plain blocks.

    Extractors read table cells as data and drop what a data cell should not
    hold, such as a list, so a story laid out in a table lost its lists.
    """
    layout = [table for table in body.iter("table") if _is_layout_table(table)]
    parts = [
        part
        for table in layout
        for part in table.iter(*_TABLE_PARTS)
        if next(part.iterancestors("table"), None) is table
    ]
    for element in (*layout, *parts):
        element.tag = "div"


def _is_layout_table(table: Any) -> bool:
    """Readability's test for a table of data, negated, for tables whose cells hold blocks."""
    cells = [cell for cell in table.iter("td") if next(cell.iterancestors("table")) is table]
    if not any(tag_name(child) in _BLOCK_IN_CELL for cell in cells for child in cell):
        return False
    if (table.get("role") or "").lower() == "presentation":
        return True
    data_parts = table.iter("caption", "thead", "tfoot", "th", "col")
    if table.get("summary") or next(data_parts, None) is not None:
        return False
    if next(table.iterdescendants("table"), None) is not None:
        return True
    rows = [row for row in table.iter("tr") if next(row.iterancestors("table")) is table]
    columns = max((sum(1 for c in row if tag_name(c) in ("td", "th")) for row in rows), default=0)
    if len(rows) <= 1 or columns <= 1:
        return True
    if len(rows) >= 10 or columns > 4:
        return False
    return len(rows) * columns <= 10


def article_scope(doc: Any) -> Any:
    """The element holding the story: `<article>` (the longest), `<main>`, else `<body>`."""
    articles = list(doc.iter("article"))
    if articles:
        return max(articles, key=lambda el: len(el.text_content()))
    main = doc.find(".//main")
    if main is not None:
        return main
    body = doc.find(".//body")
    return body if body is not None else doc


def without_title_heading(blocks: list[Block], title: str) -> list[Block]:
    """Drop the H1 that repeats the title near the top, and the short kicker above it."""
    for index, block in enumerate(blocks[:4]):
        if block.kind is BlockKind.HEADING and same_text(block.text, title):
            before = blocks[:index]
            if all(len(b.text.split()) <= 5 and b.kind is not BlockKind.QUOTE for b in before):
                return blocks[index + 1 :]
            return [*before, *blocks[index + 1 :]]
    return blocks


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


def tidy(blocks: list[Block]) -> list[Block]:
    """Drop boilerplate paragraphs, a dangling "Read more:", caption labels, repeated captions."""
    kept: list[Block] = []
    captions: set[str] = set()
    for block in blocks:
        text = block.text
        if block.kind in (BlockKind.PARAGRAPH, BlockKind.HEADING):
            if _BOILERPLATE.match(text):
                continue
            if text.rstrip().endswith(":"):  # the only texts `_DANGLING` can match
                text = _DANGLING.sub("", text)
        if block.kind is BlockKind.CAPTION:
            text = _strip_caption_labels(text)
            if not text and block.credit and len(block.credit.split()) > _MAX_CREDIT_WORDS:
                text, block.credit = block.credit, None  # "Photo: <a whole sentence>" (BBC)
            key = text_key(text)
            if key and key in captions:
                continue
            captions.add(key)
        if not text and not block.credit:
            continue
        block.text = text
        kept.append(block)
    if captions:  # a paragraph that only repeats a caption (a lead photo's text twice)
        kept = [
            b for b in kept if b.kind is not BlockKind.PARAGRAPH or text_key(b.text) not in captions
        ]
    return kept


def _strip_caption_labels(text: str) -> str:
    for _ in range(3):  # "Media caption Photo: ..." carries two
        stripped = _CAPTION_LABEL.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    return text

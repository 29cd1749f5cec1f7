"""Turn an HTML fragment (a feed entry's content) into article blocks.

`html_to_blocks` reads the HTML feeds put in `content:encoded` / Atom
`content`; `convert` is the same walker for a tree `html_page` has already
parsed. Both put back what a reader wants and plain text extraction loses:
figure captions with their photo credits (`html_captions`), the speaker of a
blockquote (`html_blockquotes`), and a key-points list (`html_lists`).

Trees come from `html_tree`, already clean (the trust boundary), so text read
from them here only has its whitespace collapsed. Below `_MAX_DEPTH` a subtree
is read as flat text, so hostile nesting degrades to plain text instead of a
`RecursionError` or a multi-second parse.
"""

from __future__ import annotations

import re
from typing import Any

from newsreader.model.article import Block, BlockKind
from newsreader.parse.html_blockquotes import attach_speaker_lines, blockquote_block
from newsreader.parse.html_captions import split_caption
from newsreader.parse.html_lists import LISTS, list_items, looks_like_key_points
from newsreader.parse.html_tree import (
    INLINE_TAGS,
    drop_junk,
    has_block_child,
    inline_text,
    parse_fragment,
    squash,
    tag_name,
    text_of,
)
from newsreader.sanitize import all_printable, clean_text

_MAX_DEPTH = 120
"""Below this depth a subtree is read as flat text (Python recursion stays shallow)."""

_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "head"})
"""`head` is trafilatura's XML name for a heading; HTML `<head>` is dropped before walking."""

_SIMPLE_PARAGRAPHS = re.compile(r"[ \t\n]*(?:<p>[^<&]*</p>[ \t\n]*)+")
_PARAGRAPH_TEXT = re.compile(r"<p>([^<&]*)</p>")
_BLANK_LINE = re.compile(r"\n\s*\n")
_TAG = re.compile(r"<[^>]*>")
_SIMPLE_MAX_CHARS = 100_000
"""Longer fragments always go through lxml, the path every odd case was tested on."""


def html_to_blocks(html: str) -> tuple[list[str], list[Block]]:
    """Convert an HTML fragment (feed entry content) into (key points, blocks).

    A list that comes before the first paragraph is the story's key points;
    later lists become "• " paragraphs. Text that holds no markup at all is
    read as plain text, paragraphs split on blank lines. Never raises: bad
    markup degrades to whatever text lxml recovers.
    """
    if not html or not html.strip():
        return [], []
    if "<" not in html:
        return [], text_to_blocks(html)
    simple = _simple_paragraphs(html)
    if simple is not None:
        return [], simple
    root = parse_fragment(html)
    if root is None:
        return [], text_to_blocks(_strip_tags(html))
    try:
        return convert(root)
    except ValueError:  # lxml refusing a string: degrade to the text, as promised
        return [], text_to_blocks(_strip_tags(html))


def html_to_blocks_and_links(
    html: str, base: str | None
) -> tuple[list[str], list[Block], list[tuple[str, str]]]:
    """`html_to_blocks(html)` and `links_in_html(html, base)` from one parse of the fragment.

    Why: an entry with links was parsed by lxml twice, once for its blocks and
    once for its links. The links are read first, since converting edits the tree.
    """
    simple = _simple_paragraphs(html)
    if simple is not None:
        return [], simple, []  # bare paragraphs hold no link (what links_in_html answers)
    from newsreader.parse.links import links_in_tree

    if "<a" not in html and "<A" not in html:
        return (*html_to_blocks(html), [])  # no links: what links_in_html answers
    root = parse_fragment(html)
    if root is None:
        return [], text_to_blocks(_strip_tags(html)), []
    links = links_in_tree(root, base)
    try:
        key_points, blocks = convert(root)
    except ValueError:  # as in html_to_blocks
        return [], text_to_blocks(_strip_tags(html)), links
    return key_points, blocks, links


def _simple_paragraphs(html: str) -> list[Block] | None:
    """The blocks of a fragment that is only bare `<p>` paragraphs of plain text, else None.

    Why: many feeds wrap every entry in nothing but `<p>…</p>`, and building an
    lxml tree for each entry was most of what converting it cost. For such a
    fragment the tree walk yields exactly one paragraph per non-empty `<p>`,
    its text with whitespace collapsed: no entity or tag can change the text
    (`&` and `<` are refused), and printable text needs no cleaning (tab and
    newline aside, which collapsing removes). Anything else returns None and
    takes the full path.
    """
    if len(html) > _SIMPLE_MAX_CHARS:
        return None
    inner = html[3:-4] if html.startswith("<p>") and html.endswith("</p>") else "<"
    if "<" not in inner and "&" not in inner:
        texts = [inner]  # one paragraph, the usual entry: no regular expression needed
    elif _SIMPLE_PARAGRAPHS.fullmatch(html):
        texts = _PARAGRAPH_TEXT.findall(html)
    else:
        return None
    if not all_printable(html):
        return None
    if "\n" in html or "\t" in html or "  " in html:
        lines = [squash(text) for text in texts]
    else:
        # Printable text's only whitespace is the space, here never doubled: collapsing
        # whitespace only drops a space at either end.
        lines = [text.strip(" ") for text in texts]
    return [Block(BlockKind.PARAGRAPH, line) for line in lines if line]


def text_to_blocks(text: str) -> list[Block]:
    """Plain text to paragraphs: blank lines separate paragraphs, single newlines join lines.

    The text is untrusted (a feed's plain-text body): cleaned once, whole, before
    it is split, like `parse.text` does with a file.
    """
    chunks = _BLANK_LINE.split(clean_text(text))
    return [Block(BlockKind.PARAGRAPH, line) for chunk in chunks if (line := squash(chunk))]


def convert(root: Any, *, page: bool = False) -> tuple[list[str], list[Block]]:
    """(key points, blocks) of a clean tree from `html_tree` (a body or container element).

    A feed entry's lead list is its key points; on a whole `page`, where menus
    and contents lists come first too, only a lead list that reads like a
    summary (`looks_like_key_points`) is.
    """
    converter = _Converter(page=page)
    drop_junk(root)
    converter.container(root, 0)
    converter.flush()
    return converter.key_points, attach_speaker_lines(converter.blocks)


def _strip_tags(html: str) -> str:
    """Last-resort text from markup lxml could not parse at all."""
    return _TAG.sub(" ", html)


class _Converter:
    """Walks an lxml tree in document order and emits blocks.

    Inline text accumulates in `_buffer` and is flushed as a paragraph when a
    block-level element starts or its container ends.
    """

    def __init__(self, *, page: bool = False) -> None:
        self.page = page
        self.blocks: list[Block] = []
        self.key_points: list[str] = []
        self._buffer: list[str] = []

    def container(self, element: Any, depth: int) -> None:
        """Walk `element`'s children, its own text and their tails joining the paragraph."""
        if element.text:
            self._buffer.append(element.text)
        for child in element:
            self._node(child, depth + 1)
            if child.tail:
                self._buffer.append(child.tail)

    def flush(self) -> None:
        """The inline text gathered so far becomes a paragraph."""
        if self._buffer:
            text = "".join(self._buffer)
            self._buffer.clear()
            self._emit(BlockKind.PARAGRAPH, text)

    def _node(self, element: Any, depth: int) -> None:
        tag = tag_name(element)
        if tag is None:
            return
        if depth > _MAX_DEPTH:
            self._buffer.append(text_of(element))
            return
        if tag in INLINE_TAGS and not has_block_child(element):
            self._buffer.append(inline_text(element))
            return
        self.flush()
        if tag == "br":
            return
        if tag in _HEADINGS:
            self._emit(BlockKind.HEADING, text_of(element))
        elif tag in ("p", "pre"):
            self._paragraph(element, depth, preformatted=tag == "pre")
        elif tag in LISTS:
            self._list(element, depth)
        elif tag in ("figure", "figcaption"):
            self._figure(element)
        elif tag in ("blockquote", "quote"):
            block = blockquote_block(element)
            if block is not None:
                self.blocks.append(block)
        elif tag == "table":
            self._table(element)
        elif tag not in ("hr", "img", "graphic"):
            self.container(element, depth)
            self.flush()

    def _paragraph(self, element: Any, depth: int, *, preformatted: bool) -> None:
        if any(tag_name(child) in ("figure", "figcaption", "blockquote") for child in element):
            self.container(element, depth)
            self.flush()
            return
        if preformatted:
            text = "".join(element.itertext()).strip("\n")  # any tree, not only lxml.html's
            if text.strip():
                self.blocks.append(Block(BlockKind.PARAGRAPH, text))
            return
        kind = BlockKind.HEADING if self.page and _bold_only(element) else BlockKind.PARAGRAPH
        self._emit(kind, inline_text(element))

    def _list(self, element: Any, depth: int) -> None:
        items = list_items(element)
        if not items:
            self.container(element, depth)
            self.flush()
            return
        lead = not any(block.kind is not BlockKind.HEADING for block in self.blocks)
        if lead and not self.key_points and (not self.page or looks_like_key_points(items)):
            self.key_points.extend(items)
            return
        for item in items:
            self.blocks.append(Block(BlockKind.PARAGRAPH, f"• {item}"))

    def _figure(self, element: Any) -> None:
        caption = element if tag_name(element) == "figcaption" else element.find(".//figcaption")
        if caption is None:
            return
        text, credit = split_caption(caption)
        if text or credit:
            self.blocks.append(Block(BlockKind.CAPTION, text, credit=credit))

    def _table(self, element: Any) -> None:
        for row in element.iter("tr"):
            cells = [squash(text_of(cell)) for cell in row if tag_name(cell) in ("td", "th")]
            line = " | ".join(cell for cell in cells if cell)
            if line:
                self.blocks.append(Block(BlockKind.PARAGRAPH, line))

    def _emit(self, kind: BlockKind, text: str) -> None:
        line = squash(text)
        if line:
            self.blocks.append(Block(kind, line))


_BOLD = frozenset({"b", "strong"})
_MAX_HEADING_WORDS = 12


def _bold_only(element: Any) -> bool:
    """A paragraph that is one short bold run, no sentence end: a subheading written as bold.

    (`hi rend="#b"` is trafilatura's name for bold.)
    """
    children = [child for child in element if tag_name(child) is not None]
    if len(children) != 1 or (element.text or "").strip() or (children[0].tail or "").strip():
        return False
    child = children[0]
    bold = tag_name(child) in _BOLD or (
        tag_name(child) == "hi" and "#b" in (child.get("rend") or "")
    )
    text = squash(text_of(child))
    return (
        bold
        and 0 < len(text.split()) <= _MAX_HEADING_WORDS
        and not text.endswith((".", ",", ";", "”", '"'))
    )

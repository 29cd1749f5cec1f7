"""Blockquotes as QUOTE blocks, with the speaker a `<cite>`, `<footer>` or "— Name" line gives.

Why a module of its own: a quote's speaker is written in several ways (an
element inside the quote, a dash line closing it, a dash paragraph right
after it), and finding it is its own job, apart from walking the tree
(`html_blocks`); `html_page` reads a page's pull quotes with the same rules.
The quote attribution of plain paragraphs is `quotes` (and its `quote_*`
helpers), not this.
"""

from __future__ import annotations

import re
from typing import Any

from newsreader.model.article import Block, BlockKind
from newsreader.parse.html_tree import (
    INLINE_TAGS,
    inline_text,
    remove_keep_tail,
    squash,
    tag_name,
    text_of,
)

_SPEAKER_LINE = re.compile(r"^\s*[—–―-]{1,2}\s*(\S.{0,100})$", re.S)


def blockquote_block(element: Any) -> Block | None:
    """A `<blockquote>` as a QUOTE block, its `<cite>`/`<footer>` or "— Name" line the speaker.

    Removes the cite/footer elements from `element`: pass a copy to keep a tree intact.
    """
    speaker = None
    for cite in list(element.iter("cite", "footer")):
        if speaker is None:
            speaker = _clean_speaker(text_of(cite))
        remove_keep_tail(cite)
    parts = [part for part in _quote_paragraphs(element) if part]
    text = "\n".join(parts)
    if not text:
        return None
    match = _SPEAKER_LINE.match(parts[-1]) if len(parts) > 1 else None
    if speaker is None and match and len(match.group(1)) <= 80:
        speaker = _clean_speaker(match.group(1))
        text = "\n".join(parts[:-1])
    return Block(BlockKind.QUOTE, text, speaker=speaker or None)


def _quote_paragraphs(element: Any) -> list[str]:
    """The paragraphs of a blockquote: each block child (`p`, `pre`, a list) one, and the
    inline text between them (a sentence after a `<pre>`, text not in a `<p>`) its own."""
    parts: list[str] = []
    run: list[str] = [element.text or ""]
    for child in element:
        tag = tag_name(child)
        if tag is not None and tag not in INLINE_TAGS:
            parts.append(squash("".join(run)))
            parts.append(squash(text_of(child)))
            run = []
        elif tag is not None:
            run.append(inline_text(child))
        run.append(child.tail or "")
    parts.append(squash("".join(run)))
    return parts


def attach_speaker_lines(blocks: list[Block]) -> list[Block]:
    """A "— Name" paragraph right after a speakerless quote names its speaker."""
    kept: list[Block] = []
    for block in blocks:
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
    return kept


def _clean_speaker(text: str) -> str | None:
    text = squash(text).lstrip("—–―-~ ").strip()
    return text or None

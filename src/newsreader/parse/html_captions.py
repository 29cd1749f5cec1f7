"""Figure captions and their photo credits, read from a clean `<figcaption>`.

Why a module of its own: plain text extraction runs a caption and its credit
together ("Harbour at dawn. Photo: J. Smith"); a reader wants them apart, and
telling them apart takes a page of patterns (a credit-classed child, a
trailing `<small>`, "Photo: X", "(Photograph by X)", "Caption. Name |
Agency") that have nothing to do with walking the rest of the tree
(`html_blocks`). `html_page` reads the captions of a whole web page with the
same rules.
"""

from __future__ import annotations

import re
from typing import Any

from newsreader.parse.html_tree import remove_keep_tail, squash, tag_name, text_of

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


def split_caption(caption: Any) -> tuple[str, str | None]:
    """Split a `<figcaption>` into (caption text, photo credit).

    A trailing span/small/cite (or any child whose class says credit) is the
    credit; otherwise "Photo: X", "… (Photograph by X)" and "Caption. Name |
    Agency" patterns in the text are recognised. Removes the credit element
    from `caption`: pass a copy to keep a tree intact.
    """
    credit: str | None = None
    children = [child for child in caption if tag_name(child) is not None]
    for child in children:
        classes = f"{child.get('class') or ''} {child.get('itemprop') or ''}"
        if _CREDIT_CLASS.search(classes):
            credit = squash(text_of(child))
            remove_keep_tail(child)
            break
    if credit is None and children:
        last = children[-1]
        if tag_name(last) in ("small", "cite", "span", "em", "i") and not (last.tail or "").strip():
            candidate = squash(text_of(last))
            if candidate and len(candidate) <= 120 and squash(text_of(caption)) != candidate:
                credit = candidate
                remove_keep_tail(last)
    text = squash(text_of(caption))
    if credit is None:
        text, credit = split_caption_text(text)
    if credit:
        prefixed = _CREDIT_PREFIX.match(credit)
        if prefixed:
            credit = prefixed.group(1).strip()
    return text, credit or None


def split_caption_text(text: str) -> tuple[str, str | None]:
    """Find a credit inside caption text: "Photo: X", "(Photo by X)", "Caption. X | Agency"."""
    text = squash(text)
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

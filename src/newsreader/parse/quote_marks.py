"""Quotation marks in a block of text: which ones pair up, and the spans they enclose.

Curly marks say which side they are, straight ones alternate, „German“ and
«French» close with their own partner, British ‘single’ marks are read when a
block has no double ones, and a quotation left open at the end of a paragraph
is continued by the next paragraph that opens with a mark. Also the small edits
made to a quoted span once it is known to be a pull quote (`normalise`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

_OPEN_ONLY = "“«„"
_STRAIGHT = '"'
MARKS = re.compile(r'["“”«»„]')
_CLOSERS = {"„": "“”", "«": "»", "“": '”"', '"': '"”'}
"""What may close each opener: „German“ closes with the mark English opens with."""
_SINGLE_OPEN = re.compile(r"(?:^|(?<=[\s(\[—–-]))‘")
_SINGLE_CLOSE = re.compile(r"’(?=[\s,.;:!?)\]—–-]|$)")


@dataclass(slots=True)
class Span:
    """One quotation in a block: positions of its marks, and what we learned about it."""

    open_at: int
    close_at: int  # index of the closing mark, or len(text) when unclosed
    closed: bool
    who: str | None = None
    kind: str = ""  # "name" | "pronoun" | "descriptor" | "" (unattributed)
    speaker: str | None = None
    pull: bool = False
    adjacent: bool = False  # the attribution touches the quotation: `"…," X said`
    continued: bool = False  # a later paragraph of a quotation spanning several
    continues: bool = False  # attributed with `added`, `went on`: someone already speaking


@dataclass(slots=True)
class BlockInfo:
    text: str
    spans: list[Span] = field(default_factory=list)


def pair_marks(text: str) -> list[Span]:
    """Quotation spans from the marks in order: curly marks say which side they are,
    straight ones alternate, „German“ and «French» close with their own partner. A
    quotation still open at the end runs to the end of the block (a quotation
    continued in the next paragraph). A block with no double marks is read for
    British ‘single’ quotation marks instead."""
    spans: list[Span] = []
    opener = ""
    open_at: int | None = None
    for match in MARKS.finditer(text):
        mark, pos = match.group(), match.start()
        if open_at is not None and mark in _CLOSERS.get(opener, ""):
            spans.append(Span(open_at, pos, closed=True))
            open_at, opener = None, ""
        elif mark in _OPEN_ONLY or (mark == _STRAIGHT and open_at is None):
            if mark == _STRAIGHT and pos and text[pos - 1].isdigit():
                continue  # `his 65" television`: inches, which would throw the pairs off
            open_at, opener = pos, mark  # a second opener means the first was never closed
    if open_at is not None:
        spans.append(Span(open_at, len(text), closed=False))
    if not spans and "‘" in text:
        spans = _pair_single(text)
    return spans


def _pair_single(text: str) -> list[Span]:
    """‘…’ quotations: an opening mark at a word start, closed by the first ’ that ends
    a word (the apostrophe in `don’t` is inside a word and is skipped)."""
    spans: list[Span] = []
    pos = 0
    while (opening := _SINGLE_OPEN.search(text, pos)) is not None:
        closing = _SINGLE_CLOSE.search(text, opening.end())
        while closing is not None and _plural_possessive(text, closing.start()):
            later = _SINGLE_CLOSE.search(text, closing.end())
            if later is None or "‘" in text[closing.end() : later.start()]:
                break
            closing = later  # `the players’ union`: an apostrophe, the quotation goes on
        if closing is None:
            break
        nested = text.find("‘", opening.end(), closing.start())
        if nested != -1:
            pos = nested
            continue
        spans.append(Span(opening.start(), closing.start(), closed=True))
        pos = closing.end()
    return spans


def _plural_possessive(text: str, at: int) -> bool:
    """A ’ after a plural's `s` and before a lower-case word (`the players’ union`)."""
    return (
        text[at - 1 : at] in ("s", "S")
        and text[at + 1 : at + 2] == " "
        and text[at + 2 : at + 3].islower()
    )


def count_marks(text: str) -> int:
    """How many double quotation marks `text` holds (what `pair_marks` pairs first)."""
    return text.count('"') + text.count("“") + text.count("”") + text.count("«") + text.count("„")


def has_marks(text: str) -> bool:
    """Any quote mark at all: substring scans run far faster than one regex search."""
    return '"' in text or "“" in text or "”" in text or "«" in text or "„" in text or "‘" in text


def link_continuations(infos: list[BlockInfo | None]) -> None:
    """Share attribution along a quotation continued over several paragraphs.

    Paragraph n ends with its quotation still open and paragraph n+1 opens with a
    quote mark: they are one statement, so whichever part names the speaker
    names it for all.
    """
    chain: list[Span] = []
    for info in infos:
        spans = info.spans if info else []
        opens_quoted = info is not None and bool(spans)
        opens_quoted = opens_quoted and spans[0].open_at == first_char(info.text if info else "")
        if chain and opens_quoted:
            chain.append(spans[0])
            if not spans[0].closed:
                continue  # the whole paragraph is still the same quotation
        _share(chain)
        chain = [spans[-1]] if spans and not spans[-1].closed else []
    _share(chain)


def first_char(text: str) -> int:
    return len(text) - len(text.lstrip())


def _share(chain: list[Span]) -> None:
    if len(chain) < 2:
        return
    source = next((span for span in chain if span.kind), None)
    if source is None:
        return
    for number, span in enumerate(chain):
        if not span.kind:
            span.who, span.kind = source.who, source.kind
        span.pull = True  # a statement spanning paragraphs is never a scare quote
        span.continued = number > 0  # one quotation, reported once, by its first part


def normalise(text: str, pulls: list[Span]) -> tuple[str, list[Span]]:
    """Drop stray spaces inside the marks of pull quotes (`incident, "` → `incident,"`).

    Returns the new text and the spans moved to match it. Only pull quotes are
    touched: an unpaired straight mark elsewhere must not glue words together.
    """
    if not pulls:
        return text, pulls
    parts: list[str] = []
    moved: list[Span] = []
    cursor = 0
    shift = 0
    for span in pulls:
        open_end = span.open_at + 1
        inner = text[open_end : span.close_at]
        stripped_left = inner.lstrip(" ")
        stripped = stripped_left.rstrip(" ") if span.closed else stripped_left
        parts.append(text[cursor:open_end])
        parts.append(stripped)
        new_open = span.open_at - shift
        shift += len(inner) - len(stripped)
        new_close = span.close_at - shift
        cursor = span.close_at
        moved.append(replace(span, open_at=new_open, close_at=new_close))
    parts.append(text[cursor:])
    return "".join(parts), moved


def inner_bounds(text: str, span: Span) -> tuple[int, int]:
    """Offsets of the quoted words: marks, edge spaces and a trailing comma left out."""
    start, end = span.open_at + 1, span.close_at
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    return start, end

"""Find pull quotes (attributed direct speech) in an article body.

News prose quotes people in a handful of fixed shapes: `"…," Gerasimov said`,
`"…," she added`, `Haley told the council: "…"`, `"…", according to RIA`,
`"…," said Jane Doe`. A quotation in one of those shapes that is a real clause
is a pull quote; a short phrase in quote marks with no speech verb beside it
("reliable information", urged Russia to "stop creating distractions") is a
scare quote and is left alone. A paragraph that is mostly one attributed
quotation becomes a `QUOTE` block so the reader can style it.

Speakers are reported by the fullest name the article gives anywhere
("Gerasimov" → "Valery Gerasimov", found by `speakers`), and pronouns ("he
said") resolve to the last person seen speaking.
Every pattern here is anchored or bounded, so the whole pass is linear in the
text length.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from newsreader.model.article import Block, BlockKind, Quote
from newsreader.parse.speakers import NAME_TOKEN, PARTICLE, UPPER, NameIndex, trim_name

_OPEN_ONLY = "“«„"
_STRAIGHT = '"'
_MARKS = re.compile(r'["“”«»„]')

_VERBS = (
    r"said|says|say|told|tells|added|adds|asked|asks|wrote|writes|explained|explains"
    r"|warned|warns|noted|notes|continued|continues|stated|states|argued|argues|insisted"
    r"|insists|replied|replies|declared|declares|claimed|claims|recalled|recalls|admitted"
    r"|admits|urged|urges|tweeted|posted|remarked|recounted|acknowledged|conceded|announced"
    r"|cautioned|suggested|suggests|observed|stressed|emphasised|emphasized|joked|laughed"
    r"|shouted|predicted|promised|vowed|countered|responded|agreed|confirmed|concluded"
    r"|pointed\s+out|went\s+on"
)
_ADVERB = r"(?:also|later|then|once|previously|recently|had|has|have|would|[a-z]+ly)"
_NAME = rf"{NAME_TOKEN}(?:\s+(?:{NAME_TOKEN}|{PARTICLE}(?=\s+[{UPPER}]))){{0,5}}"
_PRONOUN = r"(?:he|she|they|He|She|They)"
_DESCRIPTOR = r"(?:[Tt]he|[Aa]n?|[Oo]ne)\s+[a-z0-9][\w'’\-]*(?:\s+[a-z][\w'’\-]*){0,3}"
_ROLE_WORDS = r"(?:[a-z][\w'’\-]*\s+){0,3}"
_WHO = rf"(?P<who>{_PRONOUN}|{_ROLE_WORDS}{_NAME}|{_DESCRIPTOR})"
"""A pronoun, a name (maybe after a lowercase role: `chief forecaster Nkechi Okonkwo`),
or a description (`the spokesperson`)."""

_TAIL_SUBJECT_VERB = re.compile(
    rf"\s*,?\s*{_WHO}(?:,[^,\"“”\n]{{1,80}},)?\s+(?:{_ADVERB}\s+)?(?:{_VERBS})\b"
)
"""`"…," Gerasimov said` / `"…," he said` / `"…" Haley told …` / `"…," Doe, the mayor, said`."""

_TAIL_VERB_SUBJECT = re.compile(rf"\s*,?\s*(?:{_VERBS})\s+{_WHO}")
"""The inversion `"…," said Jane Doe.`"""

_TAIL_ACCORDING = re.compile(rf"\s*,?\s*according\s+to\s+{_WHO}")
"""`"…", according to RIA.`"""

_HEAD_WINDOW = 200
_HEAD_VERB = re.compile(rf"\b(?:{_VERBS})(?:\s+[^\"“”:;.!?\n]{{1,50}}?\s*[:,]|\s*[:,]?)\s*$")
"""The end of `X said: "`, `X said, "`, `X told reporters on Monday: "`, `X said "`."""

_HEAD_WHO = re.compile(rf"\b{_WHO},?\s+(?:{_ADVERB}\s+)?$")
"""Who stands right before that verb (searched only once the verb is found: cheap)."""

_HEAD_ACCORDING = re.compile(rf"\b[Aa]ccording\s+to\s+{_WHO}\s*,\s*$")

_SPEECH_EVENT = re.compile(
    rf"(?P<who>{_NAME})(?:,(?P<appos>[^,\"“”\n]{{1,120}}),)?,?\s+(?:{_ADVERB}\s+)?(?:{_VERBS})\b"
)
"""Anyone named as speaking, quoted or not: the referent for a later "he said"."""

_PRONOUN_RE = re.compile(_PRONOUN)
_DESCRIPTOR_RE = re.compile(_DESCRIPTOR)
_HAS_VERB = re.compile(rf"\b(?:{_VERBS})\b")
_MIN_CLAUSE_WORDS = 6
_QUOTE_BLOCK_RATIO = 0.55


@dataclass(slots=True)
class _Span:
    """One quotation in a block: positions of its marks, and what we learned about it."""

    open_at: int
    close_at: int  # index of the closing mark, or len(text) when unclosed
    closed: bool
    who: str | None = None
    kind: str = ""  # "name" | "pronoun" | "descriptor" | "" (unattributed)
    speaker: str | None = None
    pull: bool = False


@dataclass(slots=True)
class _BlockInfo:
    text: str
    spans: list[_Span] = field(default_factory=list)


def extract_quotes(
    blocks: list[Block], *, title: str = "", key_points: Sequence[str] = ()
) -> tuple[list[Block], list[Quote]]:
    """Return `blocks` with quotation paragraphs typed as QUOTE, and every pull quote found.

    The input list is not modified. `title` and `key_points` are only used to
    find the fullest form of each speaker's name.
    """
    names = NameIndex([title, *key_points, *(block.text for block in blocks)])
    infos: list[_BlockInfo | None] = []
    for block in blocks:
        if block.kind in (BlockKind.PARAGRAPH, BlockKind.QUOTE) and _has_marks(block.text):
            infos.append(_analyse(block.text))
        else:
            infos.append(None)
    _link_continuations(infos)
    _resolve_speakers(blocks, infos, names)

    out: list[Block] = []
    quotes: list[Quote] = []
    for index, (block, info) in enumerate(zip(blocks, infos, strict=True)):
        if info is None:
            out.append(block)
            continue
        pulls = [span for span in info.spans if span.pull]
        text, pulls = _normalise(info.text, pulls)
        out.append(_typed_block(block, text, pulls))
        for span in pulls:
            start, end = _inner_bounds(text, span)
            if end > start:
                quotes.append(Quote(text[start:end], span.speaker, index, start, end))
    return out, quotes


def apply_quotes(
    blocks: list[Block], *, title: str, key_points: Sequence[str], warnings: list[str]
) -> tuple[list[Block], list[Quote]]:
    """`extract_quotes` for parsers that must not fail because of it (feeds, web pages).

    Quotes are a nicety: a bug here must not make a feed unreadable, so its
    failures become a warning and the blocks come back untyped.
    """
    try:
        return extract_quotes(blocks, title=title, key_points=key_points)
    except Exception as exc:  # deliberately broad: see docstring
        warnings.append(f"quote detection failed ({type(exc).__name__}: {exc})")
        return blocks, []


def _has_marks(text: str) -> bool:
    """Any quote mark at all: six substring scans run 30x faster than one regex search."""
    return '"' in text or "“" in text or "”" in text or "«" in text or "»" in text or "„" in text


def _analyse(text: str) -> _BlockInfo:
    """Pair the quote marks of one block and read any attribution beside each quotation."""
    info = _BlockInfo(text, _pair_marks(text))
    previous: _Span | None = None
    for span in info.spans:
        _attribute(text, span)
        if not span.kind and previous is not None and previous.kind:
            between = text[previous.close_at + 1 : span.open_at]
            if len(between) <= 80 and _TAIL_SUBJECT_VERB.match(between[:80]) is not None:
                span.who, span.kind = previous.who, previous.kind  # `"A," she said. "B."`
        previous = span
    return info


def _pair_marks(text: str) -> list[_Span]:
    """Quotation spans from the marks in order: curly marks say which side they are,
    straight ones alternate. A quotation still open at the end runs to the end of
    the block (a quotation continued in the next paragraph)."""
    spans: list[_Span] = []
    open_at: int | None = None
    for match in _MARKS.finditer(text):
        mark, pos = match.group(), match.start()
        if mark in _OPEN_ONLY or (mark == _STRAIGHT and open_at is None):
            open_at = pos  # a second opener means the first was never closed: restart
        elif open_at is not None:
            spans.append(_Span(open_at, pos, closed=True))
            open_at = None
    if open_at is not None:
        spans.append(_Span(open_at, len(text), closed=False))
    return spans


def _attribute(text: str, span: _Span) -> None:
    """Look right after the closing mark, then right before the opening one, for a speaker."""
    if span.closed:
        tail = text[span.close_at + 1 : span.close_at + 200]
        for pattern in (_TAIL_SUBJECT_VERB, _TAIL_VERB_SUBJECT, _TAIL_ACCORDING):
            match = pattern.match(tail)
            if match and _accept_who(match.group("who")):
                span.who, span.kind = _classify(match.group("who"))
                return
    head = text[max(0, span.open_at - _HEAD_WINDOW) : span.open_at]
    verb = _HEAD_VERB.search(head)
    match = _HEAD_WHO.search(head, max(0, verb.start() - 120), verb.start()) if verb else None
    if match is None:
        match = _HEAD_ACCORDING.search(head)
    if match and _accept_who(match.group("who")):
        span.who, span.kind = _classify(match.group("who"))


def _accept_who(who: str) -> bool:
    """A subject is usable when it is a pronoun, holds a real name, or is a description
    (`the spokesperson`); a bare acronym or sentence word (`UN`, `Meanwhile`) is not."""
    if _PRONOUN_RE.fullmatch(who) or trim_name(who.split()):
        return True
    return _DESCRIPTOR_RE.fullmatch(who) is not None


def _classify(who: str) -> tuple[str, str]:
    """(subject, kind): a pronoun to resolve later, a person's name, or a description."""
    if _PRONOUN_RE.fullmatch(who):
        return who.lower(), "pronoun"
    if trim_name(who.split()):
        return who, "name"
    return " ".join(who.split()), "descriptor"


def _link_continuations(infos: list[_BlockInfo | None]) -> None:
    """Share attribution along a quotation continued over several paragraphs.

    Paragraph n ends with its quotation still open and paragraph n+1 opens with a
    quote mark: they are one statement, so whichever part names the speaker
    names it for all.
    """
    chain: list[_Span] = []
    for info in infos:
        spans = info.spans if info else []
        opens_quoted = info is not None and bool(spans)
        opens_quoted = opens_quoted and spans[0].open_at == _first_char(info.text if info else "")
        if chain and opens_quoted:
            chain.append(spans[0])
            if not spans[0].closed:
                continue  # the whole paragraph is still the same quotation
        _share(chain)
        chain = [spans[-1]] if spans and not spans[-1].closed else []
    _share(chain)


def _first_char(text: str) -> int:
    return len(text) - len(text.lstrip())


def _share(chain: list[_Span]) -> None:
    if len(chain) < 2:
        return
    source = next((span for span in chain if span.kind), None)
    if source is None:
        return
    for span in chain:
        if not span.kind:
            span.who, span.kind = source.who, source.kind
        span.pull = True  # a statement spanning paragraphs is never a scare quote


def _resolve_speakers(
    blocks: list[Block], infos: list[_BlockInfo | None], names: NameIndex
) -> None:
    """Give each attributed quotation its full speaker name and decide if it is a pull quote.

    Walks the article in reading order, remembering the last person named as
    speaking (quoted or not), which is who "he said" / "she added" refers to.
    """
    spans = [span for info in infos if info for span in info.spans]
    needs_referent = any(span.kind == "pronoun" for span in spans)
    last_named: str | None = None
    for block, info in zip(blocks, infos, strict=True):
        events = _speech_events(block.text) if needs_referent else []
        if info is None:
            last_named = events[-1][1] if events else last_named
            continue
        cursor = 0
        attributed = sum(span.close_at - span.open_at + 1 for span in info.spans if span.kind)
        mostly_quoted = attributed >= _QUOTE_BLOCK_RATIO * len(info.text.strip())
        for span in info.spans:
            while cursor < len(events) and events[cursor][0] < span.open_at:
                last_named = events[cursor][1]
                cursor += 1
            if span.kind == "name":
                span.speaker = names.resolve(span.who)
                last_named = span.speaker or last_named
            elif span.kind == "pronoun":
                span.speaker = names.resolve(last_named)
            elif span.kind == "descriptor":
                span.speaker = span.who
            if span.kind:
                span.pull = span.pull or mostly_quoted or _is_clause(info.text, span)
        if cursor < len(events):
            last_named = events[-1][1]


def _speech_events(text: str) -> list[tuple[int, str]]:
    """Where each person is named as speaking in `text` (offset, name as written), in order.

    Names are resolved only if a pronoun ends up pointing at them.
    """
    events: list[tuple[int, str]] = []
    if not _HAS_VERB.search(text):
        return events
    for match in _SPEECH_EVENT.finditer(text):
        tokens = trim_name(match.group("who").split())
        if not tokens and match.group("appos"):
            tokens = trim_name(match.group("appos").split())  # `the UN, Nikki Hailey, said`
        if tokens:
            events.append((match.start(), " ".join(tokens)))
    return events


def _is_clause(text: str, span: _Span) -> bool:
    """A statement rather than a scare-quoted phrase: long enough or a finished sentence."""
    inner = text[span.open_at + 1 : span.close_at].strip()
    if not span.closed:
        return len(inner.split()) >= 3
    return len(inner.split()) >= _MIN_CLAUSE_WORDS or inner[-1:] in (".", "!", "?", "…")


def _normalise(text: str, pulls: list[_Span]) -> tuple[str, list[_Span]]:
    """Drop stray spaces inside the marks of pull quotes (`incident, "` → `incident,"`).

    Returns the new text and the spans moved to match it. Only pull quotes are
    touched: an unpaired straight mark elsewhere must not glue words together.
    """
    if not pulls:
        return text, pulls
    parts: list[str] = []
    moved: list[_Span] = []
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


def _inner_bounds(text: str, span: _Span) -> tuple[int, int]:
    """Offsets of the quoted words: marks, edge spaces and a trailing comma left out."""
    start, end = span.open_at + 1, span.close_at
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    return start, end


def _typed_block(block: Block, text: str, pulls: list[_Span]) -> Block:
    """QUOTE when the block is mostly one speaker's quotation, else the block as it was."""
    quoted = sum(span.close_at - span.open_at + 1 for span in pulls)
    speakers = {span.speaker for span in pulls}
    if pulls and len(speakers) == 1 and quoted >= _QUOTE_BLOCK_RATIO * len(text.strip()):
        return Block(BlockKind.QUOTE, text, credit=block.credit, speaker=speakers.pop())
    return Block(block.kind, text, credit=block.credit, speaker=block.speaker)

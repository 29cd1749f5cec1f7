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
said") resolve to the latest person spoken of whose gender, as the article shows
it, fits. A quotation running over several paragraphs is one quote.
Every pattern is anchored or bounded, so the whole pass is linear in the text
length. The work is split by job: `quote_marks` pairs the marks,
`quote_patterns` holds the shapes of attribution, `quote_attribution` reads the
speaker each quotation is given, `quote_referents` settles who that is.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsreader.model.article import Block, BlockKind, Quote
from newsreader.parse.quote_attribution import analyse, from_previous_paragraph
from newsreader.parse.quote_marks import (
    BlockInfo,
    Span,
    count_marks,
    has_marks,
    inner_bounds,
    link_continuations,
    normalise,
)
from newsreader.parse.quote_patterns import QUOTE_BLOCK_RATIO
from newsreader.parse.quote_referents import resolve_speakers
from newsreader.parse.speakers import NameIndex

_QUOTABLE = (BlockKind.PARAGRAPH, BlockKind.QUOTE)
"""The kinds of block a quotation is looked for in (headings and captions are not)."""


_MOST_MARKS = 100_000
"""Quotation marks read in one article: a long story has a few hundred, a novel's dialogue
ten or twenty thousand. Each pair costs its attribution search, and a 3.5 MB text of nothing
but `" said` (500,000 marks) took 10 s; past this many the rest is read without quotations."""


def extract_quotes(
    blocks: list[Block], *, title: str = "", key_points: Sequence[str] = ()
) -> tuple[list[Block], list[Quote]]:
    """Return `blocks` with quotation paragraphs typed as QUOTE, and every pull quote found.

    The input list is not modified. `title` and `key_points` are only used to
    find the fullest form of each speaker's name.
    """
    infos: list[BlockInfo | None] = []
    marks = 0
    for block in blocks:
        if block.kind in _QUOTABLE and has_marks(block.text) and marks < _MOST_MARKS:
            marks += count_marks(block.text)
            infos.append(analyse(block.text) if marks < _MOST_MARKS else None)
        else:
            infos.append(None)
    if not any(infos):
        # No quotation anywhere (most feed entries): every later step would leave each
        # block as it is and find no quote, so skip them and the name index.
        return list(blocks), []
    names = NameIndex([title, *key_points, *(block.text for block in blocks)])
    link_continuations(infos)
    from_previous_paragraph(blocks, infos)
    resolve_speakers(blocks, infos, names)

    out: list[Block] = []
    quotes: list[Quote] = []
    for index, (block, info) in enumerate(zip(blocks, infos, strict=True)):
        if info is None:
            out.append(block)
            continue
        pulls = [span for span in info.spans if span.pull]
        text, pulls = normalise(info.text, pulls)
        out.append(_typed_block(block, text, pulls))
        for span in pulls:
            start, end = inner_bounds(text, span)
            if end > start and not span.continued:
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


def _typed_block(block: Block, text: str, pulls: list[Span]) -> Block:
    """QUOTE when the block is mostly one speaker's quotation, else the block as it was."""
    quoted = sum(span.close_at - span.open_at + 1 for span in pulls)
    speakers = {span.speaker for span in pulls}
    if pulls and len(speakers) == 1 and quoted >= QUOTE_BLOCK_RATIO * len(text.strip()):
        return Block(BlockKind.QUOTE, text, credit=block.credit, speaker=speakers.pop())
    return Block(block.kind, text, credit=block.credit, speaker=block.speaker)

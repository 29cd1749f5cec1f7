"""The reader's text as units and wrapped lines: what `ArticleView` paints from.

The article's layout (`render.layout`, which `newsreader show` and the
Markdown export draw too) becomes a list of *units* (title, meta line, key
points, each body block) built once as Rich `Text` with
`Text.append(str, style)` — never markup, so a title like
`[@click=app.quit]hi[/]` is shown literally. A unit is wrapped into lines of
(unit, start, end) offsets once per width, so painting a line is a slice of
its unit and find is a regex pass over the units, never a re-render.

Kept apart from the widget so the building and wrapping can be read (and
tested) without Textual's scrolling and caching around them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text

from newsreader.model.article import Article
from newsreader.render.layout import (
    BRIEF_LABEL,
    BlockQuote,
    Brief,
    Caption,
    Heading,
    KeyPoints,
    Link,
    Links,
    Media,
    Meta,
    Paragraph,
    Title,
    article_layout,
    credit_label,
)
from newsreader.ui.compat import divide_line

MAX_MEASURE = 96
"""Widest text column: long lines are hard to read at 200 columns, so the text is centred."""
QUOTE_BAR = "▌ "
BULLET = "• "

StyleFor = Callable[[str], Style]
"""A component style by its short name (`paragraph` for `article-view--paragraph`)."""


@dataclass(slots=True)
class Unit:
    """A wrappable piece of the article with the decoration around each of its lines."""

    text: Text
    prefix: tuple[str, str] = ("", "")
    """Text before the first line, and before the following lines."""
    prefix_style: str = ""
    boxed: bool = False
    """Draw inside the key points box (side borders, tinted fill)."""
    searchable: bool = True
    rule: str | None = None
    """A decoration line instead of text: 'top:Label' or 'bottom' of the box, or 'blank'."""
    block: int | None = None
    """Index into `Article.blocks` for the first unit of a body block."""


@dataclass(slots=True)
class Line:
    unit: int
    start: int
    end: int
    first: bool


@dataclass(slots=True)
class Layout:
    width: int
    lines: list[Line] = field(default_factory=list)
    first_line: list[int] = field(default_factory=list)
    """Index of each unit's first line, so a match maps to its line without a scan."""


def wrap_offsets(plain: str, width: int) -> list[tuple[int, int]]:
    """Line spans of `plain` word-wrapped at `width` cells (hard newlines kept)."""
    spans: list[tuple[int, int]] = []
    position = 0
    for piece in plain.split("\n"):
        if piece:
            breaks = (
                _ascii_breaks(piece, max(1, width))
                if piece.isascii() and "\t" not in piece
                else divide_line(piece, max(1, width), fold=True)
            )
            bounds = [0, *breaks, len(piece)]
            for start, end in pairwise(bounds):
                if end > start:
                    spans.append((position + start, position + end))
        else:
            spans.append((position, position))
        position += len(piece) + 1
    return spans or [(0, 0)]


def _ascii_breaks(piece: str, width: int) -> list[int]:
    """`rich`'s `divide_line` for one-cell-per-character text, a line at a time.

    Rich measures every word; a 100k-word article spent most of its opening
    time there. For ASCII the last space within the width is one `rfind`.
    """
    breaks: list[int] = []
    start = 0
    size = len(piece)
    while size - start > width:
        cut = piece.rfind(" ", start, start + width + 1)
        if cut <= start:
            following = start + width  # a word longer than the line: fold it
        else:
            following = cut + 1
            while following < size and piece[following] == " ":
                following += 1
        if following >= size:
            break
        breaks.append(following)
        start = following
    return breaks


def build_units(article: Article, style: StyleFor, *, brief: bool = False) -> list[Unit]:
    """Turn the article's layout into styled units; untrusted text only goes through append.

    The reader draws neither the link nor the pull quotes list (the bar
    and `Q` show those); it names who is quoted under each paragraph.
    With `brief`, an article without key points gets the generated brief.
    """
    units: list[Unit] = []
    blank = Unit(Text(""), searchable=False, rule="blank")
    for element in article_layout(article, brief=brief):
        if isinstance(element, Paragraph):
            text = Text()
            text.append(element.text, style("paragraph"))
            if element.quotes:
                inline = style("inline-quote")
                for span in element.quotes:
                    text.stylize(inline, span.start, span.end)
            units.append(Unit(text, block=element.block))
            for speaker in element.speakers:
                line = Text()
                line.append(f"— {speaker}", style("speaker"))
                units.append(Unit(line, prefix=("  ", "  ")))
            units.append(blank)
        elif isinstance(element, Heading):
            text = Text()
            text.append(element.text, style("heading"))
            units.append(Unit(text, block=element.block))
            units.append(blank)
        elif isinstance(element, Caption):
            text = Text()
            text.append(element.text, style("caption"))
            if element.credit:
                text.append("  ")
                text.append(credit_label(element.credit), style("credit"))
            units.append(
                Unit(text, prefix=("◩ ", "  "), prefix_style="caption", block=element.block)
            )
            units.append(blank)
        elif isinstance(element, BlockQuote):
            text = Text()
            text.append(element.text, style("quote"))
            bar = (QUOTE_BAR, QUOTE_BAR)
            units.append(Unit(text, prefix=bar, prefix_style="quote-bar", block=element.block))
            if element.attribution:
                line = Text()
                line.append(f"— {element.attribution}", style("speaker"))
                units.append(Unit(line, prefix=bar, prefix_style="quote-bar"))
            units.append(blank)
        elif isinstance(element, Title):
            title = Text()
            title.append(element.text, style("title"))
            units.append(Unit(title))
        elif isinstance(element, Meta):
            units.append(Unit(Text(element.text, style("meta"))))
            units.append(blank)
        elif isinstance(element, Link | Media | Links):
            _link_units(element, units, blank, style)
        elif isinstance(element, KeyPoints):
            units.append(Unit(Text(""), searchable=False, rule="top:Key points"))
            for point in element.points:
                text = Text()
                text.append(point, style("box"))
                units.append(Unit(text, prefix=(BULLET, "  "), prefix_style="bullet", boxed=True))
            units.append(Unit(Text(""), searchable=False, rule="bottom"))
            units.append(blank)
        elif isinstance(element, Brief):
            _brief_units(element, units, blank, style)
    return units


def _brief_units(element: Brief, units: list[Unit], blank: Unit, style: StyleFor) -> None:
    """The generated brief: a labelled list in italics, never the key points' box, so it
    cannot be taken for the article's own summary. Not searchable: its sentences are
    also in the body, and find would count every match there twice."""
    units.append(Unit(Text(BRIEF_LABEL, style("box-title")), searchable=False))
    sentence_style = style("paragraph") + Style(italic=True)
    for sentence in element.sentences:
        text = Text()
        text.append(sentence, sentence_style)
        units.append(Unit(text, prefix=("◦ ", "  "), prefix_style="bullet", searchable=False))
    units.append(blank)


def _link_units(
    element: Link | Media | Links, units: list[Unit], blank: Unit, style: StyleFor
) -> None:
    """The URL and enclosures under the meta line (the article's header), and the
    numbered links at the end, which `l` + a digit opens."""
    meta = style("meta")
    if isinstance(element, Links):
        units.append(Unit(Text("Links", style("heading"))))
        for number, (label, url) in enumerate(element.links, start=1):
            text = Text()
            text.append(label, style("paragraph"))
            text.append(f"  {url}", meta)
            mark = f"[{number}] "
            units.append(Unit(text, prefix=(mark, " " * len(mark)), prefix_style="bullet"))
        units.append(blank)
        return
    header: list[Unit] = []
    if isinstance(element, Link):
        header.append(Unit(Text(element.url, meta)))
    else:
        for url, label in element.items:
            header.append(Unit(Text(f"▶ {label}  {url}", meta)))
    # Right under the meta line, before the blank line that closes the header.
    at = len(units) - 1 if units and units[-1] is blank else len(units)
    units[at:at] = header


def geometry(width: int) -> tuple[int, int]:
    """(left margin, text column width) for a view `width` cells wide."""
    measure = min(width - 2, MAX_MEASURE)
    margin = max(1, (width - measure) // 2)
    return margin, measure


def lay_out(units: list[Unit], width: int) -> Layout:
    """Every unit wrapped into lines for a view `width` cells wide."""
    _, measure = geometry(width)
    layout = Layout(width)
    for number, unit in enumerate(units):
        layout.first_line.append(len(layout.lines))
        if unit.rule is not None:
            layout.lines.append(Line(number, 0, 0, True))
            continue
        inner = measure - cell_len(unit.prefix[0])
        if unit.boxed:
            inner -= 4
        for i, (start, end) in enumerate(wrap_offsets(unit.text.plain, inner)):
            layout.lines.append(Line(number, start, end, i == 0))
    return layout


def line_at(layout: Layout, unit: int, offset: int) -> int:
    """The layout line showing character `offset` of `unit`."""
    if not 0 <= unit < len(layout.first_line):
        return 0
    number = layout.first_line[unit]
    lines = layout.lines
    while (
        number + 1 < len(lines)
        and lines[number + 1].unit == unit
        and lines[number + 1].start <= offset
    ):
        number += 1
    return number

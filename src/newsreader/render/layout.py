"""The one article layout: an article as an ordered list of display elements.

Why: the reader, `newsreader show` and the Markdown export each used to walk
`Article.blocks` themselves and decide on their own which quote belongs to
which paragraph, which spans fit their text and who a quote block is
attributed to. Now those decisions are made here, once; each renderer only
says how an element looks (`render.terminal` as Rich `Text`, `render.markdown`
as Markdown, `ui.widgets.article_view` as styled units on screen) and which
elements it draws at all (only `show` prints the link and the pull quotes).

No Textual and no Rich: plain values built in one pass over the blocks, so
the reader's open path pays one small tuple per block for them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from newsreader.model.article import Article, BlockKind, Quote
from newsreader.render.brief import generated_brief

if TYPE_CHECKING:
    from newsreader.model.library import StoredArticle

_LABELLED_CREDIT = re.compile(
    r"^\W*(?:photo|picture|pictured|image|illustrat|credit|video|graphic|©|\(c\)|copyright)",
    re.I,
)
"""A credit that already says what it credits ("Photograph: …", "© …") gets no "Photo:"."""


def credit_label(credit: str) -> str:
    """`Photo: Jory Pascoe`, but `Photograph: Jory Pascoe` stays as it is (never doubled)."""
    credit = credit.strip()
    return credit if _LABELLED_CREDIT.match(credit) else f"Photo: {credit}"


class QuoteSpan(NamedTuple):
    """Quoted words inside a block's text: `text[start:end]`, said by `speaker`."""

    start: int
    end: int
    speaker: str | None


class Title(NamedTuple):
    text: str


class Meta(NamedTuple):
    """`source · date · words · minutes`, and the library state when there is one."""

    text: str
    unread: bool = False
    bookmarked: bool = False


class Link(NamedTuple):
    """The article's URL (only when it has one)."""

    url: str


class KeyPoints(NamedTuple):
    """The bullet summary the story opens with (only when it has one)."""

    points: tuple[str, ...]


BRIEF_LABEL = "In brief (generated)"
"""Every renderer labels a `Brief` with this, so it is never taken for the article's own words."""


class Brief(NamedTuple):
    """Up to three of the article's sentences chosen by `render.brief`, for an article with
    no key points of its own (only when the caller asks for it)."""

    sentences: tuple[str, ...]


class Heading(NamedTuple):
    block: int
    """Index into `Article.blocks` (every body element carries one)."""
    text: str


class Paragraph(NamedTuple):
    block: int
    text: str
    quotes: tuple[QuoteSpan, ...] = ()
    """Pull quotes inside this paragraph, only those whose offsets fit its text."""
    speakers: tuple[str, ...] = ()
    """Who those quotes are by, each once, leaving out names the paragraph already says."""


class Caption(NamedTuple):
    block: int
    text: str
    credit: str | None = None
    """As the source gave it; `credit_label` turns it into `Photo: …` for the reader."""


class BlockQuote(NamedTuple):
    """A paragraph that is essentially one attributed quotation."""

    block: int
    text: str
    speaker: str | None = None
    """The block's own attribution."""
    attribution: str | None = None
    """The block's own attribution, else the first speaker of a pull quote found in it."""


class Media(NamedTuple):
    """The entry's enclosures (podcast, video), each `(url, "audio/mpeg · 12.3 MB")`."""

    items: tuple[tuple[str, str], ...]


class Links(NamedTuple):
    """The links inside the article, numbered from 1 in this order (only when it has some)."""

    links: tuple[tuple[str, str], ...]


class PullQuotes(NamedTuple):
    """Every pull quote in article order (only when there are some)."""

    quotes: tuple[Quote, ...]


Element = (
    Title
    | Meta
    | Link
    | Media
    | KeyPoints
    | Brief
    | Heading
    | Paragraph
    | Caption
    | BlockQuote
    | PullQuotes
    | Links
)
BodyElement = Heading | Paragraph | Caption | BlockQuote


def stored_layout(stored: StoredArticle, *, brief: bool = False) -> Iterator[Element]:
    """`article_layout` with the library state (unread, bookmarked) on the meta line."""
    return article_layout(
        stored.article, unread=not stored.read, bookmarked=stored.bookmarked, brief=brief
    )


def article_layout(
    article: Article, *, unread: bool = False, bookmarked: bool = False, brief: bool = False
) -> Iterator[Element]:
    """The article's elements in reading order.

    Title, meta, link, enclosures, key points (or, with `brief`, the
    generated brief of an article that has none), body, pull quotes, then
    the numbered links. `brief` is off unless asked for: the reader and
    `show` ask when `config.toml` allows it; the Markdown export never does,
    since an export holds what the article said.
    """
    yield Title(article.title)
    yield Meta(article.meta_line(), unread, bookmarked)
    if article.url:
        yield Link(article.url)
    if article.enclosures:
        yield Media(
            tuple(
                (item.url, enclosure_label(item.type, item.length)) for item in article.enclosures
            )
        )
    if article.key_points:
        yield KeyPoints(tuple(article.key_points))
    elif brief:
        sentences = generated_brief(article)
        if sentences:
            yield Brief(sentences)
    yield from body_layout(article)
    if article.quotes:
        yield PullQuotes(tuple(article.quotes))
    if article.links:
        yield Links(tuple(article.links))


def human_size(length: int | None) -> str:
    """`12.3 MB`, `640 KB`, `512 B`; "" when the feed gave no size."""
    if not length or length < 0:
        return ""
    size = float(length)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit in ("B", "KB") else f"{size:.1f} {unit}"
        size /= 1000
    return ""  # unreachable: GB ends the loop


def enclosure_label(kind: str, length: int | None) -> str:
    """`audio/mpeg · 12.3 MB`: what an enclosure is and how big the feed says it is."""
    return " · ".join(part for part in (kind or "media", human_size(length)) if part)


def body_layout(article: Article) -> Iterator[BodyElement]:
    """One element per body block, with the pull quotes each block holds."""
    inline: dict[int, list[QuoteSpan]] = {}
    for quote in article.quotes:
        inline.setdefault(quote.block, []).append(QuoteSpan(quote.start, quote.end, quote.speaker))
    for number, block in enumerate(article.blocks):
        kind = block.kind
        text = block.text
        if kind == BlockKind.HEADING:
            yield Heading(number, text)
        elif kind == BlockKind.CAPTION:
            yield Caption(number, text, block.credit)
        elif kind == BlockKind.QUOTE:
            attribution = block.speaker or next(
                (span.speaker for span in inline.get(number, ()) if span.speaker), None
            )
            yield BlockQuote(number, text, block.speaker, attribution)
        else:
            spans = inline.get(number)
            if not spans:
                yield Paragraph(number, text)
                continue
            size = len(text)
            fitting = tuple(span for span in spans if 0 <= span.start < span.end <= size)
            speakers: list[str] = []
            for span in fitting:
                speaker = span.speaker
                if speaker and speaker not in speakers and speaker not in text:
                    speakers.append(speaker)
            yield Paragraph(number, text, fitting, tuple(speakers))

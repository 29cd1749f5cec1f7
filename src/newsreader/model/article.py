"""The one article model every source is parsed into.

Plain-text dumps, HTML pages and feed entries all become an `Article`: a title,
where it came from, its key points (the bullet summary a news story opens
with), its body as a list of typed `Block`s, and the pull quotes found in that
body with who said them. Nothing here does I/O, so parsers, the store, the CLI
and the UI can all share it without dragging each other in.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, NamedTuple

WORDS_PER_MINUTE = 230
"""Reading speed used for `Article.reading_minutes` (adult silent reading of news prose)."""


def reading_minutes(words: int) -> int:
    """Whole minutes at `WORDS_PER_MINUTE`, at least 1 for any non-empty article."""
    return max(1, math.ceil(words / WORDS_PER_MINUTE)) if words else 0


_CJK_LETTERS = (
    "\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\uff66-\uff9f\U00020000-\U0002fa1f"
)
"""Han, kana: scripts written without spaces between words (Hangul uses spaces)."""
_CJK_PUNCTUATION = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"


@functools.cache
def _cjk_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(a run of CJK letters, a run of CJK letters or punctuation), compiled when first needed.

    Why not at import: the two character classes take about 2 ms to compile, and
    every launch of the reader imports this module before its first paint,
    while most libraries never hold a CJK character.
    """
    return (
        re.compile(f"[{_CJK_LETTERS}]+"),
        re.compile(f"[{_CJK_LETTERS}{_CJK_PUNCTUATION}]+"),
    )


def count_words(text: str) -> int:
    """Words in `text`: whitespace-separated, plus CJK characters at 1.5 per word.

    Chinese and Japanese put no spaces between words, so splitting counted a
    whole paragraph as one word. A Chinese word averages about 1.5 characters,
    and that ratio also makes `WORDS_PER_MINUTE` read about 345 characters a
    minute, a typical speed for Chinese and Japanese prose. It runs for every
    imported article: text without CJK costs one `split` (and one regex scan
    when it is not ASCII).
    """
    if text.isascii():
        return len(text.split())
    letters, separators = _cjk_patterns()
    if letters.search(text) is None:
        return len(text.split())
    characters = sum(len(run) for run in letters.findall(text))
    return len(separators.sub(" ", text).split()) + (2 * characters + 2) // 3


class BlockKind(StrEnum):
    """What a body block is; the reader styles each kind differently."""

    PARAGRAPH = "paragraph"
    HEADING = "heading"
    CAPTION = "caption"
    QUOTE = "quote"


@dataclass(slots=True)
class Block:
    """One piece of an article body.

    `credit` is set on captions (`Name | Agency | Getty Images`); `speaker` on
    quote blocks, i.e. paragraphs that are essentially one attributed quotation.
    """

    kind: BlockKind
    text: str
    credit: str | None = None
    speaker: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": str(self.kind), "text": self.text}
        if self.credit is not None:
            data["credit"] = self.credit
        if self.speaker is not None:
            data["speaker"] = self.speaker
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Block:
        return cls(
            kind=BlockKind(data["kind"]),
            text=data["text"],
            credit=data.get("credit"),
            speaker=data.get("speaker"),
        )


@dataclass(slots=True)
class Quote:
    """A direct quotation (a pull quote), as opposed to a scare-quoted phrase.

    `block` indexes `Article.blocks`; `start`/`end` are character offsets of the
    quoted words inside that block's text, so a reader can highlight them in
    place. `speaker` is the fullest name the article gives, or None when the
    article never says who spoke.
    """

    text: str
    speaker: str | None
    block: int
    start: int = 0
    end: int = 0

    def to_dict(self) -> dict[str, Any]:
        # Not dataclasses.asdict: its deep-copying recursion showed in import profiles.
        return {name: getattr(self, name) for name in self.__slots__}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Quote:
        return cls(
            text=data["text"],
            speaker=data.get("speaker"),
            block=int(data["block"]),
            start=int(data.get("start", 0)),
            end=int(data.get("end", 0)),
        )


class Enclosure(NamedTuple):
    """A feed entry's attached media (a podcast episode, a video): http(s) only.

    `length` is the size in bytes the feed claims (None when it gives none or
    nonsense); it is shown, never trusted for anything else.
    """

    url: str
    type: str = ""
    length: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "type": self.type, "length": self.length}


@dataclass(slots=True)
class Article:
    """A parsed article, independent of where it came from and of its library state."""

    title: str
    blocks: list[Block] = field(default_factory=list)
    key_points: list[str] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    source: str = ""
    url: str | None = None
    published: datetime | None = None
    guid: str | None = None
    """Stable identity from a feed (guid/id or link); None for files."""
    warnings: list[str] = field(default_factory=list)
    """Non-fatal notes from parsing (e.g. decoded as cp1252); never stored."""
    links: list[tuple[str, str]] = field(default_factory=list)
    """(text, url) of the links inside the article, http(s) only, in reading order.

    Kept apart from the blocks (which are plain text) so the reader can number
    them; not part of `content_hash`, so a library's dedup keys stay stable.
    """
    enclosures: list[Enclosure] = field(default_factory=list)
    """Media a feed entry carries (podcasts, video); not part of `content_hash`."""
    author: str | None = None
    """Who wrote it, as a feed entry names them (filters match it); not part of `content_hash`."""

    @property
    def body_text(self) -> str:
        """All block text, one block per paragraph: what search and word counts see."""
        parts: list[str] = []
        for block in self.blocks:
            parts.append(block.text)
            if block.credit:
                parts.append(block.credit)
        return "\n\n".join(parts)

    @property
    def words(self) -> int:
        """Words in the key points and body (captions' credits excluded)."""
        count = sum(count_words(point) for point in self.key_points)
        count += sum(count_words(block.text) for block in self.blocks)
        return count

    @property
    def reading_minutes(self) -> int:
        return reading_minutes(self.words)

    def meta_line(self) -> str:
        """`source · 12 Mar 2026 · 642 words · 3 min read`: the header line of every view."""
        parts = [self.source] if self.source else []
        if self.published:
            parts.append(self.published.strftime("%d %b %Y"))
        parts.append(f"{self.words:,} words")
        parts.append(f"{self.reading_minutes} min read")
        return " · ".join(parts)

    def content_hash(self) -> str:
        """Identity of the content for deduplication: same text, same hash.

        Source, URL and date are left out on purpose, so the same story imported
        from two copies of a file is stored once.
        """
        import hashlib  # only imports and refreshes hash; the reader starts without it

        digest = hashlib.sha256()
        for part in (self.title, *self.key_points):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\x1f")
        for block in self.blocks:
            digest.update(f"{block.kind}\x1e{block.text}\x1e{block.credit or ''}".encode())
            digest.update(b"\x1f")
        return digest.hexdigest()

    def to_dict(self, *, include_blocks: bool = True) -> dict[str, Any]:
        """The JSON shape documented in the README (without library state)."""
        data: dict[str, Any] = {
            "title": self.title,
            "source": self.source,
            "url": self.url,
            "published": self.published.isoformat() if self.published else None,
            "words": self.words,
            "reading_minutes": self.reading_minutes,
            "key_points": list(self.key_points),
        }
        if include_blocks:
            data["blocks"] = [block.to_dict() for block in self.blocks]
            data["quotes"] = [quote.to_dict() for quote in self.quotes]
            data["links"] = [{"text": text, "url": url} for text, url in self.links]
            data["enclosures"] = [enclosure.to_dict() for enclosure in self.enclosures]
        return data

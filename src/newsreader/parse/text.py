"""Parse plain-text article dumps into an `Article`.

A saved news page reduced to text has a recognisable shape: some page debris
(a lone `×` from a close button), the headline, a few `•` key points, then
paragraphs separated by blank lines, with short unpunctuated lines acting as
subheadings and photo captions printed twice around a `Name | Agency | Getty
Images` credit. This module recovers that structure; `quotes.py` then finds the
pull quotes.

The input is untrusted: `parse_text` cleans it once, whole, before splitting it
(the trust boundary, see `sanitize`), so every field is a piece of clean text;
nothing but `ParseError` may escape (the property tests hold us to it), and every regex is
linear so a 100k-word dump parses in well under a second.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

from newsreader.errors import ParseError
from newsreader.limits import MAX_DOCUMENT_BYTES, first_blocks
from newsreader.model.article import Article, Block, BlockKind
from newsreader.parse.decode import decode_document, too_large
from newsreader.parse.quotes import extract_quotes
from newsreader.parse.text_furniture import (
    byline_author,
    is_furniture,
    is_key_points_label,
    is_page_top,
    is_related_label,
)
from newsreader.sanitize import clean_line, clean_text

_HAS_WORD = re.compile(r"[^\W_]")
"""A letter or digit in any script: a line without one is debris."""

_BULLET = re.compile(r"^\s*(?:[•·▪●◦‣■□➤►]\s*|[-*–—]\s+)(?=\S)")
"""Key-point bullets: the seed's `•`, plus the ASCII and dash bullets other dumps use."""
_NUMBERED = re.compile(r"^\s*(\d{1,2})[.)]\s+(?=\S)")
"""Numbered key points (`1. `, `2) `): taken only as a list counting up from 1."""

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")
_QUOTE_START = re.compile(r"^[\"“”‘’'«»]")

_TITLE_MAX_WORDS = 25
_TITLE_MAX_CHARS = 200
_HEADING_MAX_WORDS = 12
_FALLBACK_TITLE_CHARS = 80

_AGENCIES = (
    "getty images", "ap photo", "ap", "reuters", "afp", "epa", "epa-efe", "shutterstock",
    "bloomberg", "alamy", "pa", "pa images", "pa wire", "pa media", "nurphoto", "anadolu",
    "anadolu agency", "xinhua", "dpa", "tass", "sipa", "sipa usa", "corbis", "istock",
    "unsplash", "nasa", "efe", "ansa", "folhapress", "europa press", "kyodo", "kyodo news",
    "yonhap", "aap", "imago", "picture alliance", "picture-alliance", "keystone", "belga", "anp",
    "lusa", "zuma press", "associated press", "the associated press", "ap images", "abaca",
    "abacapress", "the canadian press", "sopa images", "lightrocket", "wenn",
)  # fmt: skip
"""Photo agencies whose name ends a credit line (lower case, words single-spaced)."""
_CREDIT_PREFIX = re.compile(
    r"^(?:©|\(c\)|(?:photo(?:graph)?|image|picture|credit|illustration|foto(?:grafía)?|bild"
    r"|imagen|graphic|source|courtesy)s?(?:\s+credit)?\s*[:/]"
    r"|(?:photo(?:graph)?|image|picture|illustration|graphic)s?\s+(?:by|courtesy(?:\s+of)?)\s)",
    re.IGNORECASE,
)
_PIPE = re.compile(r"\s*\|\s*")
_TRAILING_CREDIT = re.compile(
    r"(?P<text>[^()]{10,400}[.!?])\s*(?P<credit>\((?:photo(?:graph)?|image|picture|credit|"
    r"illustration|foto)s?(?:\s+by|\s*:)\s[^()]{2,100}\))",
    re.IGNORECASE,
)
"""A caption with its credit in brackets on the same line, as agencies print it."""


def decode_text(data: bytes, *, name: str) -> tuple[str, list[str]]:
    """Decode a text file's bytes, saying how (as warnings) when it was not clean UTF-8.

    Text files declare no charset and have no markup to tell a wrong file by,
    so binary data is refused; the rest is `decode.decode_document`'s order.
    """
    return decode_document(data, name=name, refuse_binary=True)


def parse_text_file(path: str | os.PathLike[str]) -> Article:
    """Read, decode and parse one article file; every failure is a one-line `ParseError`."""
    file = Path(path)
    name = file.name or str(file)
    try:
        info = file.stat()
        if stat.S_ISDIR(info.st_mode):
            raise ParseError(f"{file}: is a directory, not a text file")
        if info.st_size > MAX_DOCUMENT_BYTES:
            raise too_large(str(file), info.st_size)
        with file.open("rb") as handle:
            data = handle.read(MAX_DOCUMENT_BYTES + 1)  # a file growing under us stays capped
    except FileNotFoundError:
        raise ParseError(f"{file}: no such file") from None
    except IsADirectoryError:
        raise ParseError(f"{file}: is a directory, not a text file") from None
    except PermissionError:
        raise ParseError(f"{file}: permission denied") from None
    except OSError as exc:
        raise ParseError(f"{file}: cannot read ({exc.strerror or exc})") from None
    text, warnings = decode_text(data, name=name)
    article = parse_text(text, source=name)
    article.warnings.extend(warnings)
    return article


def parse_text(text: str, *, source: str = "") -> Article:
    """Turn one plain-text dump into an `Article` (title, key points, typed blocks, quotes).

    Raises `ParseError` only when the text holds no words at all; any other
    input, however odd, gives an article, because one malformed file must not
    stop an import of thousands.
    """
    # The trust boundary for plain text: cleaned once, whole, before it is split, so an
    # escape sequence spanning lines goes entirely and every piece cut from it is clean.
    source = clean_line(source)
    paragraphs = list(_paragraphs(clean_text(text)))
    if not paragraphs:
        prefix = f"{source}: " if source else ""
        raise ParseError(f"{prefix}empty file, no words to read")
    paragraphs, author = _without_furniture(paragraphs)
    title, paragraphs = _take_title(paragraphs)
    key_points, paragraphs = _take_key_points(paragraphs)
    warnings: list[str] = []
    paragraphs = first_blocks(paragraphs, warnings)
    blocks = first_blocks(_body_blocks(paragraphs), warnings)  # credit lines make many each
    if not title:
        title = _fallback_title(blocks, key_points, source)
    blocks, quotes = extract_quotes(blocks, title=title, key_points=key_points)
    return Article(
        title=title,
        blocks=blocks,
        key_points=key_points,
        quotes=quotes,
        source=source,
        author=author,
        warnings=warnings,
    )


def _paragraphs(text: str) -> Iterator[list[str]]:
    """Blank-line separated groups of lines, debris-only lines dropped.

    Lines keep their leading whitespace (bullets are recognised by it); inner
    whitespace runs are collapsed later, per use.
    """
    group: list[str] = []
    for raw in text.split("\n"):
        line = raw.rstrip()
        if not line.strip():
            if group:
                yield group
                group = []
            continue
        if _HAS_WORD.search(line):
            group.append(line)
    if group:
        yield group


def _without_furniture(paragraphs: list[list[str]]) -> tuple[list[list[str]], str | None]:
    """The paragraphs without furniture lines (`text_furniture`), and the byline's names.

    The first byline names the author; every byline line goes, as a heading it
    would otherwise become. Text made only of furniture is left as it is: an
    article of nothing is no better reading than the furniture.
    """
    author: str | None = None
    kept: list[list[str]] = []
    for lines in paragraphs:
        if is_related_label(_squash(lines[0])) and all(map(_is_link_line, lines[1:])):
            continue  # "Read next" and the headlines of the other stories it links
        remaining = []
        for line in lines:
            squashed = _squash(line)
            if len(squashed) <= 200 and not _BULLET.match(line):
                if is_furniture(squashed):
                    continue
                names = byline_author(squashed)
                if names is not None:
                    author = author or names
                    continue
            remaining.append(line)
        if remaining:
            kept.append(remaining)
    return (kept, author) if kept else (paragraphs, None)


def _is_link_line(line: str) -> bool:
    """A line under a "Read next" label: another story's headline, not a sentence of this one."""
    squashed = _squash(line)
    return len(squashed.split()) <= _TITLE_MAX_WORDS and squashed[-1] not in ".;:,"


def _squash(line: str) -> str:
    """One line with whitespace runs collapsed (tabs, non-breaking spaces and all)."""
    return " ".join(line.split())


def _join(lines: list[str]) -> str:
    """A paragraph's lines as one text: hard-wrapped prose joins with spaces, lists keep lines."""
    if len(lines) > 1 and any(_BULLET.match(line) for line in lines[1:]):
        return "\n".join(_squash(line) for line in lines)
    return _squash(" ".join(lines))


def _take_title(paragraphs: list[list[str]]) -> tuple[str, list[list[str]]]:
    """Split off the headline, or return "" when the first line does not look like one."""
    while len(paragraphs) > 1 and len(paragraphs[0]) == 1:
        if not is_page_top(_squash(paragraphs[0][0])):
            break
        following = paragraphs[1][0]
        if not _looks_like_title(following) or is_page_top(_squash(following)):
            break
        paragraphs = paragraphs[1:]  # a top bar or a section's kicker above the headline
    first = paragraphs[0]
    line = _squash(first[0])
    if not _looks_like_title(first[0]):
        return "", paragraphs
    rest = paragraphs[1:]
    if len(first) > 1:
        rest = [first[1:], *rest]
    return line, rest


def _looks_like_title(raw: str) -> bool:
    """A headline is one short line that is not a bullet, a credit or a finished long sentence."""
    if _BULLET.match(raw):
        return False
    line = _squash(raw)
    words = line.split()
    if len(words) > _TITLE_MAX_WORDS or len(line) > _TITLE_MAX_CHARS:
        return False
    if _is_credit(line, alone=True):
        return False
    return not (line[-1] in ".;:," and len(words) > _HEADING_MAX_WORDS)


def _take_key_points(paragraphs: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """Collect the bullet lines that open the body, after a label ("Key points") if one heads them.

    Bullets may come as one block or as several blank-separated blocks, and as
    numbers counting up from 1. A line without a bullet continues the last point
    when it is indented or that point has not ended its sentence (a hard-wrapped
    point); otherwise it is the story starting with no blank line before it.
    The first block that does not open with a bullet ends the key points.
    """
    paragraphs = _without_label(paragraphs)
    points: list[str] = []
    index = 0
    numbered = bool(paragraphs) and _numbered_list(paragraphs[0])
    while index < len(paragraphs) and _point_start(paragraphs[index][0], numbered):
        lines = paragraphs[index]
        for at, line in enumerate(lines):
            marker = _point_start(line, numbered)
            if marker:
                points.append(_squash(line[marker:]))
            elif line[:1].isspace() or points[-1][-1:] not in '.!?…"”’':
                points[-1] = f"{points[-1]} {_squash(line)}"
            else:
                return [p for p in points if p], [lines[at:], *paragraphs[index + 1 :]]
        index += 1
    return [point for point in points if point], paragraphs[index:]


def _without_label(paragraphs: list[list[str]]) -> list[list[str]]:
    """`paragraphs` without a "Key points" label line when bullets follow it."""
    if not paragraphs or not is_key_points_label(_squash(paragraphs[0][0])):
        return paragraphs
    rest = [paragraphs[0][1:], *paragraphs[1:]] if len(paragraphs[0]) > 1 else paragraphs[1:]
    if rest and (_BULLET.match(rest[0][0]) or _numbered_list(rest[0])):
        return rest
    return paragraphs


def _numbered_list(lines: list[str]) -> bool:
    """True when a block opens with `1.` and its next numbered line (if any) is `2.`."""
    first = _NUMBERED.match(lines[0])
    if first is None or first.group(1) != "1":
        return False
    for line in lines[1:]:
        following = _NUMBERED.match(line)
        if following is not None:
            return following.group(1) == "2"
    return True


def _point_start(line: str, numbered: bool) -> int:
    """Where a key point's text starts on `line` (after its bullet or number), else 0."""
    found = _BULLET.match(line) or (_NUMBERED.match(line) if numbered else None)
    return found.end() if found else 0


def _body_blocks(paragraphs: list[list[str]]) -> list[Block]:
    """Type each paragraph: caption (with credit), heading, or plain paragraph."""
    blocks: list[Block] = []
    skip_next = False
    for index, lines in enumerate(paragraphs):
        if skip_next:
            skip_next = False
            continue
        credited = _TRAILING_CREDIT.match(_squash(lines[0])) if len(lines) == 1 else None
        if credited is not None:  # `A man walks past. (Photo by Jo Doe/AFP via Getty Images)`
            blocks.append(Block(BlockKind.CAPTION, credited["text"], credit=credited["credit"]))
            continue
        credit_at = _credit_index(lines)
        if credit_at is not None:
            if len(lines) == 1:
                skip_next = _lone_credit(blocks, lines[0], paragraphs, index)
            else:
                blocks.extend(_caption_blocks(lines, credit_at))
            continue
        text = _join(lines)
        is_last = index == len(paragraphs) - 1
        kind = BlockKind.HEADING if not is_last and _is_heading(lines) else BlockKind.PARAGRAPH
        blocks.append(Block(kind, text))
    return blocks


def _lone_credit(blocks: list[Block], credit: str, paragraphs: list[list[str]], index: int) -> bool:
    """Handle a credit line standing in its own paragraph; True when the next one was used.

    When the caption repeats on both sides (blank lines around the credit) the
    block before becomes the caption and the copy after is skipped. Otherwise
    we cannot tell caption from prose, so the credit gets a caption of its own.
    """
    credit = _squash(credit)
    following = _join(paragraphs[index + 1]) if index + 1 < len(paragraphs) else None
    if blocks and blocks[-1].kind is not BlockKind.CAPTION and blocks[-1].text == following:
        blocks[-1] = Block(BlockKind.CAPTION, blocks[-1].text, credit=credit)
        return True
    blocks.append(Block(BlockKind.CAPTION, "", credit=credit))
    return False


def _caption_blocks(lines: list[str], credit_at: int) -> list[Block]:
    """Caption blocks for a paragraph holding one or more credit lines.

    Each credit takes the lines before it; the lines after the last credit go
    to that last one (the page prints the caption on both sides).
    """
    blocks: list[Block] = []
    start = 0
    while True:
        following = _credit_index(lines, credit_at + 1)
        credit = _squash(lines[credit_at])
        if following is None:
            blocks.extend(_one_caption(lines[start:credit_at], lines[credit_at + 1 :], credit))
            return blocks
        blocks.extend(_one_caption(lines[start:credit_at], [], credit))
        start, credit_at = credit_at + 1, following


def _one_caption(before: list[str], after: list[str], credit: str) -> list[Block]:
    """One caption block for `caption / credit / caption`, however much of it is present.

    Text before the credit that is not part of the repeated caption (a paragraph
    with no blank line before its photo) is kept as its own paragraph.
    """
    before, after = _dedupe(before), _dedupe(after)
    squashed_before = [_squash(line) for line in before]
    squashed_after = [_squash(line) for line in after]
    if squashed_before and squashed_after:
        size = len(squashed_after)
        if squashed_before[-size:] == squashed_after:
            prose = before[:-size]
            head = [Block(BlockKind.PARAGRAPH, _join(prose))] if prose else []
            return [*head, Block(BlockKind.CAPTION, _join(after), credit=credit)]
        return [
            Block(BlockKind.CAPTION, _join(before), credit=credit),
            Block(BlockKind.PARAGRAPH, _join(after)),
        ]
    if squashed_before or squashed_after:
        return [Block(BlockKind.CAPTION, _join(before or after), credit=credit)]
    return [Block(BlockKind.CAPTION, "", credit=credit)]


def _dedupe(lines: list[str]) -> list[str]:
    """Drop a line repeating the one before it (a caption printed twice on one side)."""
    kept: list[str] = []
    for line in lines:
        if not kept or _squash(kept[-1]) != _squash(line):
            kept.append(line)
    return kept


_CREDIT_NEVER_ENDS = ".!?:;,"
"""A line ending in one of these is a sentence, never a photo credit."""


def _credit_index(lines: list[str], start: int = 0) -> int | None:
    """Index of the first photo-credit line in a paragraph at or after `start`, if any."""
    alone = len(lines) == 1
    for index in range(start, len(lines)):
        end = lines[index].rstrip()[-1:]
        if not end or end in _CREDIT_NEVER_ENDS:
            continue  # most prose: no need to squash a long line to see it is no credit
        if _is_credit(_squash(lines[index]), alone=alone):
            return index
    return None


def _is_credit(line: str, *, alone: bool) -> bool:
    """True for `Name | Agency | Getty Images`-style credits and `Photo: X/AFP` lines.

    An agency name at the end of a short line counts only beside a caption or
    with a tell-tale (`/`, `via`, `Photo:`), so a heading like "What we know
    from Reuters" is not mistaken for a credit.
    """
    if len(line) > 160 or line[-1] in _CREDIT_NEVER_ENDS:
        return False
    words = line.split()
    if len(words) > 15:
        return False
    if "|" in line:
        segments = [segment for segment in _PIPE.split(line) if segment]
        if len(segments) >= 2 and all(_names_credit(segment) for segment in segments):
            return True
    if _CREDIT_PREFIX.match(line) and len(words) <= 12:
        return True
    if _ends_with_agency(line):
        return not alone or "/" in line or " via " in line.lower()
    return False


_CREDIT_SMALL_WORDS = frozenset({
    "via", "for", "of", "the", "and", "de", "da", "del", "di", "du", "la", "le", "van", "von",
    "der", "den", "y", "e", "et", "und", "/", "&", "-",
})  # fmt: skip
"""Lower-case words a credit's names may hold (`Pool via Reuters`, `Ana de Souza`)."""


def _names_credit(segment: str) -> bool:
    """A segment of a `Name | Agency | Getty Images` credit: a few words, capitalised.

    Why: a `Section | Headline` line (`Analysis | The housing plan in numbers`)
    has the same bars; its headline says things in lower-case words, a credit
    names people and agencies. One lower-case word is allowed (`Photo illustration`).
    """
    words = segment.split()
    if len(segment) > 60 or len(words) > 7:
        return False
    lower = [word for word in words if word[:1].islower() and word not in _CREDIT_SMALL_WORDS]
    return len(lower) <= 1


def _ends_with_agency(line: str) -> bool:
    """True when a squashed line's last words, trailing punctuation aside, name an agency.

    Compared from the end of the line: a case-blind regular expression searched
    along the whole line cost 14 us a call, a tenth of parsing a short article.
    """
    end = len(line)
    while end and not (line[end - 1].isalnum() or line[end - 1] == "_"):
        end -= 1
    tail = line[:end].lower()
    if not tail.endswith(_AGENCIES):
        return False
    for name in _AGENCIES:
        if tail.endswith(name):
            before = tail[-len(name) - 1 : -len(name)]
            if not (before.isalnum() or before == "_"):
                return True
    return False


_HEADING_NEVER_ENDS = ".!:;,…"
_QUESTION_HEADING_MAX_WORDS = 10
"""A subheading may ask a question (`What happens next?`) when it is this short."""
_REPORTING_CREDIT = re.compile(
    r"^\(?(?:additional )?(?:reporting|writing|editing|compiled|research|produced) by\b", re.I
)
"""`Reporting by …; Editing by …`: the story's credits on a line of their own, not a heading."""


def _is_heading(lines: list[str]) -> bool:
    """A lone short line with no closing punctuation and no quotation is a subheading."""
    if len(lines) != 1 or _BULLET.match(lines[0]):
        return False
    if lines[0].rstrip()[-1:] in _HEADING_NEVER_ENDS:
        return False  # a sentence: skip squashing what may be a long paragraph
    line = _squash(lines[0])
    words = len(line.split())
    if words > _HEADING_MAX_WORDS or line[-1] in _HEADING_NEVER_ENDS:
        return False
    if line[-1] == "?" and words > _QUESTION_HEADING_MAX_WORDS:
        return False
    if _REPORTING_CREDIT.match(line):
        return False
    if _QUOTE_START.match(line) or '"' in line or "“" in line or "”" in line:
        return False
    first_word = _HAS_WORD.search(line)
    return first_word is not None and not first_word.group().islower()


def _fallback_title(blocks: list[Block], key_points: list[str], source: str) -> str:
    """A title for text without a headline: the first sentence, cut to a readable length."""
    for block in blocks:
        if block.kind is not BlockKind.CAPTION and _HAS_WORD.search(block.text):
            return _shorten(_SENTENCE_END.split(block.text, maxsplit=1)[0])
    if key_points:
        return _shorten(key_points[0])
    return source or "Untitled"


def _shorten(text: str) -> str:
    """`text` on one line, cut at a word boundary to about 80 characters."""
    line = _squash(text)
    if len(line) <= _FALLBACK_TITLE_CHARS:
        return line
    cut = line[:_FALLBACK_TITLE_CHARS].rsplit(" ", 1)[0] or line[:_FALLBACK_TITLE_CHARS]
    return cut.rstrip(" ,;:") + "…"

"""Property tests: no input makes the text parser raise anything but ParseError,
leak a control character, or point a quote outside its block."""

from __future__ import annotations

import contextlib
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.errors import ParseError
from newsreader.model.article import Article, Block, BlockKind
from newsreader.parse.quotes import extract_quotes
from newsreader.parse.text import parse_text
from newsreader.sanitize import has_unsafe

FRAGMENTS = [
    "×",
    "\n",
    "\n\n",
    "\r\n",
    "  • ",
    "- ",
    "* ",
    '"',
    "“",
    "”",
    "«",
    ", ",
    '," he said.',
    '," she added.',
    '" Doe told the council on Monday.',
    "Jane Doe said: ",
    "said Mayor Jane Doe",
    ", according to RIA.",
    "U.S. Ambassador to the UN, Nikki Hailey, said",
    "Haley",
    "Mikhail Metzel | TASS | Getty Images",
    "Photo: Jo Bloggs/AFP",
    "A short heading",
    "We will build it on budget and on time.",
    "The council met on Monday",
    "\x1b[31m",
    "\x1b]52;c;Zm9v\x07",
    "\x00",
    "\u202e",
    "\u200b",
    "\ufeff",
    "\x85",
    "\t",
    "[@click=app.quit]hi[/]",
    "Ōsaka Ōe ",
    "é",
    "'s ",
    ".",
    ":",
]

layout_text = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=12), max_size=60).map("".join)
any_text = st.text(max_size=400) | layout_text


def _strings(article: Article) -> list[str]:
    values = [article.title, article.source, *article.key_points, *article.warnings]
    for block in article.blocks:
        values += [block.text, block.credit or "", block.speaker or ""]
    for quote in article.quotes:
        values += [quote.text, quote.speaker or ""]
    return values


def _check(text: str) -> None:
    try:
        article = parse_text(text, source="fuzz.txt")
    except ParseError as exc:
        assert str(exc).startswith("fuzz.txt: ")
        assert "\n" not in str(exc)
        return
    assert article.title
    for value in _strings(article):
        assert not has_unsafe(value), repr(value)
        assert "\x1b" not in value
    assert "\n" not in article.title
    assert all("\n" not in point for point in article.key_points)
    for quote in article.quotes:
        assert 0 <= quote.block < len(article.blocks)
        block_text = article.blocks[quote.block].text
        assert 0 <= quote.start <= quote.end <= len(block_text)
        assert block_text[quote.start : quote.end] == quote.text
        assert quote.text
    assert article.words >= 0
    article.to_dict()
    article.content_hash()


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_text)
def test_parse_text_never_fails_badly(text: str) -> None:
    _check(text)


@pytest.mark.slow
@settings(max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_text)
def test_parse_text_never_fails_badly_long(text: str) -> None:
    _check(text)


paragraphs = st.lists(layout_text.filter(lambda text: "\n" not in text), max_size=8)


@settings(max_examples=200, deadline=None)
@given(paragraphs)
def test_extract_quotes_only_removes_spaces(texts: list[str]) -> None:
    """Normalising stray spaces may drop spaces, never other characters; offsets stay valid."""
    blocks = [Block(BlockKind.PARAGRAPH, text) for text in texts]
    out, quotes = extract_quotes(blocks)
    assert len(out) == len(blocks)
    for before, after in zip(blocks, out, strict=True):
        assert before.text.replace(" ", "") == after.text.replace(" ", "")
        assert after.kind in (BlockKind.PARAGRAPH, BlockKind.QUOTE)
    for quote in quotes:
        assert out[quote.block].text[quote.start : quote.end] == quote.text
        assert quote.start < quote.end


def test_pathological_inputs_are_fast() -> None:
    cases = [
        '"' * 200_000,
        "A " * 200_000,
        "Aa Bb Cc, " * 50_000,
        ('"x," Aa Bb Cc Dd Ee Ff said ' * 20_000),
        "\n".join(["  • point"] * 50_000),
        ("Jane Doe said, " * 30_000) + '"hi"',
        "Name | Agency | Getty Images\n" * 30_000,
    ]
    for text in cases:
        start = time.perf_counter()
        with contextlib.suppress(ParseError):
            parse_text(text)
        assert time.perf_counter() - start < 3.0, text[:40]

"""The reference article must parse into exactly the structure a reader expects."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.model.article import Article, BlockKind
from newsreader.parse.text import parse_text_file

SCARE_QUOTES = (
    "reliable information",
    "moderate",
    "Arab spring",
    "act if we must",
    "no room for evasion",
    "stop creating distractions",
    "enabling the Assad regime's brutality",
)
CREDIT = "Mikhail Metzel | TASS | Getty Images"


@pytest.fixture
def seed(seed_path: Path) -> Article:
    return parse_text_file(seed_path)


def test_title_drops_debris(seed: Article) -> None:
    assert seed.title == "Russian military threatens action against the US in Syria"
    assert all("×" not in block.text for block in seed.blocks)


def test_three_key_points_without_bullets(seed: Article) -> None:
    assert len(seed.key_points) == 3
    assert all(not point.startswith(("•", " ")) for point in seed.key_points)
    assert seed.key_points[0].startswith("The threat, by Chief of Russia's General Staff")


def test_one_heading(seed: Article) -> None:
    headings = [block.text for block in seed.blocks if block.kind is BlockKind.HEADING]
    assert headings == ["Drafting a new ceasefire"]


def test_one_caption_with_credit_and_text_once(seed: Article) -> None:
    captions = [block for block in seed.blocks if block.kind is BlockKind.CAPTION]
    assert len(captions) == 1
    caption = captions[0]
    assert caption.text.startswith("Russia's First Deputy Defence Minister")
    assert caption.text.endswith("Valery Gerasimov.")
    assert caption.credit == CREDIT
    body = "\n".join(block.text for block in seed.blocks)
    assert body.count(caption.text) == 1
    assert all(CREDIT not in block.text for block in seed.blocks)


def test_four_pull_quotes_with_full_speakers(seed: Article) -> None:
    assert len(seed.quotes) == 4
    gerasimov = [quote for quote in seed.quotes if quote.speaker == "Valery Gerasimov"]
    nikki = [quote for quote in seed.quotes if quote.speaker and "Nikki" in quote.speaker]
    assert len(gerasimov) == 2
    assert len(nikki) == 2
    assert gerasimov[0].text.startswith("In several districts of Eastern Ghouta")
    assert gerasimov[1].text.startswith("In case there is a threat")
    assert nikki[0].text.startswith("It is not the path we prefer")
    assert nikki[1].text.startswith("When the international community")


def test_quote_offsets_point_at_the_quoted_words(seed: Article) -> None:
    for quote in seed.quotes:
        block = seed.blocks[quote.block]
        assert block.text[quote.start : quote.end] == quote.text
        assert block.kind is BlockKind.QUOTE
        assert block.speaker == quote.speaker


def test_stray_space_before_closing_mark_is_normalised(seed: Article) -> None:
    body = "\n".join(block.text for block in seed.blocks)
    assert 'incident,"' in body
    assert 'incident, "' not in body


@pytest.mark.parametrize("phrase", SCARE_QUOTES)
def test_scare_quotes_are_not_pull_quotes(seed: Article, phrase: str) -> None:
    assert all(phrase not in quote.text for quote in seed.quotes)


def test_counts(seed: Article) -> None:
    assert seed.words > 0
    assert seed.reading_minutes >= 1
    assert seed.warnings == []

"""The generated "In brief": what it may contain, when it appears, and how it is labelled."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from newsreader.config import Config, dumps_config, load_config
from newsreader.model.article import Article, Block, BlockKind
from newsreader.parse.text import parse_text_file
from newsreader.render.brief import generated_brief, lead, split_sentences
from newsreader.render.layout import BRIEF_LABEL, Brief, KeyPoints, article_layout

REPO = Path(__file__).resolve().parents[2]
STORIES = sorted((REPO / "benchmarks" / "brief").glob("*.txt"))


def _without_key_points(path: Path) -> Article:
    return dataclasses.replace(parse_text_file(path), key_points=[])


def _sentences(article: Article) -> list[str]:
    return [
        sentence
        for block in article.blocks
        if block.kind == BlockKind.PARAGRAPH
        for sentence in split_sentences(block.text)
    ]


@pytest.mark.parametrize("path", STORIES, ids=lambda path: path.stem)
def test_brief_is_at_most_three_of_the_articles_sentences_in_order(path: Path) -> None:
    article = _without_key_points(path)
    brief = generated_brief(article)
    sentences = _sentences(article)
    assert 1 <= len(brief) <= 3
    positions = [sentences.index(sentence) for sentence in brief]  # each is the article's own
    assert positions == sorted(positions) and len(set(positions)) == len(positions)


def test_no_brief_when_the_article_has_key_points() -> None:
    article = parse_text_file(STORIES[0])
    assert article.key_points
    assert generated_brief(article) == ()
    elements = list(article_layout(article, brief=True))
    assert any(isinstance(element, KeyPoints) for element in elements)
    assert not any(isinstance(element, Brief) for element in elements)


def test_layout_gives_a_brief_only_when_asked() -> None:
    article = _without_key_points(STORIES[0])
    assert not any(isinstance(element, Brief) for element in article_layout(article))
    briefs = [e for e in article_layout(article, brief=True) if isinstance(e, Brief)]
    assert len(briefs) == 1 and briefs[0].sentences == generated_brief(article)
    assert "generated" in BRIEF_LABEL.lower()
    assert not article.key_points, "the brief never becomes key points"


def test_short_article_gets_no_brief() -> None:
    article = Article(
        title="Short",
        blocks=[Block(BlockKind.PARAGRAPH, "One sentence here. Another one there. A third.")],
    )
    assert generated_brief(article) == ()


def test_quotes_questions_and_back_references_are_passed_over() -> None:
    article = Article(
        title="Harbour board approves new sea wall",
        blocks=[
            Block(
                BlockKind.PARAGRAPH,
                "The harbour board approved a new sea wall for the old town on Monday.",
            ),
            Block(
                BlockKind.PARAGRAPH,
                '"We approved the sea wall because the harbour floods every winter," she said.',
            ),
            Block(BlockKind.PARAGRAPH, "Will the new sea wall be ready before the winter storms?"),
            Block(BlockKind.PARAGRAPH, "But the new sea wall will cost the harbour board dearly."),
            Block(
                BlockKind.PARAGRAPH,
                "Engineers expect the wall to take two years to build along the harbour front. "
                "The board will pay for it with a levy on moorings and a loan from the region. "
                "Fishermen asked for a temporary quay while the work goes on.",
            ),
        ],
    )
    brief = generated_brief(article)
    assert brief[0].startswith("The harbour board approved")
    assert not any(sentence.startswith(('"', "But")) for sentence in brief)
    assert not any(sentence.endswith("?") for sentence in brief)


def test_sentence_splitting_keeps_abbreviations_and_initials() -> None:
    text = (
        'Dr. Vik met Dana F. Besecker at 9 a.m. in the U.S. capital. "It went well." '
        "Prices rose 2.5 percent."
    )
    assert split_sentences(text) == [
        "Dr. Vik met Dana F. Besecker at 9 a.m. in the U.S. capital.",
        '"It went well."',
        "Prices rose 2.5 percent.",
    ]


def test_lead_is_the_first_three_sentences() -> None:
    article = _without_key_points(STORIES[0])
    assert lead(article) == _sentences(article)[:3]


def test_ten_thousand_words_stay_cheap() -> None:
    """The reader makes the brief when an article opens: the candidate cap keeps it flat."""
    import time

    paragraph = " ".join(
        f"Sentence {n} says the council met about the tram line." for n in range(20)
    )
    article = Article(title="Tram", blocks=[Block(BlockKind.PARAGRAPH, paragraph)] * 100)
    started = time.perf_counter()
    assert 1 <= len(generated_brief(article)) <= 3
    assert time.perf_counter() - started < 0.5


def test_config_switch(tmp_path: Path) -> None:
    assert Config().brief is True
    path = tmp_path / "config.toml"
    path.write_text("brief = false\n")
    config = load_config(path)
    assert config.brief is False and not config.warnings
    assert "brief = false" in dumps_config(config)
    assert "brief" not in dumps_config(Config())
    path.write_text('brief = "no"\n')
    config = load_config(path)
    assert config.brief is True and config.warnings

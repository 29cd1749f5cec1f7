"""Word counts and reading time for scripts written without spaces (issue #14).

A Chinese post showed "3 words": `str.split` counted each paragraph as one word.
"""

from __future__ import annotations

from newsreader.model.article import Article, Block, BlockKind, count_words
from support import feature_article

CHINESE = (
    "今天上午，市政府宣布将在明年春天重新修建港口的防波堤。"
    "工程预计耗时十八个月，期间渔船将暂时停靠在北侧码头。"
)


def chinese_article(paragraphs: int) -> Article:
    return Article(
        title="港口防波堤将重建",
        blocks=[Block(BlockKind.PARAGRAPH, CHINESE) for _ in range(paragraphs)],
        source="Test",
    )


def test_spaced_text_counts_as_before() -> None:
    assert count_words("The harbour wall will be rebuilt.") == 6
    assert count_words("Café au lait, naïve façade") == 5
    assert count_words("안녕하세요 세계") == 2, "Hangul is written with spaces"
    assert count_words("") == 0


def test_chinese_counts_characters_not_paragraphs() -> None:
    han = sum(1 for char in CHINESE if "\u4e00" <= char <= "\u9fff")
    words = count_words(CHINESE)
    assert words == (2 * han + 2) // 3, "about 1.5 characters a word; punctuation is no word"


def test_japanese_mixed_with_latin_and_digits() -> None:
    # 東京タワーは (6) + メートル (4) CJK letters; 333, Tokyo, Tower, is, tall.
    assert count_words("東京タワーは333メートル、Tokyo Tower is tall") == 7 + 5


def test_a_chinese_post_gets_a_sensible_word_count_and_reading_time() -> None:
    article = chinese_article(40)
    assert article.words > 500, "a long post is not '40 words'"
    # Roughly 300-400 characters a minute for Chinese prose.
    characters = 40 * sum(1 for char in CHINESE if "\u4e00" <= char <= "\u9fff")
    assert characters / 400 <= article.reading_minutes <= characters / 300 + 1
    assert f"{article.words:,} words" in article.meta_line()


def test_english_article_unchanged() -> None:
    article = feature_article()
    expected = sum(len(p.split()) for p in article.key_points)
    expected += sum(len(b.text.split()) for b in article.blocks)
    assert article.words == expected

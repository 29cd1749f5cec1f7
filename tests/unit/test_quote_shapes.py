"""Attribution shapes beyond English word order, on sentences written for these tests:
descriptions as speakers (with and without an article), coordinated speakers, any verb
before a name that ends the sentence, and one person's name in several grammatical cases."""

from __future__ import annotations

from newsreader.model.article import Block, BlockKind, Quote
from newsreader.parse.quotes import extract_quotes


def _quotes(*paragraphs: str) -> list[Quote]:
    blocks = [Block(BlockKind.PARAGRAPH, text) for text in paragraphs]
    return extract_quotes(blocks)[1]


def test_a_description_with_a_romance_article_is_the_speaker() -> None:
    quotes = _quotes(
        "Consultada sobre el puerto, la ministra nos lo explicó así: "
        '"Las obras del muelle norte terminarán antes del verano próximo".'
    )
    assert [q.speaker for q in quotes] == ["la ministra"]


def test_a_description_after_an_inverted_verb_is_the_speaker() -> None:
    quotes = _quotes(
        '"A ponte nova vai abrir ao trânsito já no mês que vem", afirmou o engenheiro.'
    )
    assert [q.speaker for q in quotes] == ["o engenheiro"]


def test_a_description_without_an_article_ends_the_sentence() -> None:
    quotes = _quotes(
        '"Most přes řeku bude hotový do konce léta, jak jsme slíbili," řekl mladý starosta.'
    )
    assert [q.speaker for q in quotes] == ["mladý starosta"]


def test_the_coach_added_goes_on_with_the_person_last_quoted() -> None:
    quotes = _quotes(
        '"We trained hard all week and it showed in the second half," said Marta Kowalczyk.',
        "The team now sits third in the table with four games to play.",
        '"Nobody in this squad is thinking about the title yet," the coach added.',
    )
    assert [q.speaker for q in quotes] == ["Marta Kowalczyk", "Marta Kowalczyk"]


def test_a_description_with_an_ordinary_verb_stays_a_description() -> None:
    quotes = _quotes(
        '"We trained hard all week and it showed in the second half," said Marta Kowalczyk.',
        '"The referee missed two clear fouls in the last ten minutes," the spokesman said.',
    )
    assert [q.speaker for q in quotes] == ["Marta Kowalczyk", "the spokesman"]


def test_two_speakers_joined_by_and_are_both_credited() -> None:
    quotes = _quotes(
        '"The festival will move to the old harbour next year," wrote Ana Lopes and Rui Matos.'
    )
    assert [q.speaker for q in quotes] == ["Ana Lopes and Rui Matos"]


def test_any_verb_before_a_name_that_ends_the_sentence_attributes() -> None:
    quotes = _quotes(
        "Pavel Dvořák watched the match from the stands.",
        '"Tohle mužstvo umí hrát i pod tlakem, to je dobrá zpráva," usmívá se Dvořák.',
    )
    assert [q.speaker for q in quotes] == ["Pavel Dvořák"]


def test_a_phrase_after_a_comma_quote_without_a_name_is_not_a_speaker() -> None:
    quotes = _quotes('He called the plan "a bridge to nowhere," and the vote was delayed.')
    assert quotes == []


def test_a_name_in_several_cases_is_one_person_in_its_base_form() -> None:
    quotes = _quotes(
        "Trenér mluvil s Janem Novákem o nové smlouvě.",
        "Podle Jana Nováka je tým připravený na jaro.",
        '"Jsme připravení a chceme vyhrát celou soutěž, nic menšího," zdůrazňuje Novák.',
    )
    assert [q.speaker for q in quotes] == ["Jan Novák"]


def test_different_given_names_are_not_merged_as_cases() -> None:
    quotes = _quotes(
        "The club was run for a decade by Alexandra Berg and then by Alexander Berg.",
        '"We will not sell the ground to anyone, whatever they offer," said Berg.',
    )
    assert [q.speaker for q in quotes] == ["Berg"]

"""Plain-text dumps that carry the page around the story: what the reader shows of them.

Every article here is made up for these tests; each is laid out the way a
scraper copies a real news page (a top bar, a byline, time stamps, share and
newsletter lines, "Read next" links, a copyright footer).
"""

from __future__ import annotations

import pytest

from newsreader.model.article import BlockKind
from newsreader.parse.text import parse_text
from newsreader.parse.text_furniture import byline_author, is_furniture

FURNISHED = """\
Menu

Ferry operator adds winter sailings to the Skellan islands

By Ruth Calloway and Omar Haddad, Coastline News

Published 7:42 AM GMT Tue, 3 Nov 2026

Key points:
- Two extra sailings a week will run from December to February.
- Fares stay at this year's prices.

Listen to this article · 4 min

Advertisement

The operator of the Skellan ferry said on Tuesday it would add two sailings a week
through the winter, after islanders complained that the timetable left them stranded.

Share this article

What changes for passengers?

The new crossings leave the mainland at 6 a.m. on Mondays and Thursdays.

"We heard the islands loud and clear," said Martha Quayle, the operator's chief executive.

Sign up for our Coastal Briefing newsletter, sent every weekday morning.

Read next
Harbour dredging to start in spring
Island school wins national award

© 2026 Coastline News. All rights reserved.
"""


def test_furniture_lines_are_left_out_and_the_headline_found() -> None:
    article = parse_text(FURNISHED)

    assert article.title == "Ferry operator adds winter sailings to the Skellan islands"
    assert article.author == "Ruth Calloway and Omar Haddad, Coastline News"
    assert article.key_points == [
        "Two extra sailings a week will run from December to February.",
        "Fares stay at this year's prices.",
    ]
    shown = "\n".join(block.text for block in article.blocks)
    for furniture in (
        "Menu",
        "By Ruth",
        "Published",
        "Listen to this article",
        "Advertisement",
        "Share this article",
        "newsletter",
        "Read next",
        "Harbour dredging",
        "All rights reserved",
        "Key points",
    ):
        assert furniture not in shown
    assert [b.text for b in article.blocks if b.kind is BlockKind.HEADING] == [
        "What changes for passengers?"
    ]
    assert [(q.speaker, q.text[:20]) for q in article.quotes] == [
        ("Martha Quayle", "We heard the islands")
    ]


def test_a_section_kicker_and_a_section_bar_do_not_take_the_title() -> None:
    kicker = parse_text("WORLD NEWS\n\nFloods close the coast road for a week\n\nThe road shut.\n")
    assert kicker.title == "Floods close the coast road for a week"
    section = parse_text("Analysis | What the rail budget pays for\n\nMost of it goes on track.\n")
    assert section.title == "Analysis | What the rail budget pays for"
    assert all(block.kind is not BlockKind.CAPTION for block in section.blocks)


def test_numbered_key_points_and_a_lede_with_no_blank_line_before_it() -> None:
    numbered = parse_text(
        "Teachers vote to strike\n\n1. The vote passed with 71%.\n2. Exams will move.\n\n"
        "Teachers in the district voted on Friday to strike next month.\n"
    )
    assert numbered.key_points == ["The vote passed with 71%.", "Exams will move."]
    glued = parse_text(
        "Bakery chain shuts six shops\n"
        "– The shops lost money for two\n"
        "  years running.\n"
        "– Staff will be offered other jobs.\n"
        "Crumbwell said on Monday it would close six of its shops.\n"
    )
    assert glued.key_points == [
        "The shops lost money for two years running.",
        "Staff will be offered other jobs.",
    ]
    assert glued.blocks[0].text == "Crumbwell said on Monday it would close six of its shops."


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("Foto: Marta Ruiz / EFE", True),
        ("Illustration by Jo Park for The Weekly", True),
        ("Image courtesy of Northwind Labs", True),
        ("Lena Fischer | Picture Alliance | Getty Images", True),
    ],
)
def test_credits_in_more_spellings_make_captions(line: str, credit: bool) -> None:
    article = parse_text(f"Title of the piece\n\nThe empty quay at dawn.\n{line}\n\nBody text.\n")
    captions = [b for b in article.blocks if b.kind is BlockKind.CAPTION]
    assert [(c.text, c.credit) for c in captions] == [("The empty quay at dawn.", line)]


@pytest.mark.parametrize(
    "line",
    [
        "Updated the figures on 3 May",
        "By Monday, officials had counted",
        "Copyright holders say the rules are unfair",
        "Share prices rose",
        "More on the budget later",
        "11:48 p.m. ET",
    ],
)
def test_prose_that_starts_like_furniture_is_kept(line: str) -> None:
    assert not is_furniture(line)
    assert byline_author(line) is None


def test_a_heading_that_starts_like_a_byline_is_kept() -> None:
    article = parse_text("Tram fares\n\nBy The Numbers\n\nFares rose by 4% this year.\n")
    assert article.author is None
    assert article.blocks[0].kind is BlockKind.HEADING
    assert article.blocks[0].text == "By The Numbers"


def test_a_caption_with_its_credit_in_brackets_on_the_same_line() -> None:
    article = parse_text(
        "Fund manager convicted\n\nThe defendant arrives at court on Friday."
        " (Photo by Ana Ruiz/AFP via Getty Images)\n\nThe jury took two days.\n"
    )
    caption = article.blocks[0]
    assert caption.kind is BlockKind.CAPTION
    assert caption.text == "The defendant arrives at court on Friday."
    assert caption.credit == "(Photo by Ana Ruiz/AFP via Getty Images)"


def test_stamps_under_the_headline_do_not_hide_the_key_points() -> None:
    article = parse_text(
        "Measles cases rise to 40\n"
        "Published Fri, Mar 13 2026 4:50 PM MDT\n"
        "Updated Sat, Mar 14 2026 10:02 AM MDT\n\n"
        "Highlights\n- Forty cases are confirmed.\n- Clinics open on Saturday.\n\n"
        "Health officials said on Friday that cases had risen again.\n"
    )
    assert article.title == "Measles cases rise to 40"
    assert article.key_points == ["Forty cases are confirmed.", "Clinics open on Saturday."]
    assert "Published" not in article.blocks[0].text


def test_a_text_of_a_million_lines_keeps_the_first_50000_and_says_so() -> None:
    article = parse_text("Title\n\n" + "Para.\n\n" * 1_000_000 + "A | B\n" * 60_000)
    assert len(article.blocks) == 50_000
    assert article.warnings == ["only the first 50,000 of 1,000,001 paragraphs kept"]
    pipes = parse_text("Title\n\nBody.\n\n" + "A | B\n" * 60_000)
    assert len(pipes.blocks) == 50_000


@pytest.mark.parametrize("credit", ["Source: Nimbus Software", "Courtesy: Voltera Motors"])
def test_company_handout_credits_make_captions(credit: str) -> None:
    article = parse_text(
        f"Title of the piece\n\nThe new model on show in Stockholm.\n{credit}\n"
        "The new model on show in Stockholm.\n\nBody text.\n"
    )
    captions = [(b.text, b.credit) for b in article.blocks if b.kind is BlockKind.CAPTION]
    assert captions == [("The new model on show in Stockholm.", credit)]

"""Page furniture and page metadata on small pages written for each rule (not corpus text)."""

from __future__ import annotations

from newsreader.model.article import Article, BlockKind
from newsreader.parse.html_page import parse_html

STORY = (
    "<p>The ferry to the northern islands ran late again on Tuesday, the third time this "
    "week, after a fault in one of its two engines was found during the morning checks.</p>"
    "<p>Passengers waited for more than two hours in the terminal while engineers replaced "
    "a pump, and the operator said the timetable would be back to normal by Thursday.</p>"
)
MORE = (
    "<p>The operator has ordered a second vessel for the route, which is due to arrive "
    "next spring and will double the number of daily crossings in the summer months.</p>"
)


def read(body: str, head: str = "<title>Ferry runs late</title>") -> Article:
    html = f"<html><head>{head}</head><body>{body}</body></html>"
    return parse_html(html.encode(), name="page.html")


def test_a_list_made_of_links_is_navigation() -> None:
    links = "".join(
        f'<li><a href="/story/{n}">Another headline about something else number {n}</a> '
        f"<span>3/9</span></li>"
        for n in range(8)
    )
    article = read(f"<article>{STORY}<ul>{links}</ul>{MORE}</article>")
    assert "Another headline" not in article.body_text
    assert "second vessel" in article.body_text


def test_a_list_with_a_few_links_is_content() -> None:
    items = (
        '<li>Check the <a href="/times">timetable</a> before you travel to the port</li>'
        "<li>Allow an extra hour for the crossing while the repairs go on</li>"
        "<li>Keep your ticket: the operator refunds every delayed journey</li>"
    )
    article = read(f"<article>{STORY}<p>The operator's advice:</p><ul>{items}</ul>{MORE}</article>")
    assert "Allow an extra hour for the crossing" in article.body_text


def test_lists_in_a_layout_table_are_kept() -> None:
    items = "".join(
        f"<li>“The ferry was late and nobody told us why, reader number {n}.”<p></p></li>"
        for n in range(4)
    )
    table = (
        '<table width="90%"><tr><td>'
        f"{STORY}<p>Readers wrote to us in three groups:</p><ul>{items}</ul>"
        f"</td><td>{MORE}</td></tr></table>"
    )
    article = read(table)
    assert "nobody told us why, reader number 2" in article.body_text
    assert "second vessel" in article.body_text


def test_inline_code_does_not_cut_a_blockquote() -> None:
    quote = (
        "<blockquote><p>The settings file holds one key, <code>retries</code>, which is "
        "read once at start-up and never again while the program runs.</p></blockquote>"
    )
    article = read(f"<article>{STORY}{quote}{MORE}</article>")
    quotes = [b.text for b in article.blocks if b.kind is BlockKind.QUOTE]
    assert quotes and "never again while the program runs" in quotes[0]


def test_a_site_wide_og_title_loses_to_the_h1_the_title_agrees_with() -> None:
    head = (
        '<meta property="og:title" content="Harbour News - Latest Stories and Headlines">'
        "<title>Ferry runs late for third time this week</title>"
    )
    article = read(
        f"<article><h1>Ferry runs late for third time this week</h1>{STORY}</article>", head
    )
    assert article.title == "Ferry runs late for third time this week"


def test_an_og_title_that_names_the_story_still_wins() -> None:
    head = (
        '<meta property="og:title" content="Ferry late again after engine fault">'
        "<title>Ferry late again after engine fault - Harbour News</title>"
    )
    article = read(f"<article><h1>Harbour News</h1>{STORY}</article>", head)
    assert article.title == "Ferry late again after engine fault"

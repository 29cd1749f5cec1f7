"""HTML fragments and whole pages become typed blocks with captions, credits and speakers."""

from __future__ import annotations

import contextlib
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsreader.errors import NewsreaderError, ParseError
from newsreader.model.article import BlockKind
from newsreader.parse.html_blocks import html_to_blocks
from newsreader.parse.html_captions import split_caption_text
from newsreader.parse.html_page import parse_html
from newsreader.sanitize import has_unsafe

DATA = Path(__file__).resolve().parents[2] / "data"


def kinds(blocks: list) -> list[str]:
    return [str(block.kind) for block in blocks]


def test_headings_paragraphs_and_lead_list() -> None:
    points, blocks = html_to_blocks(
        "<ul><li>First point</li><li>Second point</li></ul>"
        "<p>Opening <b>paragraph</b>.</p><h2>Sub heading</h2><div>A div paragraph</div>"
        "<ul><li>later item</li></ul>"
    )
    assert points == ["First point", "Second point"]
    assert kinds(blocks) == ["paragraph", "heading", "paragraph", "paragraph"]
    assert blocks[0].text == "Opening paragraph."
    assert blocks[3].text == "• later item"


def test_list_after_paragraph_is_not_key_points() -> None:
    points, blocks = html_to_blocks("<p>Intro</p><ol><li>one</li><li>two</li></ol>")
    assert points == []
    assert [block.text for block in blocks] == ["Intro", "• one", "• two"]


def test_script_style_nav_aside_dropped() -> None:
    _, blocks = html_to_blocks(
        "<nav>Home | News</nav><script>alert('x')</script><style>p{}</style>"
        "<p>Real text</p><aside>Related: other story</aside>"
    )
    assert [block.text for block in blocks] == ["Real text"]


@pytest.mark.parametrize(
    ("html", "text", "credit"),
    [
        (
            "<figure><img src=a.jpg><figcaption>A boat at dawn. <span class='credit'>Jo Bloggs"
            "</span></figcaption></figure>",
            "A boat at dawn.",
            "Jo Bloggs",
        ),
        (
            "<figure><figcaption>Crowds gather. <small>Ann Lee | Reuters</small>"
            "</figcaption></figure>",
            "Crowds gather.",
            "Ann Lee | Reuters",
        ),
        (
            "<figure><figcaption>Crowds gather. Photo: Ann Lee</figcaption></figure>",
            "Crowds gather.",
            "Ann Lee",
        ),
        (
            "<figure><figcaption>The pier at night. Sam Ode | Agency | Getty Images"
            "</figcaption></figure>",
            "The pier at night.",
            "Sam Ode | Agency | Getty Images",
        ),
        ("<figure><figcaption>Just a caption</figcaption></figure>", "Just a caption", None),
    ],
)
def test_figure_captions_and_credits(html: str, text: str, credit: str | None) -> None:
    _, blocks = html_to_blocks(html)
    assert len(blocks) == 1
    assert blocks[0].kind is BlockKind.CAPTION
    assert blocks[0].text == text
    assert blocks[0].credit == credit


def test_split_caption_text_photo_by() -> None:
    assert split_caption_text("Fans celebrate (Photo by Kim Park)") == (
        "Fans celebrate",
        "Kim Park",
    )


@pytest.mark.parametrize(
    ("html", "speaker"),
    [
        ("<blockquote><p>We will rebuild.</p><cite>Jane Doe</cite></blockquote>", "Jane Doe"),
        (
            "<blockquote><p>We will rebuild.</p><footer>— Jane Doe, mayor</footer></blockquote>",
            "Jane Doe, mayor",
        ),
        ("<blockquote><p>We will rebuild.</p></blockquote><p>— Jane Doe</p>", "Jane Doe"),
        ("<blockquote><p>We will rebuild.</p></blockquote>", None),
    ],
)
def test_blockquote_speakers(html: str, speaker: str | None) -> None:
    _, blocks = html_to_blocks(html)
    assert len(blocks) == 1
    assert blocks[0].kind is BlockKind.QUOTE
    assert blocks[0].text == "We will rebuild."
    assert blocks[0].speaker == speaker


def test_plain_text_summary() -> None:
    points, blocks = html_to_blocks("First paragraph\nstill first.\n\nSecond paragraph.")
    assert points == []
    assert [block.text for block in blocks] == ["First paragraph still first.", "Second paragraph."]


def test_escape_sequences_removed() -> None:
    _, blocks = html_to_blocks("<p>Hello \x1b]52;c;ZXZpbA==\x07world\u202e</p>")
    assert blocks[0].text == "Hello world"
    assert not has_unsafe(blocks[0].text)


def test_character_references_to_controls_are_removed() -> None:
    """`&#27;` and `&#x202e;` only become controls inside lxml: the tree is cleaned too."""
    points, blocks = html_to_blocks(
        "<ul><li>point&#27;</li></ul><p>Hello&#x202e; <b>world&#7;</b></p>"
        "<figure><img src='a.jpg'><figcaption>Boats&#x200b; <small>Photo: A&#7;N</small>"
        "</figcaption></figure><blockquote><p>Quote</p><cite>Kim&#8;</cite></blockquote>"
    )
    assert points == ["point"]
    assert [(block.text, block.credit, block.speaker) for block in blocks] == [
        ("Hello world", None, None),
        ("Boats", "AN", None),
        ("Quote", None, "Kim"),
    ]


def test_page_metadata_from_references_is_clean() -> None:
    page = (
        b"<html><head><meta property='og:title' content='Title&#27;[2J here'>"
        b"<meta property='og:site_name' content='Site&#x202e;'></head>"
        b"<body><article><p>Enough words in this paragraph to count as an article body.</p>"
        b"</article></body></html>"
    )
    article = parse_html(page, name="meta.html")
    assert article.source == "Site"
    assert not has_unsafe(article.title) and "\x1b" not in article.title


def test_deeply_nested_fragment_is_fast() -> None:
    html = "<div>" * 10_000 + "deep text" + "</div>" * 10_000
    started = time.monotonic()
    html_to_blocks(html)
    html_to_blocks("<span>" * 10_000 + "x")
    assert time.monotonic() - started < 2


def test_deeply_nested_page_is_fast() -> None:
    html = ("<html><body>" + "<div>" * 10_000 + "deep text" + "</div>" * 10_000).encode()
    started = time.monotonic()
    with contextlib.suppress(NewsreaderError):
        parse_html(html, name="deep.html")
    assert time.monotonic() - started < 2


def test_sample_article_page() -> None:
    article = parse_html(
        (DATA / "sample-article.html").read_bytes(),
        name="sample-article.html",
        url="https://example.org/news/sea-wall",
    )
    assert article.title == "Westmere sea wall: how the old quay's stone will be reused"
    assert article.published == datetime(2024, 3, 14, 9, 30, tzinfo=UTC)
    assert article.source == "The Coastline Courier"
    assert article.url == "https://example.org/news/sea-wall"
    assert len(article.key_points) == 3
    texts = article.body_text
    for junk in ("Subscribe", "cookies", "Related stories", "All rights reserved", "analytics"):
        assert junk not in texts
    headings = [block.text for block in article.blocks if block.kind is BlockKind.HEADING]
    assert headings == ["Reusing the old quay", "What happens next"]
    [caption] = [block for block in article.blocks if block.kind is BlockKind.CAPTION]
    assert caption.credit == "Alys Penhallow | Coastline Courier"
    assert caption.text.startswith("Waves break")
    # The caption stays near its figure: after the second paragraph, before the first quote.
    index = article.blocks.index(caption)
    assert article.blocks[index - 1].text.startswith("The plan, approved")
    quotes = [
        block for block in article.blocks if block.speaker == "Priya Castellano, project engineer"
    ]
    assert quotes
    assert not any(block.text.startswith("• Westmere council") for block in article.blocks)


def test_page_fallback_without_trafilatura_text() -> None:
    page = (
        b"<html><head><title>Short note | Site</title></head><body><nav>Menu</nav>"
        b"<article><h1>Short note</h1><p>Only one line here.</p></article></body></html>"
    )
    article = parse_html(page, name="note.html")
    assert article.title == "Short note"
    assert "Only one line here." in article.body_text
    assert "Menu" not in article.body_text


def test_page_with_no_text() -> None:
    with pytest.raises(ParseError, match=r"^empty\.html: no article text found"):
        parse_html(b"<html><body><script>x()</script></body></html>", name="empty.html")


def test_page_charset_from_meta() -> None:
    page = (
        '<html><head><meta charset="windows-1252"><title>Caf\xe9</title></head>'
        "<body><article><p>Un caf\xe9 cr\xe8me, s'il vous pla\xeet.</p></article></body></html>"
    ).encode("cp1252")
    article = parse_html(page, name="cafe.html")
    assert article.title == "Café"
    assert "crème" in article.body_text


def test_page_javascript_url_not_stored() -> None:
    page = b"<html><body><article><p>Some text worth reading here.</p></article></body></html>"
    assert parse_html(page, name="p.html", url="javascript:alert(1)").url is None


def test_page_size_cap() -> None:
    with pytest.raises(ParseError, match="over the"):
        parse_html(b"<p>x</p>" * 100, name="big.html", max_bytes=100)


def test_json_ld_text_is_cleaned_and_an_impossible_date_dropped() -> None:
    page = (
        "<html><head>"
        '<meta property="article:published_time" content="0001-01-01T00:00:00+23:59">'
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "headline": "Quay \\u001b]52;c;SGVsbG8=\\u0007\\u202ereopens",'
        ' "publisher": {"name": "Harbour \\u001b[31mNews"}}</script>'
        "</head><body><article><p>The quay reopened on Monday after two years of repairs,"
        " and the ferries are back on their old timetable.</p></article></body></html>"
    )
    article = parse_html(page.encode(), name="page.html")
    assert article.published is None
    shown = f"{article.title} {article.source}"
    assert "\x1b" not in shown and "\u202e" not in shown and "\x07" not in shown

"""Fuzzing: no input makes a parser or the search crash, or lets a control character out.

Every parser promises to raise only `NewsreaderError` subclasses (which the CLI
turns into one line naming the file) and to return sanitised text; search
promises that anything typed is a valid query. Hypothesis builds inputs from
fragments that matter (escape sequences, markup, quotes, bullets, XML and HTML
tags, entities, odd encodings) mixed with arbitrary text and bytes.

The default run is quick (~100 examples each); the `slow` variants run 10k
examples for text and search and 2k for feeds and HTML.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.errors import NewsreaderError, SearchQueryError
from newsreader.model.article import Article, Block, BlockKind
from newsreader.sanitize import has_unsafe
from newsreader.store import Library, fts_query
from newsreader.urls import is_safe_web_url

QUICK = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW_TEXT = settings(
    max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
SLOW_MARKUP = settings(
    max_examples=2_000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

HOSTILE = [
    "\x1b[2J",
    "\x1b]52;c;cGF5bG9hZA==\x07",
    "\x1b]0;PWNTITLE\x07",
    "\x1b]2;PWNTITLE\x1b\\",
    "\x1b",
    "\x9b31m",
    "\x00",
    "\x07",
    "\r",
    "\x85",
    "\u2028",
    "\u202e",
    "\u200b",
    "\u2066",
    "\ufeff",
    "\ud800",
    "[@click=app.quit]x[/]",
    "[bold red]",
    "[link=https://evil.example]",
]
TEXT_FRAGMENTS = [
    *HOSTILE,
    "\n",
    "\n\n",
    "  • ",
    "- ",
    '"',
    "“",
    "”",
    '," she said.',
    "Jane Doe said: ",
    "Mikhail Metzel | TASS | Getty Images",
    "A short heading",
    "The council met on Monday.",
    "×",
]
MARKUP_FRAGMENTS = [
    *HOSTILE,
    "<p>",
    "</p>",
    "<ul><li>",
    "</li></ul>",
    "<blockquote>",
    "</blockquote>",
    "<figure><img src=x><figcaption>",
    "</figcaption></figure>",
    "<script>alert(1)</script>",
    "<style>p{}</style>",
    "<a href='javascript:alert(1)'>",
    "<a href='-x'>",
    "</a>",
    "<div>" * 50,
    "<![CDATA[",
    "]]>",
    "<!--",
    "-->",
    "&amp;",
    "&#27;",
    "&#x9b;",
    "&#0;",
    "&#xD800;",
    "&nbsp;",
    "&unknown;",
    "<",
    ">",
    "&",
    '"',
    "'",
    "“Quoted words,” the mayor said.",
    "Words about the harbour and the tides.",
]
QUERY_FRAGMENTS = [
    *HOSTILE,
    '"',
    "NEAR(",
    "NEAR/2",
    "*",
    "^",
    "AND",
    "OR",
    "NOT",
    "-",
    "+",
    "(",
    ")",
    "{",
    "}",
    ":",
    "title:",
    "harbour",
    "tide",
    " ",
]


def mixed(fragments: list[str], *, max_size: int = 40) -> st.SearchStrategy[str]:
    """Strings made of meaningful fragments interleaved with arbitrary text."""
    piece = st.one_of(st.sampled_from(fragments), st.text(max_size=12))
    return st.lists(piece, max_size=max_size).map("".join)


TEXT = mixed(TEXT_FRAGMENTS)
MARKUP = mixed(MARKUP_FRAGMENTS)
QUERIES = st.one_of(mixed(QUERY_FRAGMENTS, max_size=12), st.text(max_size=50))


def encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


FEED_TEMPLATES = [
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{a}</title>'
    "<link>{link}</link><item><title>{b}</title><link>{link}</link>"
    "<description>{c}</description></item></channel></rss>",
    '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
    '<title>{a}</title><entry><title type="html">{b}</title><link href="{link}"/>'
    '<id>urn:x</id><content type="html">{c}</content></entry></feed>',
    '<?xml version="1.0"?><rss version="2.0"><channel><title>{a}</title><item>'
    "<title><![CDATA[{b}]]></title><description><![CDATA[{c}]]></description>"
    "</item></channel></rss>",
]
LINKS = st.sampled_from(
    [
        "https://example.com/a",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,x",
        "-oProxyCommand=x",
        "",
        "http://",
        "//example.com/x",
    ]
)


@st.composite
def feed_bytes(draw: Any) -> bytes:
    """Mostly feed-shaped documents with hostile fields; sometimes arbitrary bytes."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=400))
    template = draw(st.sampled_from(FEED_TEMPLATES))
    document = template.format(
        a=draw(MARKUP), b=draw(MARKUP), c=draw(MARKUP), link=draw(LINKS).replace("&", "&amp;")
    )
    return encode(document)


@st.composite
def page_bytes(draw: Any) -> bytes:
    """A web page with hostile title, headline and body; sometimes arbitrary bytes."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=400))
    page = (
        f"<!doctype html><html><head><title>{draw(MARKUP)}</title>"
        f'<meta property="og:url" content="{draw(LINKS)}"></head>'
        f"<body><article><h1>{draw(MARKUP)}</h1>{draw(MARKUP)}</article></body></html>"
    )
    return encode(page)


def strings_of(article: Article) -> Iterator[str]:
    yield article.title
    yield article.source
    yield from article.key_points
    for block in article.blocks:
        yield block.text
        if block.credit:
            yield block.credit
        if block.speaker:
            yield block.speaker
    for quote in article.quotes:
        yield quote.text
        if quote.speaker:
            yield quote.speaker


def assert_clean(article: Article) -> None:
    for text in strings_of(article):
        assert not has_unsafe(text), repr(text)
    assert article.url is None or is_safe_web_url(article.url), article.url


# -- the checks ---------------------------------------------------------------------


def check_text(text: str) -> None:
    from newsreader.parse.text import parse_text

    try:
        article = parse_text(text, source="fuzz")
    except NewsreaderError:
        return
    assert_clean(article)
    for quote in article.quotes:
        assert 0 <= quote.block < len(article.blocks)


def check_feed(data: bytes) -> None:
    from newsreader.parse.feed import parse_feed

    try:
        feed = parse_feed(data, name="fuzz.xml")
    except NewsreaderError as exc:
        assert "fuzz.xml" in str(exc), "the error names the file"
        return
    assert not has_unsafe(feed.title)
    assert feed.link is None or is_safe_web_url(feed.link)
    for entry in feed.entries:
        assert_clean(entry)


def check_html_page(data: bytes) -> None:
    from newsreader.parse.html import parse_html

    try:
        article = parse_html(data, name="fuzz.html")
    except NewsreaderError as exc:
        assert "fuzz.html" in str(exc), "the error names the file"
        return
    assert_clean(article)


def check_fragment(html: str) -> None:
    from newsreader.parse.html import html_to_blocks

    key_points, blocks = html_to_blocks(html)
    for text in [*key_points, *(b.text for b in blocks)]:
        assert not has_unsafe(text), repr(text)


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    """A small real library with hostile and ordinary text to search."""
    lib = Library(tmp_path_factory.mktemp("fuzz") / "library.sqlite3")
    lib.add_articles(
        Article(
            title=f"Harbour story {n} {HOSTILE[n % len(HOSTILE)]}",
            key_points=[f"Tide point {n}"],
            blocks=[
                Block(BlockKind.PARAGRAPH, f"The harbour {'NEAR AND OR'} tide {n} \x1b[2J."),
            ],
            source="Fuzz",
        )
        for n in range(40)
    )
    yield lib
    lib.close()


def check_search(library: Library, text: str) -> None:
    assert isinstance(fts_query(text), str)
    assert isinstance(fts_query(text, prefix=True), str)
    for hits in (library.search(text), library.search(text, prefix=True)):
        for hit in hits:
            assert not has_unsafe(hit.snippet) and not has_unsafe(hit.row.title)
            for start, end in hit.highlights:
                assert 0 <= start < end <= len(hit.snippet)
    try:
        library.search(text, raw=True)
    except SearchQueryError as exc:
        assert "\n" not in str(exc), "the error is one line"


# -- quick (default) ------------------------------------------------------------------


@QUICK
@given(TEXT)
def test_text_parser_fuzz(text: str) -> None:
    """Any text article: parsed or a ParseError, never a crash, never a control char out."""
    check_text(text)


@QUICK
@given(feed_bytes())
def test_feed_parser_fuzz(data: bytes) -> None:
    """Any feed bytes: parsed or a ParseError naming the file; clean text, http(s) links only."""
    check_feed(data)


@QUICK
@given(page_bytes())
def test_html_page_fuzz(data: bytes) -> None:
    """Any web page bytes: parsed or a ParseError naming the file; clean text out."""
    check_html_page(data)


@QUICK
@given(MARKUP)
def test_html_fragment_fuzz(html: str) -> None:
    """Any feed entry HTML: `html_to_blocks` never raises and returns clean text."""
    check_fragment(html)


@QUICK
@given(QUERIES)
def test_search_fuzz(library: Library, text: str) -> None:
    """Any typed search runs; raw FTS5 syntax may fail, but only as a SearchQueryError."""
    check_search(library, text)


def test_search_of_every_hostile_fragment_finds_something_or_nothing(library: Library) -> None:
    """Typed fragments one by one (the shrunk cases hypothesis would find first)."""
    for fragment in [*QUERY_FRAGMENTS, "x" * 10_000, "a\x00b", '"harbour', "*\x850", "\udcff"]:
        check_search(library, fragment)
    assert library.search("harbour NEAR(")


# -- slow variants ---------------------------------------------------------------------


@pytest.mark.slow
@SLOW_TEXT
@given(TEXT)
def test_text_parser_fuzz_long(text: str) -> None:
    check_text(text)


@pytest.mark.slow
@SLOW_TEXT
@given(QUERIES)
def test_search_fuzz_long(library: Library, text: str) -> None:
    check_search(library, text)


@pytest.mark.slow
@SLOW_MARKUP
@given(feed_bytes())
def test_feed_parser_fuzz_long(data: bytes) -> None:
    check_feed(data)


@pytest.mark.slow
@SLOW_MARKUP
@given(page_bytes())
def test_html_page_fuzz_long(data: bytes) -> None:
    check_html_page(data)


@pytest.mark.slow
@SLOW_MARKUP
@given(MARKUP)
def test_html_fragment_fuzz_long(html: str) -> None:
    check_fragment(html)

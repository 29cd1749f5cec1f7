"""Properties every input must keep: the parsers and search never crash, never let a
control character out, and keep their offsets valid.

Every parser promises to raise only `NewsreaderError` subclasses naming the file (the CLI
prints them as one line) and to return sanitised text with http(s) links only; search
promises that anything typed is a valid query. Hypothesis builds inputs from fragments
that matter (escape sequences, markup, quote marks, attributions, bullets, XML and HTML
tags, entities, odd encodings) mixed with arbitrary text and bytes, and from real feed
documents with random byte edits.

One test per property; each has a quick default run and, where a bug could hide in rare
inputs, a `slow` variant with many more examples (`-m "not slow"` skips those).
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.errors import NewsreaderError, ParseError, SearchQueryError
from newsreader.model.article import Article, Block, BlockKind, Quote
from newsreader.parse.quotes import extract_quotes
from newsreader.sanitize import has_unsafe
from newsreader.store import Library, fts_query
from newsreader.urls import is_safe_web_url


def examples(count: int) -> settings:
    """Settings for `count` examples: parsing can be slow on big inputs, which is not a bug."""
    return settings(max_examples=count, deadline=None, suppress_health_check=[HealthCheck.too_slow])


QUICK = examples(100)
SLOW_TEXT = examples(10_000)
SLOW_MARKUP = examples(2_000)

# -- inputs ---------------------------------------------------------------------------

HOSTILE = [
    "\x1b[2J",
    "\x1b[31m",
    "\x1b]52;c;cGF5bG9hZA==\x07",
    "\x1b]0;PWNTITLE\x07",
    "\x1b]2;PWNTITLE\x1b\\",
    "\x1b",
    "\x9b31m",
    "\x00",
    "\x07",
    "\t",
    "\r",
    "\r\n",
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
"""What must never reach the terminal: escapes, controls, bidi and zero-width marks,
lone surrogates, and Rich/Textual markup."""

TEXT_FRAGMENTS = [
    *HOSTILE,
    "×",
    "\n",
    "\n\n",
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
    ", according to ANSA.",
    "U.K. Ambassador to the WTO, Nadia Bramley, said",
    "Bramly",
    "Tomas Brevik | Harbour Post | Getty Images",
    "Photo: Jo Bloggs/AFP",
    "A short heading",
    "We will build it on budget and on time.",
    "The council met on Monday.",
    "Ōsaka Ōe ",
    "é",
    "'s ",
    ".",
    ":",
]
"""The shapes the text parser looks for: debris, bullets, headings, captions with credits,
attributions, quote marks, and names with roles and misspellings."""

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


def mixed(fragments: list[str], *, max_size: int) -> st.SearchStrategy[str]:
    """Strings made of meaningful fragments interleaved with arbitrary text."""
    piece = st.one_of(st.sampled_from(fragments), st.text(max_size=12))
    return st.lists(piece, max_size=max_size).map("".join)


LAYOUT = mixed(TEXT_FRAGMENTS, max_size=60)
TEXT = st.one_of(LAYOUT, st.text(max_size=400))
MARKUP = mixed(MARKUP_FRAGMENTS, max_size=40)
QUERIES = st.one_of(mixed(QUERY_FRAGMENTS, max_size=12), st.text(max_size=50))
PARAGRAPHS = st.lists(LAYOUT.filter(lambda text: "\n" not in text), max_size=8)


def encode(text: str) -> bytes:
    """UTF-8 that keeps lone surrogates, so they reach the parsers as broken bytes."""
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

WELL_FORMED_FEEDS = [
    b"""<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
 "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Fen Courier</title><link>https://fen.example/</link>
<description>Old-style news</description><language>en</language>
<item><title>Lock gates replaced</title><link>https://fen.example/lock</link>
<description>The lock gates on the lower cut were replaced in a week.</description></item>
</channel></rss>
""",
    b"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://moor.example/"><title>Moor Ledger</title>
    <link>https://moor.example/</link><description>RSS 1.0 news</description>
    <items><rdf:Seq><rdf:li rdf:resource="https://moor.example/a"/></rdf:Seq></items>
  </channel>
  <item rdf:about="https://moor.example/a"><title>Bus route restored</title>
    <link>https://moor.example/a</link><dc:date>2024-05-01T08:00:00Z</dc:date>
    <description>The upland bus route runs again from Monday.</description></item>
</rdf:RDF>
""",
    b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
  <title>Estuary News</title><link>https://estuary.example/</link><description>News</description>
  <item><title>Ferry fares frozen</title><link>https://estuary.example/fares</link>
    <guid isPermaLink="false">estuary-7</guid><pubDate>Wed, 06 Mar 2024 09:00:00 +0000</pubDate>
    <content:encoded><![CDATA[<ul><li>Fares stay the same</li><li>Two extra sailings</li></ul>
      <p>Ferry fares will not rise this year, the operator said.</p>
      <blockquote><p>Nobody should pay more to cross the water to work.</p>
      <footer>Councillor Aled Pryce</footer></blockquote>]]></content:encoded></item>
  <item><description>An entry with no title but enough words to make one.</description></item>
</channel></rss>
""",
    b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Quayside Daily</title>
  <link href="https://quayside.example/"/><id>urn:example:quayside</id>
  <updated>2024-01-02T03:04:05Z</updated>
  <entry><title type="html">Regatta &lt;b&gt;cancelled&lt;/b&gt; by fog</title>
    <link href="https://quayside.example/regatta"/><id>urn:example:regatta</id>
    <updated>2024-01-02T03:04:05Z</updated>
    <content type="html">&lt;p&gt;Fog kept the boats in harbour.&lt;/p&gt;</content></entry>
</feed>
""",
]
"""One document per dialect (RSS 0.91 with a DOCTYPE, RSS 1.0, RSS 2.0, Atom) for
`mutated_feed` to damage."""


@st.composite
def templated_feed(draw: st.DrawFn) -> bytes:
    """A feed-shaped document with hostile text in its title, entry title, body and link."""
    template = draw(st.sampled_from(FEED_TEMPLATES))
    link = draw(LINKS).replace("&", "&amp;")
    return encode(template.format(a=draw(MARKUP), b=draw(MARKUP), c=draw(MARKUP), link=link))


@st.composite
def mutated_feed(draw: st.DrawFn) -> bytes:
    """A real feed with a few random byte insertions, deletions and overwrites."""
    data = bytearray(draw(st.sampled_from(WELL_FORMED_FEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        position = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        chunk = draw(st.binary(min_size=1, max_size=8))
        if action == "insert":
            data[position:position] = chunk
        elif action == "delete":
            del data[position : position + len(chunk)]
        else:
            data[position : position + len(chunk)] = chunk
    return bytes(data)


FEEDS = st.one_of(templated_feed(), mutated_feed(), st.binary(max_size=2000))


@st.composite
def page_bytes(draw: st.DrawFn) -> bytes:
    """A web page with hostile title, headline, body and canonical URL."""
    page = (
        f"<!doctype html><html><head><title>{draw(MARKUP)}</title>"
        f'<meta property="og:url" content="{draw(LINKS)}"></head>'
        f"<body><article><h1>{draw(MARKUP)}</h1>{draw(MARKUP)}</article></body></html>"
    )
    return encode(page)


PAGES = st.one_of(page_bytes(), st.binary(max_size=400))

# -- what must hold -------------------------------------------------------------------


def strings_of(article: Article) -> Iterator[str]:
    """Every piece of text of an article that a view, export or search can show."""
    yield article.title
    yield article.source
    yield article.guid or ""
    yield from article.key_points
    yield from article.warnings
    for block in article.blocks:
        yield block.text
        yield block.credit or ""
        yield block.speaker or ""
    for quote in article.quotes:
        yield quote.text
        yield quote.speaker or ""


def assert_clean(article: Article) -> None:
    """Nothing the terminal would act on, and a link only if it is a web link."""
    for text in strings_of(article):
        assert not has_unsafe(text), repr(text)
    assert article.url is None or is_safe_web_url(article.url), article.url


def assert_quotes_point_at_their_text(article: Article) -> None:
    """Each quote is a non-empty span of its block, so the reader highlights the right words."""
    for quote in article.quotes:
        assert 0 <= quote.block < len(article.blocks)
        block_text = article.blocks[quote.block].text
        assert 0 <= quote.start < quote.end <= len(block_text)
        assert block_text[quote.start : quote.end] == quote.text


def check_text(text: str) -> None:
    from newsreader.parse.text import parse_text

    try:
        article = parse_text(text, source="fuzz.txt")
    except ParseError as exc:
        assert str(exc).startswith("fuzz.txt: "), "the error names the file"
        assert "\n" not in str(exc), "the error is one line"
        return
    assert article.title
    assert "\n" not in article.title
    assert all("\n" not in point for point in article.key_points)
    assert_clean(article)
    assert_quotes_point_at_their_text(article)
    # `--json` export and deduplication must work on whatever was parsed.
    data = json.loads(json.dumps(article.to_dict()))
    assert [Block.from_dict(block) for block in data["blocks"]] == article.blocks
    assert [Quote.from_dict(quote) for quote in data["quotes"]] == article.quotes
    article.content_hash()


def check_feed(data: bytes) -> None:
    from newsreader.parse.feed import parse_feed

    try:
        feed = parse_feed(data, name="fuzz.xml")
    except NewsreaderError as exc:
        assert "fuzz.xml" in str(exc), "the error names the file"
        return
    assert not has_unsafe(feed.title), repr(feed.title)
    assert feed.link is None or is_safe_web_url(feed.link), feed.link
    for entry in feed.entries:
        assert_clean(entry)
        assert_quotes_point_at_their_text(entry)


def check_html_page(data: bytes) -> None:
    from newsreader.parse.html_page import parse_html

    try:
        article = parse_html(data, name="fuzz.html")
    except NewsreaderError as exc:
        assert "fuzz.html" in str(exc), "the error names the file"
        return
    assert_clean(article)
    assert_quotes_point_at_their_text(article)


def check_fragment(html: str) -> None:
    from newsreader.parse.html_blocks import html_to_blocks

    key_points, blocks = html_to_blocks(html)
    for text in [*key_points, *(block.text for block in blocks)]:
        assert not has_unsafe(text), repr(text)


def check_extract_quotes(texts: list[str]) -> None:
    blocks = [Block(BlockKind.PARAGRAPH, text) for text in texts]
    out, quotes = extract_quotes(blocks)
    assert len(out) == len(blocks)
    for before, after in zip(blocks, out, strict=True):
        # Normalising stray spaces may drop spaces, never any other character.
        assert before.text.replace(" ", "") == after.text.replace(" ", "")
        assert after.kind in (BlockKind.PARAGRAPH, BlockKind.QUOTE)
    assert_quotes_point_at_their_text(Article(title="t", blocks=out, quotes=quotes))


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    """A small real library with hostile and ordinary text to search."""
    lib = Library(tmp_path_factory.mktemp("fuzz") / "library.sqlite3")
    lib.add_articles(
        Article(
            title=f"Harbour story {n} {HOSTILE[n % len(HOSTILE)]}",
            key_points=[f"Tide point {n}"],
            blocks=[Block(BlockKind.PARAGRAPH, f"The harbour NEAR AND OR tide {n} \x1b[2J.")],
            source="Fuzz",
        )
        for n in range(40)
    )
    yield lib
    lib.close()


def check_search(library: Library, text: str) -> None:
    for prefix in (False, True):
        # What the typed text becomes is valid FTS5 as it stands (a SearchQueryError here
        # is the "cannot be a syntax error" promise broken).
        library.search(fts_query(text, prefix=prefix), raw=True)
        for hit in library.search(text, prefix=prefix):
            assert not has_unsafe(hit.snippet), repr(hit.snippet)
            assert not has_unsafe(hit.row.title), repr(hit.row.title)
            for start, end in hit.highlights:
                assert 0 <= start < end <= len(hit.snippet)
    try:
        library.search(text, raw=True)
    except SearchQueryError as exc:
        assert "\n" not in str(exc), "the error is one line"


# -- quick (default) ------------------------------------------------------------------


@examples(250)
@given(TEXT)
def test_text_parser(text: str) -> None:
    """Any text: an article (clean, quotes on their words, exportable) or a one-line ParseError."""
    check_text(text)


@examples(200)
@given(FEEDS)
def test_feed_parser(data: bytes) -> None:
    """Any feed bytes: parsed or an error naming the file; clean text, http(s) links only."""
    check_feed(data)


@QUICK
@given(PAGES)
def test_html_page(data: bytes) -> None:
    """Any web page bytes: parsed or an error naming the file; clean text, safe URL."""
    check_html_page(data)


@QUICK
@given(MARKUP)
def test_html_fragment(html: str) -> None:
    """Any feed entry HTML: `html_to_blocks` never raises and returns clean text."""
    check_fragment(html)


@examples(200)
@given(PARAGRAPHS)
def test_extract_quotes_only_removes_spaces(texts: list[str]) -> None:
    """Quote extraction changes nothing but stray spaces; its offsets stay valid."""
    check_extract_quotes(texts)


@QUICK
@given(QUERIES)
def test_search(library: Library, text: str) -> None:
    """Any typed search runs; raw FTS5 syntax may fail, but only as a one-line SearchQueryError."""
    check_search(library, text)


def test_search_of_every_hostile_fragment(library: Library) -> None:
    """Typed fragments one by one (the shrunk cases hypothesis would find first)."""
    for fragment in [*QUERY_FRAGMENTS, "x" * 10_000, "a\x00b", '"harbour', "*\x850", "\udcff"]:
        check_search(library, fragment)
    assert library.search("harbour NEAR("), "FTS5 syntax typed by a user is searched as words"


def test_pathological_text_is_parsed_quickly() -> None:
    """Inputs that make naive regular expressions backtrack still parse in seconds."""
    from newsreader.parse.text import parse_text

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


# -- slow variants ---------------------------------------------------------------------


@pytest.mark.slow
@SLOW_TEXT
@given(TEXT)
def test_text_parser_long(text: str) -> None:
    check_text(text)


@pytest.mark.slow
@SLOW_MARKUP
@given(st.one_of(FEEDS, mutated_feed(), st.binary(max_size=4000)))
def test_feed_parser_long(data: bytes) -> None:
    check_feed(data)


@pytest.mark.slow
@SLOW_MARKUP
@given(PAGES)
def test_html_page_long(data: bytes) -> None:
    check_html_page(data)


@pytest.mark.slow
@SLOW_MARKUP
@given(MARKUP)
def test_html_fragment_long(html: str) -> None:
    check_fragment(html)


@pytest.mark.slow
@pytest.mark.timeout(900)  # thousands of ranked FTS5 searches: minutes on a busy 2-core machine
@SLOW_TEXT
@given(QUERIES)
def test_search_long(library: Library, text: str) -> None:
    check_search(library, text)

"""The shortcuts in feed parsing answer exactly what the long way answers, or step aside.

Each shortcut (a URL that joins to itself, a link found safe without
splitting it, bare `<p>` paragraphs without lxml) is checked against the code
it skips, on hand-picked edge cases and on seeded random strings.
"""

from __future__ import annotations

import random
import urllib.parse

import pytest

from newsreader import urls
from newsreader.parse import fastfeed, html_blocks
from newsreader.urls import is_safe_web_url, joins_to_itself

BASES = ["", "http://b.example/dir/f.xml", "https://b.example/", "http://127.0.0.1:8000/a?x#y"]


def _slow_join(base: str, uri: str) -> str:
    uri = fastfeed._URI_FIXER.sub(r"\1\3", uri)
    try:
        return urllib.parse.urljoin(base, uri)
    except ValueError:
        return ""


@pytest.mark.parametrize(
    ("uri", "fast"),
    [
        ("https://l.example/a", True),
        ("urn:bench:1:2", True),
        ("tag:example.com,2024:1", True),
        ("https://l.example/a?", False),  # the round trip drops an empty query
        ("https://l.example/a#", False),
        ("https://l.example/a?#f", False),
        ("https://l.example/a;p", False),
        ("https://[::1]/x", False),
        ("https:///triple", False),
        ("HTTP://caps.example/", False),
        ("/relative", False),
        ("mailto:\t//[", False),  # urlsplit drops the tab, and `//[` then raises
        ("https://bücher.example/", False),
    ],
)
def test_uris_that_join_to_themselves(uri: str, fast: bool) -> None:
    assert joins_to_itself(uri) is fast
    if fast:
        assert all(_slow_join(base, uri) == uri for base in BASES)


def test_join_shortcut_agrees_with_urljoin_on_random_uris() -> None:
    rng = random.Random(1)
    alphabet = [*"ab/?#;:.@[]%-_~!$&'()*+,= \t\nAZ09", "//", "é", "\x00", ":80", ".."]
    schemes = ["http://", "https://", "urn:", "tag:", "mailto:", "HTTP://", "ftp://", "Http:", ""]
    for _ in range(20_000):
        uri = rng.choice(schemes) + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
        if joins_to_itself(uri):
            assert all(_slow_join(base, uri) == uri for base in BASES), uri


def test_link_shortcut_agrees_with_is_safe_web_url() -> None:
    rng = random.Random(3)
    alphabet = [*"abAZ09._-/?#@:[];%~ \t!$&'()*+,=", "é", "\x00", ":80", ":99999", "//"]
    schemes = ["http://", "https://", "HTTP://", "ftp://", "", "http:/"]
    for _ in range(20_000):
        url = rng.choice(schemes) + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert is_safe_web_url(url) == urls._is_safe_split(url), url
    assert is_safe_web_url("https://-bad.example/") is False
    assert is_safe_web_url("https://l.example:99999/") is False


@pytest.mark.parametrize(
    "html",
    [
        "<p>one</p>",
        " <p>one</p>\n<p>two  words</p> ",
        "<p></p><p>\tx\n</p>",
        "<p>emoji 😀 and “quotes” > fine</p>",
    ],
)
def test_bare_paragraphs_read_as_lxml_reads_them(html: str) -> None:
    simple = html_blocks._simple_paragraphs(html)
    assert simple is not None
    assert ([], simple) == html_blocks.convert(html_blocks.parse_fragment(html))


@pytest.mark.parametrize(
    "html",
    [
        "<p>a &amp; b</p>",  # entities: lxml decodes them
        "text<p>x</p>",
        "<p class='x'>attr</p>",
        "<P>upper</P>",
        "<p>nbsp\u00a0inside</p>",  # not printable: left to the full path
        "<p>esc\x1b[31m</p>",
        "<p>unclosed",
    ],
)
def test_anything_else_takes_the_full_path(html: str) -> None:
    assert html_blocks._simple_paragraphs(html) is None


def test_paragraph_shortcut_agrees_with_lxml_on_random_fragments() -> None:
    rng = random.Random(2)
    alphabet = [*"ab c\t\n.,;:'\"!?>=/-—“”", "é", "😀", "中", "</p>", "<p>", "&", "<", "p"]
    checked = 0
    for _ in range(5_000):
        html = "".join(
            rng.choice(["", " ", "\n"])
            + "<p>"
            + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
            + "</p>"
            for _ in range(rng.randint(1, 3))
        )
        simple = html_blocks._simple_paragraphs(html)
        if simple is not None:
            checked += 1
            assert ([], simple) == html_blocks.convert(html_blocks.parse_fragment(html)), html
    assert checked > 100


def test_blocks_and_links_from_one_parse_match_two_parses() -> None:
    from newsreader.parse.links import links_in_html

    html = (
        "<ul><li>Point one is here</li></ul><p>See <a href='/map'>the map</a> and "
        "<a href='https://x.example/b'>this</a>.</p><nav><a href='/menu'>menu</a></nav>"
    )
    base = "https://site.example/feed.xml"
    key_points, blocks, links = html_blocks.html_to_blocks_and_links(html, base)
    assert (key_points, blocks) == html_blocks.html_to_blocks(html)
    assert links == links_in_html(html, base)
    assert ("menu", "https://site.example/menu") in links


def test_article_links_come_out_alike_without_the_join_shortcut(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import html as markup

    from newsreader.parse import links

    rng = random.Random(5)
    alphabet = [*"ab/?#;:.@[]%-_~!$&'()*+,=AZ09", "//", "é", ":80", "..", " "]
    schemes = ["http://", "https://", "urn:", "mailto:", "HTTP://", "ftp://", "/", "", "?", "#"]

    def href() -> str:
        tail = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
        return rng.choice(schemes) + tail

    pages = [
        "".join(
            f'<p><a href="{markup.escape(href())}">link {n}</a></p>' for n in range(links.MAX_LINKS)
        )
        for _ in range(15)
    ]
    base = "https://site.example/dir/page.html?x=1"
    found = [links.links_in_html(page, base) for page in pages]
    monkeypatch.setattr(links, "joins_to_itself", lambda uri: False)
    assert found == [links.links_in_html(page, base) for page in pages]
    assert sum(len(page_links) for page_links in found) > 500

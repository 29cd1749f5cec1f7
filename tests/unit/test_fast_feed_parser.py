"""The fast feed parser (feedparser-rs) gives the very articles feedparser gives, or steps aside.

Each feed here is parsed twice, with the fast path and with feedparser alone
(`fast=False`), and the articles must be equal field by field: a guid that came
out different would store every entry again on the next refresh. The fallback
cases check that the fast path declines (returns None) where feedparser's
judgement is the reference.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from newsreader.parse.fastfeed import fast_parse
from newsreader.parse.feed import parse_feed

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[1] / "data"
HOSTILE = HERE.parent / "hostile"
BASE = "https://site.example/feed.xml"

RSS20 = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Hill &amp; Dale Post</title><link>https://hill.example/</link>
<item><title>Market &lt;3 square</title><link>/market</link>
<guid isPermaLink="false">hill-123</guid><pubDate>Tue, 05 Mar 2024 10:15:00 +0100</pubDate>
<description>Short &amp; sweet.</description>
<content:encoded><![CDATA[<ul><li>Cars banned</li></ul><p>Closed <a href="/map">map</a>.</p>
<blockquote><p>The biggest change in fifty years.</p><footer>Mayor Ines</footer></blockquote>]]>
</content:encoded>
<enclosure url="https://hill.example/a.mp3" type="audio/mpeg" length="123"/></item>
<item><title>Second</title><guid isPermaLink="false">hill-124</guid>
<description>Plain body text.</description></item>
</channel></rss>"""

RSS_PERMALINK_GUIDS = b"""<rss version="2.0"><channel><title>P</title>
<item><title>One</title><guid>/posts/1</guid><description>a</description></item>
<item><title>Two</title><guid>https://p.example/2</guid><link>https://p.example/2</link>
<description>b</description></item></channel></rss>"""

RSS091 = b"""<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
 "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Valley Gazette</title><link>https://g.example/</link>
<description>Old</description><language>en</language>
<item><title>Bridge caf\xe9 reopens</title><link>https://g.example/bridge</link>
<description>The bridge reopened.</description></item></channel></rss>"""

RSS10 = b"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://rdf.example/"><title>RDF Times</title><link>https://rdf.example/</link>
<description>d</description></channel>
<item rdf:about="https://rdf.example/a"><title>Library hours</title>
<link>https://rdf.example/a</link><description>Open until 9pm.</description>
<dc:date>2024-02-01T12:00:00Z</dc:date></item></rdf:RDF>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Daily</title>
<link href="https://atom.example/"/><id>urn:example:daily</id><updated>2024-01-02T03:04:05Z</updated>
<entry><title type="html">Harbour &lt;b&gt;festival&lt;/b&gt;</title>
<link href="https://atom.example/festival"/><id>urn:example:festival</id>
<updated>2024-01-02T03:04:05Z</updated>
<content type="html">&lt;p&gt;The festival returns.&lt;/p&gt;</content></entry>
<entry><title type="text">a &lt;b&gt; c</title><id>relative-id</id>
<link rel="alternate" href="https://atom.example/1"/>
<link rel="enclosure" href="https://atom.example/v.mp4" type="video/mp4" length="9"/>
<summary>s</summary>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>P1 <i>it</i></p></div></content>
<published>2024-01-01T00:00:00+02:00</published></entry></feed>"""

GB2312 = (
    '<?xml version="1.0" encoding="gb2312"?><rss version="2.0"><channel><title>新闻</title>'
    "<item><title>港口重建</title><description>内容</description></item></channel></rss>"
).encode("gb2312")

EUC_KR = (
    '<?xml version="1.0" encoding="euc-kr"?><rss version="2.0"><channel><title>뉴스</title>'
    "<item><title>항구 재건</title><description>내용</description></item></channel></rss>"
).encode("euc-kr")

CDATA = b"""<rss version="2.0"><channel><title>C</title><item>
<title><![CDATA[A & <b>B</b>]]></title>
<description><![CDATA[<p>x &amp; y <a href="/q">q</a></p>]]></description></item></channel></rss>"""

FAST_FEEDS = {
    "rss20": RSS20,
    "rss-permalink-guids": RSS_PERMALINK_GUIDS,
    "rss091": RSS091,
    "rss10": RSS10,
    "atom": ATOM,
    "gb2312": GB2312,
    "euc-kr": EUC_KR,
    "cdata": CDATA,
    "sample": (DATA / "sample-feed.atom").read_bytes(),
}
"""Feeds the fast path must read itself (and read exactly as feedparser does)."""

FALLBACK_FEEDS = {
    "undeclared-entity": b"<rss version='2.0'><channel><title>N</title><item><title>a&nbsp;b"
    b"</title><description>x</description></item></channel></rss>",
    "truncated": b"<rss version='2.0'><channel><title>N</title><item><title>a</title>",
    "latin1-declared-utf8": (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Café</title>"
        "<item><title>Crème</title><description>Été</description></item></channel></rss>"
    ).encode("latin-1"),
    "raw-escape": b"<rss version='2.0'><channel><title>E</title><item><title>a\x1b[2Jb"
    b"</title><description>x</description></item></channel></rss>",
    "escape-charref": b"<rss version='2.0'><channel><title>E</title><item><title>a&#27;]0;x"
    b"</title><description>x</description></item></channel></rss>",
    "xml-base": b'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://b.example/d/">'
    b'<title>B</title><entry><title>t</title><id>i</id><link href="p"/></entry></feed>',
    "mixed-permalink-marks": b"<rss version='2.0'><channel><title>M</title>"
    b"<item><title>a</title><guid isPermaLink='false'>g1</guid></item>"
    b"<item><title>b</title><guid>g2</guid></item></channel></rss>",
    "html-page": b"<!doctype html><html><head><title>x</title></head><body>hi</body></html>",
}
"""Feeds where feedparser is the reference and the fast path must step aside."""


def _articles(data: bytes, *, fast: bool, url: str | None) -> Any:
    try:
        feed = parse_feed(data, name="f", url=url, fast=fast)
    except Exception as exc:  # the same error, word for word, is parity too
        return ("error", str(exc))
    # feedparser warns "no Content-type specified" whenever it is given a URL
    # without headers; the fast path has no such warning to give.
    warnings = [w for w in feed.warnings if "no Content-type" not in w]
    return feed.title, feed.link, [dataclasses.asdict(a) for a in feed.entries], warnings


@pytest.mark.parametrize("url", [None, BASE])
@pytest.mark.parametrize("name", sorted(FAST_FEEDS))
def test_fast_path_matches_feedparser(name: str, url: str | None) -> None:
    data = FAST_FEEDS[name]
    assert fast_parse(data, url) is not None, "the fast path declined a feed it should read"
    assert _articles(data, fast=True, url=url) == _articles(data, fast=False, url=url)


@pytest.mark.parametrize("name", sorted(FALLBACK_FEEDS))
def test_fast_path_declines_what_feedparser_must_judge(name: str) -> None:
    assert fast_parse(FALLBACK_FEEDS[name], BASE) is None


@pytest.mark.parametrize("name", sorted(FALLBACK_FEEDS))
def test_fallback_gives_feedparser_result(name: str) -> None:
    data = FALLBACK_FEEDS[name]
    assert _articles(data, fast=True, url=BASE) == _articles(data, fast=False, url=BASE)


@pytest.mark.parametrize("path", sorted(p for p in HOSTILE.glob("*.xml")), ids=lambda p: p.name)
def test_hostile_feeds_read_alike(path: Path) -> None:
    data = path.read_bytes()
    assert _articles(data, fast=True, url=BASE) == _articles(data, fast=False, url=BASE)


def test_guid_joined_like_feedparser() -> None:
    feed = parse_feed(RSS_PERMALINK_GUIDS, name="f", url=BASE)
    assert feed.entries[0].guid == "https://site.example/posts/1"
    marked = parse_feed(RSS20, name="f", url=BASE)
    assert marked.entries[0].guid == "hill-123"


def test_json_feeds_are_not_the_fast_parsers() -> None:
    data = b'{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": []}'
    assert fast_parse(data, None) is None


def test_fast_parser_missing_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "feedparser_rs", None)
    assert fast_parse(ATOM, None) is None
    assert parse_feed(ATOM, name="f").entries[0].title == "Harbour festival"


def test_a_feed_of_more_than_10000_items_takes_the_fast_path_and_reads_alike() -> None:
    """feedparser-rs stops at 10,000 entries by default and flags the feed as broken,
    which sent a 50,000-item feed to feedparser: 20 s instead of 5."""
    items = "".join(
        f"<item><title>Item {n}</title><link>https://site.example/{n}</link>"
        f"<guid>g{n}</guid><description>Body {n}.</description></item>"
        for n in range(12_000)
    )
    data = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>'
    )
    parsed = fast_parse(data.encode(), BASE)
    assert parsed is not None and len(parsed["entries"]) == 12_000
    fast = parse_feed(data.encode(), name="f", url=BASE)
    slow = parse_feed(data.encode(), name="f", url=BASE, fast=False)
    assert [a.title for a in fast.entries] == [a.title for a in slow.entries]
    assert len(fast.entries) == 12_000

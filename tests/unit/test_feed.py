"""Feed parsing: every RSS dialect and Atom, and hostile input (fuzzing: test_properties.py)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsreader.errors import ParseError
from newsreader.model.article import BlockKind
from newsreader.parse.feed import parse_feed
from newsreader.sanitize import has_unsafe

DATA = Path(__file__).resolve().parents[2] / "data"

RSS091 = b"""<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
 "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91">
<channel>
<title>Valley Gazette</title>
<link>https://gazette.example.org/</link>
<description>Old-style news</description>
<language>en</language>
<item>
<title>Bridge reopens after repairs</title>
<link>https://gazette.example.org/bridge</link>
<description>The old stone bridge reopened to traffic on Monday.</description>
</item>
</channel>
</rss>
"""

RSS10 = b"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://rdf.example.org/">
    <title>RDF Times</title>
    <link>https://rdf.example.org/</link>
    <description>RSS 1.0 news</description>
    <items><rdf:Seq><rdf:li rdf:resource="https://rdf.example.org/a"/></rdf:Seq></items>
  </channel>
  <item rdf:about="https://rdf.example.org/a">
    <title>Library extends opening hours</title>
    <link>https://rdf.example.org/a</link>
    <description>The central library will open until 9pm on weekdays.</description>
    <dc:date>2024-02-01T12:00:00Z</dc:date>
  </item>
</rdf:RDF>
"""

RSS20 = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>Hill Post</title>
  <link>https://hillpost.example.com/</link>
  <description>News</description>
  <item>
    <title>Market square to go car-free</title>
    <link>https://hillpost.example.com/market</link>
    <guid isPermaLink="false">hillpost-123</guid>
    <pubDate>Tue, 05 Mar 2024 10:15:00 +0100</pubDate>
    <description>Short summary.</description>
    <content:encoded><![CDATA[<ul><li>Cars banned from June</li><li>Buses still allowed</li></ul>
      <p>The market square will be closed to cars from June, the council said.</p>
      <blockquote><p>This is the biggest change to the town centre in fifty years.</p>
      <footer>Mayor Ines Vardakis</footer></blockquote>]]></content:encoded>
  </item>
  <item>
    <description>An entry with no title but a body that is long enough to give one.</description>
  </item>
  <item>
    <guid>empty-entry</guid>
  </item>
</channel>
</rss>
"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom Daily</title>
  <link href="https://atom.example.net/"/>
  <id>urn:example:atom-daily</id>
  <updated>2024-01-02T03:04:05Z</updated>
  <entry>
    <title type="html">Harbour &lt;b&gt;festival&lt;/b&gt; returns</title>
    <link href="https://atom.example.net/festival"/>
    <id>urn:example:festival</id>
    <updated>2024-01-02T03:04:05Z</updated>
    <content type="html">&lt;p&gt;The harbour festival returns this summer.&lt;/p&gt;</content>
  </entry>
</feed>
"""


def test_rss091() -> None:
    feed = parse_feed(RSS091, name="old.rss")
    assert feed.title == "Valley Gazette"
    assert feed.link == "https://gazette.example.org/"
    [entry] = feed.entries
    assert entry.title == "Bridge reopens after repairs"
    assert entry.url == "https://gazette.example.org/bridge"
    assert entry.blocks[0].text.startswith("The old stone bridge")
    assert entry.source == "Valley Gazette"


def test_rss10_rdf() -> None:
    feed = parse_feed(RSS10, name="rdf.xml")
    [entry] = feed.entries
    assert entry.title == "Library extends opening hours"
    assert entry.published == datetime(2024, 2, 1, 12, 0, tzinfo=UTC)
    assert entry.guid


def test_rss20_content_key_points_and_blockquote() -> None:
    feed = parse_feed(RSS20, name="hill.rss", url="https://hillpost.example.com/feed")
    first = feed.entries[0]
    assert first.guid == "hillpost-123"
    assert first.published == datetime(2024, 3, 5, 9, 15, tzinfo=UTC)
    assert first.key_points == ["Cars banned from June", "Buses still allowed"]
    quotes = [block for block in first.blocks if block.kind is BlockKind.QUOTE]
    assert quotes and quotes[0].speaker == "Mayor Ines Vardakis"
    assert "biggest change" in quotes[0].text


def test_untitled_entry_gets_lead_words_and_empty_entry_skipped() -> None:
    feed = parse_feed(RSS20, name="hill.rss")
    titles = [entry.title for entry in feed.entries]
    assert len(feed.entries) == 2
    assert titles[1].startswith("An entry with no title but a body")
    assert titles[1].endswith("…")
    assert any("skipped entry 3" in warning for warning in feed.warnings)
    # No link and no id: the guid is still stable.
    assert feed.entries[1].guid == parse_feed(RSS20, name="again").entries[1].guid


def test_atom_html_title_is_plain_text() -> None:
    feed = parse_feed(ATOM, name="atom.xml")
    [entry] = feed.entries
    assert entry.title == "Harbour festival returns"
    assert entry.blocks[0].text == "The harbour festival returns this summer."
    assert entry.guid == "urn:example:festival"


def test_detects_by_content_not_extension() -> None:
    assert parse_feed(ATOM, name="really-atom.rss").entries
    assert parse_feed(RSS20, name="really-rss.atom").entries


def test_sample_feed() -> None:
    feed = parse_feed((DATA / "sample-feed.atom").read_bytes(), name="sample-feed.atom")
    assert len(feed.entries) >= 5
    first = feed.entries[0]
    assert len(first.key_points) == 3
    captions = [block for block in first.blocks if block.kind is BlockKind.CAPTION]
    assert captions and captions[0].credit == "Alys Penhallow | Coastline Courier"
    assert any(block.kind is BlockKind.HEADING for block in first.blocks)
    assert all(entry.url and entry.url.startswith("https://") for entry in feed.entries)
    summary_only = next(entry for entry in feed.entries if entry.title.startswith("Lifeboat"))
    assert summary_only.blocks[0].kind is BlockKind.PARAGRAPH


def test_html_page_is_not_a_feed() -> None:
    page = b"<!DOCTYPE html><html><head><title>Home</title></head><body><p>Hi</p></body></html>"
    with pytest.raises(
        ParseError, match=r"^page\.xml: not an RSS or Atom feed \(it is an HTML page\)"
    ):
        parse_feed(page, name="page.xml")


def test_invalid_xml_is_not_a_feed() -> None:
    with pytest.raises(ParseError, match="not an RSS or Atom feed"):
        parse_feed(b"<<<this is not xml>>> &&&", name="junk.xml")


def test_png_named_xml() -> None:
    with pytest.raises(ParseError, match="not XML"):
        parse_feed(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, name="feed.xml")


@pytest.mark.parametrize("kind", ["laughs", "xxe", "quadratic"])
def test_entity_attacks_refused_quickly(kind: str) -> None:
    if kind == "laughs":
        decl = '<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        ref = "&b;"
    elif kind == "xxe":
        decl = '<!ENTITY xxe SYSTEM "file:///etc/passwd">'
        ref = "&xxe;"
    else:
        decl = '<!ENTITY a "' + "x" * 50_000 + '">'
        ref = "&a;" * 10_000
    data = (
        f'<?xml version="1.0"?><!DOCTYPE rss [{decl}]>'
        f"<rss version='2.0'><channel><title>{ref}</title></channel></rss>"
    ).encode()
    started = time.monotonic()
    with pytest.raises(ParseError, match="declares XML entities"):
        parse_feed(data, name="evil.xml")
    assert time.monotonic() - started < 2


def _rss_item(title: str, link: str) -> bytes:
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>\x1b]0;pwned\x07"
        f"Feed\u202e</title><item><title>{title}</title><link>{link}</link>"
        "<description>Body \x1b[31mred\x1b[0m text.</description></item></channel></rss>"
    ).encode()


def test_escape_and_bidi_stripped() -> None:
    feed = parse_feed(_rss_item("Title \x1b[2J\u202eevil\u200b", "https://a.example/x"), name="f")
    entry = feed.entries[0]
    assert feed.title == "Feed"
    assert entry.title == "Title evil"
    assert entry.blocks[0].text == "Body red text."
    for text in (feed.title, entry.title, entry.source, *(b.text for b in entry.blocks)):
        assert not has_unsafe(text)


def test_markup_like_title_kept_literally() -> None:
    feed = parse_feed(_rss_item("[@click=app.quit]Click me[/]", "https://a.example/x"), name="f")
    assert feed.entries[0].title == "[@click=app.quit]Click me[/]"


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,hi", "/relative/only"]
)
def test_unsafe_links_not_stored(link: str) -> None:
    feed = parse_feed(_rss_item("T", link), name="f")
    assert feed.entries[0].url is None


def test_relative_link_resolved_against_feed_url() -> None:
    feed = parse_feed(_rss_item("T", "/news/1"), name="f", url="https://site.example/feed.xml")
    assert feed.entries[0].url == "https://site.example/news/1"


def test_wrong_declared_encoding_does_not_raise() -> None:
    data = (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Café</title>"
        "<item><title>Crème brûlée</title><description>Été</description></item></channel></rss>"
    ).encode("latin-1")
    feed = parse_feed(data, name="latin.xml")
    assert feed.entries
    assert not has_unsafe(feed.entries[0].title)


def test_gb2312_declared_feed() -> None:
    data = (
        '<?xml version="1.0" encoding="gb2312"?><rss version="2.0"><channel><title>新闻</title>'
        "<item><title>港口重建</title><description>内容</description></item></channel></rss>"
    ).encode("gb2312")
    feed = parse_feed(data, name="gb.xml")
    assert feed.entries[0].title == "港口重建"


def test_size_cap() -> None:
    with pytest.raises(ParseError, match="over the"):
        parse_feed(RSS20, name="f.xml", max_bytes=100)

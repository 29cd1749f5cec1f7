"""OPML import/export: folders become tags, unsafe URLs are skipped, round trips are lossless."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.errors import ParseError
from newsreader.parse.opml import Subscription, parse_opml, write_opml

DATA = Path(__file__).resolve().parents[2] / "data"


def test_sample_subscriptions() -> None:
    subs, warnings = parse_opml(
        (DATA / "sample-subscriptions.opml").read_bytes(), name="sample-subscriptions.opml"
    )
    assert warnings == []
    assert len(subs) >= 4
    by_title = {sub.title: sub for sub in subs}
    assert by_title["Westmere Harbour Notices"].tags == ["News", "Local"]
    assert by_title["The Coastline Courier"].url == "https://example.org/feed.atom"
    assert by_title["Island Ferry Updates"].tags == []


def test_round_trip() -> None:
    subs = [
        Subscription("https://a.example/feed", "A & B <news>", ["News", "Local"]),
        Subscription("https://b.example/rss?x=1&y=2", 'B "quoted"', ["News"]),
        Subscription("http://c.example/atom", "C", []),
        Subscription("https://d.example/feed", "D", ["Science", "Ocean", "Birds"]),
    ]
    text = write_opml(subs)
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>')
    assert 'version="2.0"' in text
    parsed, warnings = parse_opml(text.encode("utf-8"), name="out.opml")
    assert warnings == []
    assert parsed == subs


def test_round_trip_sample() -> None:
    subs, _ = parse_opml((DATA / "sample-subscriptions.opml").read_bytes(), name="s")
    again, _ = parse_opml(write_opml(subs).encode(), name="s2")
    assert again == subs


def test_unsafe_urls_skipped_with_warnings() -> None:
    data = b"""<?xml version="1.0"?><opml version="1.0"><body>
      <outline text="Local file" xmlUrl="file:///etc/passwd"/>
      <outline text="Script" xmlUrl="javascript:alert(1)"/>
      <outline text="Data" xmlUrl="data:text/xml,&lt;rss/&gt;"/>
      <outline text="Good" xmlUrl="https://good.example/feed"/>
      <outline text="No url"/>
    </body></opml>"""
    subs, warnings = parse_opml(data, name="mixed.opml")
    assert [sub.url for sub in subs] == ["https://good.example/feed"]
    assert len(warnings) == 4
    assert any("'Local file'" in w and "file:///etc/passwd" in w for w in warnings)
    assert any("'Script'" in w and "javascript:" in w for w in warnings)
    assert all(w.startswith("mixed.opml: ") for w in warnings)


def test_duplicates_merged() -> None:
    data = b"""<opml version="2.0"><body>
      <outline text="Tech"><outline text="Feed" xmlUrl="https://x.example/f"/></outline>
      <outline text="Daily"><outline text="Feed again" xmlUrl="https://x.example/f"/></outline>
    </body></opml>"""
    subs, _ = parse_opml(data, name="dup.opml")
    assert subs == [Subscription("https://x.example/f", "Feed", ["Tech", "Daily"])]


def test_titles_sanitised() -> None:
    data = '<opml version="2.0"><body><outline text="Evil\u200b\u202eName\u2066" xmlUrl="https://e.example/f"/></body></opml>'
    subs, _ = parse_opml(data.encode(), name="e.opml")
    assert subs[0].title == "EvilName"


def test_gb2312_opml() -> None:
    data = '<?xml version="1.0" encoding="gb2312"?><opml version="1.0"><body><outline text="新闻" xmlUrl="https://a.example/x"/></body></opml>'
    subs, _ = parse_opml(data.encode("gb2312"), name="gb.opml")
    assert subs[0].title == "新闻"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<rss version='2.0'><channel/></rss>", "not an OPML file"),
        (b"<opml><body><outline", "not valid XML"),
        (b'<!DOCTYPE opml [<!ENTITY a "b">]><opml><body/></opml>', "declares XML entities"),
        (b"\x89PNG\r\n\x1a\n", "not XML"),
    ],
)
def test_not_opml(data: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_opml(data, name="x.opml")


def test_deeply_nested_outlines() -> None:
    depth = 5000
    data = (
        "<opml><body>"
        + '<outline text="f">' * depth
        + '<outline text="x" xmlUrl="https://deep.example/f"/>'
        + "</outline>" * depth
        + "</body></opml>"
    ).encode()
    subs, _ = parse_opml(data, name="deep.opml")
    assert subs[0].url == "https://deep.example/f"

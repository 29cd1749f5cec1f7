"""OPML folders and subscriptions as a newsboat user expects them (#14): a folder is named
by its `text`, nested folders come back nested, a URL we have (but for a trailing slash,
or behind a redirect) is not a second feed, and the sidebar shows every tag as a folder."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from pytest_httpserver import HTTPServer

from newsreader.parse.opml import Subscription, parse_opml, write_opml
from newsreader.services.export import export_library
from newsreader.services.subscribe import subscribe, subscribe_many
from newsreader.store import Library
from newsreader.ui import prepaint_layout
from newsreader.ui.folders import SEP
from newsreader.ui.widgets.feed_sidebar import resolve_scope, sidebar_entries
from newsreader.urls import feed_key

ATOM = (
    b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
    b"<title>Tide Tables</title><id>urn:tides</id><updated>2026-02-01T00:00:00Z</updated>"
    b"<entry><id>urn:tides:1</id><title>High water</title><link href='https://t.example/1'/>"
    b"<updated>2026-02-01T10:00:00Z</updated><content type='html'>&lt;p&gt;At noon.&lt;/p&gt;"
    b"</content></entry></feed>"
)


def test_a_folder_is_named_by_its_text_not_its_title() -> None:
    data = b"""<?xml version="1.0"?><opml version="2.0"><body>
      <outline text="News" title="Folder 1">
        <outline text="Local" title="ignored">
          <outline text="Harbour" title="Harbour Notices" xmlUrl="https://h.example/feed"/>
        </outline>
      </outline>
      <outline title="Only a title"><outline text="X" xmlUrl="https://x.example/feed"/></outline>
    </body></opml>"""
    subs, warnings = parse_opml(data, name="f.opml")
    assert warnings == []
    assert subs == [
        Subscription("https://h.example/feed", "Harbour Notices", ["News", "Local"]),
        Subscription("https://x.example/feed", "X", ["Only a title"]),
    ]


def test_nested_folders_come_back_nested() -> None:
    subs = [
        Subscription("https://a.example/feed", "A", ["News", "Local"]),
        Subscription("https://b.example/feed", "B", ["News"]),
        Subscription("https://c.example/feed", "C", ["News", "Local"]),
        Subscription("https://d.example/feed", "D", []),
    ]
    text = write_opml(subs)
    body = ET.fromstring(text.encode()).find("body")
    assert body is not None
    news = body.find("outline[@text='News']")
    assert news is not None and news.get("xmlUrl") is None
    local = news.find("outline[@text='Local']")
    assert local is not None
    assert [o.get("xmlUrl") for o in local] == ["https://a.example/feed", "https://c.example/feed"]
    assert [o.get("text") for o in news] == ["Local", "B"]
    assert "category" not in text
    again, _ = parse_opml(text.encode(), name="again.opml")
    assert sorted(again, key=lambda s: s.url) == subs


def test_the_library_export_nests_folders(library: Library) -> None:
    library.add_feed("https://a.example/feed", title="A", tags=["News", "Local"])
    text = "".join(export_library(library, "opml"))
    body = ET.fromstring(text.encode()).find("body")
    assert body is not None
    assert body.find("outline[@text='News']/outline[@text='Local']/outline[@text='A']") is not None


def test_feed_key() -> None:
    assert feed_key("HTTPS://Example.COM:443/feed/") == feed_key("https://example.com/feed")
    assert feed_key("http://example.com/") == feed_key("http://example.com")
    assert feed_key("http://example.com/feed#top") == feed_key("http://example.com/feed")
    assert feed_key("http://example.com:8080/f") != feed_key("http://example.com/f")
    assert feed_key("http://example.com/f?a=1") != feed_key("http://example.com/f?a=2")
    assert feed_key("https://example.com/f") != feed_key("http://example.com/f")


def test_a_trailing_slash_is_the_same_feed(httpserver: HTTPServer, library: Library) -> None:
    httpserver.expect_request("/feed/").respond_with_data(ATOM, content_type="application/atom+xml")
    httpserver.expect_request("/feed").respond_with_data(ATOM, content_type="application/atom+xml")
    first = subscribe(library, httpserver.url_for("/feed/"))
    assert first.created
    second = subscribe(library, httpserver.url_for("/feed"), tags=["Tides"])
    assert not second.created and second.feed.id == first.feed.id
    feeds = library.feeds()
    assert len(feeds) == 1 and feeds[0].tags == ["Tides"]
    results = subscribe_many(library, [httpserver.url_for("/feed"), httpserver.url_for("/feed/")])
    assert len(library.feeds()) == 1
    assert all(getattr(r, "created", None) is False for r in results)


def test_a_redirect_to_a_feed_we_have_is_that_feed(
    httpserver: HTTPServer, library: Library
) -> None:
    httpserver.expect_request("/tides.xml").respond_with_data(
        ATOM, content_type="application/atom+xml"
    )
    httpserver.expect_request("/old-feed").respond_with_data(
        "", status=301, headers={"Location": httpserver.url_for("/tides.xml")}
    )
    kept = subscribe(library, httpserver.url_for("/tides.xml"))
    again = subscribe(library, httpserver.url_for("/old-feed"))
    assert not again.created and again.feed.id == kept.feed.id
    assert [feed.url for feed in library.feeds()] == [httpserver.url_for("/tides.xml")]


def test_the_sidebar_shows_every_tag_as_a_folder(library: Library) -> None:
    a, _ = library.add_feed("https://a.example/feed", title="Alpha", tags=["News", "Local"])
    b, _ = library.add_feed("https://b.example/feed", title="Beta", tags=["News"])
    c, _ = library.add_feed("https://c.example/feed", title="Gamma")
    feeds = library.feeds()
    entries = sidebar_entries(feeds, 0)
    shown = [("  " * e.depth) + e.scope.label for e in entries]
    assert shown == ["All articles", "News", "  Local", "    Alpha", "  Beta", "Gamma"]
    local = entries[2].scope
    assert local.kind == "folder" and local.folder == f"News{SEP}Local"
    assert local.feed_ids == (a.id,)
    assert set(entries[1].scope.feed_ids) == {a.id, b.id}
    assert resolve_scope(local.to_state(), feeds) == local
    # The pre-painted first screen lays the sidebar out the same way.
    painted = prepaint_layout.entries(feeds, 0)
    assert [(e.scope.key, e.scope.label, e.depth) for e in painted] == [
        (e.scope.option_id, e.scope.label, e.depth) for e in entries
    ]
    assert prepaint_layout.resolve(local.to_state(), feeds).feed_ids == (a.id,)
    del c

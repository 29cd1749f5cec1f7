"""JSON Feed 1.0/1.1: told by content, read like RSS and Atom, with the same safety."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from newsreader.errors import ParseError
from newsreader.parse.feed import parse_feed
from newsreader.parse.jsonfeed import looks_like_json_feed
from newsreader.sanitize import has_unsafe


def _feed(**overrides: Any) -> bytes:
    document: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Harbour \x1b]0;PWNTITLE\x07News\u202e",
        "home_page_url": "https://harbour.example/",
        "items": [
            {
                "id": "post-1",
                "url": "/2024/cranes",
                "title": "Cranes return",
                "content_html": '<p>Back in <a href="/yard">the yard</a>.</p><script>x()</script>',
                "date_published": "2024-01-02T03:04:05+01:00",
                "attachments": [
                    {"url": "https://harbour.example/a.mp3", "mime_type": "audio/mpeg",
                     "size_in_bytes": 1234},
                    {"url": "javascript:alert(1)", "mime_type": "audio/mpeg"},
                ],
            },
            {"id": 7, "content_text": "Plain words only, no title given here."},
            {"id": "empty"},
        ],
    }  # fmt: skip
    document.update(overrides)
    return json.dumps(document).encode()


def test_sniffed_by_content() -> None:
    assert looks_like_json_feed(_feed())
    assert looks_like_json_feed(b'\xef\xbb\xbf {"version": "https://jsonfeed.org/version/1"}')
    assert not looks_like_json_feed(b'{"version": 1, "articles": []}')
    assert not looks_like_json_feed(b"<rss version='2.0'/>")


def test_items_become_articles() -> None:
    feed = parse_feed(_feed(), name="j.json")
    assert feed.title == "Harbour News"
    assert feed.link == "https://harbour.example/"
    first, second = feed.entries
    assert first.title == "Cranes return"
    assert first.url == "https://harbour.example/2024/cranes"
    assert first.guid == "post-1"
    assert first.published == datetime(2024, 1, 2, 2, 4, 5, tzinfo=UTC)
    assert [block.text for block in first.blocks] == ["Back in the yard."]
    assert first.links == [("the yard", "https://harbour.example/yard")]
    assert [(e.url, e.type, e.length) for e in first.enclosures] == [
        ("https://harbour.example/a.mp3", "audio/mpeg", 1234)
    ]
    assert second.guid == "7"
    assert second.title.startswith("Plain words only")
    assert any("neither title nor content" in warning for warning in feed.warnings)


def test_feed_url_is_the_base() -> None:
    feed = parse_feed(_feed(), name="j", url="https://cdn.example/feed.json")
    assert feed.entries[0].url == "https://cdn.example/2024/cranes"


def test_nothing_unsafe_is_stored() -> None:
    feed = parse_feed(_feed(), name="j.json")
    for article in feed.entries:
        for text in (article.title, article.source, *(block.text for block in article.blocks)):
            assert not has_unsafe(text)
            assert "PWNTITLE" not in text


@pytest.mark.parametrize(
    "data",
    [
        b'{"version": "https://jsonfeed.org/version/1.1", "items": 3}',
        b'{"version": "https://jsonfeed.org/version/1.1", "items": [}',
        b'["version", "https://jsonfeed.org/version/1"]',
    ],
)
def test_broken_json_feed_is_a_parse_error(data: bytes) -> None:
    with pytest.raises(ParseError):
        parse_feed(data, name="bad.json")


def test_size_cap() -> None:
    with pytest.raises(ParseError, match="over the"):
        parse_feed(_feed(), name="j.json", max_bytes=100)


def test_unsafe_urls_dropped() -> None:
    data = _feed(
        home_page_url="javascript:alert(1)",
        items=[{"id": "x", "url": "file:///etc/passwd", "title": "T", "content_text": "b"}],
    )
    feed = parse_feed(data, name="j.json")
    assert feed.link is None
    assert feed.entries[0].url is None


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (
            b'{"version": "https://jsonfeed.org/version/1.1", "items": '
            + b"[" * 100_000
            + b"]" * 100_000
            + b"}",
            "nested too deeply",
        ),
        (
            b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": 1'
            + b"9" * 5000
            + b"}]}",
            "a number too long to read",
        ),
    ],
    ids=["deep", "huge-number"],
)
def test_hostile_json_is_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_feed(data, name="feed.json")

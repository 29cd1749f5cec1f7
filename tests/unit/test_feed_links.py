"""Links and enclosures: parsed from feeds and pages, sanitised, stored, upgraded into."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from newsreader.config import DEFAULT_ENCLOSURE_COMMAND, load_config
from newsreader.model.article import Article, Block, BlockKind, Enclosure
from newsreader.parse.feed import parse_feed
from newsreader.parse.html_page import parse_html
from newsreader.parse.links import MAX_LINKS, links_in_html
from newsreader.render.layout import Links, Media, article_layout, human_size
from newsreader.store import SCHEMA_VERSION, Library

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Pod</title>
<link>https://pod.example/</link>
<item><title>Episode one</title><link>https://pod.example/1</link><guid>ep-1</guid>
<description>&lt;p&gt;Notes with
&lt;a href="https://ref.example/a"&gt;a &lt;b&gt;paper&lt;/b&gt;&lt;/a&gt;,
&lt;a href="/show-notes"&gt;notes&lt;/a&gt;, &lt;a href="javascript:alert(1)"&gt;js&lt;/a&gt;,
&lt;a href="https://ref.example/a"&gt;again&lt;/a&gt; and
&lt;a href="https://ref.example/b"&gt;\xe2\x80\xaeevil\x1b[31m text&lt;/a&gt;.&lt;/p&gt;
</description>
<enclosure url="https://cdn.pod.example/ep1.mp3" type="audio/mpeg" length="48213000"/>
<enclosure url="file:///etc/passwd" type="audio/mpeg" length="12"/>
<enclosure url="https://cdn.pod.example/ep1.mp4" type="video/mp4" length="-5"/>
</item>
<item><title>Plain</title><guid>ep-2</guid><description>No links here.</description></item>
</channel></rss>"""


def first_entry() -> Article:
    return parse_feed(RSS, name="pod.xml", url="https://pod.example/feed.xml").entries[0]


def test_feed_links_are_http_only_resolved_deduplicated_and_clean() -> None:
    links = first_entry().links
    assert links == [
        ("a paper", "https://ref.example/a"),
        ("notes", "https://pod.example/show-notes"),
        ("evil text", "https://ref.example/b"),
    ]


def test_feed_enclosures_keep_url_type_and_a_sane_length() -> None:
    assert first_entry().enclosures == [
        Enclosure("https://cdn.pod.example/ep1.mp3", "audio/mpeg", 48213000),
        Enclosure("https://cdn.pod.example/ep1.mp4", "video/mp4", None),
    ]
    plain = parse_feed(RSS, name="pod.xml").entries[1]
    assert plain.links == [] and plain.enclosures == []


def test_page_links_come_from_the_article_not_the_navigation() -> None:
    page = (
        b"<html><head><title>T</title></head><body><nav><a href='/home'>Home</a></nav>"
        b"<article><h1>Harbour news</h1><p>The board met on Monday and read "
        b"<a href='report.pdf'>the report</a> about the new quay, which took two years.</p>"
        b"<p>It was approved after a long debate among the members of the harbour board.</p>"
        b"</article></body></html>"
    )
    article = parse_html(page, name="page.html", url="https://news.example/2026/quay")
    assert article.links == [("the report", "https://news.example/2026/report.pdf")]


def test_links_are_bounded() -> None:
    html = "".join(f'<a href="https://e.example/{n}">{n}</a>' for n in range(MAX_LINKS + 50))
    assert len(links_in_html(html)) == MAX_LINKS


def test_store_round_trip_and_layout(tmp_path: Path) -> None:
    article = first_entry()
    with Library(tmp_path / "library.sqlite3") as library:
        stored = library.get(library.add_article(article, feed_id=None).id)
    assert stored.article.links == article.links
    assert stored.article.enclosures == article.enclosures
    elements = list(article_layout(stored.article))
    media = next(e for e in elements if isinstance(e, Media))
    assert media.items[0] == ("https://cdn.pod.example/ep1.mp3", "audio/mpeg · 48.2 MB")
    assert media.items[1] == ("https://cdn.pod.example/ep1.mp4", "video/mp4")
    assert isinstance(elements[-1], Links) and len(elements[-1].links) == 3


def test_store_refuses_unsafe_links_handed_in_directly(tmp_path: Path) -> None:
    article = Article(
        title="By hand",
        blocks=[Block(BlockKind.PARAGRAPH, "Body.")],
        links=[("ok", "https://ok.example/"), ("bad", "javascript:alert(1)")],
        enclosures=[Enclosure("file:///etc/passwd", "audio/mpeg", 1)],
    )
    with Library(tmp_path / "library.sqlite3") as library:
        stored = library.get(library.add_article(article).id)
    assert stored.article.links == [("ok", "https://ok.example/")]
    assert stored.article.enclosures == []


def test_human_size() -> None:
    assert [human_size(n) for n in (None, 0, 512, 640_000, 48_213_000)] == [
        "",
        "",
        "512 B",
        "640 KB",
        "48.2 MB",
    ]


def test_old_libraries_upgrade_and_unchanged_entries_gain_links(tmp_path: Path) -> None:
    for name in ("library-v1.sqlite3", "library-v2.sqlite3"):
        path = tmp_path / name
        shutil.copy(FIXTURES / name, path)
        with Library(path) as library:
            assert library.schema_version() == SCHEMA_VERSION
            feed, _ = library.add_feed("https://pod.example/feed.xml", title="Pod")
            entry = first_entry()
            bare = Article(
                title=entry.title,
                blocks=entry.blocks,
                key_points=entry.key_points,
                quotes=entry.quotes,
                source=entry.source,
                url=entry.url,
                published=entry.published,
                guid=entry.guid,
            )
            article_id = library.record_fetch(feed.id, articles=[bare])[0].id
            assert library.get(article_id).article.links == []
            # The same entry again, now with links: its text did not change, yet it gains them.
            again = library.record_fetch(feed.id, articles=[entry])[0]
            assert again.id == article_id and not again.created
            assert library.get(article_id).article.links == entry.links
        columns = {row[1] for row in sqlite3.connect(path).execute("PRAGMA table_info(articles)")}
        assert {"links", "enclosures"} <= columns


def test_config_refresh_minutes_and_enclosure_command(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('refresh_minutes = 5\nenclosure_command = ["vlc", "--play", "{url}"]\n')
    config = load_config(path)
    assert config.refresh_minutes == 5 and not config.warnings
    assert config.enclosure_command == ("vlc", "--play", "{url}")
    path.write_text('refresh_minutes = -1\nenclosure_command = "mpv {url}"\n')
    config = load_config(path)
    assert config.refresh_minutes == 30
    assert config.enclosure_command == DEFAULT_ENCLOSURE_COMMAND
    assert len(config.warnings) == 2
    path.write_text("refresh_minutes = true\n")
    assert load_config(path).refresh_minutes == 30
    path.write_text("refresh_minutes = 0\n")
    assert load_config(path).refresh_minutes == 0

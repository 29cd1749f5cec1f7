"""`export --format json` is a backup: `import` reads it back whole, as a user runs both.

Every command runs the real `newsreader` in a subprocess. The source library is
built through the store (feeds and their entries need no network that way);
everything after that goes through the CLI, and the libraries are compared
through what the CLI prints.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newsreader.cli.output import write_output
from newsreader.paths import database_path, samples_dir
from newsreader.services.export import export_library
from newsreader.store import Library
from support import build_library, cli_ok, feature_article, filler_article, run_cli

LIBRARY_IDS = ("id", "imported_at")
"""Fields that belong to the library an article is in, not to the article."""
# What belongs to one library, not to the subscription a backup carries (local_only is how
# this device syncs the feed).
FEED_BOOKKEEPING = (
    "id",
    "added_at",
    "last_fetch",
    "last_ok",
    "last_error",
    "unread",
    "total",
    "local_only",
)


def articles_of(data_dir: Path) -> list[dict[str, Any]]:
    """The library's export with library-only fields dropped, in a stable order."""
    document = json.loads(cli_ok("export", "--format", "json", data_dir=data_dir))["articles"]
    for item in document:
        for key in LIBRARY_IDS:
            item.pop(key)
    return sorted(document, key=lambda item: (item["title"], item["guid"] or ""))


def feeds_of(data_dir: Path) -> list[dict[str, Any]]:
    """`feeds --json` without what belongs to this library: url, title, site_url and tags."""
    feeds = json.loads(cli_ok("feeds", "--json", data_dir=data_dir))["feeds"]
    for feed in feeds:
        for key in FEED_BOOKKEEPING:
            feed.pop(key, None)
    return sorted(feeds, key=lambda feed: feed["url"])


def listed(data_dir: Path) -> list[dict[str, Any]]:
    """`list --json` rows without their library ID, in a stable order."""
    rows = json.loads(cli_ok("list", "--json", "--limit", "1000", data_dir=data_dir))["articles"]
    for row in rows:
        del row["id"]
    return sorted(rows, key=lambda row: (row["title"], row["url"] or "", row["published"] or ""))


QUIET_FEED = {
    "url": "https://quiet.example/feed",
    "title": "Quiet Quay",
    "site_url": None,
    "tags": ["Later", "Local"],
}
"""A subscription that has no articles yet: only the export's list of feeds can carry it."""


def as_restored(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What a restore gives back: a link that is not http(s) (the hostile one) is never
    imported, from a backup or from anywhere else."""
    return [
        {**item, "url": None if item["url"] == "javascript:alert(1)" else item["url"]}
        for item in items
    ]


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """Files, two tagged feeds with entries and one without; some read, some bookmarked (at
    known times), one full text."""
    data = tmp_path / "source"
    library = build_library(database_path(data), fillers=6)
    library.add_feed(QUIET_FEED["url"], title=QUIET_FEED["title"], tags=QUIET_FEED["tags"])
    gazette, _ = library.add_feed(
        "https://gazette.example/feed", title="Harbour Gazette", tags=["News", "Local"]
    )
    post, _ = library.add_feed("https://post.example/rss", title="Valley Post", tags=["News"])
    entries = []
    for n, feed in ((20, gazette), (21, gazette), (22, post)):
        article = filler_article(n)
        article.guid = f"urn:entry:{n}"
        article.url = f"https://news.example/{n}"
        entries.append((feed, article))
    ids = [library.record_fetch(feed.id, articles=[a])[0].id for feed, a in entries]
    full = feature_article()
    full.title = "Harbour wall: the full story"
    full.guid = "urn:entry:full"
    library.replace_content(ids[0], full, full_text=True)
    files = [row.id for row in library.page(limit=100) if row.feed_id is None]
    with library._write() as db:  # state set long ago: the times must survive the trip
        for article_id in (ids[0], files[0]):
            db.execute(
                "INSERT INTO bookmarks (article_id, created_at) VALUES (?, ?)",
                (article_id, "2025-01-02T03:04:05+00:00"),
            )
        for article_id in (ids[1], files[1], files[2]):
            db.execute(
                "INSERT INTO read_state (article_id, read_at) VALUES (?, ?)",
                (article_id, "2025-02-03T04:05:06+00:00"),
            )
    library.close()
    return data


def test_export_then_import_into_an_empty_library_restores_everything(
    source: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "backup.json"
    proc = run_cli("export", "--format", "json", "-o", str(backup), data_dir=source)
    assert proc.returncode == 0, proc.stderr
    assert "without articles" not in proc.stderr
    target = tmp_path / "target"
    report = json.loads(cli_ok("import", str(backup), "--json", data_dir=target))
    assert report["errors"] == [] and report["already_present"] == 0
    assert report["imported"] == len(articles_of(source))
    assert report["feeds_added"] == 3

    restored = articles_of(target)
    assert restored == as_restored(articles_of(source))
    assert feeds_of(target) == feeds_of(source)
    assert QUIET_FEED in feeds_of(target), "a subscription without articles comes back too"
    assert listed(target) == as_restored(listed(source))
    marks = {(a["title"], a["bookmarked_at"], a["read_at"]) for a in restored if a["bookmarked"]}
    assert len(marks) == 2 and all(m[1] == "2025-01-02T03:04:05+00:00" for m in marks)
    assert sum(a["read"] for a in restored) == 3
    assert [a["full_text"] for a in restored].count(True) == 1
    feed_entries = [a for a in restored if a["feed"]]
    assert {a["feed"]["url"] for a in feed_entries} == {
        "https://gazette.example/feed",
        "https://post.example/rss",
    }
    assert json.loads(cli_ok("list", "--bookmarked", "--json", data_dir=target))["total"] == 2


def test_importing_a_backup_again_adds_nothing_and_never_unbookmarks(
    source: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "backup.json"
    cli_ok("export", "--format", "json", "-o", str(backup), data_dir=source)
    target = tmp_path / "target"
    cli_ok("import", str(backup), data_dir=target)
    before = articles_of(target)
    listed = json.loads(cli_ok("list", "--json", "--limit", "100", data_dir=target))["articles"]
    unmarked = next(row for row in listed if not row["bookmarked"])
    marked = next(row for row in listed if row["bookmarked"])
    cli_ok("bookmark", str(unmarked["id"]), data_dir=target)  # bookmarked since the backup
    cli_ok("unbookmark", str(marked["id"]), data_dir=target)  # dropped since the backup

    report = json.loads(cli_ok("import", str(backup), "--json", data_dir=target))
    assert report["imported"] == 0 and report["feeds_added"] == 0
    assert report["already_present"] == len(before)
    after = {
        row["id"]: row for row in json.loads(cli_ok("list", "--json", data_dir=target))["articles"]
    }
    assert len(after) == len(before)
    assert after[unmarked["id"]]["bookmarked"], "a bookmark made since is kept"
    assert after[marked["id"]]["bookmarked"], "the backup's bookmark is merged back"
    assert feeds_of(target) == feeds_of(source)


def test_the_export_is_one_object_with_every_feed_even_of_bookmarks_only(
    source: Path, tmp_path: Path
) -> None:
    document = json.loads(cli_ok("export", "--bookmarked", data_dir=source))
    assert list(document) == ["newsreader_export", "articles_filter", "feeds", "articles"]
    assert document["newsreader_export"] == 2 and document["articles_filter"] == "bookmarked"
    assert len(document["articles"]) == 2 and all(a["bookmarked"] for a in document["articles"])
    assert {feed["url"] for feed in document["feeds"]} == {
        "https://gazette.example/feed",
        "https://post.example/rss",
        QUIET_FEED["url"],
    }
    assert all(feed["added_at"] for feed in document["feeds"])
    target = tmp_path / "target"
    path = tmp_path / "bookmarks.json"
    cli_ok("export", "--bookmarked", "-o", str(path), data_dir=source)
    cli_ok("import", str(path), data_dir=target)
    assert feeds_of(target) == feeds_of(source)


def test_the_streamed_export_is_exactly_the_indented_json_document(
    source: Path, tmp_path: Path
) -> None:
    """Written piece by piece, but byte for byte what `json.dumps(indent=2)` makes of it."""
    empty = tmp_path / "empty.sqlite3"
    for path in (database_path(source), empty):
        with Library(path) as library:
            for bookmarked in (False, True):
                text = "".join(export_library(library, "json", bookmarked=bookmarked))
                assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"


def test_a_failure_while_streaming_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    out = tmp_path / "backup.json"
    out.write_text("the previous backup", encoding="utf-8")

    def pieces() -> Any:
        yield "{\n"
        raise RuntimeError("the library went away")

    with pytest.raises(RuntimeError):
        write_output(pieces(), str(out))
    assert out.read_text(encoding="utf-8") == "the previous backup"
    assert [p.name for p in tmp_path.iterdir()] == ["backup.json"]


def test_the_samples_library_round_trips(tmp_path: Path) -> None:
    """The bundled samples: files, a feed file, and an OPML of subscriptions with no articles."""
    source = tmp_path / "source"
    cli_ok("import", str(samples_dir()), data_dir=source)
    rows = json.loads(cli_ok("list", "--json", data_dir=source))["articles"]
    cli_ok("read", *(str(row["id"]) for row in rows[:4]), data_dir=source)
    cli_ok("bookmark", *(str(row["id"]) for row in rows[2:6]), data_dir=source)
    assert len(feeds_of(source)) == 5
    backup = tmp_path / "backup.json"
    cli_ok("export", "-o", str(backup), data_dir=source)

    target = tmp_path / "target"
    report = json.loads(cli_ok("import", str(backup), "--json", data_dir=target))
    assert report["errors"] == [] and report["feeds_added"] == 5
    assert feeds_of(target) == feeds_of(source)
    assert listed(target) == listed(source)
    assert articles_of(target) == articles_of(source)  # read_at, bookmarked_at, full_text too


def test_the_old_bare_list_export_still_imports(source: Path, tmp_path: Path) -> None:
    """Exports before version 2 were the list of articles alone, feeds only inside them."""
    document = json.loads(cli_ok("export", data_dir=source))
    old = tmp_path / "old.json"
    old.write_text(json.dumps(document["articles"], indent=2), encoding="utf-8")
    target = tmp_path / "target"
    report = json.loads(cli_ok("import", str(old), "--json", data_dir=target))
    assert report["errors"] == [] and report["feeds_added"] == 2
    assert articles_of(target) == as_restored(articles_of(source))
    assert feeds_of(target) == [f for f in feeds_of(source) if f != QUIET_FEED]


def test_an_export_without_the_json_suffix_is_still_recognised(
    source: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "backup.txt"
    cli_ok("export", "-o", str(backup), data_dir=source)
    report = json.loads(cli_ok("import", str(backup), "--json", data_dir=tmp_path / "target"))
    assert report["errors"] == [] and report["feeds_added"] == 3


def test_an_export_from_a_newer_newsreader_says_to_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "future.json"
    path.write_text('{"newsreader_export": 3, "feeds": [], "articles": []}', encoding="utf-8")
    proc = run_cli("import", str(path), data_dir=tmp_path / "lib")
    assert proc.returncode == 1
    [line] = proc.stderr.splitlines()
    assert "future.json" in line and "version 3" in line and "upgrade" in line


def test_an_export_from_before_state_times_still_restores_state(tmp_path: Path) -> None:
    """The export format before times were added: `read`/`bookmarked` booleans only."""
    document = [
        {
            "id": 7,
            "title": "Old export",
            "source": "Quay Weekly",
            "url": "https://example.com/old",
            "published": "2026-03-01T09:30:00+00:00",
            "words": 3,
            "reading_minutes": 1,
            "read": True,
            "bookmarked": True,
            "key_points": [],
            "blocks": [{"kind": "paragraph", "text": "Three words here."}],
            "quotes": [],
        }
    ]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    cli_ok("import", str(path), data_dir=tmp_path / "lib")
    [row] = json.loads(cli_ok("list", "--json", data_dir=tmp_path / "lib"))["articles"]
    assert row["title"] == "Old export" and row["read"] and row["bookmarked"]


@pytest.mark.parametrize(
    ("content", "why"),
    [
        ('{"name": "my-package", "version": "1.0"}', 'a JSON object without "newsreader_export"'),
        ('"just text"', "a JSON string"),
        ('{"newsreader_export": "2"}', "is not a version"),
        ('{"newsreader_export": 2, "feeds": {}}', "feeds and articles must be lists"),
        ('{"newsreader_export": 2, "feeds": [7], "articles": []}', "feed 1 is not a subscription"),
        ('{"newsreader_export": 2, "feeds": [], "articles": [{"title": 1}]}', "item 1"),
        ("[1, 2, 3]", "item 1 is not an exported article"),
        ('[{"title": "x"}]', "no 'blocks'"),
        ("[{broken", "invalid JSON"),
    ],
)
def test_json_that_is_not_our_export_is_an_error_naming_the_file(
    tmp_path: Path, content: str, why: str
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "package.json").write_text(content, encoding="utf-8")
    proc = run_cli("import", str(folder), data_dir=tmp_path / "lib")
    assert proc.returncode == 1
    [line] = [line for line in proc.stderr.splitlines() if "package.json" in line]
    assert "not a newsreader JSON export" in line and why in line
    assert json.loads(cli_ok("list", "--json", data_dir=tmp_path / "lib"))["total"] == 0


def test_a_markdown_export_is_refused_with_a_reason(source: Path, tmp_path: Path) -> None:
    export = tmp_path / "articles.md"
    cli_ok("export", "--format", "markdown", "-o", str(export), data_dir=source)
    proc = run_cli("import", str(export), data_dir=tmp_path / "lib")
    assert proc.returncode == 1
    assert "Markdown export, which cannot be imported back" in proc.stderr
    assert "--format json" in proc.stderr
    assert json.loads(cli_ok("list", "--json", data_dir=tmp_path / "lib"))["total"] == 0


def test_other_markdown_files_still_import_as_articles(tmp_path: Path) -> None:
    note = tmp_path / "note.md"
    note.write_text(
        "Harbour wall repairs begin\n\nWork on the wall starts on Monday morning.\n",
        encoding="utf-8",
    )
    report = json.loads(cli_ok("import", str(note), "--json", data_dir=tmp_path / "lib"))
    assert report["imported"] == 1 and report["errors"] == []

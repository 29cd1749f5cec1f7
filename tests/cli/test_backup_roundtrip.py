"""`export --format json` is a backup: `import` reads it back whole, as a user runs both.

Every command runs the real `newsreader` in a subprocess. The source library is
built through the store (feeds and their entries need no network that way);
everything after that goes through the CLI, and the libraries are compared
through what the CLI prints.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from newsreader.paths import database_path
from newsreader.store import Library
from support import build_library, feature_article, filler_article

LIBRARY_IDS = ("id", "imported_at")
"""Fields that belong to the library an article is in, not to the article."""
FEED_BOOKKEEPING = ("id", "added_at", "last_fetch", "last_ok", "last_error", "unread", "total")


def run_cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["NEWSREADER_DATA_DIR"] = str(data_dir)
    env["NEWSREADER_CONFIG_DIR"] = str(data_dir / "config")
    env["COLUMNS"] = "120"
    return subprocess.run(
        [sys.executable, "-m", "newsreader", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def ok(*args: str, data_dir: Path) -> str:
    proc = run_cli(*args, data_dir=data_dir)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def articles_of(data_dir: Path) -> list[dict[str, Any]]:
    """The library's export with library-only fields dropped, in a stable order."""
    document = json.loads(ok("export", "--format", "json", data_dir=data_dir))
    for item in document:
        for key in LIBRARY_IDS:
            item.pop(key)
    return sorted(document, key=lambda item: (item["title"], item["guid"] or ""))


def feeds_of(data_dir: Path) -> list[dict[str, Any]]:
    feeds = json.loads(ok("feeds", "--json", data_dir=data_dir))["feeds"]
    for feed in feeds:
        for key in FEED_BOOKKEEPING:
            feed.pop(key, None)
    return sorted(feeds, key=lambda feed: feed["url"])


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """Files and two tagged feeds; some read, some bookmarked (at known times), one full text."""
    data = tmp_path / "source"
    library = build_library(database_path(data), fillers=6)
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
    report = json.loads(ok("import", str(backup), "--json", data_dir=target))
    assert report["errors"] == [] and report["already_present"] == 0
    assert report["imported"] == len(articles_of(source))
    assert report["feeds_added"] == 2

    restored = articles_of(target)
    expected = articles_of(source)
    for item in expected:  # a link that is not http(s) is never imported (the hostile one)
        if item["url"] == "javascript:alert(1)":
            item["url"] = None
    assert restored == expected
    assert feeds_of(target) == feeds_of(source)
    marks = {(a["title"], a["bookmarked_at"], a["read_at"]) for a in restored if a["bookmarked"]}
    assert len(marks) == 2 and all(m[1] == "2025-01-02T03:04:05+00:00" for m in marks)
    assert sum(a["read"] for a in restored) == 3
    assert [a["full_text"] for a in restored].count(True) == 1
    feed_entries = [a for a in restored if a["feed"]]
    assert {a["feed"]["url"] for a in feed_entries} == {
        "https://gazette.example/feed",
        "https://post.example/rss",
    }
    assert json.loads(ok("list", "--bookmarked", "--json", data_dir=target))["total"] == 2


def test_importing_a_backup_again_adds_nothing_and_never_unbookmarks(
    source: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "backup.json"
    ok("export", "--format", "json", "-o", str(backup), data_dir=source)
    target = tmp_path / "target"
    ok("import", str(backup), data_dir=target)
    before = articles_of(target)
    listed = json.loads(ok("list", "--json", "--limit", "100", data_dir=target))["articles"]
    unmarked = next(row for row in listed if not row["bookmarked"])
    marked = next(row for row in listed if row["bookmarked"])
    ok("bookmark", str(unmarked["id"]), data_dir=target)  # bookmarked since the backup
    ok("unbookmark", str(marked["id"]), data_dir=target)  # dropped since the backup

    report = json.loads(ok("import", str(backup), "--json", data_dir=target))
    assert report["imported"] == 0 and report["feeds_added"] == 0
    assert report["already_present"] == len(before)
    after = {
        row["id"]: row for row in json.loads(ok("list", "--json", data_dir=target))["articles"]
    }
    assert len(after) == len(before)
    assert after[unmarked["id"]]["bookmarked"], "a bookmark made since is kept"
    assert after[marked["id"]]["bookmarked"], "the backup's bookmark is merged back"
    assert feeds_of(target) == feeds_of(source)


def test_a_feed_without_articles_is_named_on_export(source: Path, tmp_path: Path) -> None:
    with Library(database_path(source)) as library:
        library.add_feed("https://quiet.example/feed", title="Quiet", tags=["Later"])
    proc = run_cli("export", "--format", "json", "-o", str(tmp_path / "b.json"), data_dir=source)
    assert proc.returncode == 0
    assert "1 subscription without articles" in proc.stderr and "opml" in proc.stderr


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
    ok("import", str(path), data_dir=tmp_path / "lib")
    [row] = json.loads(ok("list", "--json", data_dir=tmp_path / "lib"))["articles"]
    assert row["title"] == "Old export" and row["read"] and row["bookmarked"]


@pytest.mark.parametrize(
    ("content", "why"),
    [
        ('{"name": "my-package", "version": "1.0"}', "a JSON object"),
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
    assert json.loads(ok("list", "--json", data_dir=tmp_path / "lib"))["total"] == 0


def test_a_markdown_export_is_refused_with_a_reason(source: Path, tmp_path: Path) -> None:
    export = tmp_path / "articles.md"
    ok("export", "--format", "markdown", "-o", str(export), data_dir=source)
    proc = run_cli("import", str(export), data_dir=tmp_path / "lib")
    assert proc.returncode == 1
    assert "Markdown export, which cannot be imported back" in proc.stderr
    assert "--format json" in proc.stderr
    assert json.loads(ok("list", "--json", data_dir=tmp_path / "lib"))["total"] == 0


def test_other_markdown_files_still_import_as_articles(tmp_path: Path) -> None:
    note = tmp_path / "note.md"
    note.write_text(
        "Harbour wall repairs begin\n\nWork on the wall starts on Monday morning.\n",
        encoding="utf-8",
    )
    report = json.loads(ok("import", str(note), "--json", data_dir=tmp_path / "lib"))
    assert report["imported"] == 1 and report["errors"] == []

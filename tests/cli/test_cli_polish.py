"""CLI polish a new user trips on (#14): export --json, --new-library after the command,
import lines never cut when piped, a readable feeds table with URLs at 80 columns,
counts that agree with their nouns, and a feed served as application/octet-stream."""

from __future__ import annotations

import json
from pathlib import Path

from pytest_httpserver import HTTPServer

from newsreader.paths import database_path
from newsreader.store import Library
from support import run_cli

ONE_ENTRY = (
    b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
    b"<title>Harbour Gazette of the Whole Coastline</title><id>urn:g</id>"
    b"<updated>2026-02-01T00:00:00Z</updated>"
    b"<entry><id>urn:g:1</id><title>High water at noon</title>"
    b"<link href='https://g.example/1'/><updated>2026-02-01T10:00:00Z</updated>"
    b"<content type='html'>&lt;p&gt;The tide.&lt;/p&gt;</content></entry></feed>"
)
LONG_TITLE = "A headline long enough that an eighty column pipe would have cut it in two places"


def article_file(tmp_path: Path) -> Path:
    path = tmp_path / "story.txt"
    path.write_text(f"{LONG_TITLE}\n\nThe body of the story, one paragraph.\n", encoding="utf-8")
    return path


def test_export_json_flag(tmp_path: Path) -> None:
    data = tmp_path / "lib"
    assert run_cli("import", str(article_file(tmp_path)), data_dir=data).returncode == 0
    for fmt in ("markdown", "opml"):
        refused = run_cli("export", "--format", fmt, "--json", data_dir=data)
        assert refused.returncode == 2, refused.stdout
        assert "needs -o FILE" in refused.stderr and refused.stdout == ""
        out = tmp_path / f"out.{fmt}"
        done = run_cli("export", "--format", fmt, "--json", "-o", str(out), data_dir=data)
        assert done.returncode == 0, done.stderr
        document = json.loads(done.stdout)
        assert document == {
            "output": str(out),
            "format": fmt,
            "bookmarked": False,
            "bytes": out.stat().st_size,
        }
    whole = run_cli("export", "--json", data_dir=data)  # --format json: the export is the document
    assert json.loads(whole.stdout)["newsreader_export"] == 2


def test_new_library_after_the_command(tmp_path: Path) -> None:
    data = tmp_path / "lib"
    data.mkdir()
    database_path(data).write_bytes(b"this is not a database" * 100)
    refused = run_cli("list", data_dir=data)
    assert refused.returncode == 1 and "--new-library" in refused.stderr
    fixed = run_cli("import", str(article_file(tmp_path)), "--new-library", data_dir=data)
    assert fixed.returncode == 0, fixed.stderr
    assert list(data.glob("library.sqlite3.broken-*")), "the old file is kept aside"
    assert run_cli("list", "--json", "--new-library", data_dir=data).returncode == 0


def test_import_lines_are_never_cut_when_piped(tmp_path: Path) -> None:
    data = tmp_path / "lib"
    proc = run_cli("import", str(article_file(tmp_path)), data_dir=data, columns=80)
    assert proc.returncode == 0, proc.stderr
    assert any(LONG_TITLE in line for line in proc.stdout.splitlines()), proc.stdout


def test_feeds_at_80_columns_has_titles_and_urls(tmp_path: Path) -> None:
    data = tmp_path / "lib"
    data.mkdir()
    library = Library(database_path(data))
    try:
        feed, _ = library.add_feed(
            "https://gazette.example/feeds/everything.xml",
            title="Harbour Gazette",
            tags=["News", "Local"],
        )
        library.record_fetch(feed.id, error="HTTP 500 Internal Server Error, at some length")
    finally:
        library.close()
    proc = run_cli("feeds", data_dir=data, columns=80)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert all(len(line.rstrip()) <= 80 for line in lines), lines
    assert lines[0].split()[:2] == ["ID", "Title"]
    assert lines[1].split()[:3] == [str(feed.id), "Harbour", "Gazette"], "the title whole"
    end = lines[0].index("Unread")  # the title column: the title, its URL (folded), tags
    column = "".join(line[4:end].strip() for line in lines[1:])
    assert "https://gazette.example/feeds/everything.xml" in column, column
    assert "tags: News, Local" in proc.stdout


def test_counts_agree_and_octet_stream_feeds_subscribe(server: HTTPServer, tmp_path: Path) -> None:
    server.expect_request("/feed").respond_with_data(
        ONE_ENTRY, content_type="application/octet-stream"
    )
    data = tmp_path / "lib"
    added = run_cli("add", server.url_for("/feed"), data_dir=data)
    assert added.returncode == 0, added.stderr
    assert added.stdout.rstrip().endswith(": 1 new article"), added.stdout
    refreshed = run_cli("refresh", data_dir=data)
    assert refreshed.returncode == 0, refreshed.stderr
    assert "0 new articles from 1 feed" in refreshed.stdout, refreshed.stdout
    assert "1 feeds" not in refreshed.stdout

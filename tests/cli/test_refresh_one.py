"""`newsreader refresh URL|ID...`: only the named subscriptions are fetched."""

from __future__ import annotations

import json
from pathlib import Path

from pytest_httpserver import HTTPServer

from newsreader.store import Library
from support import run_cli


def atom(title: str, guid: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{title}</title><id>urn:{title}</id><updated>2026-02-01T00:00:00Z</updated>"
        f"<entry><id>{guid}</id><title>Story {guid}</title>"
        f'<link href="https://news.example/{guid}"/>'
        "<updated>2026-02-01T10:00:00Z</updated>"
        '<content type="html">&lt;p&gt;Body with &lt;a href="https://ref.example/x"&gt;a source'
        "&lt;/a&gt;.&lt;/p&gt;</content>"
        '<link rel="enclosure" href="https://cdn.example/ep.mp3" type="audio/mpeg"'
        ' length="2000000"/>'
        "</entry></feed>"
    ).encode()


def subscribe(data_dir: Path, server: HTTPServer) -> tuple[int, str]:
    """Two subscriptions (added without fetching); returns the first's ID and the second's URL."""
    server.expect_request("/a.xml").respond_with_data(atom("Gazette", "a1"))
    server.expect_request("/b.xml").respond_with_data(atom("Post", "b1"))
    data_dir.mkdir(parents=True, exist_ok=True)
    with Library(data_dir / "library.sqlite3") as library:
        first, _ = library.add_feed(server.url_for("/a.xml"), title="Gazette")
        library.add_feed(server.url_for("/b.xml"), title="Post")
    return first.id, server.url_for("/b.xml")


def fetched(server: HTTPServer) -> list[str]:
    return [request.path for request, _ in server.log]


def test_refresh_by_id_fetches_only_that_feed(server: HTTPServer, tmp_path: Path) -> None:
    first, _ = subscribe(tmp_path, server)
    result = run_cli("refresh", str(first), "--json", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert [feed["feed_id"] for feed in report["feeds"]] == [first]
    assert report["new"] == 1
    assert fetched(server) == ["/a.xml"]


def test_refresh_by_url_and_id_together_each_once(server: HTTPServer, tmp_path: Path) -> None:
    first, second_url = subscribe(tmp_path, server)
    result = run_cli("refresh", second_url, str(first), second_url, "--json", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(fetched(server)) == ["/a.xml", "/b.xml"]
    assert json.loads(result.stdout)["new"] == 2


def test_refresh_unknown_feed_fails_before_fetching(server: HTTPServer, tmp_path: Path) -> None:
    first, _ = subscribe(tmp_path, server)
    result = run_cli("refresh", str(first), "999", data_dir=tmp_path)
    assert result.returncode == 1
    assert "no subscription 999" in result.stderr
    assert "Traceback" not in result.stderr
    assert fetched(server) == []


def test_refreshed_entry_keeps_links_and_enclosure(server: HTTPServer, tmp_path: Path) -> None:
    first, _ = subscribe(tmp_path, server)
    assert run_cli("refresh", str(first), data_dir=tmp_path).returncode == 0
    shown = json.loads(run_cli("show", "1", "--json", data_dir=tmp_path).stdout)
    assert shown["links"] == [{"text": "a source", "url": "https://ref.example/x"}]
    assert shown["enclosures"] == [
        {"url": "https://cdn.example/ep.mp3", "type": "audio/mpeg", "length": 2000000}
    ]
    text = run_cli("show", "1", data_dir=tmp_path).stdout
    assert "[1] a source  https://ref.example/x" in text
    assert "audio/mpeg · 2.0 MB  https://cdn.example/ep.mp3" in text

"""Subscriptions end to end: the real command against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from support import run_cli

REPO = Path(__file__).resolve().parents[2]


def atom(title: str, entries: list[tuple[str, str, str]]) -> bytes:
    items = "".join(
        f"<entry><id>{guid}</id><title>{entry_title}</title>"
        f'<link href="https://news.example/{guid}"/><updated>2026-02-0{n + 1}T10:00:00Z</updated>'
        f'<content type="html">&lt;p&gt;{body}&lt;/p&gt;</content></entry>'
        for n, (guid, entry_title, body) in enumerate(entries)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{title}</title><id>urn:{title}</id><updated>2026-02-01T00:00:00Z</updated>"
        f"{items}</feed>"
    ).encode()


FEED_A = atom(
    "Harbour Gazette",
    [
        ("a1", "Dredging starts in the north basin", "Crews began dredging at dawn."),
        ("a2", "Pilot boats get new engines", "The cooperative voted for hybrid engines."),
    ],
)


FEED_B = atom("Valley Post", [("b1", "Orchard frost warning", "Growers lit braziers overnight.")])


def opml_file(folder: Path, outlines: list[tuple[str, str]]) -> Path:
    """An OPML subscription list of (title, URL) outlines, written as given (no checks)."""
    path = folder / "subs.opml"
    body = "".join(f'<outline text="{title}" xmlUrl="{url}"/>' for title, url in outlines)
    path.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head>'
        f"<body>{body}</body></opml>",
        encoding="utf-8",
    )
    return path


def test_add_refresh_feeds_remove(server: HTTPServer, tmp_path: Path) -> None:
    server.expect_request("/a.xml").respond_with_data(
        FEED_A, content_type="application/atom+xml", headers={"ETag": '"a-v1"'}
    )
    server.expect_request("/b.xml").respond_with_data(FEED_B, content_type="application/atom+xml")
    server.expect_request("/gone.xml").respond_with_data("missing", status=404)
    data = tmp_path / "lib"

    added = run_cli("add", server.url_for("/a.xml"), "--json", data_dir=data)
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["new"] == 2
    assert run_cli("add", server.url_for("/b.xml"), "--tag", "Rural", data_dir=data).returncode == 0

    refused = run_cli("add", server.url_for("/gone.xml"), data_dir=data)
    assert refused.returncode == 1
    assert "HTTP 404" in refused.stderr and "not subscribed" in refused.stderr

    listing = json.loads(run_cli("feeds", "--json", data_dir=data).stdout)["feeds"]
    assert {f["title"] for f in listing} == {"Harbour Gazette", "Valley Post"}
    assert {f["title"]: f["unread"] for f in listing} == {"Harbour Gazette": 2, "Valley Post": 1}
    assert next(f for f in listing if f["title"] == "Valley Post")["tags"] == ["Rural"]

    refreshed = run_cli("refresh", "--json", data_dir=data)
    assert refreshed.returncode == 0, refreshed.stderr
    summary = json.loads(refreshed.stdout)
    assert summary["new"] == 0 and summary["errors"] == 0
    conditional = [req for req, _ in server.log if req.headers.get("If-None-Match") == '"a-v1"']
    assert conditional, "the second fetch of /a.xml sends its ETag"

    feed_id = next(f["id"] for f in listing if f["title"] == "Valley Post")
    assert run_cli("remove", str(feed_id), data_dir=data).returncode == 0
    assert [
        f["title"] for f in json.loads(run_cli("feeds", "--json", data_dir=data).stdout)["feeds"]
    ] == ["Harbour Gazette"]
    articles = json.loads(run_cli("list", "--json", data_dir=data).stdout)
    assert articles["total"] == 3, "unsubscribing keeps the articles"


def test_refresh_reports_each_failure_and_keeps_going(server: HTTPServer, tmp_path: Path) -> None:
    server.expect_request("/a.xml").respond_with_data(FEED_A, content_type="application/atom+xml")
    data = tmp_path / "lib"
    assert run_cli("add", server.url_for("/a.xml"), data_dir=data).returncode == 0
    # Subscribe to broken feeds through OPML (add would refuse them up front).
    opml = opml_file(
        tmp_path,
        [
            ("Broken", server.url_for("/html.xml")),
            ("Server error", server.url_for("/500.xml")),
            ("Evil", "file:///etc/passwd"),
            ("Script", "javascript:alert(1)"),
        ],
    )
    imported = run_cli("import", str(opml), "--json", data_dir=data)
    report = json.loads(imported.stdout)
    assert report["feeds_added"] == 2
    assert "file:///etc/passwd" not in imported.stdout.split('"feeds_added"')[0]
    assert any("file:" in w or "http" in w for f in report["files"] for w in f["warnings"])

    server.expect_request("/html.xml").respond_with_data(
        "<html><body><p>Not a feed</p></body></html>", content_type="text/html"
    )
    server.expect_request("/500.xml").respond_with_data("boom", status=500)
    refreshed = run_cli("refresh", "--json", data_dir=data)
    assert refreshed.returncode == 1
    outcome = {f["title"] or f["url"]: f for f in json.loads(refreshed.stdout)["feeds"]}
    assert outcome["Harbour Gazette"]["error"] is None
    assert "not an RSS or Atom feed" in outcome["Broken"]["error"]
    assert "HTTP 500" in outcome["Server error"]["error"]
    assert "Traceback" not in refreshed.stderr

    feeds = {
        f["title"]: f for f in json.loads(run_cli("feeds", "--json", data_dir=data).stdout)["feeds"]
    }
    assert "HTTP 500" in feeds["Server error"]["last_error"]
    assert feeds["Harbour Gazette"]["last_error"] is None
    text = run_cli("feeds", data_dir=data).stdout
    assert "HTTP 500" in text


def test_add_refuses_non_web_urls(tmp_path: Path) -> None:
    for url in ("file:///etc/passwd", "javascript:alert(1)", "-rf", "data:text/plain,hi"):
        proc = run_cli("add", url, data_dir=tmp_path / "lib")
        assert proc.returncode in (1, 2), url
        assert "URL refused" in proc.stderr or "usage:" in proc.stderr, proc.stderr


def test_opml_import_and_export_round_trip(tmp_path: Path) -> None:
    data = tmp_path / "lib"
    proc = run_cli(
        "import", str(REPO / "data" / "sample-subscriptions.opml"), "--json", data_dir=data
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["feeds_added"] == 5
    feeds = json.loads(run_cli("feeds", "--json", data_dir=data).stdout)["feeds"]
    tags = {f["title"]: f["tags"] for f in feeds}
    assert tags["Westmere Harbour Notices"] == ["News", "Local"]
    out = tmp_path / "export.opml"
    assert run_cli("export", "--format", "opml", "-o", str(out), data_dir=data).returncode == 0
    again = tmp_path / "again"
    run_cli("import", str(out), data_dir=again)
    assert {
        (f["url"], tuple(f["tags"]))
        for f in json.loads(run_cli("feeds", "--json", data_dir=again).stdout)["feeds"]
    } == {(f["url"], tuple(f["tags"])) for f in feeds}


def test_import_local_feed_and_web_page(tmp_path: Path) -> None:
    data = tmp_path / "lib"
    proc = run_cli(
        "import",
        str(REPO / "data" / "sample-feed.atom"),
        str(REPO / "data" / "sample-article.html"),
        "--json",
        data_dir=data,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert [f["kind"] for f in report["files"]] == ["feed", "html"]
    assert report["imported"] >= 6
    page_id = report["files"][1]["created"][0]
    page = json.loads(run_cli("show", str(page_id), "--json", data_dir=data).stdout)
    assert page["key_points"] and page["quotes"]
    assert any(b["kind"] == "caption" and b.get("credit") for b in page["blocks"])


def test_refresh_progress_prints_feed_titles_literally(
    server: HTTPServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The progress bar (shown when stderr is a terminal) never reads a title as Rich markup."""
    from newsreader.cli.main import main

    server.expect_request("/a.xml").respond_with_data(FEED_A, content_type="application/atom+xml")
    data = str(tmp_path / "lib")
    monkeypatch.setenv("NEWSREADER_CONFIG_DIR", str(tmp_path / "config"))
    title = "Weird [/] feed [bold]"
    assert main(["--data-dir", data, "add", server.url_for("/a.xml"), "--title", title]) == 0
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main(["--data-dir", data, "refresh"]) == 0
    captured = capsys.readouterr()
    assert title in captured.err, "the per-feed line names the feed as given"
    assert title in captured.out, "and so does the summary table"


def test_import_refresh_subscribes_and_fetches_only_the_new_feeds(
    server: HTTPServer, tmp_path: Path
) -> None:
    server.expect_request("/a.xml").respond_with_data(FEED_A, content_type="application/atom+xml")
    server.expect_request("/b.xml").respond_with_data(FEED_B, content_type="application/atom+xml")
    server.expect_request("/500.xml").respond_with_data("boom", status=500)
    data = tmp_path / "lib"
    assert run_cli("add", server.url_for("/a.xml"), data_dir=data).returncode == 0
    opml = opml_file(
        tmp_path,
        [
            ("Harbour", server.url_for("/a.xml")),
            ("Valley", server.url_for("/b.xml")),
            ("Server error", server.url_for("/500.xml")),
        ],
    )
    before = len(server.log)

    done = run_cli("import", str(opml), "--refresh", "--json", data_dir=data)

    assert done.returncode == 1, "a feed that failed to fetch is an error, as in refresh"
    report = json.loads(done.stdout)
    assert report["feeds_added"] == 2
    fetched = {f["url"]: f for f in report["refresh"]["feeds"]}
    assert set(fetched) == {server.url_for("/b.xml"), server.url_for("/500.xml")}
    assert report["refresh"]["new"] == 1 and report["refresh"]["errors"] == 1
    assert "HTTP 500" in fetched[server.url_for("/500.xml")]["error"]
    paths = [request.path for request, _ in server.log[before:]]
    assert "/a.xml" not in paths, "a feed already subscribed is not fetched again"
    titles = {
        a["title"] for a in json.loads(run_cli("list", "--json", data_dir=data).stdout)["articles"]
    }
    assert "Orchard frost warning" in titles

    again = run_cli("import", str(opml), "--refresh", data_dir=data)
    assert again.returncode == 0, again.stderr
    assert "0 imported" in again.stdout and "Refresh summary" not in again.stdout

"""`newsreader add URL...`: many feeds in one command, fetched concurrently by one process,
against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from support import run_cli

FEEDS = 20


def atom(n: int) -> bytes:
    entries = "".join(
        f"<entry><id>urn:f{n}:{j}</id><title>Story {j} of feed {n}</title>"
        f'<link href="https://news.example/{n}/{j}"/><updated>2026-02-0{j + 1}T10:00:00Z</updated>'
        f'<content type="html">&lt;p&gt;Body {j} of {n}.&lt;/p&gt;</content></entry>'
        for j in range(3)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Feed {n}</title><id>urn:f{n}</id><updated>2026-02-01T00:00:00Z</updated>"
        f"{entries}</feed>"
    ).encode()


class Gauge:
    """Counts requests in flight in the server, and the most at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = 0
        self.peak = 0

    def handler(self, n: int, delay: float) -> object:
        def handle(request: Request) -> Response:
            with self.lock:
                self.now += 1
                self.peak = max(self.peak, self.now)
            try:
                time.sleep(delay)
                return Response(atom(n), content_type="application/atom+xml")
            finally:
                with self.lock:
                    self.now -= 1

        return handle


def serve(server: HTTPServer, gauge: Gauge, delay: float = 0.0) -> list[str]:
    for n in range(FEEDS):
        server.expect_request(f"/f{n}.xml").respond_with_handler(gauge.handler(n, delay))
    return [server.url_for(f"/f{n}.xml") for n in range(FEEDS)]


def test_twenty_feeds_in_one_command(threaded_server: HTTPServer, tmp_path: Path) -> None:
    urls = serve(threaded_server, Gauge())
    added = run_cli("add", *urls, "--tag", "Bulk", data_dir=tmp_path)
    assert added.returncode == 0, added.stderr
    lines = added.stdout.splitlines()
    assert len(lines) == FEEDS
    for n, line in enumerate(lines):  # one line a URL, in the order given
        assert line.startswith(f"subscribed to Feed {n} (ID "), line
        assert line.endswith(": 3 new articles")
    feeds = json.loads(run_cli("feeds", "--json", data_dir=tmp_path).stdout)["feeds"]
    assert sorted(f["url"] for f in feeds) == sorted(urls)
    assert all(f["total"] == 3 and f["tags"] == ["Bulk"] for f in feeds)

    again = run_cli("add", *urls[:2], "--json", data_dir=tmp_path)
    assert again.returncode == 0, again.stderr
    documents = json.loads(again.stdout)
    assert [d["created"] for d in documents] == [False, False]
    assert [d["feed"]["url"] for d in documents] == urls[:2]
    assert [d["new"] for d in documents] == [0, 0]


def test_one_bad_url_is_reported_while_the_rest_subscribe(
    threaded_server: HTTPServer, tmp_path: Path
) -> None:
    urls = serve(threaded_server, Gauge())[:3]
    threaded_server.expect_request("/gone.xml").respond_with_data("missing", status=404)
    threaded_server.expect_request("/page.html").respond_with_data(
        "<html><body>not a feed</body></html>", content_type="text/html"
    )
    gone, page = threaded_server.url_for("/gone.xml"), threaded_server.url_for("/page.html")
    given = [urls[0], gone, urls[1], "ftp://files.example/feed.xml", page, urls[2]]
    added = run_cli("add", *given, data_dir=tmp_path)
    assert added.returncode == 1
    assert added.stdout.count("subscribed to Feed") == 3
    errors = added.stderr.splitlines()
    assert len(errors) == 3, added.stderr
    assert "HTTP 404" in errors[0] and "not subscribed" in errors[0]
    assert "only http and https" in errors[1]
    assert "not an RSS or Atom feed" in errors[2]
    feeds = json.loads(run_cli("feeds", "--json", data_dir=tmp_path).stdout)["feeds"]
    assert sorted(f["url"] for f in feeds) == sorted(urls)

    as_json = run_cli("add", gone, urls[0], "--json", data_dir=tmp_path / "other")
    assert as_json.returncode == 1
    documents = json.loads(as_json.stdout)
    assert documents[0]["url"] == gone and documents[0]["feed"] is None
    assert "HTTP 404" in documents[0]["error"]
    assert documents[1]["created"] is True and documents[1]["error"] is None


def test_concurrent_but_bounded(threaded_server: HTTPServer, tmp_path: Path) -> None:
    """All on one host: fetched two at a time (the per-host limit), never one by one."""
    gauge = Gauge()
    urls = serve(threaded_server, gauge, delay=0.2)
    added = run_cli("add", *urls, data_dir=tmp_path)
    assert added.returncode == 0, added.stderr
    assert gauge.peak == 2


def test_title_needs_a_single_url(threaded_server: HTTPServer, tmp_path: Path) -> None:
    urls = serve(threaded_server, Gauge())[:2]
    refused = run_cli("add", *urls, "--title", "Mine", data_dir=tmp_path)
    assert refused.returncode == 1
    assert "--title" in refused.stderr
    assert json.loads(run_cli("feeds", "--json", data_dir=tmp_path).stdout)["feeds"] == []
    single = run_cli("add", urls[0], "--title", "Mine", "--json", data_dir=tmp_path)
    assert single.returncode == 0, single.stderr
    assert json.loads(single.stdout)["feed"]["title"] == "Mine"  # one URL: one object, as before

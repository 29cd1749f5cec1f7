"""HTTP fetching against real local servers: caching, limits, redirects, retries, failures."""

from __future__ import annotations

import asyncio
import gzip
import socket
import threading
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from newsreader import __version__
from newsreader.fetch import FetchRequest, FetchResult, FetchTimeouts, fetch_many, fetch_one

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'


def run(requests: list[FetchRequest], **kwargs: object) -> list[FetchResult]:
    return asyncio.run(fetch_many(requests, **kwargs))  # type: ignore[arg-type]


def test_200_feed(reused_server: HTTPServer) -> None:
    reused_server.expect_request("/feed.xml").respond_with_data(
        FEED,
        content_type="application/rss+xml",
        headers={"ETag": '"v1"', "Last-Modified": "Wed, 13 Mar 2024 10:00:00 GMT"},
    )
    result = fetch_one(reused_server.url_for("/feed.xml"))
    assert result.ok, result.error
    assert result.status == 200
    assert result.body == FEED
    assert result.etag == '"v1"'
    assert result.last_modified == "Wed, 13 Mar 2024 10:00:00 GMT"
    assert result.content_type == "application/rss+xml"
    request = next(request for request, _ in reused_server.log if request.path == "/feed.xml")
    assert request.headers["User-Agent"] == f"newsreader/{__version__}"


def test_gzip_body_decoded(reused_server: HTTPServer) -> None:
    reused_server.expect_request("/gz").respond_with_data(
        gzip.compress(FEED), headers={"Content-Encoding": "gzip"}
    )
    assert fetch_one(reused_server.url_for("/gz")).body == FEED


def test_304_conditional_get(reused_server: HTTPServer) -> None:
    reused_server.expect_request(
        "/feed.xml",
        headers={"If-None-Match": '"v1"', "If-Modified-Since": "Wed, 13 Mar 2024 10:00:00 GMT"},
    ).respond_with_data("", status=304)
    result = fetch_one(
        reused_server.url_for("/feed.xml"),
        etag='"v1"',
        last_modified="Wed, 13 Mar 2024 10:00:00 GMT",
    )
    assert result.ok and result.not_modified
    assert result.status == 304
    assert result.body is None


def test_stalled_server_times_out(reused_server: HTTPServer) -> None:
    def stall(request: Request) -> Response:
        time.sleep(1.0)
        return Response("late")

    reused_server.expect_request("/slow").respond_with_handler(stall)
    started = time.monotonic()
    result = fetch_one(reused_server.url_for("/slow"), timeout=FetchTimeouts(connect=1, read=0.3))
    assert time.monotonic() - started < 0.9
    assert not result.ok
    assert result.error == "timed out after 0.3 s"


def test_oversize_body(reused_server: HTTPServer) -> None:
    reused_server.expect_request("/big").respond_with_data(b"x" * 5000)
    result = fetch_one(reused_server.url_for("/big"), max_bytes=1000)
    assert result.error == "response larger than 1000 bytes"
    assert result.body is None


def test_oversize_body_without_content_length(reused_server: HTTPServer) -> None:
    def chunked(request: Request) -> Response:
        return Response((b"y" * 500 for _ in range(10)), direct_passthrough=True)

    reused_server.expect_request("/stream").respond_with_handler(chunked)
    result = fetch_one(reused_server.url_for("/stream"), max_bytes=1000)
    assert result.error == "response larger than 1000 bytes"


def test_megabyte_cap_message(reused_server: HTTPServer) -> None:
    def big(request: Request) -> Response:
        return Response((b"z" * 65536 for _ in range(40)), direct_passthrough=True)

    reused_server.expect_request("/big").respond_with_handler(big)
    result = fetch_one(reused_server.url_for("/big"), max_bytes=2 * 1024 * 1024)
    assert result.error == "response larger than 2 MB"


def _chain(server: HTTPServer, hops: int) -> str:
    for hop in range(hops):
        server.expect_request(f"/r{hop}").respond_with_data(
            "", status=302, headers={"Location": f"/r{hop + 1}"}
        )
    server.expect_request(f"/r{hops}").respond_with_data(FEED)
    return server.url_for("/r0")


def test_redirect_chain_followed(reused_server: HTTPServer) -> None:
    result = fetch_one(_chain(reused_server, 3))
    assert result.ok, result.error
    assert result.body == FEED
    assert result.url == reused_server.url_for("/r3")


def test_too_many_redirects(reused_server: HTTPServer) -> None:
    result = fetch_one(_chain(reused_server, 6))
    assert result.error == "too many redirects (>5)"


def test_redirect_to_file_refused(reused_server: HTTPServer) -> None:
    reused_server.expect_request("/evil").respond_with_data(
        "", status=301, headers={"Location": "file:///etc/passwd"}
    )
    result = fetch_one(reused_server.url_for("/evil"))
    assert result.error == "redirect to file:///etc/passwd refused"


def test_redirect_to_javascript_refused_with_a_reason(reused_server: HTTPServer) -> None:
    reused_server.expect_request("/tojs").respond_with_data(
        "", status=302, headers={"Location": "javascript:alert(1)"}
    )
    result = fetch_one(reused_server.url_for("/tojs"))
    assert result.error is not None
    assert result.error.startswith("redirect to an unusable URL refused")


def test_429_retry_after_then_success(reused_server: HTTPServer) -> None:
    calls: list[float] = []

    def limited(request: Request) -> Response:
        calls.append(time.monotonic())
        if len(calls) == 1:
            return Response("slow down", status=429, headers={"Retry-After": "1"})
        return Response(FEED)

    reused_server.expect_request("/limited").respond_with_handler(limited)
    result = fetch_one(reused_server.url_for("/limited"), max_retry_wait=0.3)
    assert result.ok, result.error
    assert result.body == FEED
    assert len(calls) == 2
    assert calls[1] - calls[0] >= 0.25


def test_503_gives_up_after_retries(reused_server: HTTPServer) -> None:
    reused_server.expect_request("/down").respond_with_data("", status=503)
    result = fetch_one(reused_server.url_for("/down"), retries=2, backoff=0.01)
    assert result.error == "HTTP 503 Service Unavailable (gave up after 2 retries)"
    # Filter by path: a stalled handler from an earlier test may log late on this shared server.
    assert len([request for request, _ in reused_server.log if request.path == "/down"]) == 3


def test_404(reused_server: HTTPServer) -> None:
    reused_server.expect_request("/missing").respond_with_data("nope", status=404)
    result = fetch_one(reused_server.url_for("/missing"))
    assert result.error == "HTTP 404 Not Found"
    assert result.status == 404


def test_server_closes_mid_body() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(4096)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 10000\r\n\r\n" + b"a" * 100)
        listener.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    result = fetch_one(f"http://127.0.0.1:{port}/feed", timeout=2)
    thread.join(2)
    assert result.error == "server closed the connection mid-body"


def test_dns_failure() -> None:
    result = fetch_one("http://nonexistent.invalid/", timeout=2)
    assert result.error == "could not resolve host nonexistent.invalid"


def test_connection_refused() -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    result = fetch_one(f"http://127.0.0.1:{port}/", timeout=2)
    assert result.error == "connection refused"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "javascript:alert(1)", "-oProxy", ""])
def test_bad_urls_refused_without_request(url: str) -> None:
    result = fetch_one(url)
    assert result.error is not None
    assert "refused" in result.error


def test_per_host_concurrency(reused_server: HTTPServer) -> None:
    lock = threading.Lock()
    active = 0
    peak = 0

    def slow(request: Request) -> Response:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.15)
        with lock:
            active -= 1
        return Response(FEED)

    reused_server.expect_request("/c").respond_with_handler(slow)
    seen: list[FetchResult] = []
    progress: list[tuple[int, int]] = []
    requests = [FetchRequest(reused_server.url_for("/c"), key=index) for index in range(6)]
    results = run(
        requests,
        concurrency=8,
        per_host=2,
        on_result=seen.append,
        on_progress=lambda done, total: progress.append((done, total)),
    )
    assert all(result.ok for result in results)
    assert [result.request.key for result in results] == list(range(6))
    assert peak == 2
    assert len(seen) == 6
    assert progress[-1] == (6, 6)


def test_fetch_one_inside_running_loop(reused_server: HTTPServer) -> None:
    reused_server.expect_request("/feed").respond_with_data(FEED)

    async def inside() -> FetchResult:
        return fetch_one(reused_server.url_for("/feed"))

    assert asyncio.run(inside()).body == FEED

"""Limits a hostile or broken server must not get past (issue #17), against real local servers.

Stacked Content-Encodings must not inflate past the size cap, one time limit covers a whole
fetch (redirect hops, retries and the waits between them), and a 304 to a request that had no
validators is an error rather than "not modified".
"""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import struct
import subprocess
import sys
import textwrap
import time
import zlib
from collections.abc import Callable

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from newsreader.fetch import FetchRequest, FetchResult, FetchTimeouts, fetch_many, fetch_one

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'
MB = 1024 * 1024


def _gzip_of_zeros(megabytes: int) -> bytes:
    """A valid gzip stream of `megabytes` MB of zeros, built without compressing them all.

    After a full flush the compressor starts afresh, so every 1 MB block compresses to the
    same bytes and the stream is one block repeated, then an empty final block and the
    trailer (CRC-32 and length of the whole).
    """
    zeros = bytes(MB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS, 9, zlib.Z_RLE)
    block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    final_block = b"\x03\x00"
    trailer = struct.pack("<II", crc, (megabytes * MB) & 0xFFFFFFFF)
    return header + block * megabytes + final_block + trailer


@pytest.fixture(scope="module")
def double_gzip_bomb() -> bytes:
    """1 GB of zeros gzipped twice: a couple of kilobytes on the wire."""
    return gzip.compress(_gzip_of_zeros(1024), 9)


def _stacked(body: bytes, form: str) -> Response:
    if form == "stacked":
        headers = [("Content-Encoding", "gzip, gzip")]
    else:
        headers = [("Content-Encoding", "gzip"), ("Content-Encoding", "gzip")]
    return Response(body, headers=headers)


# A child process with its address space capped: a regression fails with MemoryError (or is
# killed) instead of taking gigabytes from a machine other people are using.
_BOUNDED_FETCH = textwrap.dedent(
    """
    import json, resource, sys
    from newsreader.fetch import fetch_one
    import httpx  # loaded before measuring, so the headroom is for the fetch alone

    with open("/proc/self/status") as status:
        size = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
    limit = size + int(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    result = fetch_one(sys.argv[1])
    print(json.dumps({"error": result.error, "size": len(result.body or b"")}))
    """
)


def _fetch_with_memory_cap(url: str, headroom: int) -> dict[str, object]:
    completed = subprocess.run(
        [sys.executable, "-c", _BOUNDED_FETCH, url, str(headroom)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    return json.loads(completed.stdout.splitlines()[-1])  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- content encodings


@pytest.mark.parametrize("form", ["stacked", "two headers"])
def test_double_gzip_bomb_stops_at_the_cap(
    reused_server: HTTPServer, double_gzip_bomb: bytes, form: str
) -> None:
    reused_server.expect_request("/bomb").respond_with_response(_stacked(double_gzip_bomb, form))
    # 384 MB of headroom holds the 10 MB cap many times over, and not the gigabyte.
    outcome = _fetch_with_memory_cap(reused_server.url_for("/bomb"), 384 * MB)
    assert outcome == {"error": "response larger than 10 MB", "size": 0}


@pytest.mark.parametrize("form", ["stacked", "two headers"])
def test_double_gzip_within_the_cap_decoded(reused_server: HTTPServer, form: str) -> None:
    reused_server.expect_request("/gz2").respond_with_response(
        _stacked(gzip.compress(gzip.compress(FEED)), form)
    )
    result = fetch_one(reused_server.url_for("/gz2"))
    assert result.ok, result.error
    assert result.body == FEED


def test_gzip_bomb_stops_at_a_small_cap(reused_server: HTTPServer) -> None:
    reused_server.expect_request("/gz").respond_with_data(
        _gzip_of_zeros(64), headers={"Content-Encoding": "gzip"}
    )
    result = fetch_one(reused_server.url_for("/gz"), max_bytes=MB)
    assert result.error == "response larger than 1 MB"
    assert result.body is None


@pytest.mark.parametrize(
    "body", [zlib.compress(FEED), zlib.compress(FEED)[2:-4]], ids=["zlib", "raw deflate"]
)
def test_deflate_decoded(reused_server: HTTPServer, body: bytes) -> None:
    reused_server.expect_request("/deflate").respond_with_data(
        body, headers={"Content-Encoding": "deflate"}
    )
    result = fetch_one(reused_server.url_for("/deflate"))
    assert result.ok, result.error
    assert result.body == FEED


def test_identity_and_empty_codings_ignored(reused_server: HTTPServer) -> None:
    reused_server.expect_request("/id").respond_with_data(
        gzip.compress(FEED), headers={"Content-Encoding": "identity, gzip,"}
    )
    assert fetch_one(reused_server.url_for("/id")).body == FEED


def test_three_stacked_codings_refused(reused_server: HTTPServer) -> None:
    body = gzip.compress(gzip.compress(gzip.compress(FEED)))
    reused_server.expect_request("/gz3").respond_with_data(
        body, headers={"Content-Encoding": "gzip, gzip, gzip"}
    )
    result = fetch_one(reused_server.url_for("/gz3"))
    assert result.error == "too many stacked Content-Encodings (3, at most 2)"
    assert result.body is None


def test_unknown_coding_refused(reused_server: HTTPServer) -> None:
    reused_server.expect_request("/br").respond_with_data(FEED, headers={"Content-Encoding": "br"})
    result = fetch_one(reused_server.url_for("/br"))
    assert result.error == "unsupported Content-Encoding br"


def test_unknown_coding_name_not_echoed_when_not_a_token(reused_server: HTTPServer) -> None:
    reused_server.expect_request("/odd").respond_with_data(
        FEED, headers={"Content-Encoding": "x\x1b[2Jy"}
    )
    result = fetch_one(reused_server.url_for("/odd"))
    assert result.error == "unsupported Content-Encoding"


def test_bad_compression_reported(reused_server: HTTPServer) -> None:
    reused_server.expect_request("/bad").respond_with_data(
        b"not gzip at all", headers={"Content-Encoding": "gzip"}
    )
    result = fetch_one(reused_server.url_for("/bad"))
    assert result.error == "could not decode the response body (bad compression)"


def test_only_decodable_codings_asked_for(reused_server: HTTPServer) -> None:
    reused_server.expect_request("/feed").respond_with_data(FEED)
    assert fetch_one(reused_server.url_for("/feed")).ok
    request = next(request for request, _ in reused_server.log if request.path == "/feed")
    assert request.headers["Accept-Encoding"] == "gzip, deflate"


# --------------------------------------------------------------------------- one time limit


def _slow(seconds: float, response: Response) -> Callable[[Request], Response]:
    def handler(request: Request) -> Response:
        time.sleep(seconds)
        return response

    return handler


def test_time_limit_covers_every_redirect_hop(reused_server: HTTPServer) -> None:
    for hop in range(5):
        redirect = Response("", status=302, headers={"Location": f"/hop{hop + 1}"})
        reused_server.expect_request(f"/hop{hop}").respond_with_handler(_slow(0.5, redirect))
    reused_server.expect_request("/hop5").respond_with_handler(_slow(0.5, Response(FEED)))
    started = time.monotonic()
    result = fetch_one(reused_server.url_for("/hop0"), timeout=FetchTimeouts(read=5, total=1.5))
    elapsed = time.monotonic() - started
    assert result.error == "timed out after 1.5 s (total)"
    assert elapsed < 1.5 + 0.75


def test_retry_after_past_the_time_limit_fails_at_once(reused_server: HTTPServer) -> None:
    reused_server.expect_request("/busy").respond_with_data(
        "", status=503, headers={"Retry-After": "5"}
    )
    started = time.monotonic()
    result = fetch_one(reused_server.url_for("/busy"), retries=1, timeout=FetchTimeouts(total=2))
    elapsed = time.monotonic() - started
    assert result.error == (
        "HTTP 503 Service Unavailable (a retry in 5 s would pass the 2 s time limit)"
    )
    assert elapsed < 1.0
    assert len([request for request, _ in reused_server.log if request.path == "/busy"]) == 1


def test_time_limit_covers_retries_and_backoff(reused_server: HTTPServer) -> None:
    reused_server.expect_request("/flaky").respond_with_handler(
        _slow(0.4, Response("", status=503))
    )
    started = time.monotonic()
    result = fetch_one(
        reused_server.url_for("/flaky"),
        retries=2,
        backoff=0.5,
        timeout=FetchTimeouts(read=5, total=2),
    )
    elapsed = time.monotonic() - started
    # 0.4 s answer, 0.5 s wait, 0.4 s answer: the next 1 s wait no longer fits.
    assert result.error == (
        "HTTP 503 Service Unavailable (a retry in 1 s would pass the 2 s time limit)"
    )
    assert elapsed < 2 + 0.5


def test_waiting_for_a_slot_does_not_spend_the_time_limit(reused_server: HTTPServer) -> None:
    reused_server.expect_request("/queued").respond_with_handler(_slow(0.4, Response(FEED)))
    requests = [FetchRequest(reused_server.url_for("/queued"), key=index) for index in range(4)]
    # One at a time: the last starts about 1.2 s in, past its 1 s limit had queueing counted.
    results: list[FetchResult] = asyncio.run(
        fetch_many(requests, concurrency=1, timeout=FetchTimeouts(total=1))
    )
    assert [result.error for result in results] == [None] * 4


# --------------------------------------------------------------------------- 304 without validators


def test_304_to_an_unconditional_request_is_an_error(reused_server: HTTPServer) -> None:
    reused_server.expect_request("/feed.xml").respond_with_data("", status=304)
    result = fetch_one(reused_server.url_for("/feed.xml"))
    assert not result.ok
    assert not result.not_modified
    assert result.error == "HTTP 304 Not Modified to a request that was not conditional"
    assert result.body is None


def test_304_to_a_conditional_request_after_a_redirect_is_not_modified(
    reused_server: HTTPServer,
) -> None:
    reused_server.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": "/new"}
    )
    reused_server.expect_request("/new", headers={"If-None-Match": '"v1"'}).respond_with_data(
        "", status=304
    )
    result = fetch_one(reused_server.url_for("/old"), etag='"v1"')
    assert result.ok, result.error
    assert result.not_modified

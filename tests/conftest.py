"""Shared fixtures: the bundled sample articles, the reference seed, Pilot set-up and local
HTTP servers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from textual.widgets import Input

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = REPO_ROOT / "data"
SEED_PATH = REPO_ROOT.parent / "shared" / "seed" / "000_d8a2ef01646cdda7.txt"


@pytest.fixture
def data_dir() -> Path:
    return DATA_DIR


@pytest.fixture
def seed_path() -> Path:
    """The reference article; tests that need it skip when the shared seed is absent."""
    if not SEED_PATH.is_file():
        pytest.skip(f"reference seed not present: {SEED_PATH}")
    return SEED_PATH


@pytest.fixture(autouse=True)
def no_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inputs without a blinking cursor, so snapshots and timings are stable."""
    monkeypatch.setattr(Input, "cursor_blink", False)


@pytest.fixture
def anyio_backend() -> str:
    """Pilot tests run on asyncio through anyio's pytest plugin (anyio comes with httpx)."""
    return "asyncio"


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    """A fresh pytest-httpserver on 127.0.0.1 for one test, answering one request at a time."""
    with HTTPServer(host="127.0.0.1", port=0) as httpserver:
        yield httpserver


@pytest.fixture
def threaded_server() -> Iterator[HTTPServer]:
    """As `server`, answering requests at the same time (for concurrency and slow handlers)."""
    with HTTPServer(host="127.0.0.1", port=0, threaded=True) as httpserver:
        yield httpserver


@pytest.fixture(scope="module")
def _module_threaded_server() -> Iterator[HTTPServer]:
    """One threaded server per test module: stopping a threaded server is slow, so modules
    with many short fetch tests share one."""
    httpserver = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    httpserver.start()
    yield httpserver
    httpserver.stop()


@pytest.fixture
def reused_server(_module_threaded_server: HTTPServer) -> Iterator[HTTPServer]:
    """The module's threaded server with no expectations or log left from another test (a
    stalled handler of an earlier test may still log late: filter the log by path)."""
    _module_threaded_server.clear()
    yield _module_threaded_server
    _module_threaded_server.clear()

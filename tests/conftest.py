"""Shared fixtures: the bundled sample articles, the reference seed, and Pilot set-up."""

from __future__ import annotations

from pathlib import Path

import pytest
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

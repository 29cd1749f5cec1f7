"""Fixtures shared by the unit tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newsreader.store import Library


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    """An empty library in a real SQLite file in the test's own directory."""
    lib = Library(tmp_path / "library.sqlite3")
    yield lib
    lib.close()

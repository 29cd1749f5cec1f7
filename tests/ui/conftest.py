"""Fixtures the reader's Pilot tests share: a small real library, the outside-change poll off."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.paths import database_path
from newsreader.ui import app as app_module
from support import build_library


@pytest.fixture
def library_path(tmp_path: Path) -> Path:
    path = database_path(tmp_path)
    build_library(path, fillers=5).close()
    return path


@pytest.fixture
def no_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    """No timer: the app sees outside changes only when a test lets it."""
    monkeypatch.setattr(app_module, "OUTSIDE_POLL", 3600.0)

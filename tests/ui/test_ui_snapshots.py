"""Visual regressions: SVG snapshots of the main views (pytest-textual-snapshot).

Regenerate after an intended change with
`python -m pytest tests/test_ui_snapshots.py --snapshot-update` and review the
report. Data and dates are fixed (tests/ui_support.py) and the UI shows no clock.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from newsreader.ui.app import NewsreaderApp
from support import build_feeds_library, build_library, wait_for_list_search


@pytest.fixture
def app(tmp_path: Path) -> NewsreaderApp:
    return NewsreaderApp(build_library(tmp_path / "library.sqlite3", fillers=12))


def test_list(snap_compare, app: NewsreaderApp) -> None:
    assert snap_compare(app, terminal_size=(100, 30))


def test_article_with_key_points_and_quotes(snap_compare, app: NewsreaderApp) -> None:
    assert snap_compare(app, press=["enter"], terminal_size=(100, 34))


def test_find_bar_with_matches(snap_compare, app: NewsreaderApp) -> None:
    assert snap_compare(app, press=["enter", "slash", *"stone", "enter"], terminal_size=(100, 34))


def test_quotes_list(snap_compare, app: NewsreaderApp) -> None:
    assert snap_compare(app, press=["enter", "Q"], terminal_size=(100, 30))


def test_help(snap_compare, app: NewsreaderApp) -> None:
    assert snap_compare(app, press=["question_mark"], terminal_size=(100, 40))


def test_small_terminal_list(snap_compare, app: NewsreaderApp) -> None:
    assert snap_compare(app, terminal_size=(80, 24))


def test_small_terminal_article(snap_compare, app: NewsreaderApp) -> None:
    assert snap_compare(app, press=["enter"], terminal_size=(80, 24))


def test_large_terminal_article(snap_compare, app: NewsreaderApp) -> None:
    assert snap_compare(app, press=["enter"], terminal_size=(200, 60))


def test_library_search(snap_compare, app: NewsreaderApp) -> None:
    async def search(pilot: Pilot) -> None:
        await pilot.press("slash", *"harbour")
        await wait_for_list_search(pilot, "harbour")

    assert snap_compare(app, run_before=search, terminal_size=(100, 30))


def test_list_with_feeds_sidebar(snap_compare, tmp_path: Path) -> None:
    """Subscriptions at 110 columns: the sidebar opens with folders, counts and a failing feed."""
    app = NewsreaderApp(build_feeds_library(tmp_path / "library.sqlite3"))
    assert snap_compare(app, press=["tab", "j", "j", "j"], terminal_size=(110, 24))

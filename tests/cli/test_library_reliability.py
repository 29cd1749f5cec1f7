"""What the user sees of #17's library defects: read-only media and a full disk, end to end.

Real read-only bind mounts and a really full tmpfs; the commands run as the
installed `python -m newsreader`, the reader through Textual's Pilot. Mounting
needs root (or CAP_SYS_ADMIN): without it these tests skip and say why.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsreader.cli import tui
from newsreader.store import Library
from newsreader.ui.app import NewsreaderApp
from newsreader.ui.screens.list_screen import ListScreen
from newsreader.ui.screens.reader_screen import ReaderScreen
from real_media import (
    bookmark_then_get_killed,
    fill_disk,
    make_library,
    read_only_view,
    small_disk,
)

SIZE = (100, 30)


def run_cli(*args: str, data_dir: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NEWSREADER_CONFIG_DIR=str(tmp_path / "config"))
    return subprocess.run(
        [sys.executable, "-m", "newsreader", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("newsreader: error: "), done.stderr
    return lines[0]


# -- 7: read-only media ------------------------------------------------------------


def test_list_on_read_only_media_shows_acknowledged_bookmarks(tmp_path: Path) -> None:
    source = tmp_path / "disk"
    ids = make_library(source / "library.sqlite3")
    bookmark_then_get_killed(source / "library.sqlite3", ids[:5])
    with read_only_view(source, tmp_path / "ro") as media:
        done = run_cli("list", "--bookmarked", "--json", data_dir=media, tmp_path=tmp_path)
        assert done.returncode == 0, done.stderr
        assert len(json.loads(done.stdout)["articles"]) == 5
        done = run_cli("bookmark", str(ids[6]), data_dir=media, tmp_path=tmp_path)
        assert done.returncode == 1 and "read-only" in one_error_line(done)


def test_new_library_on_read_only_media_is_one_error_line(tmp_path: Path) -> None:
    source = tmp_path / "disk"
    source.mkdir()
    (source / "library.sqlite3").write_text("my shopping list\n")
    with read_only_view(source, tmp_path / "ro") as media:
        done = run_cli("--new-library", "list", data_dir=media, tmp_path=tmp_path)
        assert done.returncode == 1
        line = one_error_line(done)
        assert "cannot be moved aside" in line and "left untouched" in line
    assert (source / "library.sqlite3").read_text() == "my shopping list\n"


def _reader_on(library: Library, check: list[str]) -> None:
    """The reader on `library`, headless: open the first article, note what was shown."""

    async def drive() -> None:
        app = NewsreaderApp(library)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, ListScreen)
            check.append(f"rows={library.count()}")
            if library.count():
                await pilot.press("enter")
                await pilot.pause()
                assert isinstance(app.screen, ReaderScreen), "the article opens"
                check.extend(n.message for n in app._notifications)

    asyncio.run(drive())


def test_reader_opens_articles_of_a_read_only_library(tmp_path: Path) -> None:
    """Enter opens the article; that it cannot be marked read is a notification."""
    source = tmp_path / "disk"
    make_library(source / "library.sqlite3")
    with read_only_view(source, tmp_path / "ro") as media:
        seen: list[str] = []
        with Library(media / "library.sqlite3") as library:
            _reader_on(library, seen)
            assert not library.is_read(library.page(limit=1)[0].id)
    assert seen[0] == "rows=8"
    assert any("Not marked read" in message and "read-only" in message for message in seen)


def test_empty_read_only_library_starts_the_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`newsreader` on an empty read-only library shows the empty list (no samples, no error)."""
    source = tmp_path / "disk"
    Library(source / "library.sqlite3").close()
    seen: list[str] = []
    monkeypatch.setattr(
        "newsreader.ui.launch.run", lambda library, config_path: _reader_on(library, seen)
    )
    monkeypatch.setenv("NEWSREADER_CONFIG_DIR", str(tmp_path / "config"))
    with read_only_view(source, tmp_path / "ro") as media:
        args = argparse.Namespace(data_dir=str(media), new_library=False)
        assert tui.cmd_tui(args) == 0
    assert seen == ["rows=0"]


# -- 11: a full disk --------------------------------------------------------------


def test_full_disk_commands_read_and_say_disk_full(tmp_path: Path) -> None:
    """list, show, search and export to another disk work on a full disk, with a warning."""
    with small_disk(tmp_path / "small") as disk:
        ids = make_library(disk / "library.sqlite3", count=30)
        fill_disk(disk)
        out = tmp_path / "export.json"
        for args in (
            ["list", "--json"],
            ["show", str(ids[0])],
            ["search", "harbour"],
            ["export", "--format", "json", "-o", str(out)],
        ):
            done = run_cli(*args, data_dir=disk, tmp_path=tmp_path)
            assert done.returncode == 0, (args, done.stderr)
            assert "disk full" in done.stderr, args
            assert "Traceback" not in done.stderr
        assert len(json.loads(out.read_text())["articles"]) == 30
        done = run_cli("read", str(ids[0]), data_dir=disk, tmp_path=tmp_path)
        assert done.returncode == 1 and "disk full" in done.stderr


def test_reader_starts_on_a_full_disk(tmp_path: Path) -> None:
    with small_disk(tmp_path / "small") as disk:
        make_library(disk / "library.sqlite3", count=5)
        fill_disk(disk)
        seen: list[str] = []
        with Library(disk / "library.sqlite3") as library:
            assert library.read_only
            _reader_on(library, seen)
    assert seen[0] == "rows=5"
    assert any("disk full" in message for message in seen)

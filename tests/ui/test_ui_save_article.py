"""`w` in the reader saves the article as a Markdown file (#14)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Input

from newsreader.errors import NewsreaderError
from newsreader.render.markdown import article_markdown
from newsreader.services.save_article import default_path, save_markdown, slug
from newsreader.store import Library
from newsreader.ui.app import NewsreaderApp
from newsreader.ui.screens.reader_screen import ReaderScreen
from newsreader.ui.screens.save_screen import SaveScreen
from support import FEATURE_TITLE, article_id, build_library

SIZE = (100, 30)


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = build_library(tmp_path / "library.sqlite3", fillers=3)
    yield lib
    lib.close()


async def open_feature(pilot: object, app: NewsreaderApp, library: Library) -> None:
    app.open_reader(library.get(article_id(library, FEATURE_TITLE)))
    await pilot.pause()  # type: ignore[attr-defined]
    assert isinstance(app.screen, ReaderScreen)


@pytest.mark.anyio
async def test_w_writes_the_article_to_the_default_path(
    tmp_path: Path, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await open_feature(pilot, app, library)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, SaveScreen)
        typed = app.screen.query_one(Input).value
        assert typed == str(home / f"{slug(FEATURE_TITLE)}.md")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        written = Path(typed)
        stored = library.get(article_id(library, FEATURE_TITLE))
        assert written.read_text(encoding="utf-8") == article_markdown(stored)
        assert written.read_text(encoding="utf-8").startswith("# ")
        assert any(f"Saved to {written}" in n.message for n in app._notifications)
        assert sorted(p.name for p in home.iterdir()) == [written.name], "no temp file left"


@pytest.mark.anyio
async def test_a_typed_path_escape_and_a_directory(tmp_path: Path, library: Library) -> None:
    app = NewsreaderApp(library)
    target = tmp_path / "out" / "story.md"
    target.parent.mkdir()
    async with app.run_test(size=SIZE) as pilot:
        await open_feature(pilot, app, library)
        await pilot.press("w", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("w")
        await pilot.pause()
        box = app.screen.query_one(Input)
        box.value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        stored = library.get(article_id(library, FEATURE_TITLE))
        assert target.read_text(encoding="utf-8") == article_markdown(stored)
        await pilot.press("w")
        await pilot.pause()
        app.screen.query_one(Input).value = str(tmp_path / "out")
        await pilot.press("enter")
        await pilot.pause()
        assert (tmp_path / "out").is_dir()
        assert any("a directory" in n.message for n in app._notifications)


def test_never_over_a_non_regular_file(tmp_path: Path, library: Library) -> None:
    stored = library.get(article_id(library, FEATURE_TITLE))
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    with pytest.raises(NewsreaderError, match="not a regular file"):
        save_markdown(stored, fifo)
    with pytest.raises(NewsreaderError, match="no such directory"):
        save_markdown(stored, tmp_path / "missing" / "x.md")
    existing = tmp_path / "old.md"
    existing.write_text("old")
    existing.chmod(0o600)
    link = tmp_path / "link.md"
    link.symlink_to(existing)
    save_markdown(stored, link)
    assert link.is_symlink(), "through a symlink, the file it points to is replaced"
    assert existing.read_text(encoding="utf-8") == article_markdown(stored)
    assert existing.stat().st_mode & 0o777 == 0o600


def test_slug_and_default_path(tmp_path: Path, library: Library) -> None:
    assert slug("Storm closes harbour! (Update 2)") == "storm-closes-harbour-update-2"
    assert slug("台风 关闭 港口") == "台风-关闭-港口"
    assert slug("???", "article-7") == "article-7"
    assert len(slug("word " * 100)) <= 80
    stored = library.get(article_id(library, FEATURE_TITLE))
    assert default_path(stored).suffix == ".md"

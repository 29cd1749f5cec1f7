"""The reader's generated "In brief": shown for an article without key points, labelled as
generated and apart from the key points box, absent for an article with key points of its
own, and switched off by `brief = false` in config.toml."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newsreader.config import Config
from newsreader.render.brief import generated_brief
from newsreader.store import Library
from newsreader.ui.app import NewsreaderApp
from newsreader.ui.widgets.article_view import ArticleView
from support import FEATURE_TITLE, article_id, build_library, document_text

pytestmark = pytest.mark.anyio
LONG_READ = "A long read about tides"  # no key points of its own


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    library = build_library(tmp_path / "library.sqlite3", fillers=2)
    yield library
    library.close()


async def _reader_text(app: NewsreaderApp, library: Library, pilot: object, title: str) -> str:
    app.open_reader(library.get(article_id(library, title)))
    await pilot.pause()  # type: ignore[attr-defined]
    return document_text(app.screen.query_one(ArticleView))


async def test_reader_shows_the_generated_brief_only_without_key_points(
    library: Library, tmp_path: Path
) -> None:
    app = NewsreaderApp(library, config_path=tmp_path / "config.toml")
    async with app.run_test(size=(100, 40)) as pilot:
        text = await _reader_text(app, library, pilot, LONG_READ)
        view = app.screen.query_one(ArticleView)
        assert "In brief (generated)" in text
        assert not any(unit.rule == "top:Key points" for unit in view._ensure_units())
        sentences = generated_brief(library.get(article_id(library, LONG_READ)).article)
        assert sentences
        head, brief_part = text.split("In brief (generated)", 1)
        assert sentences[0][:25] not in head
        assert brief_part.count(sentences[0][:25]) == 2, "once in the brief, once in the body"
        await pilot.press("slash", *"needle", "enter")
        await pilot.pause()
        assert view.match_count == 60, "the brief's copy of a sentence is not a second match"

        await pilot.press("escape", "escape")
        await pilot.pause()
        text = await _reader_text(app, library, pilot, FEATURE_TITLE)
        assert "In brief" not in text
        assert any(unit.rule == "top:Key points" for unit in view._ensure_units())


async def test_brief_false_in_the_config_switches_it_off(library: Library) -> None:
    app = NewsreaderApp(library, config=Config(brief=False))
    async with app.run_test(size=(100, 40)) as pilot:
        text = await _reader_text(app, library, pilot, LONG_READ)
        assert "In brief" not in text

"""Enter shows the article prepared while the cursor rested on it, and never a stale one.

While the list's cursor rests on a row, the app fetches the article under it and
wraps its lines in a thread, and the reader screen holds them off screen
(`NewsreaderApp.article_highlighted`), so Enter only swaps screens. These tests
check that Enter then reuses exactly those lines, and that a cursor moved since or
an article changed by another process is never shown from a stale preparation.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from newsreader.model.article import Block, BlockKind
from newsreader.store import Library
from newsreader.ui import compat
from newsreader.ui.app import NewsreaderApp
from newsreader.ui.host import READER
from newsreader.ui.screens.list_search import LAST_ARTICLE_STATE
from newsreader.ui.screens.reader_screen import ReaderScreen
from newsreader.ui.widgets.article_list import ArticleList
from support import article_id, document_text, visible_text, wait_until

pytestmark = pytest.mark.anyio
SIZE = (100, 30)


def reader_of(app: NewsreaderApp) -> ReaderScreen | None:
    if not app.is_screen_installed(READER):
        return None
    reader = app.get_screen(READER)
    assert isinstance(reader, ReaderScreen)
    return reader


def holds(app: NewsreaderApp, article_id: int) -> bool:
    """The reader, off screen, holds `article_id` with its lines wrapped for its width."""
    reader = reader_of(app)
    if reader is None or not reader.is_mounted or reader in app.screen_stack:
        return False
    recipe = reader.view.line_recipe()
    return recipe is not None and reader.view.holds(article_id, recipe)


async def test_enter_shows_the_lines_prepared_while_the_cursor_rested(
    library_path: Path,
) -> None:
    library = Library(library_path)
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        rows = app.screen.query_one(ArticleList)
        await pilot.press("j")
        row = rows.current
        assert row is not None
        await wait_until(pilot, lambda: holds(app, row.id), "the article under the cursor")
        reader = reader_of(app)
        assert reader is not None
        prepared = reader.view._layout
        await pilot.press("enter")
        assert app.screen is reader
        assert reader.stored.id == row.id and reader.stored.read
        assert reader.view._layout is prepared, "Enter wrapped the article again"
        assert row.title.split()[0] in visible_text(reader.view)
    library.close()


async def test_a_cursor_moved_since_opens_the_new_row(library_path: Path) -> None:
    library = Library(library_path)
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        rows = app.screen.query_one(ArticleList)
        first = rows.current
        assert first is not None
        await wait_until(pilot, lambda: holds(app, first.id), "the first article prepared")
        await pilot.press("j", "enter")  # before the cursor has rested on the second row
        second = rows.current
        assert second is not None and second.id != first.id
        reader = reader_of(app)
        assert app.screen is reader and reader is not None
        assert reader.stored.id == second.id
        assert second.title.split()[0] in visible_text(reader.view)
        await pilot.press("escape", "j")
        third = rows.current
        assert third is not None
        await wait_until(pilot, lambda: holds(app, third.id), "the row moved to, prepared")
    library.close()


async def test_an_outside_change_is_prepared_again_and_never_shown_stale(
    library_path: Path, no_poll: None
) -> None:
    library = Library(library_path)
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        rows = app.screen.query_one(ArticleList)
        row = rows.current
        assert row is not None
        await wait_until(pilot, lambda: holds(app, row.id), "the article prepared")
        reader = reader_of(app)
        assert reader is not None
        with Library(library_path) as other:  # as a refresh in another process would
            stored = other.get(row.id)
            changed = replace(
                stored.article, blocks=[Block(BlockKind.PARAGRAPH, "Rewritten by a refresh.")]
            )
            other.replace_content(row.id, changed, full_text=False)
        app.check_outside_changes()
        await wait_until(
            pilot,
            lambda: "Rewritten by a refresh." in document_text(reader.view),
            "the changed article prepared again",
        )
        with Library(library_path) as other:  # changed again: Enter before it is prepared
            other.replace_content(
                row.id,
                replace(changed, blocks=[Block(BlockKind.PARAGRAPH, "Changed once more.")]),
                full_text=False,
            )
        await pilot.press("enter")
        assert app.screen is reader
        assert "Changed once more." in visible_text(reader.view)
    library.close()


async def test_the_first_enter_finds_the_reader_laid_out_and_the_library_written(
    library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the first Enter after launch used to do first, done while the list was shown:
    the reader's layout (its scrollbar mounted after the off-screen one asked for another)
    and the library's first write (SQLite syncs a fresh write-ahead log's header)."""
    with Library(library_path) as setup:
        long_id = article_id(setup, "A long read about tides")
        setup.set_state(LAST_ARTICLE_STATE, long_id)
    wal = library_path.with_name(library_path.name + "-wal")
    library = Library(library_path)
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        assert not wal.exists() or wal.stat().st_size == 0, "nothing written at launch"
        await wait_until(pilot, lambda: holds(app, long_id), "the long article prepared")
        reader = reader_of(app)
        assert reader is not None
        await wait_until(pilot, lambda: not compat.layout_pending(reader), "the reader laid out")
        await wait_until(pilot, lambda: app.writes._queued == 0, "the warm-up write")
        assert wal.stat().st_size > 0, "the library's first write is done"
        layouts: list[object] = []
        original = reader._refresh_layout
        monkeypatch.setattr(
            reader, "_refresh_layout", lambda *a, **k: layouts.append(a) or original(*a, **k)
        )
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is reader and reader.stored.id == long_id
        assert reader.view.show_vertical_scrollbar
        assert layouts == [], "the first Enter laid the reader out again"
        assert "A long read about tides" in visible_text(reader.view)
    library.close()

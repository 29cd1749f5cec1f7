"""Keys that arrive in one burst (typed while the app starts, or faster than it paints)
are handled in the order they were typed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual import events

from newsreader.store import Library
from newsreader.ui.app import NewsreaderApp
from newsreader.ui.screens.list_screen import ListScreen
from newsreader.ui.screens.reader_screen import ReaderScreen
from support import build_library, wait_until

SIZE = (100, 30)
pytestmark = pytest.mark.anyio


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    path = tmp_path / "library.sqlite3"
    build_library(path, fillers=5).close()
    lib = Library(path)
    yield lib
    lib.close()


@pytest.mark.parametrize(
    ("keys", "row"),
    [(["j", "j", "enter"], 2), (["j", "j", "k", "enter"], 1), (["down", "enter"], 1)],
    ids=["j j enter", "j j k enter", "down enter"],
)
async def test_enter_after_moves_in_one_burst_opens_the_row_moved_to(
    library: Library, keys: list[str], row: int
) -> None:
    """The cursor moves first, then Enter opens the article it landed on."""
    expected = library.page(limit=5)[row].id
    app = NewsreaderApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ListScreen)
        for key in keys:
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the reader")
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        assert reader.stored.id == expected

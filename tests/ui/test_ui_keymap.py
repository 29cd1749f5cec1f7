"""Keys remapped in config.toml's [keys]: they work, the old ones stop, help and palette
show them, and a bad entry is a warning that keeps the default (#14)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console

from newsreader.config import load_config
from newsreader.store import Library
from newsreader.ui import keymap
from newsreader.ui.app import NewsreaderApp
from newsreader.ui.screens.help_screen import HelpScreen, help_table
from newsreader.ui.screens.list_screen import ListScreen
from newsreader.ui.screens.reader_screen import ReaderScreen
from newsreader.ui.widgets.article_list import ArticleList
from support import build_library

SIZE = (100, 30)


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = build_library(tmp_path / "library.sqlite3", fillers=5)
    yield lib
    lib.close()


@pytest.fixture(autouse=True)
def table_defaults() -> Iterator[None]:
    """The overrides live in `ui.keys` for the process: leave the table as found."""
    yield
    keymap.apply_overrides({})


def app_with(tmp_path: Path, library: Library, toml: str) -> NewsreaderApp:
    path = tmp_path / "config.toml"
    path.write_text(toml, encoding="utf-8")
    return NewsreaderApp(library, config_path=path)


def current(app: NewsreaderApp) -> int:
    row = app.screen.query_one(ArticleList).current
    assert row is not None
    return row.id


def help_text() -> str:
    console = Console(width=140, record=True)
    console.print(help_table())
    return console.export_text()


@pytest.mark.anyio
async def test_remapped_bookmark_works_and_the_old_key_does_not(
    tmp_path: Path, library: Library
) -> None:
    app = app_with(tmp_path, library, '[keys]\nbookmark = "B"\n')
    async with app.run_test(size=SIZE) as pilot:
        first = current(app)
        await pilot.press("b")
        await pilot.pause()
        assert not library.is_bookmarked(first), "b is no longer bookmark"
        await pilot.press("B")
        await pilot.pause()
        assert library.is_bookmarked(first)
        await pilot.press("enter", "B")  # the reader has it too (one name, every screen)
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert not library.is_bookmarked(first)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
    rows = [line.split()[:2] for line in help_text().splitlines()]
    assert ["B", "Toggle"] in rows
    assert ["b", "Toggle"] not in rows


@pytest.mark.anyio
async def test_a_list_of_keys_and_the_palette(tmp_path: Path, library: Library) -> None:
    app = app_with(tmp_path, library, '[keys]\nnext_article = ["L", "ctrl+n"]\n')
    async with app.run_test(size=SIZE) as pilot:
        first = current(app)
        await pilot.press("enter")
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("J")  # the old key: nothing
        await pilot.pause()
        assert app.screen.stored.id == first
        await pilot.press("ctrl+n")
        await pilot.pause()
        second = app.screen.stored.id
        assert second != first
        await pilot.press("L")
        await pilot.pause()
        assert app.screen.stored.id not in (first, second)
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert commands["Next article in the list (marks read)"] == "key: L / ctrl+n"


@pytest.mark.anyio
async def test_remapped_search_key_replaces_slash(tmp_path: Path, library: Library) -> None:
    """`/` is also handled before its binding (typed-ahead queries); a remap reaches that too."""
    app = app_with(tmp_path, library, '[keys]\nsearch = "F"\nfind = "ctrl+f"\n')
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        await pilot.pause()
        assert app.screen.query_one(ArticleList).has_focus, "/ no longer opens the search"
        await pilot.press("F")
        await pilot.pause()
        assert not app.screen.query_one(ArticleList).has_focus
        await pilot.press("escape", "enter", "slash")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen) and not app.screen.find_open
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert app.screen.find_open


@pytest.mark.anyio
async def test_bad_entries_warn_and_keep_the_default(tmp_path: Path, library: Library) -> None:
    toml = (
        "[keys]\n"
        'no_such_thing = "x"\n'  # unknown action
        'quotes = "ctrl+nope"\n'  # not a key
        'read = "b"\n'  # b is bookmark on the same screens
        "open_url = 7\n"  # not a key at all
    )
    app = app_with(tmp_path, library, toml)
    async with app.run_test(size=SIZE) as pilot:
        messages = "\n".join(n.message for n in app._notifications)
        assert "no_such_thing" in messages
        assert "quotes" in messages and "ctrl+nope" in messages
        assert "read" in messages and "bookmark" in messages
        assert "open_url" in messages
        first = current(app)
        await pilot.press("b")  # still bookmark, not read
        await pilot.pause()
        assert library.is_bookmarked(first)
        await pilot.press("m")  # read keeps m
        await pilot.pause()
        assert library.is_read(first)
        assert isinstance(app.screen, ListScreen)


def test_a_swap_is_not_a_clash() -> None:
    wanted, warnings = keymap.resolve_overrides({"bookmark": ["m"], "read": ["b"]})
    assert warnings == []
    assert wanted[("list", "toggle_bookmark")] == ("m",)
    assert wanted[("reader", "toggle_read")] == ("b",)


def test_a_scoped_name_and_key_spellings() -> None:
    wanted, warnings = keymap.resolve_overrides({"reader.bookmark": ["?"], "quotes": ["x"]})
    assert ("list", "toggle_bookmark") not in wanted
    assert any("reader.bookmark" in w and "help" in w for w in warnings)
    assert wanted[("reader", "quotes")] == ("x",)
    assert keymap.normalise_key("?") == "question_mark"
    assert keymap.normalise_key("ctrl+N") == "ctrl+N"
    assert keymap.normalise_key("F5") == "f5"
    assert keymap.normalise_key("hyper+super+q") == "hyper+super+q"
    assert keymap.normalise_key("ctrl+") is None
    assert keymap.normalise_key("banana") is None


def test_next_unread_keeps_n_when_next_match_moves() -> None:
    """Textual's keymap drops every binding on a remapped one's old key: `n` is shared."""
    keymap.apply_overrides({"find_next": ["x"]})
    mapping = keymap.textual_keymap()
    assert mapping["reader.find_next"] == "x"
    assert mapping["reader.next_unread"] == "n"


def test_keys_survive_a_theme_save(tmp_path: Path) -> None:
    from newsreader.config import save_config

    path = tmp_path / "config.toml"
    path.write_text('[keys]\nbookmark = "B"\n[keys.reader]\nquotes = ["x", "ctrl+q"]\n')
    config = load_config(path)
    config.theme = "nord"
    save_config(config, path)
    again = load_config(path)
    assert again.keys == {"bookmark": ("B",), "reader.quotes": ("x", "ctrl+q")}
    assert again.theme == "nord" and again.warnings == []

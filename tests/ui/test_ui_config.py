"""Config file handling, theme persistence and the UI's import hygiene."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from newsreader.config import Config, load_config, save_config
from newsreader.ui.app import NewsreaderApp
from support import build_library, wait_until


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path / "nope.toml")
    assert config == Config()
    assert config.warnings == []


@pytest.mark.parametrize(
    "content",
    [b"theme = [1, 2", b"theme = 3", b"\xff\xfe junk", b'colour = "red"', b'theme = ""'],
)
def test_bad_config_warns_and_uses_defaults(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(content)
    config = load_config(path)
    assert config.theme == "textual-dark"
    assert config.warnings


def test_save_is_atomic_and_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "config.toml"
    save_config(Config(theme='we"ird\\name'), path)
    assert load_config(path).theme == 'we"ird\\name'
    save_config(Config(theme="nord"), path)
    assert load_config(path).theme == "nord"
    assert [p.name for p in path.parent.iterdir()] == ["config.toml"], "no temp files left"


@pytest.mark.anyio
async def test_theme_change_is_saved(tmp_path: Path) -> None:
    config_path = tmp_path / "config.toml"
    config_path.write_text('theme = "nord"\n')
    library = build_library(tmp_path / "library.sqlite3", fillers=2)
    app = NewsreaderApp(library, config_path=config_path)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.theme == "nord"
        app.theme = "gruvbox"
        await pilot.pause()
    assert load_config(config_path).theme == "gruvbox"
    library.close()


@pytest.mark.anyio
async def test_a_theme_chosen_on_the_list_reaches_the_prepared_reader(tmp_path: Path) -> None:
    """The reader screen is built in the background and kept between articles (its
    styles are only re-applied after a theme or CSS change): a theme picked on the
    list must still colour the article opened next, and the one after it."""
    from newsreader.ui.widgets.article_view import ArticleView

    library = build_library(tmp_path / "library.sqlite3", fillers=2)
    app = NewsreaderApp(library, config_path=tmp_path / "config.toml")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(
            pilot, lambda: app.is_screen_installed("reader"), "the reader to be prepared"
        )
        for theme in ("textual-light", "nord"):
            app.theme = theme
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            view = app.screen.query_one(ArticleView)
            surface = app.current_theme.surface or app.current_theme.background
            assert view.styles.background.hex.lower() == (surface or "").lower()
            backgrounds = {
                seg.style.bgcolor.triplet.hex
                for y in range(5)
                for seg in view.render_line(y)
                if seg.style and seg.style.bgcolor and seg.style.bgcolor.triplet
            }
            assert view.styles.background.hex.lower() in backgrounds
            await pilot.press("escape")
            await pilot.pause()
    library.close()


@pytest.mark.anyio
async def test_unknown_theme_falls_back_with_a_warning(tmp_path: Path) -> None:
    library = build_library(tmp_path / "library.sqlite3", fillers=2)
    app = NewsreaderApp(library, config=Config(theme="no-such-theme"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
        assert any("no-such-theme" in n.message for n in app._notifications)
    library.close()


def test_ui_imports_no_network_or_parsing_libraries() -> None:
    """First paint must not pay for feedparser, trafilatura or httpx; config stays UI-free."""
    code = (
        "import sys, newsreader.config as c\n"
        "assert 'textual' not in sys.modules, 'config imports textual'\n"
        "import newsreader.ui.app\n"
        "bad = [m for m in ('feedparser', 'trafilatura', 'httpx', 'lxml') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == ""

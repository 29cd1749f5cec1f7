"""Search narrowed to the sidebar's feed or folder (and saying so), and `D` deleting an article.

Driven through Pilot on a real library file; what was written is checked
through a second `Library`, as another process would see it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.model.library import ListQuery
from newsreader.store import Library
from newsreader.ui.app import NewsreaderApp
from newsreader.ui.screens.confirm_screen import ConfirmScreen
from newsreader.ui.screens.list_screen import ListScreen
from newsreader.ui.widgets.feed_sidebar import FeedScope
from support import build_feeds_library, wait_for_list_search, wait_until

SIZE = (120, 30)
pytestmark = pytest.mark.anyio


def _list_screen(app: NewsreaderApp) -> ListScreen:
    screen = app.screen_stack[0]
    assert isinstance(screen, ListScreen)
    return screen


def _shown_titles(screen: ListScreen) -> list[str]:
    listing = screen.article_list
    rows = (listing.row_at(i) for i in range(listing.row_count))
    return [row.title for row in rows if row is not None]


async def test_search_in_a_feed_finds_only_its_articles_and_says_where(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    library = build_feeds_library(path)
    try:
        gazette = next(f for f in library.feeds() if f.title == "Harbour Gazette")
        gazette_titles = {r.title for r in library.page(ListQuery(feed_id=gazette.id))}
        assert len(library.search("harbour cranes")) > len(gazette_titles)  # the whole library
        app = NewsreaderApp(library)
        async with app.run_test(size=SIZE) as pilot:
            screen = _list_screen(app)
            screen.select_scope(FeedScope(kind="feed", feed_id=gazette.id, label=gazette.title))
            await pilot.pause()
            await pilot.press("slash")
            assert screen.search_input.placeholder == "Search in Harbour Gazette…"
            for key in "cranes":
                await pilot.press(key)
            await wait_for_list_search(pilot, "cranes")
            assert set(_shown_titles(screen)) == gazette_titles
            assert "Search in Harbour Gazette" in str(screen.filter_bar.render())
            # Back to every article: the search covers the library again.
            await pilot.press("escape")
            screen.select_scope(FeedScope(kind="all", label="All articles"))
            await pilot.pause()
            await pilot.press("slash")
            assert screen.search_input.placeholder == "search the library"
            for key in "cranes":
                await pilot.press(key)
            await wait_for_list_search(pilot, "cranes")
            assert len(_shown_titles(screen)) == len(library.search("cranes"))
    finally:
        library.close()


async def test_search_in_a_folder_covers_its_feeds_only(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    library = build_feeds_library(path)
    try:
        feeds = library.feeds()
        news = tuple(f.id for f in feeds if "News" in f.tags)
        quay = next(f for f in feeds if "News" not in f.tags)
        quay_titles = {r.title for r in library.page(ListQuery(feed_id=quay.id))}
        app = NewsreaderApp(library)
        async with app.run_test(size=SIZE) as pilot:
            screen = _list_screen(app)
            screen.select_scope(
                FeedScope(kind="folder", folder="News", feed_ids=news, label="News")
            )
            await pilot.pause()
            await pilot.press("slash", *"tidal")
            await wait_for_list_search(pilot, "tidal")
            shown = set(_shown_titles(screen))
            assert shown and not shown & quay_titles
            assert screen.search_input.placeholder == "Search in News…"
    finally:
        library.close()


async def test_D_asks_first_and_deletes_only_on_yes(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    library = build_feeds_library(path)
    try:
        total = library.count()
        app = NewsreaderApp(library)
        async with app.run_test(size=SIZE) as pilot:
            screen = _list_screen(app)
            first, second = screen.article_list.row_at(0), screen.article_list.row_at(1)
            assert first is not None and second is not None
            await pilot.press("D")
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("n")  # no: nothing happens
            assert not isinstance(app.screen, ConfirmScreen)
            with Library(path) as other:
                assert other.count() == total
            await pilot.press("D")
            await pilot.press("y")
            await wait_until(
                pilot, lambda: first.title not in _shown_titles(screen), "the row to go"
            )
            current = screen.article_list.current
            assert current is not None and current.id == second.id  # the next one, under the cursor
            assert f"Deleted “{first.title}”" in [n.message for n in app._notifications]
            with Library(path) as other:
                assert other.count() == total - 1
                assert all(hit.row.id != first.id for hit in other.search("harbour"))
    finally:
        library.close()

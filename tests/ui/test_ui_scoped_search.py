"""Search narrowed to the sidebar's feed or folder (and saying so), and `D` deleting an article.

Driven through Pilot on a real library file; what was written is checked
through a second `Library`, as another process would see it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsreader.model.article import Article, Block, BlockKind
from newsreader.model.library import ListQuery
from newsreader.store import Library
from newsreader.ui.app import NewsreaderApp
from newsreader.ui.screens.confirm_screen import ConfirmScreen
from newsreader.ui.screens.list_screen import ListScreen
from newsreader.ui.screens.list_search import NOTE_INDEXING
from newsreader.ui.widgets.article_list import ArticleList
from newsreader.ui.widgets.feed_sidebar import FeedScope
from support import build_feeds_library, tiny_articles, wait_for_list_search, wait_until

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


async def test_a_search_that_must_index_first_says_so_and_finds_everything(
    tmp_path: Path,
) -> None:
    """Thousands of articles stored since the index last caught up (a scripted refresh):
    the first search indexes them, says so while it does, and finds the newest one."""
    start = datetime(2026, 6, 1, tzinfo=UTC)
    count = NOTE_INDEXING + 50
    library = Library(tmp_path / "library.sqlite3")
    library.bulk_load(tiny_articles(count))
    keeper = [Block(BlockKind.PARAGRAPH, "After forty years on the rock.")]
    library.add_article(
        Article(title="Lighthouse keeper retires", blocks=keeper, source="tests", published=start)
    )
    assert library.unindexed() == count + 1
    app = NewsreaderApp(library)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", *"lighthouse")
        await wait_for_list_search(pilot, "lighthouse")
        await pilot.pause()
        lst = app.screen.query_one(ArticleList)
        assert lst.row_count == 1 and lst.current is not None
        assert lst.current.title == "Lighthouse keeper retires"
        notes = [n.message for n in app._notifications]
        assert f"Indexing {count + 1:,} new articles for search…" in notes
    assert library.unindexed() == 0
    library.close()

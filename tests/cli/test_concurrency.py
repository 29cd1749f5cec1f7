"""The reader open while `refresh` and `bookmark` run: nobody sees "database is locked".

The README promises the TUI, a CLI `bookmark` and a `refresh` can all use the
library at once. Here the real app runs under Pilot, toggling bookmarks and
read marks from the keyboard, while two other processes make 1,000 library
writes each (bookmark/read changes on other articles, new articles, and the
per-feed transaction a refresh makes). Every change from all three must be
there at the end, and no error may reach anyone.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsreader.model.article import Article, Block, BlockKind
from newsreader.store import Library

OPS_PER_WRITER = 1000
APP_ARTICLES = 20
WRITER_TARGETS = 10

_WRITER = r"""
import json, random, sys
from newsreader.model.article import Article, Block, BlockKind
from newsreader.store import Library

path, role, ops, first, count, feed_id = sys.argv[1:7]
ops, first, count, feed_id = int(ops), int(first), int(count), int(feed_id)
rng = random.Random(role)
library = Library(path)
flags = {}
added = {}
for step in range(ops):
    kind = step % 3
    if kind == 0:
        article_id = first + rng.randrange(count)
        value = rng.random() < 0.5
        if role == "bookmarker":
            library.set_bookmarked([article_id], value)
        else:
            library.set_read([article_id], value)
        flags[article_id] = value
        continue
    title = f"{role} article {step}"
    item = Article(title=title, blocks=[Block(BlockKind.PARAGRAPH, f"{title} body.")])
    if kind == 1:
        result = library.add_articles([item])[0]
    else:
        result = library.record_fetch(feed_id, articles=[item], etag=f"{role}-{step}")[0]
    added[result.id] = title
library.close()
print(json.dumps({"flags": flags, "added": added}))
"""
"""One writer process: `bookmarker` plays `newsreader bookmark`, `refresher` plays `refresh`."""


def _seed(path: Path) -> tuple[list[int], list[int], list[int], int]:
    """App articles dated in the future (top of the list), writer targets in the past."""
    future = datetime(2030, 1, 1, tzinfo=UTC)
    past = datetime(2000, 1, 1, tzinfo=UTC)

    def make(title: str, when: datetime) -> Article:
        return Article(
            title=title,
            blocks=[Block(BlockKind.PARAGRAPH, f"{title}: the harbour body.")],
            source="Concurrency Courier",
            published=when,
        )

    with Library(path) as library:
        app_ids = [
            r.id
            for r in library.add_articles(
                make(f"App story {n}", future - timedelta(minutes=n)) for n in range(APP_ARTICLES)
            )
        ]
        marks = [
            r.id
            for r in library.add_articles(
                make(f"Bookmarker target {n}", past + timedelta(minutes=n))
                for n in range(WRITER_TARGETS)
            )
        ]
        reads = [
            r.id
            for r in library.add_articles(
                make(f"Refresher target {n}", past - timedelta(minutes=n))
                for n in range(WRITER_TARGETS)
            )
        ]
        feed, _ = library.add_feed("https://example.com/concurrent.xml", title="Concurrent")
    return app_ids, marks, reads, feed.id


@pytest.mark.anyio
async def test_tui_and_two_writers_share_the_library_without_locks_or_loss(
    tmp_path: Path,
) -> None:
    """2,000 writes from two processes while the app toggles b/m: no "locked", nothing lost."""
    from newsreader.ui.app import NewsreaderApp
    from newsreader.ui.widgets.article_list import ArticleList

    path = tmp_path / "library.sqlite3"
    app_ids, marks, reads, feed_id = _seed(path)
    library = Library(path)
    app = NewsreaderApp(library, config_path=tmp_path / "config.toml")
    expected_bookmarked = dict.fromkeys(app_ids, False)
    expected_read = dict.fromkeys(app_ids, False)
    presses = 0
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            writers = [
                subprocess.Popen(
                    [
                        *(sys.executable, "-c", _WRITER, str(path), role, str(OPS_PER_WRITER)),
                        *(str(ids[0]), str(len(ids)), str(feed_id)),
                    ],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for role, ids in (("bookmarker", marks), ("refresher", reads))
            ]
            listing = app.screen.query_one(ArticleList)
            while presses < 40 or any(w.poll() is None for w in writers):
                row = listing.current
                assert row is not None and row.id in expected_bookmarked, "cursor on app rows"
                key = "bm"[presses % 2]
                await pilot.press(key)
                if key == "b":
                    expected_bookmarked[row.id] = not expected_bookmarked[row.id]
                else:
                    expected_read[row.id] = not expected_read[row.id]
                    await pilot.press("g" if listing.cursor >= APP_ARTICLES - 2 else "j")
                presses += 1
                assert presses < 2000, "writers never finished"
            outputs = [w.communicate(timeout=60) for w in writers]
            await pilot.pause()
            assert app.is_running
            messages = [n.message for n in app._notifications]
            assert not [m for m in messages if "locked" in m or "busy" in m], messages
            errors = [n.message for n in app._notifications if n.severity == "error"]
            assert not errors, errors
        assert app.return_code in (None, 0)
    finally:
        library.close()

    for writer, (_, err) in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, err
        assert "locked" not in err and "Traceback" not in err, err
    results = [json.loads(out) for out, _ in outputs]
    with Library(path) as check:
        assert check.integrity_ok()
        for article_id in app_ids:
            assert check.is_bookmarked(article_id) == expected_bookmarked[article_id]
            assert check.is_read(article_id) == expected_read[article_id]
        for article_id, value in results[0]["flags"].items():
            assert check.is_bookmarked(int(article_id)) == value, "a CLI bookmark was lost"
        for article_id, value in results[1]["flags"].items():
            assert check.is_read(int(article_id)) == value, "a read mark was lost"
        added = {**results[0]["added"], **results[1]["added"]}
        assert len(added) == 2 * (OPS_PER_WRITER - (OPS_PER_WRITER + 2) // 3)
        for article_id, title in added.items():
            assert check.get(int(article_id)).article.title == title
        assert check.count() == APP_ARTICLES + 2 * WRITER_TARGETS + len(added)
        assert check.feed(feed_id).last_ok, "the refresh-like writes recorded their fetches"

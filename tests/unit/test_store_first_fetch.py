"""Storing a feed's entries when the feed has nothing stored yet (its first fetch).

`insert_records` skips the per-entry look-ups by guid and among deleted
entries when one query says the feed has no articles (or no deleted
entries); these tests pin that the answers stay what the per-entry look-ups
gave: a guid repeated within the first fetch is updated in place, the same
text twice is stored once, a deleted entry stays deleted even when the feed
has no article left, and the full-text index holds every new article.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from newsreader.model.article import Article, Block, BlockKind
from newsreader.store import Library
from newsreader.store.feeds import FeedFetch

BASE = datetime(2026, 1, 1, tzinfo=UTC)


def entry(n: int, *, guid: str | None = None, body: str | None = None) -> Article:
    return Article(
        title=f"Entry {n}",
        blocks=[Block(BlockKind.PARAGRAPH, body or f"Body of entry {n} about lighthouses.")],
        source="feed",
        published=BASE + timedelta(hours=n),
        guid=guid if guid is not None else f"urn:entry:{n}",
    )


def test_a_guid_repeated_in_the_first_fetch_is_updated_in_place(library: Library) -> None:
    feed, _ = library.add_feed("http://example.test/feed")
    results = library.record_fetch(
        feed.id,
        articles=[
            entry(1, guid="urn:same", body="First wording of the story."),
            entry(2),
            entry(3, guid="urn:same", body="Edited wording of the story."),
        ],
    )
    assert [(r.created, r.updated) for r in results] == [
        (True, False),
        (True, False),
        (False, True),
    ]
    assert results[2].id == results[0].id
    assert library.count() == 2
    stored = library.get(results[0].id).article
    assert stored.blocks[0].text == "Edited wording of the story."
    assert [hit.row.id for hit in library.search("edited")] == [results[0].id]
    assert library.search("first") == []


def test_the_same_text_twice_in_the_first_fetch_is_stored_once(library: Library) -> None:
    feed, _ = library.add_feed("http://example.test/feed")
    twin = entry(1, guid="urn:a")
    results = library.record_fetch(feed.id, articles=[twin, entry(2), replace(twin, guid="urn:b")])
    assert [r.created for r in results] == [True, True, False]
    assert results[2].id == results[0].id
    assert library.count() == 2


def test_text_already_stored_by_another_feed_is_not_stored_again(library: Library) -> None:
    first, _ = library.add_feed("http://example.test/one")
    second, _ = library.add_feed("http://example.test/two")
    kept = library.record_fetch(first.id, articles=[entry(1)])
    again = library.record_fetch(second.id, articles=[entry(1, guid="urn:other"), entry(2)])
    assert [r.created for r in again] == [False, True]
    assert again[0].id == kept[0].id
    assert library.count() == 2


def test_deleted_entries_stay_deleted_when_the_feed_has_no_article_left(
    library: Library,
) -> None:
    feed, _ = library.add_feed("http://example.test/feed")
    stored = library.record_fetch(feed.id, articles=[entry(1), entry(2)])
    library.delete_articles([r.id for r in stored])
    assert library.count() == 0

    again = library.record_fetch(feed.id, articles=[entry(1), entry(2), entry(3)])
    assert [(r.id == 0, r.created) for r in again[:2]] == [(True, False), (True, False)]
    assert again[2].created
    assert library.count() == 1


def test_every_new_article_of_a_first_fetch_is_searchable(library: Library) -> None:
    feed, _ = library.add_feed("http://example.test/feed")
    entries = [entry(n, body=f"Story {n} mentions keyword{n} once.") for n in range(50)]
    results = library.record_fetch(feed.id, articles=entries)
    assert all(r.created for r in results)
    for n in (0, 17, 49):
        assert [hit.row.id for hit in library.search(f"keyword{n}")] == [results[n].id]


def test_a_batch_of_feeds_indexes_the_stored_ones_and_not_the_refused_one(
    library: Library,
) -> None:
    """What `record_fetches` stored (a feed refused, an entry updated in place) is what
    the index, catching up, finds."""
    a, b = (library.add_feed(f"http://example.test/{n}")[0] for n in "ab")
    library._db.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON articles WHEN NEW.title = 'Entry 99'"
        " BEGIN SELECT RAISE(ABORT, 'refused'); END"
    )
    answers = library.record_fetches(
        [
            FeedFetch(a.id, [entry(1, body="Alpha harbour text."), entry(2)]),
            FeedFetch(b.id, [entry(3, body="Bravo harbour text."), entry(99)]),
            FeedFetch(a.id, [entry(1, body="Alpha edited harbour text."), entry(4)]),
        ]
    )
    first, refused, again = answers
    assert isinstance(first, list) and isinstance(again, list)
    assert isinstance(refused, str) and "refused" in refused
    assert [(r.created, r.updated) for r in again] == [(False, True), (True, False)]
    assert again[0].id == first[0].id
    assert library.search("bravo") == []
    assert [hit.row.id for hit in library.search("edited")] == [first[0].id]
    assert library.search("alpha harbour text", limit=5)[0].row.id == first[0].id
    hits = {hit.row.id for hit in library.search("lighthouses")}
    assert hits == {first[1].id, again[1].id}
    library._db.execute("INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')")

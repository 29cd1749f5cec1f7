"""The full-text index follows the articles (store/search_index.py, migration 9).

Storing writes no index rows; a search indexes what is new first, so what a
user searches for right after a refresh, an import, a delete or a rewrite is
what the library holds. These tests pin that, and that the index is built
from the stored content exactly as it was when articles were indexed as
they were stored.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsreader.model.article import Article, Block, BlockKind, Quote
from newsreader.model.record import record_for, search_fields
from newsreader.services.import_parse import parse_file
from newsreader.store import Library
from newsreader.store.search_index import INDEX_STEP
from real_media import read_only_view

DATA = Path(__file__).parents[2] / "data"
BASE = datetime(2026, 3, 1, tzinfo=UTC)


def article(n: int, body: str = "", *, title: str | None = None) -> Article:
    return Article(
        title=title or f"Dispatch {n}",
        key_points=[f"Point {n} about ferries", "Second point"],
        blocks=[
            Block(BlockKind.PARAGRAPH, body or f"Paragraph {n} about the ferry timetable."),
            Block(BlockKind.CAPTION, "A ferry at dawn", credit="Jo Lens | Agency"),
            Block(BlockKind.QUOTE, "We sail at six.", speaker="Mara Holt"),
        ],
        quotes=[Quote("We sail at six.", "Mara Holt", 2, 0, 15), Quote("Unsigned words.", None, 0)],
        source="tests",
        published=BASE + timedelta(hours=n),
    )


def columns(parsed: Article) -> tuple[str, str, str, str]:
    """The index columns an article had when they were written with it."""
    quotes = "\n".join(f"{q.speaker}: {q.text}" if q.speaker else q.text for q in parsed.quotes)
    return parsed.title, "\n".join(parsed.key_points), parsed.body_text, quotes


def index_rows(library: Library) -> int:
    return int(library._db.execute("SELECT count(*) FROM articles_fts").fetchone()[0])


def integrity_ok(library: Library) -> None:
    library._db.execute("INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')")


@pytest.mark.parametrize(
    "path", sorted(p for p in DATA.iterdir() if p.suffix in {".txt", ".html", ".atom"})
)
def test_the_index_reads_stored_content_as_the_store_wrote_it(path: Path) -> None:
    """Built after the fact, from the stored JSON, each article's index columns are
    what the index was given when it was written with the article: the title, the
    key points a line each, `Article.body_text`, each quote after its speaker."""
    _kind, articles, _warnings = parse_file(path)
    assert articles
    for parsed in articles:
        record = record_for(parsed)
        assert search_fields(record.title, record.content) == columns(parsed)


def test_odd_stored_content_indexes_its_title_alone() -> None:
    assert search_fields("Title", "not json") == ("Title", "", "", "")
    assert search_fields("Title", "[1, 2]") == ("Title", "", "", "")
    record = record_for(article(1))
    assert search_fields(record.title, record.content) == columns(article(1))
    assert columns(article(1))[3] == "Mara Holt: We sail at six.\nUnsigned words."


def test_stored_articles_are_found_by_the_next_search(library: Library) -> None:
    ids = [r.id for r in library.add_articles(article(n) for n in range(3))]
    assert index_rows(library) == 0, "storing writes no index rows"
    assert library.unindexed() == 3
    assert [hit.row.id for hit in library.search("Dispatch 1")][:1] == [ids[1]]
    assert library.unindexed() == 0 and index_rows(library) == 3
    for word in ("ferries", "timetable", "Lens", "Holt", "Unsigned"):
        assert len(library.search(word)) == 3, word
    integrity_ok(library)


def test_a_search_with_nothing_new_to_index_writes_nothing(library: Library) -> None:
    library.add_articles(article(n) for n in range(2))
    library.search("ferry")
    before = library._db.total_changes
    assert library.search("ferry") and library.search("timetable")
    assert library._db.total_changes == before


def test_a_deleted_article_leaves_the_index(library: Library) -> None:
    ids = [r.id for r in library.add_articles(article(n) for n in range(3))]
    assert len(library.search("ferry")) == 3
    library.delete_articles([ids[0]])
    assert {hit.row.id for hit in library.search("ferry")} == set(ids[1:])
    assert index_rows(library) == 2
    integrity_ok(library)


def test_a_rewritten_article_is_searched_by_its_new_text(library: Library) -> None:
    first = library.add_article(article(1)).id
    assert library.search("timetable")
    rewritten = article(1, "Full text about lighthouse keepers.")
    library.replace_content(first, rewritten, full_text=True)
    assert library.search("timetable") == []
    assert [hit.row.id for hit in library.search("lighthouse")] == [first]
    integrity_ok(library)


def test_an_id_given_again_after_a_delete_indexes_the_new_article(library: Library) -> None:
    ids = [r.id for r in library.add_articles(article(n) for n in range(3))]
    assert library.search("ferry")
    library.delete_articles([ids[-1]])
    newcomer = library.add_article(article(9, "Orchard harvest report.", title="Orchards")).id
    assert newcomer == ids[-1], "SQLite gives the freed highest ID again"
    assert [hit.row.id for hit in library.search("orchard")] == [newcomer]
    assert newcomer not in {hit.row.id for hit in library.search("Dispatch")}
    integrity_ok(library)


def test_changes_before_the_first_search_are_indexed_as_they_stand(library: Library) -> None:
    """Stored, rewritten and deleted before any search: the index sees only the end state."""
    ids = [r.id for r in library.add_articles(article(n) for n in range(3))]
    library.replace_content(ids[0], article(0, "Rewritten about glaciers."), full_text=True)
    library.delete_articles([ids[1]])
    assert [hit.row.id for hit in library.search("glaciers")] == [ids[0]]
    assert {hit.row.id for hit in library.search("timetable")} == {ids[2]}
    assert index_rows(library) == 2
    integrity_ok(library)


def test_a_catch_up_cut_short_keeps_its_steps_and_resumes(library: Library) -> None:
    count = INDEX_STEP + 20
    library.add_articles(article(n) for n in range(count))
    steps: list[int] = []
    library.catch_up_index(steps.append, stop=lambda: bool(steps))
    assert steps == [INDEX_STEP] and library.unindexed() == 20
    assert len(library.search("ferry", limit=count)) == count
    assert library.unindexed() == 0


def test_a_catch_up_is_one_transaction_a_step(tmp_path: Path) -> None:
    """A step that fails (here: a trigger refusing the index write) leaves no half-step."""
    path = tmp_path / "library.sqlite3"
    with Library(path) as library:
        library.add_articles(article(n) for n in range(3))
        library._db.execute(
            "CREATE TRIGGER refuse BEFORE UPDATE ON counters"
            " WHEN NEW.name = 'search_upto' BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
        with pytest.raises(Exception, match="refused"):
            library.catch_up_index()
        assert index_rows(library) == 0 and library.unindexed() == 3
        library._db.execute("DROP TRIGGER refuse")
        assert len(library.search("ferry")) == 3


def test_another_process_sees_what_one_indexed(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    with Library(path) as writer, Library(path) as reader:
        writer.add_articles(article(n) for n in range(2))
        assert len(reader.search("ferry")) == 2
        assert writer.unindexed() == 0
        assert len(writer.search("ferry")) == 2


def test_a_read_only_library_behind_its_index_still_finds_everything(tmp_path: Path) -> None:
    """Refreshed, never searched, then found on read-only media: the index cannot catch
    up there, so the search reads a private one holding every article."""
    source = tmp_path / "disk"
    with Library(source / "library.sqlite3") as library:
        ids = [r.id for r in library.add_articles(article(n) for n in range(3))]
        assert len(library.search("ferry")) == 3
        library.delete_articles([ids[0]])
        newest = library.add_article(article(5, "Only in the newest: walrus.")).id
    with (
        read_only_view(source, tmp_path / "ro") as media,
        Library(media / "library.sqlite3") as library,
    ):
        assert library.read_only and library.unindexed() == 2
        assert {hit.row.id for hit in library.search("ferry")} == {ids[1], ids[2], newest}
        assert [hit.row.id for hit in library.search("walrus")] == [newest]
        assert library.unindexed() == 2, "nothing was written"

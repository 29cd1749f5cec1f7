"""The library store on real SQLite files in temporary directories."""

from __future__ import annotations

import pickle
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsreader.errors import NotFoundError, SearchQueryError, StoreError
from newsreader.model.article import Article, Block, BlockKind, Quote
from newsreader.model.record import record_for
from newsreader.store import SCHEMA_VERSION, Library, ListQuery, fts_query

BASE = datetime(2026, 1, 1, tzinfo=UTC)


def make_article(n: int, *, title: str | None = None, body: str | None = None) -> Article:
    text = body or f"Paragraph number {n} about harbour cranes and tidal gauges."
    return Article(
        title=title or f"Story {n:04d}",
        key_points=[f"Point {n}"],
        blocks=[
            Block(BlockKind.PARAGRAPH, text),
            Block(BlockKind.QUOTE, f"We will finish item {n}.", speaker="Ada Quill"),
        ],
        quotes=[Quote(f"We will finish item {n}.", "Ada Quill", 1, 0, 10)],
        source="tests",
        published=BASE + timedelta(hours=n),
    )


def test_reimport_adds_nothing_and_keeps_state(library: Library) -> None:
    first = library.add_articles([make_article(1), make_article(2)])
    assert [r.created for r in first] == [True, True]
    library.set_read([first[0].id])
    library.set_bookmarked([first[1].id])

    again = library.add_articles([make_article(1), make_article(2)])
    assert [r.created for r in again] == [False, False]
    assert [r.id for r in again] == [r.id for r in first]
    assert library.count() == 2
    assert library.get(first[0].id).read
    assert library.get(first[1].id).bookmarked
    assert library.get(first[1].id).bookmarked_at is not None


def test_article_round_trips_with_blocks_and_quotes(library: Library) -> None:
    article = make_article(7)
    stored = library.get(library.add_article(article).id)
    assert stored.article.title == article.title
    assert stored.article.blocks == article.blocks
    assert stored.article.quotes == article.quotes
    assert stored.article.published == article.published
    data = stored.to_dict()
    assert list(data)[:9] == [
        "id",
        "title",
        "source",
        "url",
        "published",
        "words",
        "reading_minutes",
        "read",
        "bookmarked",
    ]
    assert data["blocks"][1] == {
        "kind": "quote",
        "text": "We will finish item 7.",
        "speaker": "Ada Quill",
    }


def test_control_characters_never_stored(library: Library) -> None:
    hostile = Article(
        title="\x1b]52;c;ZXZpbA==\x07Safe\x1b[2J title\u202e",
        blocks=[Block(BlockKind.PARAGRAPH, "body\x9b31m with\x00 junk\u200b")],
    )
    stored = library.get(library.add_article(hostile).id).article
    assert stored.title == "Safe title"
    assert stored.blocks[0].text == "body31m with junk"


def test_records_built_in_another_process_store_what_articles_do(
    library: Library, tmp_path: Path
) -> None:
    """Import workers send `ArticleRecord`s; the stored article must not depend on it."""
    hostile = Article(
        title="Quay\x1b[2J notice\u202e",
        blocks=[Block(BlockKind.PARAGRAPH, "Tide\x00 tables\u200b posted.")],
        published=BASE,
    )
    direct = library.add_articles([make_article(3), hostile])
    other = Library(tmp_path / "other.sqlite3")
    records = pickle.loads(pickle.dumps([record_for(make_article(3)), record_for(hostile)]))
    via_records = other.add_articles(records)
    for left, right in zip(direct, via_records, strict=True):
        assert library.get(left.id).article == other.get(right.id).article
    assert other.get(via_records[1].id).article.title == "Quay notice"
    assert [hit.row.id for hit in other.search("tables")] == [via_records[1].id]
    other.close()


@pytest.mark.parametrize(
    "query",
    [ListQuery(), ListQuery(filter="unread"), ListQuery(feed_id=1), ListQuery(feed_ids=(1, 2))],
    ids=["all", "unread", "feed", "folder"],
)
def test_list_pages_never_read_article_rows(library: Library, query: ListQuery) -> None:
    """The TUI's pages come from a covering index: an article row holds its whole body,
    so reading rows made a cold page ~7x slower (migration 5)."""
    statements: list[str] = []
    library._db.set_trace_callback(statements.append)
    library.page(query, after=(BASE.timestamp(), 10**9), limit=100)
    library._db.set_trace_callback(None)
    [select] = [sql for sql in statements if sql.startswith("SELECT")]
    plan = [row[3] for row in library._db.execute(f"EXPLAIN QUERY PLAN {select}")]
    scans = [step for step in plan if step.startswith(("SEARCH a ", "SCAN a"))]
    assert scans and all("COVERING INDEX" in step for step in scans), plan


def test_keyset_pages_cover_every_row_once(library: Library) -> None:
    library.add_articles(make_article(n) for n in range(250))
    seen: list[int] = []
    after = None
    while rows := library.page(after=after, limit=40):
        seen.extend(row.id for row in rows)
        after = rows[-1].key
    assert len(seen) == 250 == len(set(seen))
    dates = [library.get(i).article.published for i in seen[:3]]
    assert dates == sorted(dates, reverse=True), "newest first"


def test_reverse_paging_and_title_order(library: Library) -> None:
    library.add_articles(make_article(n, title=f"{chr(ord('a') + n % 26)} {n}") for n in range(60))
    last = library.page(reverse=True, limit=5)
    everything = library.page(limit=1000)
    assert [r.id for r in last] == [r.id for r in everything[-5:]]
    before = library.page(after=everything[10].key, limit=3, reverse=True)
    assert [r.id for r in before] == [r.id for r in everything[7:10]]

    by_title = library.page(ListQuery(order="title"), limit=1000)
    assert [r.title_key for r in by_title] == sorted(r.title_key for r in by_title)
    second = library.page(ListQuery(order="title"), after=by_title[9].key_for("title"), limit=5)
    assert [r.id for r in second] == [r.id for r in by_title[10:15]]


def test_filters_and_counts(library: Library) -> None:
    ids = [r.id for r in library.add_articles(make_article(n) for n in range(10))]
    library.set_read(ids[:4])
    library.set_bookmarked(ids[3:5])
    assert library.counts() == {"all": 10, "unread": 6, "read": 4, "bookmarked": 2}
    unread = library.page(ListQuery(filter="unread"))
    assert {r.id for r in unread} == set(ids[4:])
    assert all(not r.read for r in unread)
    marked = library.page(ListQuery(filter="bookmarked"))
    assert {r.id for r in marked} == set(ids[3:5])
    assert library.count(ListQuery(filter="unread", source="tests")) == 6
    assert library.count(ListQuery(source="elsewhere")) == 0
    library.set_read(ids[:2], False)
    assert library.counts()["unread"] == 8


def test_index_of_and_seek_agree(library: Library) -> None:
    library.add_articles(make_article(n) for n in range(30))
    rows = library.page(limit=100)
    target = rows[17]
    assert library.index_of(ListQuery(), target.id) == 17
    assert library.seek(ListQuery(), 17, limit=1)[0].id == target.id
    library.set_read([target.id])
    assert library.index_of(ListQuery(filter="unread"), target.id) is None


def test_unknown_ids_raise(library: Library) -> None:
    with pytest.raises(NotFoundError, match="42"):
        library.get(42)
    with pytest.raises(NotFoundError, match="42"):
        library.set_bookmarked([42])


def test_toggles_flip_in_one_transaction(library: Library) -> None:
    """A toggle reads and writes in one transaction: another process cannot flip in between."""
    [added] = library.add_articles([make_article(1)])
    statements: list[str] = []
    library._db.set_trace_callback(statements.append)
    assert library.toggle_read(added.id) is True
    assert library.toggle_bookmark(added.id) is True
    assert library.toggle_read(added.id) is False
    library._db.set_trace_callback(None)
    assert sum(sql.startswith("BEGIN") for sql in statements) == 3
    in_transaction, outside = False, []
    for sql in statements:
        if sql.startswith(("BEGIN", "COMMIT")):
            in_transaction = sql.startswith("BEGIN")
        elif not in_transaction and not sql.startswith("PRAGMA busy_timeout"):
            outside.append(sql)  # (the busy timeout is set around BEGIN: not a read)
    assert not outside, "every read of a toggle is inside its write transaction"
    assert not library.is_read(added.id) and library.is_bookmarked(added.id)
    assert library.counts() == {"all": 1, "unread": 1, "read": 0, "bookmarked": 1}
    with pytest.raises(NotFoundError, match="42"):
        library.toggle_bookmark(42)


def test_search_ranks_title_and_returns_snippets(library: Library) -> None:
    library.add_articles(make_article(n) for n in range(20))
    library.add_article(make_article(99, title="Lighthouse keepers strike", body="Quiet day."))
    hits = library.search("lighthouse")
    assert hits[0].row.title == "Lighthouse keepers strike"
    many = library.search("harbour cranes", limit=5)
    assert len(many) == 5
    snippet, spans = many[0].snippet, many[0].highlights
    assert [snippet[a:b].lower() for a, b in spans] == ["harbour", "cranes"]
    assert library.search("harb", prefix=True)
    assert not library.search("harb", prefix=False)


@pytest.mark.parametrize(
    "typed", ['"', "NEAR(", "*", "AND", "OR NOT", "a:b", "(((", "'; DROP TABLE articles;--", "^x"]
)
def test_any_typed_search_is_not_an_error(library: Library, typed: str) -> None:
    library.add_article(make_article(1))
    library.search(typed)
    library.search(typed, prefix=True)
    assert library.count() == 1


def test_raw_search_reports_syntax_errors(library: Library) -> None:
    library.add_article(make_article(1))
    assert library.search("harbour OR nothing", raw=True)
    with pytest.raises(SearchQueryError, match="not valid FTS5"):
        library.search("NEAR(", raw=True)


def test_fts_query_quotes_tokens() -> None:
    assert fts_query('say "hi" NEAR(') == '"say" """hi""" "NEAR("'
    assert fts_query("cran", prefix=True) == '("cran" OR "cran"*)'
    assert fts_query("   ") == ""


def test_settings_persist(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    with Library(path) as lib:
        lib.set_state("ui.filter", "unread")
    with Library(path) as lib:
        assert lib.get_state("ui.filter") == "unread"
        assert lib.get_state("missing", 5) == 5


def test_wal_and_schema_version(library: Library, tmp_path: Path) -> None:
    assert library.schema_version() == SCHEMA_VERSION
    db = sqlite3.connect(library.path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_foreign_file_is_refused_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match=r"library\.sqlite3.*not a newsreader library"):
        Library(path)
    assert path.read_bytes().startswith(b"this is not sqlite")


def test_other_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE customers (name TEXT)")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="not a newsreader library"):
        Library(path)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    Library(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    db.close()
    with pytest.raises(StoreError, match="newer"):
        Library(path)


def test_two_connections_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    setup = Library(path)
    ids = [r.id for r in setup.add_articles(make_article(n) for n in range(200))]
    setup.close()
    errors: list[BaseException] = []

    def writer(part: list[int], mode: str) -> None:
        lib = Library(path)
        try:
            for article_id in part:
                if mode == "bookmark":
                    lib.set_bookmarked([article_id])
                else:
                    lib.set_read([article_id])
                    lib.add_article(make_article(10_000 + article_id))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            lib.close()

    threads = [
        threading.Thread(target=writer, args=(ids, "bookmark")),
        threading.Thread(target=writer, args=(ids, "read")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    with Library(path) as lib:
        assert lib.counts() == {"all": 400, "unread": 200, "read": 200, "bookmarked": 200}
        assert lib.integrity_ok()


WRITER = """
import sys
from newsreader.store import Library
lib = Library(sys.argv[1])
start, stop = int(sys.argv[2]), int(sys.argv[3])
for i in range(start, stop):
    lib.set_bookmarked([i])
    lib.set_state(f"k{i}", i)
print("done")
"""


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    with Library(path) as lib:
        lib.add_articles(make_article(n) for n in range(300))
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(lo), str(lo + 150)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for lo in (1, 151)
    ]
    outputs = [proc.communicate(timeout=60) for proc in procs]
    assert all(proc.returncode == 0 for proc in procs), outputs
    with Library(path) as lib:
        assert lib.counts()["bookmarked"] == 300
        assert lib.get_state("k299") == 299


def test_feed_entries_update_in_place_keeping_state(library: Library) -> None:
    feed, created = library.add_feed("https://example.org/feed.xml", title="Example", tags=["News"])
    assert created
    entry = make_article(1)
    entry.guid = "urn:entry:1"
    first = library.record_fetch(feed.id, articles=[entry], etag='"v1"')
    library.set_bookmarked([first[0].id])
    library.set_read([first[0].id])
    edited = make_article(1, body="Corrected paragraph about the harbour cranes.")
    edited.guid = "urn:entry:1"
    second = library.record_fetch(feed.id, articles=[edited])
    assert second[0].id == first[0].id and second[0].updated
    stored = library.get(first[0].id)
    assert stored.bookmarked and stored.read
    assert stored.article.blocks[0].text.startswith("Corrected")
    assert library.search("corrected")[0].row.id == first[0].id
    assert library.feed(feed.id).etag == '"v1"'
    library.record_fetch(feed.id, error="HTTP 500 Internal Server Error")
    status = library.feed("https://example.org/feed.xml")
    assert status.last_error == "HTTP 500 Internal Server Error" and status.total == 1
    library.remove_feed(feed.id)
    assert library.get(first[0].id).bookmarked, "unsubscribing keeps the articles"


def test_feed_is_found_by_id_or_url_in_one_query(library: Library) -> None:
    first, _ = library.add_feed("https://example.org/a.xml", title="Alpha")
    second, _ = library.add_feed("https://example.org/b.xml", title="Beta")
    entries = [make_article(n) for n in range(3)]
    for n, entry in enumerate(entries):
        entry.guid = f"urn:entry:{n}"
    ids = [r.id for r in library.record_fetch(second.id, articles=entries)]
    library.set_read(ids[:1])
    statements: list[str] = []
    library._db.set_trace_callback(statements.append)
    by_id = library.feed(second.id)
    library._db.set_trace_callback(None)
    [select] = statements
    plan = [row[3] for row in library._db.execute(f"EXPLAIN QUERY PLAN {select}")]
    assert not [step for step in plan if step.startswith("SCAN f")], "no walk over every feed"
    assert (by_id.title, by_id.total, by_id.unread) == ("Beta", 3, 2)
    assert library.feed(str(second.id)) == by_id
    assert library.feed("https://example.org/b.xml") == by_id
    assert library.feed(first.id).total == 0
    assert by_id == next(feed for feed in library.feeds() if feed.id == second.id)
    for missing in (f"0{second.id}", 999, "https://example.org/c.xml"):
        with pytest.raises(NotFoundError, match="no subscription"):
            library.feed(missing)


def test_library_values_load_without_sqlite_or_the_store() -> None:
    """Widgets name rows through `newsreader.model.library`; it must not drag the store in."""
    code = (
        "import sys, newsreader.model.library\n"
        "print(sorted(m for m in sys.modules if m == 'sqlite3' or m.startswith("
        "('newsreader.store', 'textual'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_migrates_a_version_1_library_keeping_everything(tmp_path: Path) -> None:
    """A library written by schema version 1 (stored fixture) opens with all its data."""
    fixture = Path(__file__).parents[1] / "fixtures" / "library-v1.sqlite3"
    path = tmp_path / "library.sqlite3"
    path.write_bytes(fixture.read_bytes())
    with Library(path) as lib:
        assert lib.schema_version() == SCHEMA_VERSION
        assert lib.counts() == {"all": 3, "unread": 2, "read": 1, "bookmarked": 1}
        assert lib.get(1).read and lib.get(2).bookmarked
        assert lib.get(3).article.key_points == ["Old point 3"]
        assert lib.search("timetable")
        assert lib.get_state("ui.filter") == "unread"
        assert lib.feeds() == []
        assert lib.integrity_ok()
        lib.add_article(make_article(1))
        assert lib.count() == 4


def test_very_common_terms_rank_the_newest_matches(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("newsreader.store.search.RANK_WINDOW", 5)
    ids = [r.id for r in library.add_articles(make_article(n) for n in range(20))]
    hits = library.search("harbour", limit=50)
    assert {hit.row.id for hit in hits} == set(ids[-5:])
    assert library.search("Story 0001")[0].row.id == ids[1], "rare terms still search everything"


def test_list_query_feed_ids_selects_a_folder_of_feeds(library: Library) -> None:
    """`feed_ids` (a sidebar folder) lists, pages, counts and locates across several feeds."""
    feeds = [library.add_feed(f"https://example.org/{n}.xml", title=f"F{n}")[0] for n in range(3)]
    for number, feed in enumerate(feeds):
        entries = [make_article(number * 10 + i) for i in range(number + 2)]
        library.record_fetch(feed.id, articles=entries)
    library.add_article(make_article(99))
    folder = ListQuery(feed_ids=(feeds[0].id, feeds[2].id))
    rows = library.page(folder, limit=100)
    assert len(rows) == library.count(folder) == 2 + 4
    assert {row.feed_id for row in rows} == {feeds[0].id, feeds[2].id}
    assert library.page(folder, after=rows[2].key, limit=100) == rows[3:]
    assert library.index_of(folder, rows[4].id) == 4
    assert library.seek(folder, 3, limit=2) == rows[3:5]
    library.set_read([rows[0].id])
    assert library.count(ListQuery(filter="unread", feed_ids=folder.feed_ids)) == 5
    assert library.count(ListQuery(feed_ids=())) == 0, "an empty folder matches nothing"
    assert library.count(ListQuery(feed_ids=[feeds[1].id])) == 3  # type: ignore[arg-type]
    assert library.count(ListQuery(feed_id=feeds[1].id, feed_ids=folder.feed_ids)) == 0
    assert library.count() == 2 + 3 + 4 + 1


def test_counts_follow_every_kind_of_insert(library: Library) -> None:
    feed, _ = library.add_feed("https://example.org/a.xml")
    entry = make_article(1)
    entry.guid = "g1"
    library.record_fetch(feed.id, articles=[entry, entry])
    library.add_articles([make_article(1), make_article(2)])
    library.set_read([1])
    assert library.counts() == {"all": 2, "unread": 1, "read": 1, "bookmarked": 0}


def test_schema_3_library_is_counted_once_after_upgrade(tmp_path: Path) -> None:
    """Schema 3 counted inserts with a trigger; after the upgrade nothing counts twice."""
    from newsreader.store.schema import MIGRATIONS, _split_sql

    path = tmp_path / "library.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN")
    for migration in MIGRATIONS[:3]:
        for statement in _split_sql(migration):
            db.execute(statement)
    db.execute("PRAGMA user_version = 3")
    db.execute("COMMIT")
    db.close()
    with Library(path) as lib:
        lib.add_article(make_article(1))
        lib.add_articles([make_article(2), make_article(3)])
        assert lib.counts()["all"] == 3 == len(lib.page())


def test_refresh_never_replaces_a_fetched_full_article(library: Library) -> None:
    feed, _ = library.add_feed("https://example.org/feed.xml")
    summary = make_article(1, body="Short summary from the feed.")
    summary.guid = "urn:1"
    article_id = library.record_fetch(feed.id, articles=[summary])[0].id
    full = make_article(1, body="The whole story, fetched from the web page.")
    library.replace_content(article_id, full, full_text=True)
    again = library.record_fetch(feed.id, articles=[summary])
    assert again[0].id == article_id and not again[0].updated
    assert library.get(article_id).article.blocks[0].text.startswith("The whole story")


def test_content_hash_is_stable_across_versions() -> None:
    """Stored hashes decide what a re-import skips: a newer newsreader hashing the same
    article differently would store every article of an old library a second time."""
    article = Article(
        title="Quay notice",
        key_points=["Tide tables posted", "Ferry moved"],
        blocks=[
            Block(BlockKind.PARAGRAPH, "The harbour office posted tables."),
            Block(BlockKind.CAPTION, "A ferry at dawn.", credit="Jo Roe | Agency"),
            Block(BlockKind.QUOTE, "We will sail at six.", speaker="Ada Quill"),
        ],
        quotes=[Quote("We will sail at six.", "Ada Quill", 2, 0, 20)],
    )
    assert article.content_hash() == (
        "d8be158cbf7c99ea93dcde52b238046792d03a570fbce8189404dcef295e8937"
    )

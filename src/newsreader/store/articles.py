"""Writing and reading whole articles.

Files are deduplicated by content hash. Feed entries (with a feed id and a
guid) are matched by guid, and an edited entry is updated in place: same id,
so its read state and bookmark, which live in their own tables, stay.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterable

from newsreader.errors import NotFoundError
from newsreader.model.article import Article, Block, Enclosure, Quote
from newsreader.model.filters import NO_RULES, ArticleFacts, Rules
from newsreader.model.library import AddResult, StoredArticle
from newsreader.model.record import ArticleRecord, filtered_text, record_for
from newsreader.store.db import parse_time, utc_now
from newsreader.store.listing import ROW_JOINS
from newsreader.store.rules import RulesMixin
from newsreader.urls import is_safe_web_url


def require_article(db: sqlite3.Connection, article_id: int) -> None:
    """Raise `NotFoundError` unless the library holds this article (inside a transaction)."""
    if db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is None:
        raise NotFoundError(f"no article with ID {article_id}")


def insert_records(
    db: sqlite3.Connection,
    articles: Iterable[Article | ArticleRecord],
    feed_id: int | None,
    rules: Rules = NO_RULES,
) -> list[AddResult]:
    """Store articles inside the caller's transaction (`add_articles`, `record_fetch`).

    New articles go through `rules`' filters here, in the same transaction: a
    hidden one is never listed, a read one never counted unread, not even for
    a moment. A feed entry the user deleted is not stored again (its result
    has id 0 and `created` False). The full-text index follows later
    (`store.search_index`).
    """
    results: list[AddResult] = []
    now = utc_now()
    fallback = time.time()
    feed_text = _feed_text(db, feed_id) if rules.filters else ""
    known = _FeedState.of(db, feed_id)
    for position, item in enumerate(articles):
        record = item if isinstance(item, ArticleRecord) else record_for(item)
        sort_ts = record.published_ts
        if sort_ts is None:
            sort_ts = fallback - position * 1e-3  # undated: newest first, in given order
        result = _add_one(db, record, now, sort_ts, feed_id, known)
        if result.created and rules.filters:
            _apply_action(db, result.id, rules, record, feed_text or record.source, now)
        results.append(result)
    created = sum(1 for result in results if result.created)
    if created:
        # The counter is kept here, once per transaction: a per-row trigger
        # slowed bulk imports markedly (migration 4).
        db.execute("UPDATE counters SET value = value + ? WHERE name = 'articles'", (created,))
    return results


class _FeedState:
    """What one `insert_records` call knows of its feed, to skip look-ups that cannot hit.

    Why: a feed's first fetch (just subscribed) stores hundreds of entries, and
    for each one the look-ups by guid and among deleted entries cost as much as
    a good part of the insert itself, yet find nothing when the feed has no
    stored or deleted entries: one query each per call says so. The entries
    stored by this call are remembered by guid, so a guid repeated within the
    feed is still found (and updated in place) as before.
    """

    __slots__ = ("empty", "no_deleted", "stored")

    def __init__(self, *, empty: bool, no_deleted: bool) -> None:
        self.empty = empty
        """The feed had no articles when the call began: guids are looked up in `stored`."""
        self.no_deleted = no_deleted
        """The feed has no deleted entries: no look-up there."""
        self.stored: dict[str, tuple[int, str]] = {}
        """guid -> (id, content hash) of the entries this call stored, while `empty`."""

    @classmethod
    def of(cls, db: sqlite3.Connection, feed_id: int | None) -> _FeedState:
        if feed_id is None:
            return cls(empty=False, no_deleted=True)
        empty = db.execute("SELECT 1 FROM articles WHERE feed_id = ? LIMIT 1", (feed_id,))
        gone = db.execute("SELECT 1 FROM deleted_entries WHERE feed_id = ? LIMIT 1", (feed_id,))
        return cls(empty=empty.fetchone() is None, no_deleted=gone.fetchone() is None)


def _feed_text(db: sqlite3.Connection, feed_id: int | None) -> str:
    """What a filter's `feed` looks in: the feed's URL and title ("" for no feed)."""
    if feed_id is None:
        return ""
    row = db.execute("SELECT url, title FROM feeds WHERE id = ?", (feed_id,)).fetchone()
    return f"{row['url']}\n{row['title']}" if row is not None else ""


def _apply_action(
    db: sqlite3.Connection,
    article_id: int,
    rules: Rules,
    record: ArticleRecord,
    feed_text: str,
    now: str,
) -> None:
    """Hide or mark read a new article as the first filter matching it says."""
    facts = ArticleFacts(
        title=record.title,
        author=record.author or "",
        content=filtered_text(record.content),
        feed=feed_text,
    )
    action = rules.action_for(facts)
    if action == "hide":
        db.execute("INSERT OR IGNORE INTO hidden_articles (article_id) VALUES (?)", (article_id,))
    elif action == "read":
        db.execute(
            "INSERT OR IGNORE INTO read_state (article_id, read_at) VALUES (?, ?)",
            (article_id, now),
        )


def _add_one(
    db: sqlite3.Connection,
    record: ArticleRecord,
    now: str,
    sort_ts: float,
    feed_id: int | None,
    known: _FeedState,
) -> AddResult:
    digest = record.content_hash
    existing: tuple[int, str, int] | None = None
    if feed_id is not None and record.guid:
        if known.empty:
            hit = known.stored.get(record.guid)
            existing = None if hit is None else (hit[0], hit[1], 0)
        else:
            row = db.execute(
                "SELECT id, content_hash, full_text FROM articles WHERE feed_id = ? AND guid = ?",
                (feed_id, record.guid),
            ).fetchone()
            existing = None if row is None else (row[0], row[1], row[2])
    if existing is not None:
        article_id, stored_hash, full_text = existing
        if stored_hash == digest or full_text:
            # A fetched full article (reader view) is never replaced by the feed's summary.
            _fill_media(db, article_id, record)
            _note_entry(db, article_id, record)
            return AddResult(article_id, created=False)
        if _id_with_hash(db, digest) is not None:
            return AddResult(article_id, created=False)
        _write_content(db, article_id, record, digest)
        if known.empty and record.guid:
            known.stored[record.guid] = (article_id, digest)
        return AddResult(article_id, created=False, updated=True)
    if feed_id is not None and record.guid and not known.no_deleted:
        gone = db.execute(
            "SELECT 1 FROM deleted_entries WHERE feed_id = ? AND guid = ?", (feed_id, record.guid)
        ).fetchone()
        if gone is not None:
            found = _id_with_hash(db, digest)
            if found is not None:
                return AddResult(found, created=False)
            return AddResult(0, created=False)  # the user deleted it: a refresh keeps it gone
    # A clash on the content hash (the same text stored already) inserts nothing:
    # cheaper than looking the hash up first, as nearly every entry is new.
    cursor = db.execute(
        "INSERT INTO articles (content_hash, guid, title, title_key, source, url, published,"
        " sort_ts, imported_at, words, content, feed_id, links, enclosures, author, entry_digest)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (content_hash) DO NOTHING",
        (
            digest,
            record.guid,
            record.title,
            record.title_key,
            record.source,
            record.url,
            record.published,
            sort_ts,
            now,
            record.words,
            record.content,
            feed_id,
            record.links,
            record.enclosures,
            record.author,
            record.entry_digest,
        ),
    )
    if cursor.rowcount != 1:
        return AddResult(_id_with_hash(db, digest) or 0, created=False)
    article_id = int(cursor.lastrowid or 0)
    if known.empty and record.guid:
        known.stored[record.guid] = (article_id, digest)
    return AddResult(article_id, created=True)


def _id_with_hash(db: sqlite3.Connection, digest: str) -> int | None:
    """The article already holding this exact text, if any."""
    row = db.execute("SELECT id FROM articles WHERE content_hash = ?", (digest,)).fetchone()
    return None if row is None else int(row[0])


def _write_content(
    db: sqlite3.Connection,
    article_id: int,
    record: ArticleRecord,
    digest: str,
    *,
    full_text: bool | None = None,
) -> None:
    db.execute(
        "UPDATE articles SET content_hash = ?, title = ?, title_key = ?, url = ?,"
        " published = COALESCE(?, published), words = ?, content = ?,"
        " full_text = COALESCE(?, full_text), links = ?,"
        " enclosures = COALESCE(?, enclosures), author = COALESCE(?, author),"
        " entry_digest = COALESCE(?, entry_digest) WHERE id = ?",
        (
            digest,
            record.title,
            record.title_key,
            record.url,
            record.published,
            record.words,
            record.content,
            None if full_text is None else int(full_text),
            record.links,
            record.enclosures,
            record.author,
            record.entry_digest,
            article_id,
        ),
    )


def _fill_media(db: sqlite3.Connection, article_id: int, record: ArticleRecord) -> None:
    """Give an unchanged entry the links and enclosures it lacks.

    Why: articles stored before schema 6 have none, and an entry whose text
    did not change is otherwise never written again. Kept links are not
    overwritten (a fetched full article's links are richer than the feed's).
    """
    if record.links is None and record.enclosures is None:
        return
    db.execute(
        "UPDATE articles SET links = COALESCE(links, ?), enclosures = COALESCE(enclosures, ?)"
        " WHERE id = ? AND (links IS NULL OR enclosures IS NULL)",
        (record.links, record.enclosures, article_id),
    )


def _note_entry(db: sqlite3.Connection, article_id: int, record: ArticleRecord) -> None:
    """Remember the digest of the feed entry an unchanged article came from.

    Why: an article stored before schema 10, or from an entry that changed only
    where its text does not show (a date, an enclosure), has another digest or
    none; with this one the next refresh skips making the entry again.
    """
    if record.entry_digest is not None:
        db.execute(
            "UPDATE articles SET entry_digest = ? WHERE id = ? AND entry_digest IS NOT ?",
            (record.entry_digest, article_id, record.entry_digest),
        )


class ArticlesMixin(RulesMixin):
    """Adding, replacing and loading articles."""

    def add_articles(
        self, articles: Iterable[Article | ArticleRecord], *, feed_id: int | None = None
    ) -> list[AddResult]:
        """Store articles in one transaction, skipping ones already held.

        Records built beforehand (`record_for`, in import workers) are written
        as they are.
        """
        rules = self.rules()
        with self._write() as db:
            return insert_records(db, articles, feed_id, rules)

    def add_article(self, article: Article, *, feed_id: int | None = None) -> AddResult:
        return self.add_articles([article], feed_id=feed_id)[0]

    def replace_content(self, article_id: int, article: Article, *, full_text: bool) -> None:
        """Swap an article's body (the reader view of a feed item), keeping its state."""
        record = record_for(article)
        with self._write() as db:
            require_article(db, article_id)
            digest = record.content_hash
            if db.execute(
                "SELECT 1 FROM articles WHERE content_hash = ? AND id != ?", (digest, article_id)
            ).fetchone():
                digest = f"{digest}:{article_id}"
            _write_content(db, article_id, record, digest, full_text=full_text)

    def bulk_load(
        self,
        articles: Iterable[Article],
        *,
        batch: int = 5000,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Insert many articles in large transactions (benchmarks, big imports)."""
        total = 0
        chunk: list[Article] = []
        for article in articles:
            chunk.append(article)
            if len(chunk) >= batch:
                total += sum(r.created for r in self.add_articles(chunk))
                chunk.clear()
                if progress:
                    progress(total)
        if chunk:
            total += sum(r.created for r in self.add_articles(chunk))
            if progress:
                progress(total)
        return total

    def get(self, article_id: int) -> StoredArticle:
        """One article with its whole content and state; `NotFoundError` if it is not held."""
        rows = self._read(
            "SELECT a.id, a.title, a.source, a.url, a.published, a.guid, a.content,"
            " a.imported_at, r.read_at, b.created_at AS bookmarked_at, a.feed_id, a.full_text,"
            " a.links, a.enclosures, a.author"
            f" FROM articles a {ROW_JOINS} WHERE a.id = ?",
            (article_id,),
        )
        if not rows:
            raise NotFoundError(f"no article with ID {article_id}")
        row = rows[0]
        data = json.loads(row["content"])
        article = Article(
            title=row["title"],
            blocks=[Block.from_dict(block) for block in data.get("blocks", [])],
            key_points=list(data.get("key_points", [])),
            quotes=[Quote.from_dict(quote) for quote in data.get("quotes", [])],
            source=row["source"],
            url=row["url"],
            published=parse_time(row["published"]),
            guid=row["guid"],
            links=_decode_links(row["links"]),
            enclosures=_decode_enclosures(row["enclosures"]),
            author=row["author"],
        )
        read_at, bookmarked_at = row["read_at"], row["bookmarked_at"]
        return StoredArticle(
            id=row["id"],
            article=article,
            read=read_at is not None,
            bookmarked=bookmarked_at is not None,
            imported_at=parse_time(row["imported_at"]),
            read_at=parse_time(read_at),
            bookmarked_at=parse_time(bookmarked_at),
            feed_id=row["feed_id"],
            full_text=bool(row["full_text"]),
        )


def _decode_links(raw: str | None) -> list[tuple[str, str]]:
    """Stored links back as (text, url); anything malformed is dropped, never raised."""
    if not raw:
        return []
    try:
        items = json.loads(raw)
    except ValueError:
        return []
    return [
        (str(item[0]), item[1])
        for item in items
        if isinstance(item, list) and len(item) == 2 and is_safe_web_url(item[1])
    ]


def _decode_enclosures(raw: str | None) -> list[Enclosure]:
    if not raw:
        return []
    try:
        items = json.loads(raw)
    except ValueError:
        return []
    enclosures: list[Enclosure] = []
    for item in items:
        if not isinstance(item, dict) or not is_safe_web_url(item.get("url")):
            continue
        length = item.get("length")
        enclosures.append(
            Enclosure(
                item["url"],
                str(item.get("type") or ""),
                length if isinstance(length, int) else None,
            )
        )
    return enclosures

"""The library: articles, read state, bookmarks and search in one SQLite file.

Why SQLite and these choices:

* WAL plus a 5 s busy timeout lets the TUI, a CLI `bookmark` and a `refresh`
  share the file without "database is locked" reaching anyone, and a SIGKILL
  at any moment leaves the last committed transaction intact.
* Every write is one explicit `BEGIN IMMEDIATE` transaction, so a write either
  lands whole or not at all and never deadlocks upgrading a read lock.
* Read state and bookmarks live in their own tables keyed by article id, so
  re-importing or refreshing never resets them.
* Lists are paged by keyset (`(sort_ts, id) < (?, ?)`), never by OFFSET, so the
  thousandth page costs what the first does at a million rows. OFFSET is used
  only by `seek`, for a scrollbar jump to an arbitrary position.
* Search is FTS5 with bm25 ranking and snippets; text the user types is quoted
  token by token so it can never be an FTS5 syntax error.

Nothing here imports Textual: the CLI and the UI share this module.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, NamedTuple
from urllib.parse import quote

from newsreader.errors import CorruptLibraryError, NotFoundError, SearchQueryError, StoreError
from newsreader.model.article import Article, Block, Quote, reading_minutes
from newsreader.model.record import ArticleRecord, record_for
from newsreader.sanitize import clean_line

BUSY_TIMEOUT_MS = 5000
"""Long enough that a second instance waits for a writer instead of failing."""

Filter = Literal["all", "unread", "read", "bookmarked"]
Order = Literal["date", "title"]
FILTERS: tuple[Filter, ...] = ("all", "unread", "read", "bookmarked")

# Each entry upgrades the schema by one version; `PRAGMA user_version` says how
# many have run. Never edit a released entry: append a new one.
MIGRATIONS: tuple[str, ...] = (
    # 1: articles, state, settings, full-text index
    """
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        content_hash TEXT NOT NULL UNIQUE,
        guid TEXT,
        title TEXT NOT NULL,
        title_key TEXT NOT NULL,
        source TEXT NOT NULL DEFAULT '',
        url TEXT,
        published TEXT,
        sort_ts REAL NOT NULL,
        imported_at TEXT NOT NULL,
        words INTEGER NOT NULL DEFAULT 0,
        content TEXT NOT NULL
    );
    CREATE INDEX articles_by_date ON articles (sort_ts DESC, id DESC);
    CREATE INDEX articles_by_title ON articles (title_key, id);
    CREATE INDEX articles_by_source ON articles (source, sort_ts DESC, id DESC);
    CREATE TABLE read_state (
        article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
        read_at TEXT NOT NULL
    );
    CREATE TABLE bookmarks (
        article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
        created_at TEXT NOT NULL
    );
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE VIRTUAL TABLE articles_fts USING fts5 (
        title, key_points, body, quotes,
        tokenize = 'unicode61 remove_diacritics 2'
    );
    """,
    # 2: feed subscriptions; feed entries keep their identity across refreshes
    """
    CREATE TABLE feeds (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL DEFAULT '',
        site_url TEXT,
        tags TEXT NOT NULL DEFAULT '[]',
        etag TEXT,
        last_modified TEXT,
        added_at TEXT NOT NULL,
        last_fetch TEXT,
        last_ok TEXT,
        last_error TEXT
    );
    ALTER TABLE articles ADD COLUMN feed_id INTEGER REFERENCES feeds (id) ON DELETE SET NULL;
    ALTER TABLE articles ADD COLUMN full_text INTEGER NOT NULL DEFAULT 0;
    CREATE UNIQUE INDEX articles_by_feed_guid ON articles (feed_id, guid)
        WHERE feed_id IS NOT NULL AND guid IS NOT NULL;
    CREATE INDEX articles_by_feed ON articles (feed_id, sort_ts DESC, id DESC);
    """,
    # 3: counts kept by triggers, so the list's size is O(1) at a million articles
    """
    CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
    INSERT INTO counters (name, value) VALUES
        ('articles', (SELECT count(*) FROM articles)),
        ('read', (SELECT count(*) FROM read_state)),
        ('bookmarks', (SELECT count(*) FROM bookmarks));
    CREATE TRIGGER count_articles_insert AFTER INSERT ON articles BEGIN
        UPDATE counters SET value = value + 1 WHERE name = 'articles';
    END;
    CREATE TRIGGER count_articles_delete AFTER DELETE ON articles BEGIN
        UPDATE counters SET value = value - 1 WHERE name = 'articles';
    END;
    CREATE TRIGGER count_read_insert AFTER INSERT ON read_state BEGIN
        UPDATE counters SET value = value + 1 WHERE name = 'read';
    END;
    CREATE TRIGGER count_read_delete AFTER DELETE ON read_state BEGIN
        UPDATE counters SET value = value - 1 WHERE name = 'read';
    END;
    CREATE TRIGGER count_bookmarks_insert AFTER INSERT ON bookmarks BEGIN
        UPDATE counters SET value = value + 1 WHERE name = 'bookmarks';
    END;
    CREATE TRIGGER count_bookmarks_delete AFTER DELETE ON bookmarks BEGIN
        UPDATE counters SET value = value - 1 WHERE name = 'bookmarks';
    END;
    """,
    # 4: the per-row article trigger made bulk imports 40 % slower; `add_articles`
    # now counts its inserts once per transaction instead.
    """
    DROP TRIGGER IF EXISTS count_articles_insert;
    DROP TRIGGER IF EXISTS count_articles_delete;
    UPDATE counters SET value = (SELECT count(*) FROM articles) WHERE name = 'articles';
    """,
    # 5: the list's date and feed orders read their rows from covering indexes.
    # An article row holds its whole body, so a page of 100 rows touched ~30
    # table pages (2.8 ms from a cold cache); the index holds a page in ~5 (0.4 ms).
    """
    CREATE INDEX articles_list_by_date ON articles (
        sort_ts DESC, id DESC, title, source, url, published, title_key, words, feed_id
    );
    DROP INDEX articles_by_date;
    CREATE INDEX articles_list_by_feed ON articles (
        feed_id, sort_ts DESC, id DESC, title, source, url, published, title_key, words
    );
    DROP INDEX articles_by_feed;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)

SNIPPET_START = "\x02"
SNIPPET_END = "\x03"
"""Markers FTS5 puts around matches; stored text can never contain them (sanitised)."""

RANK_WINDOW = 10_000
"""Most matches a search ranks by relevance; see `Library._rank_window_start`."""

_BM25 = "bm25(articles_fts, 10.0, 5.0, 1.0, 3.0)"
"""Title matches weigh most, then key points, quotes, body."""

_ROW_COLUMNS = (
    "a.id, a.title, a.source, a.url, a.published, a.sort_ts, a.title_key, a.words, "
    "a.feed_id, r.article_id IS NOT NULL, b.article_id IS NOT NULL"
)
_ROW_JOINS = (
    "LEFT JOIN read_state r ON r.article_id = a.id LEFT JOIN bookmarks b ON b.article_id = a.id"
)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class ListQuery:
    """Which articles a list shows and in what order."""

    filter: Filter = "all"
    source: str | None = None
    feed_id: int | None = None
    order: Order = "date"
    feed_ids: tuple[int, ...] | None = None
    """Articles of any of these feeds (a sidebar folder); an empty tuple matches nothing."""

    def __post_init__(self) -> None:
        if self.feed_ids is not None:
            object.__setattr__(self, "feed_ids", tuple(int(i) for i in self.feed_ids))
        if self.filter not in FILTERS:
            raise ValueError(f"unknown filter {self.filter!r}")
        if self.order not in ("date", "title"):
            raise ValueError(f"unknown order {self.order!r}")


class ArticleRow(NamedTuple):
    """What a list row needs: no body, so a page of rows is cheap to load.

    Value records built per row (and at import) are NamedTuples, not
    dataclasses: one is built in a fraction of the time, and each dataclass
    definition cost ~0.7 ms of every start-up.
    """

    id: int
    title: str
    source: str
    url: str | None
    published: datetime | None
    sort_ts: float
    title_key: str
    words: int
    feed_id: int | None
    read: bool
    bookmarked: bool

    @property
    def key(self) -> tuple[Any, int]:
        """Opaque keyset cursor for the date order; see `ArticleRow.key_for`."""
        return (self.sort_ts, self.id)

    def key_for(self, order: Order) -> tuple[Any, int]:
        return (self.title_key, self.id) if order == "title" else (self.sort_ts, self.id)

    @property
    def reading_minutes(self) -> int:
        return reading_minutes(self.words)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "url": self.url,
            "published": self.published.isoformat() if self.published else None,
            "words": self.words,
            "reading_minutes": self.reading_minutes,
            "read": self.read,
            "bookmarked": self.bookmarked,
        }


@dataclass(slots=True)
class StoredArticle:
    """An article with its library identity and state."""

    id: int
    article: Article
    read: bool
    bookmarked: bool
    imported_at: datetime | None
    read_at: datetime | None = None
    bookmarked_at: datetime | None = None
    feed_id: int | None = None
    full_text: bool = False

    def to_dict(self, *, include_blocks: bool = True) -> dict[str, Any]:
        content = self.article.to_dict(include_blocks=include_blocks)
        # The documented key order: id first, library state before the content lists.
        data: dict[str, Any] = {"id": self.id}
        for key, value in content.items():
            if key == "key_points":
                data.update(read=self.read, bookmarked=self.bookmarked)
            data[key] = value
        return data


class AddResult(NamedTuple):
    id: int
    created: bool
    updated: bool = False


class SearchHit(NamedTuple):
    """A search result: the row, a snippet with highlight spans, and its bm25 rank."""

    row: ArticleRow
    snippet: str
    highlights: tuple[tuple[int, int], ...]
    rank: float

    def to_dict(self) -> dict[str, Any]:
        data = self.row.to_dict()
        data["snippet"] = self.snippet
        data["highlights"] = [list(span) for span in self.highlights]
        return data


@dataclass(slots=True)
class Feed:
    """A subscription and what its last refresh did."""

    id: int
    url: str
    title: str
    site_url: str | None = None
    tags: list[str] = field(default_factory=list)
    etag: str | None = None
    last_modified: str | None = None
    added_at: str | None = None
    last_fetch: str | None = None
    last_ok: str | None = None
    last_error: str | None = None
    unread: int = 0
    total: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Everything but the HTTP validators, which are bookkeeping, not information."""
        data = asdict(self)
        del data["etag"], data["last_modified"]
        return data


def fts_query(text: str, *, prefix: bool = False) -> str:
    """Turn what a user typed into an FTS5 query that cannot be a syntax error.

    Each whitespace-separated token becomes a quoted phrase (inner quotes
    doubled), so `NEAR(`, `*`, `AND` and stray quotes are searched as words.
    With `prefix`, the last token also matches words it begins (live search).
    """
    tokens = [tok for tok in clean_line(text).split(" ") if tok]
    phrases = ['"' + tok.replace('"', '""') + '"' for tok in tokens]
    if prefix and phrases and re.search(r"\w", tokens[-1]):
        phrases[-1] += "*"
    return " ".join(phrases)


def _split_snippet(raw: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Remove FTS5's match markers, returning plain text and the marked spans."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    start: int | None = None
    for piece in re.split(f"([{SNIPPET_START}{SNIPPET_END}])", raw):
        if piece == SNIPPET_START:
            start = length
        elif piece == SNIPPET_END:
            if start is not None and length > start:
                spans.append((start, length))
            start = None
        elif piece:
            piece = re.sub(r"\s+", " ", piece)
            out.append(piece)
            length += len(piece)
    return "".join(out), tuple(spans)


class Library:
    """One open library file. Thread-safe: the UI thread and workers share it.

    A single connection guarded by a lock is enough: every statement is short
    and SQLite serialises writers anyway; other processes are handled by WAL
    and the busy timeout.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        create: bool = True,
        on_upgrade: Callable[[int, int], None] | None = None,
    ) -> None:
        """Open (or create) the library at `path`, upgrading its schema if it is older.

        `on_upgrade(old, new)` is called before an existing library is upgraded:
        some upgrades rebuild indexes, which takes seconds at a million articles.
        """
        self.path = Path(path)
        self._on_upgrade = on_upgrade
        self._lock = threading.RLock()
        if not create and not self.path.exists():
            raise StoreError(f"{self.path}: no library here")
        self.read_only = self.path.exists() and not (
            os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK)
        )
        """A library on read-only media or in a read-only dir opens for reading."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"{self.path.parent}: cannot create data dir ({exc.strerror})"
            ) from None
        try:
            if self.read_only:
                uri = f"file:{quote(str(self.path.resolve()))}?mode=ro&immutable=1"
                self._db = sqlite3.connect(
                    uri, uri=True, isolation_level=None, check_same_thread=False
                )
            else:
                self._db = sqlite3.connect(
                    self.path,
                    timeout=BUSY_TIMEOUT_MS / 1000,
                    isolation_level=None,
                    check_same_thread=False,
                )
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open library ({exc})") from None
        try:
            self._configure()
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            message = f"{self.path}: {self._describe(exc)}"
            if _is_corruption(exc):
                raise CorruptLibraryError(message) from None
            raise StoreError(message) from None
        except StoreError:
            self._db.close()
            raise

    # -- connection -------------------------------------------------------

    def _describe(self, exc: sqlite3.Error) -> str:
        message = str(exc)
        if "not a database" in message or "malformed" in message:
            return "not a newsreader library or corrupt (SQLite says: " + message + ")"
        if "readonly" in message or "read-only" in message:
            return "library is read-only (" + message + ")"
        if "disk" in message and "full" in message:
            return "disk full, nothing was written (" + message + ")"
        if "locked" in message or "busy" in message:
            return "library is busy in another process, try again (" + message + ")"
        return message

    def _configure(self) -> None:
        db = self._db
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Reading the schema first makes a foreign or corrupt file fail here.
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        # Before anything writes (journal_mode = WAL rewrites the header): a
        # foreign SQLite file must be left byte for byte as it was.
        if self.schema_version() == 0 and self._has_foreign_tables():
            raise CorruptLibraryError(f"{self.path}: this SQLite file is not a newsreader library")
        if self.read_only:
            return
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")

    def _migrate(self) -> None:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: library schema version {version} is newer than this "
                f"newsreader understands ({SCHEMA_VERSION}); upgrade newsreader"
            )
        if version == SCHEMA_VERSION:
            return
        if version == 0 and self._has_foreign_tables():
            raise CorruptLibraryError(f"{self.path}: this SQLite file is not a newsreader library")
        if self.read_only:
            raise StoreError(
                f"{self.path}: library is read-only and needs an upgrade to schema"
                f" {SCHEMA_VERSION}; open it once where it is writable"
            )
        if version and self._on_upgrade is not None:
            self._on_upgrade(version, SCHEMA_VERSION)
        for number in range(version, SCHEMA_VERSION):
            with self._write():
                for statement in _split_sql(MIGRATIONS[number]):
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {number + 1}")

    def _has_foreign_tables(self) -> bool:
        names = {
            row[0]
            for row in self._db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        }
        return bool(names)

    def schema_version(self) -> int:
        with self._lock:
            return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction: all of it lands or none of it does."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: {self._describe(exc)}") from None
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException as exc:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise StoreError(f"{self.path}: {self._describe(exc)}") from None
                raise

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row | tuple[Any, ...]]:
        with self._lock:
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.OperationalError as exc:
                if "fts5" in str(exc) or "syntax" in str(exc):
                    raise
                raise StoreError(f"{self.path}: {self._describe(exc)}") from None
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"{self.path}: {self._describe(exc)}") from None

    # -- writing articles -------------------------------------------------

    def add_articles(
        self, articles: Iterable[Article | ArticleRecord], *, feed_id: int | None = None
    ) -> list[AddResult]:
        """Store articles in one transaction, skipping ones already held.

        Files are deduplicated by content hash. Feed entries (with `feed_id`
        and a guid) are matched by guid, and an edited entry is updated in
        place: same id, so its read state and bookmark stay. Records built
        beforehand (`record_for`, in import workers) are written as they are.
        """
        with self._write() as db:
            return self._add_all(db, articles, feed_id)

    def add_article(self, article: Article, *, feed_id: int | None = None) -> AddResult:
        return self.add_articles([article], feed_id=feed_id)[0]

    def _add_all(
        self,
        db: sqlite3.Connection,
        articles: Iterable[Article | ArticleRecord],
        feed_id: int | None,
    ) -> list[AddResult]:
        results: list[AddResult] = []
        now = _now()
        fallback = time.time()
        for position, item in enumerate(articles):
            record = item if isinstance(item, ArticleRecord) else record_for(item)
            sort_ts = record.published_ts
            if sort_ts is None:
                sort_ts = fallback - position * 1e-3  # undated: newest first, in given order
            results.append(self._add_one(db, record, now, sort_ts, feed_id))
        created = sum(1 for result in results if result.created)
        if created:
            # The counter is kept here, once per transaction: a per-row trigger
            # made bulk imports 40 % slower (migration 4).
            db.execute("UPDATE counters SET value = value + ? WHERE name = 'articles'", (created,))
        return results

    def _add_one(
        self,
        db: sqlite3.Connection,
        record: ArticleRecord,
        now: str,
        sort_ts: float,
        feed_id: int | None,
    ) -> AddResult:
        digest = record.content_hash
        existing = None
        if feed_id is not None and record.guid:
            existing = db.execute(
                "SELECT id, content_hash, full_text FROM articles WHERE feed_id = ? AND guid = ?",
                (feed_id, record.guid),
            ).fetchone()
        if existing is not None:
            article_id, old_hash, full_text = existing
            if old_hash == digest or full_text:
                # A fetched full article (reader view) is never replaced by the feed's summary.
                return AddResult(article_id, created=False)
            clash = db.execute(
                "SELECT id FROM articles WHERE content_hash = ?", (digest,)
            ).fetchone()
            if clash is not None:
                return AddResult(article_id, created=False)
            self._write_content(db, article_id, record, digest)
            return AddResult(article_id, created=False, updated=True)
        found = db.execute("SELECT id FROM articles WHERE content_hash = ?", (digest,)).fetchone()
        if found is not None:
            return AddResult(found[0], created=False)
        cursor = db.execute(
            "INSERT INTO articles (content_hash, guid, title, title_key, source, url, published,"
            " sort_ts, imported_at, words, content, feed_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            ),
        )
        article_id = int(cursor.lastrowid or 0)
        db.execute(
            "INSERT INTO articles_fts (rowid, title, key_points, body, quotes)"
            " VALUES (?, ?, ?, ?, ?)",
            (article_id, *record.fts),
        )
        return AddResult(article_id, created=True)

    def _write_content(
        self,
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
            " full_text = COALESCE(?, full_text) WHERE id = ?",
            (
                digest,
                record.title,
                record.title_key,
                record.url,
                record.published,
                record.words,
                record.content,
                None if full_text is None else int(full_text),
                article_id,
            ),
        )
        db.execute("DELETE FROM articles_fts WHERE rowid = ?", (article_id,))
        db.execute(
            "INSERT INTO articles_fts (rowid, title, key_points, body, quotes)"
            " VALUES (?, ?, ?, ?, ?)",
            (article_id, *record.fts),
        )

    def replace_content(self, article_id: int, article: Article, *, full_text: bool) -> None:
        """Swap an article's body (the reader view of a feed item), keeping its state."""
        record = record_for(article)
        with self._write() as db:
            if db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is None:
                raise NotFoundError(f"no article with ID {article_id}")
            digest = record.content_hash
            if db.execute(
                "SELECT 1 FROM articles WHERE content_hash = ? AND id != ?", (digest, article_id)
            ).fetchone():
                digest = f"{digest}:{article_id}"
            self._write_content(db, article_id, record, digest, full_text=full_text)

    # -- state ------------------------------------------------------------

    def set_read(self, ids: Iterable[int], read: bool = True) -> int:
        """Mark articles read or unread; returns how many changed. Unknown IDs raise."""
        return self._set_flag("read_state", "read_at", ids, read)

    def set_bookmarked(self, ids: Iterable[int], bookmarked: bool = True) -> int:
        return self._set_flag("bookmarks", "created_at", ids, bookmarked)

    def _set_flag(self, table: str, column: str, ids: Iterable[int], on: bool) -> int:
        wanted = list(dict.fromkeys(int(i) for i in ids))
        changed = 0
        now = _now()
        with self._write() as db:
            for article_id in wanted:
                if (
                    db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
                    is None
                ):
                    raise NotFoundError(f"no article with ID {article_id}")
                if on:
                    cursor = db.execute(
                        f"INSERT OR IGNORE INTO {table} (article_id, {column}) VALUES (?, ?)",
                        (article_id, now),
                    )
                else:
                    cursor = db.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))
                changed += cursor.rowcount
        return changed

    def toggle_read(self, article_id: int) -> bool:
        """Flip read state; returns the new state."""
        new = not self.is_read(article_id)
        self.set_read([article_id], new)
        return new

    def toggle_bookmark(self, article_id: int) -> bool:
        new = not self.is_bookmarked(article_id)
        self.set_bookmarked([article_id], new)
        return new

    def is_read(self, article_id: int) -> bool:
        return bool(self._read("SELECT 1 FROM read_state WHERE article_id = ?", (article_id,)))

    def is_bookmarked(self, article_id: int) -> bool:
        return bool(self._read("SELECT 1 FROM bookmarks WHERE article_id = ?", (article_id,)))

    # -- reading ----------------------------------------------------------

    def get(self, article_id: int) -> StoredArticle:
        rows = self._read(
            "SELECT a.id, a.title, a.source, a.url, a.published, a.guid, a.content,"
            " a.imported_at, r.read_at, b.created_at, a.feed_id, a.full_text"
            f" FROM articles a {_ROW_JOINS} WHERE a.id = ?",
            (article_id,),
        )
        if not rows:
            raise NotFoundError(f"no article with ID {article_id}")
        (
            aid,
            title,
            source,
            url,
            published,
            guid,
            content,
            imported_at,
            read_at,
            bookmarked_at,
            feed_id,
            full_text,
        ) = rows[0]
        data = json.loads(content)
        article = Article(
            title=title,
            blocks=[Block.from_dict(block) for block in data.get("blocks", [])],
            key_points=list(data.get("key_points", [])),
            quotes=[Quote.from_dict(quote) for quote in data.get("quotes", [])],
            source=source,
            url=url,
            published=_parse_time(published),
            guid=guid,
        )
        return StoredArticle(
            id=aid,
            article=article,
            read=read_at is not None,
            bookmarked=bookmarked_at is not None,
            imported_at=_parse_time(imported_at),
            read_at=_parse_time(read_at),
            bookmarked_at=_parse_time(bookmarked_at),
            feed_id=feed_id,
            full_text=bool(full_text),
        )

    def exists(self, article_id: int) -> bool:
        return bool(self._read("SELECT 1 FROM articles WHERE id = ?", (article_id,)))

    def is_empty(self) -> bool:
        return not self._read("SELECT 1 FROM articles LIMIT 1")

    def _where(self, query: ListQuery) -> tuple[list[str], list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if query.filter == "unread":
            clauses.append("r.article_id IS NULL")
        elif query.filter == "read":
            clauses.append("r.article_id IS NOT NULL")
        elif query.filter == "bookmarked":
            clauses.append("b.article_id IS NOT NULL")
        if query.source is not None:
            clauses.append("a.source = ?")
            params.append(query.source)
        if query.feed_id is not None:
            clauses.append("a.feed_id = ?")
            params.append(query.feed_id)
        if query.feed_ids is not None:
            if query.feed_ids:
                marks = ", ".join("?" * len(query.feed_ids))
                clauses.append(f"a.feed_id IN ({marks})")
                params.extend(query.feed_ids)
            else:
                clauses.append("0")
        return clauses, params

    @staticmethod
    def _order_sql(query: ListQuery, reverse: bool) -> tuple[str, str]:
        if query.order == "title":
            cols = "(a.title_key, a.id)"
            direction = "DESC" if reverse else "ASC"
            return cols, f"a.title_key {direction}, a.id {direction}"
        direction = "ASC" if reverse else "DESC"
        return "(a.sort_ts, a.id)", f"a.sort_ts {direction}, a.id {direction}"

    def page(
        self,
        query: ListQuery = ListQuery(),
        *,
        after: tuple[Any, int] | None = None,
        limit: int = 100,
        reverse: bool = False,
    ) -> list[ArticleRow]:
        """Rows after the keyset cursor `after` (exclusive), in list order.

        With `reverse`, walks backwards from `after` (or from the end) and
        still returns rows in list order, for paging up and jumping to the end.
        """
        clauses, params = self._where(query)
        cols, order_by = self._order_sql(query, reverse)
        if after is not None:
            forward_op = ">" if query.order == "title" else "<"
            backward_op = "<" if forward_op == ">" else ">"
            clauses.append(f"{cols} {backward_op if reverse else forward_op} (?, ?)")
            params.extend(after)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._read(
            f"SELECT {_ROW_COLUMNS} FROM articles a {_ROW_JOINS} {where}"
            f" ORDER BY {order_by} LIMIT ?",
            [*params, max(0, int(limit))],
        )
        result = [_row(row) for row in rows]
        if reverse:
            result.reverse()
        return result

    def seek(self, query: ListQuery, index: int, *, limit: int = 100) -> list[ArticleRow]:
        """Rows starting at position `index`: for scrollbar jumps only (uses OFFSET)."""
        clauses, params = self._where(query)
        _, order_by = self._order_sql(query, False)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._read(
            f"SELECT {_ROW_COLUMNS} FROM articles a {_ROW_JOINS} {where}"
            f" ORDER BY {order_by} LIMIT ? OFFSET ?",
            [*params, max(0, int(limit)), max(0, int(index))],
        )
        return [_row(row) for row in rows]

    def index_of(self, query: ListQuery, article_id: int) -> int | None:
        """Position of an article in a list, or None when the list does not hold it."""
        rows = self._read("SELECT sort_ts, title_key FROM articles WHERE id = ?", (article_id,))
        if not rows:
            return None
        sort_ts, tkey = rows[0]
        clauses, params = self._where(query)
        if query.order == "title":
            clauses.append("(a.title_key, a.id) < (?, ?)")
            params.extend((tkey, article_id))
        else:
            clauses.append("(a.sort_ts, a.id) > (?, ?)")
            params.extend((sort_ts, article_id))
        where = f"WHERE {' AND '.join(clauses)}"
        count = self._read(f"SELECT count(*) FROM articles a {_ROW_JOINS} {where}", params)
        member_clauses, member_params = self._where(query)
        member_clauses.append("a.id = ?")
        member = self._read(
            f"SELECT 1 FROM articles a {_ROW_JOINS} WHERE {' AND '.join(member_clauses)}",
            [*member_params, article_id],
        )
        return int(count[0][0]) if member else None

    def count(self, query: ListQuery = ListQuery()) -> int:
        """Rows in a list. The unfiltered counts are O(1), kept by triggers."""
        if query.source is None and query.feed_id is None and query.feed_ids is None:
            counts = self.counts()
            return counts[query.filter]
        clauses, params = self._where(query)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._read(f"SELECT count(*) FROM articles a {_ROW_JOINS} {where}", params)
        return int(rows[0][0])

    def counts(self) -> dict[str, int]:
        """Counts for every filter, for the list's filter indicator."""
        rows = dict(self._read("SELECT name, value FROM counters"))
        total, read, bookmarked = rows["articles"], rows["read"], rows["bookmarks"]
        return {"all": total, "unread": total - read, "read": read, "bookmarked": bookmarked}

    def key_points_of(self, ids: Sequence[int]) -> dict[int, list[str]]:
        """Key points of many articles in one query, without decoding their bodies."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._read(
            f"SELECT id, json_extract(content, '$.key_points') FROM articles WHERE id IN ({marks})",
            list(ids),
        )
        return {int(aid): json.loads(points or "[]") for aid, points in rows}

    def iter_articles(
        self, query: ListQuery = ListQuery(), *, batch: int = 200
    ) -> Iterator[StoredArticle]:
        """Every article of a list, full content, paged by keyset (for export)."""
        after: tuple[Any, int] | None = None
        while True:
            rows = self.page(query, after=after, limit=batch)
            if not rows:
                return
            for row in rows:
                yield self.get(row.id)
            after = rows[-1].key_for(query.order)

    # -- search -----------------------------------------------------------

    def search(
        self,
        text: str,
        *,
        limit: int = 50,
        raw: bool = False,
        prefix: bool = False,
        query: ListQuery | None = None,
    ) -> list[SearchHit]:
        """Library-wide full-text search, best matches first, with snippets.

        `raw` passes FTS5 syntax through; a bad raw query raises
        `SearchQueryError` saying what SQLite objected to.
        """
        match = clean_line(text) if raw else fts_query(text, prefix=prefix)
        if not match:
            return []
        clauses, params = self._where(query or ListQuery())
        try:
            window = self._rank_window_start(match)
        except sqlite3.OperationalError as exc:
            raise SearchQueryError(f"search query {text!r} is not valid FTS5: {exc}") from None
        if window is not None:
            clauses.append("articles_fts.rowid >= ?")
            params.append(window)
        extra = "".join(f" AND {clause}" for clause in clauses)
        sql = (
            f"SELECT {_ROW_COLUMNS},"
            f" snippet(articles_fts, -1, '{SNIPPET_START}', '{SNIPPET_END}', '…', 16),"
            f" {_BM25} AS rank"
            f" FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid {_ROW_JOINS}"
            f" WHERE articles_fts MATCH ?{extra} ORDER BY rank LIMIT ?"
        )
        try:
            rows = self._read(sql, [match, *params, max(0, int(limit))])
        except sqlite3.OperationalError as exc:
            raise SearchQueryError(f"search query {text!r} is not valid FTS5: {exc}") from None
        hits = []
        for row in rows:
            snippet, spans = _split_snippet(row[11] or "")
            hits.append(SearchHit(_row(row[:11]), snippet, spans, float(row[12])))
        return hits

    def _rank_window_start(self, match: str) -> int | None:
        """Lowest rowid worth ranking when a term matches a huge share of the library.

        bm25 must score every match before it can sort, ~1.5 µs each: a word
        in 90 % of a million articles would take over a second. Past
        `RANK_WINDOW` matches, only the most recently added ones are ranked,
        which for news is also what a reader wants first.
        """
        with self._lock:
            row = self._db.execute(
                "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?"
                " ORDER BY rowid DESC LIMIT 1 OFFSET ?",
                (match, RANK_WINDOW - 1),
            ).fetchone()
        return int(row[0]) if row else None

    # -- settings (UI state) ----------------------------------------------

    def get_state(self, key: str, default: Any = None) -> Any:
        rows = self._read("SELECT value FROM settings WHERE key = ?", (key,))
        if not rows:
            return default
        try:
            return json.loads(rows[0][0])
        except ValueError:
            return default

    def set_state(self, key: str, value: Any) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )

    # -- feeds ------------------------------------------------------------

    def add_feed(
        self, url: str, *, title: str = "", site_url: str | None = None, tags: Sequence[str] = ()
    ) -> tuple[Feed, bool]:
        """Subscribe; returns the feed and whether it is new. Existing feeds gain tags."""
        with self._write() as db:
            row = db.execute("SELECT id, tags FROM feeds WHERE url = ?", (url,)).fetchone()
            if row is not None:
                merged = list(dict.fromkeys([*json.loads(row[1]), *tags]))
                db.execute(
                    "UPDATE feeds SET tags = ?, title = CASE WHEN title = '' THEN ? ELSE title END"
                    " WHERE id = ?",
                    (json.dumps(merged), clean_line(title), row[0]),
                )
                created = False
                feed_id = int(row[0])
            else:
                cursor = db.execute(
                    "INSERT INTO feeds (url, title, site_url, tags, added_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (url, clean_line(title), site_url, json.dumps(list(tags)), _now()),
                )
                created = True
                feed_id = int(cursor.lastrowid or 0)
        return self.feed(feed_id), created

    def feed(self, ref: int | str) -> Feed:
        """A feed by ID or URL."""
        for feed in self.feeds():
            if feed.id == ref or feed.url == ref or str(feed.id) == str(ref):
                return feed
        raise NotFoundError(f"no subscription {ref}")

    def feeds(self) -> list[Feed]:
        rows = self._read(
            "SELECT f.id, f.url, f.title, f.site_url, f.tags, f.etag, f.last_modified,"
            " f.added_at, f.last_fetch, f.last_ok, f.last_error,"
            " (SELECT count(*) FROM articles a WHERE a.feed_id = f.id),"
            " (SELECT count(*) FROM articles a WHERE a.feed_id = f.id AND NOT EXISTS"
            "   (SELECT 1 FROM read_state r WHERE r.article_id = a.id))"
            " FROM feeds f ORDER BY lower(f.title), f.id"
        )
        return [
            Feed(
                id=row[0],
                url=row[1],
                title=row[2],
                site_url=row[3],
                tags=json.loads(row[4] or "[]"),
                etag=row[5],
                last_modified=row[6],
                added_at=row[7],
                last_fetch=row[8],
                last_ok=row[9],
                last_error=row[10],
                total=int(row[11]),
                unread=int(row[12]),
            )
            for row in rows
        ]

    def remove_feed(self, ref: int | str) -> Feed:
        """Unsubscribe. Its articles stay (with state); they just lose the feed link."""
        feed = self.feed(ref)
        with self._write() as db:
            db.execute("DELETE FROM feeds WHERE id = ?", (feed.id,))
        return feed

    def record_fetch(
        self,
        feed_id: int,
        *,
        articles: Sequence[Article] = (),
        error: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        title: str | None = None,
        site_url: str | None = None,
    ) -> list[AddResult]:
        """Store one feed's refresh result, entries and status, in one transaction."""
        now = _now()
        with self._write() as db:
            results = self._add_all(db, articles, feed_id)
            if error is not None:
                db.execute(
                    "UPDATE feeds SET last_fetch = ?, last_error = ? WHERE id = ?",
                    (now, clean_line(error), feed_id),
                )
            else:
                db.execute(
                    "UPDATE feeds SET last_fetch = ?, last_ok = ?, last_error = NULL,"
                    " etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified),"
                    " title = CASE WHEN title = '' AND ? IS NOT NULL THEN ? ELSE title END,"
                    " site_url = COALESCE(site_url, ?) WHERE id = ?",
                    (
                        now,
                        now,
                        etag,
                        last_modified,
                        title,
                        clean_line(title or ""),
                        site_url,
                        feed_id,
                    ),
                )
        return results

    # -- maintenance ------------------------------------------------------

    def integrity_ok(self) -> bool:
        rows = self._read("PRAGMA integrity_check")
        return bool(rows) and rows[0][0] == "ok"

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


def _row(row: Sequence[Any]) -> ArticleRow:
    return ArticleRow(
        id=int(row[0]),
        title=row[1],
        source=row[2],
        url=row[3],
        published=_parse_time(row[4]),
        sort_ts=float(row[5]),
        title_key=row[6],
        words=int(row[7]),
        feed_id=row[8],
        read=bool(row[9]),
        bookmarked=bool(row[10]),
    )


def _split_sql(script: str) -> list[str]:
    """Split a migration script into complete statements (trigger bodies hold `;`).

    `executescript` would commit the migration's transaction half-way, so each
    statement runs through `execute` inside one transaction instead.
    """
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        statements.append(pending.strip())
    return statements


def _is_corruption(exc: sqlite3.Error) -> bool:
    message = str(exc)
    return "not a database" in message or "malformed" in message


def quarantine_library(path: Path) -> Path:
    """Move a broken library (and its WAL files) aside, never deleting it; returns the new name."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.broken-{stamp}")
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(target.with_name(target.name + suffix))
    path.rename(target)
    return target

"""The library's schema: every migration since the first, and the step that runs them.

Each migration upgrades the schema by one version and `PRAGMA user_version`
says how many have run, so any older library opens by running the rest, each
in its own transaction: a crash mid-upgrade leaves the last whole version.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

from newsreader.errors import CorruptLibraryError, StoreError


class Migratable(Protocol):
    """What `migrate` needs of the database it upgrades (`store.db.Database` is one).

    A protocol rather than an import of `Database`, which opens the library by
    calling `migrate`: the two modules would otherwise import each other.
    """

    path: Path
    read_only: bool

    def schema_version(self) -> int: ...

    def _has_foreign_tables(self) -> bool: ...

    def _write(self) -> AbstractContextManager[sqlite3.Connection]: ...


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
    # 4: the per-row article trigger slowed bulk imports markedly; `add_articles`
    # now counts its inserts once per transaction instead.
    """
    DROP TRIGGER IF EXISTS count_articles_insert;
    DROP TRIGGER IF EXISTS count_articles_delete;
    UPDATE counters SET value = (SELECT count(*) FROM articles) WHERE name = 'articles';
    """,
    # 5: the list's date and feed orders read their rows from covering indexes.
    # An article row holds its whole body, so a page of 100 rows touched ~30
    # table pages from a cold cache; the index holds a page in ~5.
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
    # 6: the links inside an article and a feed entry's enclosures (podcasts,
    # video), each a JSON list; NULL when there are none. Adding nullable
    # columns rewrites no rows, so the upgrade is instant at any size.
    """
    ALTER TABLE articles ADD COLUMN links TEXT;
    ALTER TABLE articles ADD COLUMN enclosures TEXT;
    """,
    # 7: sync with a feed server (store/outbox.py): each local action is queued
    # by these triggers in the same transaction as the change, but only while
    # the `sync_enabled` setting exists and not while a sync applies what it
    # pulled (`sync_applying`, set and cleared inside that one transaction).
    # One row per article and flag: a newer change replaces an older one.
    """
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        article_id INTEGER,
        feed_id INTEGER,
        remote_id TEXT,
        url TEXT,
        folder TEXT,
        value INTEGER,
        changed_at REAL NOT NULL
    );
    CREATE UNIQUE INDEX outbox_per_article ON outbox (article_id, kind);
    CREATE TABLE sync_articles (
        article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
        remote_id TEXT NOT NULL UNIQUE,
        remote_feed_id TEXT
    );
    CREATE TABLE sync_feeds (
        feed_id INTEGER PRIMARY KEY REFERENCES feeds (id) ON DELETE CASCADE,
        remote_id TEXT UNIQUE,
        local_only INTEGER NOT NULL DEFAULT 0
    );
    CREATE TRIGGER outbox_read_on AFTER INSERT ON read_state
    WHEN EXISTS (SELECT 1 FROM settings WHERE key = 'sync_enabled')
        AND NOT EXISTS (SELECT 1 FROM settings WHERE key = 'sync_applying')
    BEGIN
        INSERT OR REPLACE INTO outbox (kind, article_id, remote_id, value, changed_at)
        SELECT 'read', s.article_id, s.remote_id, 1, (julianday('now') - 2440587.5) * 86400.0
        FROM sync_articles s WHERE s.article_id = NEW.article_id;
    END;
    CREATE TRIGGER outbox_read_off AFTER DELETE ON read_state
    WHEN EXISTS (SELECT 1 FROM settings WHERE key = 'sync_enabled')
        AND NOT EXISTS (SELECT 1 FROM settings WHERE key = 'sync_applying')
    BEGIN
        INSERT OR REPLACE INTO outbox (kind, article_id, remote_id, value, changed_at)
        SELECT 'read', s.article_id, s.remote_id, 0, (julianday('now') - 2440587.5) * 86400.0
        FROM sync_articles s WHERE s.article_id = OLD.article_id;
    END;
    CREATE TRIGGER outbox_star_on AFTER INSERT ON bookmarks
    WHEN EXISTS (SELECT 1 FROM settings WHERE key = 'sync_enabled')
        AND NOT EXISTS (SELECT 1 FROM settings WHERE key = 'sync_applying')
    BEGIN
        INSERT OR REPLACE INTO outbox (kind, article_id, remote_id, value, changed_at)
        SELECT 'star', s.article_id, s.remote_id, 1, (julianday('now') - 2440587.5) * 86400.0
        FROM sync_articles s WHERE s.article_id = NEW.article_id;
    END;
    CREATE TRIGGER outbox_star_off AFTER DELETE ON bookmarks
    WHEN EXISTS (SELECT 1 FROM settings WHERE key = 'sync_enabled')
        AND NOT EXISTS (SELECT 1 FROM settings WHERE key = 'sync_applying')
    BEGIN
        INSERT OR REPLACE INTO outbox (kind, article_id, remote_id, value, changed_at)
        SELECT 'star', s.article_id, s.remote_id, 0, (julianday('now') - 2440587.5) * 86400.0
        FROM sync_articles s WHERE s.article_id = OLD.article_id;
    END;
    CREATE TRIGGER outbox_subscribe AFTER INSERT ON feeds
    WHEN EXISTS (SELECT 1 FROM settings WHERE key = 'sync_enabled')
        AND NOT EXISTS (SELECT 1 FROM settings WHERE key = 'sync_applying')
    BEGIN
        INSERT INTO outbox (kind, feed_id, url, folder, changed_at)
        VALUES ('subscribe', NEW.id, NEW.url, json_extract(NEW.tags, '$[0]'),
                (julianday('now') - 2440587.5) * 86400.0);
    END;
    CREATE TRIGGER outbox_unsubscribe BEFORE DELETE ON feeds
    WHEN EXISTS (SELECT 1 FROM settings WHERE key = 'sync_enabled')
        AND NOT EXISTS (SELECT 1 FROM settings WHERE key = 'sync_applying')
    BEGIN
        DELETE FROM outbox WHERE kind = 'subscribe' AND feed_id = OLD.id;
        INSERT INTO outbox (kind, feed_id, remote_id, url, changed_at)
        SELECT 'unsubscribe', OLD.id, s.remote_id, OLD.url,
               (julianday('now') - 2440587.5) * 86400.0
        FROM sync_feeds s
        WHERE s.feed_id = OLD.id AND s.remote_id IS NOT NULL AND NOT s.local_only;
    END;
    """,
    # 8: filters and deleting (model/filters.py, store/filters.py, store/retention.py).
    # A feed entry's author, for filters to match. Hidden articles (a filter's
    # `hide`) are rows of their own table, not a column: the list's covering
    # indexes (schema 5) stay as they are, and an empty table costs the list
    # nothing. Their counters keep the unfiltered counts O(1) with hidden ones
    # left out (a cascade deleting an article's read state and hidden row
    # decrements `hidden_read` once, in either order). Deleted feed entries
    # are remembered by guid, so a refresh does not bring them back.
    """
    ALTER TABLE articles ADD COLUMN author TEXT;
    CREATE TABLE hidden_articles (
        article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE
    );
    CREATE TABLE deleted_entries (
        feed_id INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
        guid TEXT NOT NULL,
        deleted_at TEXT NOT NULL,
        PRIMARY KEY (feed_id, guid)
    ) WITHOUT ROWID;
    INSERT INTO counters (name, value) VALUES
        ('hidden', 0), ('hidden_read', 0), ('hidden_bookmarks', 0);
    CREATE TRIGGER count_hidden_insert AFTER INSERT ON hidden_articles BEGIN
        UPDATE counters SET value = value + 1 WHERE name = 'hidden';
        UPDATE counters SET value = value + 1 WHERE name = 'hidden_read'
            AND EXISTS (SELECT 1 FROM read_state WHERE article_id = NEW.article_id);
        UPDATE counters SET value = value + 1 WHERE name = 'hidden_bookmarks'
            AND EXISTS (SELECT 1 FROM bookmarks WHERE article_id = NEW.article_id);
    END;
    CREATE TRIGGER count_hidden_delete AFTER DELETE ON hidden_articles BEGIN
        UPDATE counters SET value = value - 1 WHERE name = 'hidden';
        UPDATE counters SET value = value - 1 WHERE name = 'hidden_read'
            AND EXISTS (SELECT 1 FROM read_state WHERE article_id = OLD.article_id);
        UPDATE counters SET value = value - 1 WHERE name = 'hidden_bookmarks'
            AND EXISTS (SELECT 1 FROM bookmarks WHERE article_id = OLD.article_id);
    END;
    CREATE TRIGGER count_hidden_read_insert AFTER INSERT ON read_state
    WHEN EXISTS (SELECT 1 FROM hidden_articles WHERE article_id = NEW.article_id)
    BEGIN
        UPDATE counters SET value = value + 1 WHERE name = 'hidden_read';
    END;
    CREATE TRIGGER count_hidden_read_delete AFTER DELETE ON read_state
    WHEN EXISTS (SELECT 1 FROM hidden_articles WHERE article_id = OLD.article_id)
    BEGIN
        UPDATE counters SET value = value - 1 WHERE name = 'hidden_read';
    END;
    CREATE TRIGGER count_hidden_bookmarks_insert AFTER INSERT ON bookmarks
    WHEN EXISTS (SELECT 1 FROM hidden_articles WHERE article_id = NEW.article_id)
    BEGIN
        UPDATE counters SET value = value + 1 WHERE name = 'hidden_bookmarks';
    END;
    CREATE TRIGGER count_hidden_bookmarks_delete AFTER DELETE ON bookmarks
    WHEN EXISTS (SELECT 1 FROM hidden_articles WHERE article_id = OLD.article_id)
    BEGIN
        UPDATE counters SET value = value - 1 WHERE name = 'hidden_bookmarks';
    END;
    """,
    # 9: the full-text index follows the articles instead of being written with them
    # (store/search_index.py). Articles up to `search_upto` are indexed; past it, a
    # search (or `newsreader index`, or the reader after its refresh) indexes them
    # first. An indexed article deleted or rewritten is queued in `search_pending`
    # by these triggers, in the same transaction as the change, for the index to
    # drop or re-read it. Every article of an older library is indexed already.
    """
    CREATE TABLE search_pending (article_id INTEGER PRIMARY KEY);
    INSERT INTO counters (name, value)
        VALUES ('search_upto', (SELECT coalesce(max(id), 0) FROM articles));
    CREATE TRIGGER search_follow_delete AFTER DELETE ON articles
    WHEN OLD.id <= (SELECT value FROM counters WHERE name = 'search_upto')
    BEGIN
        INSERT OR IGNORE INTO search_pending (article_id) VALUES (OLD.id);
    END;
    CREATE TRIGGER search_follow_update AFTER UPDATE OF title, content ON articles
    WHEN NEW.id <= (SELECT value FROM counters WHERE name = 'search_upto')
    BEGIN
        INSERT OR IGNORE INTO search_pending (article_id) VALUES (NEW.id);
    END;
    """,
    # 10: a digest of the feed entry an article was made from (`parse.feed.entry_digest`),
    # so a refresh that gets the same entry again skips making it into an article
    # (a feed whose server answers 200 every time repeats all of them). NULL for articles
    # stored before, and for files: those are made again once and get theirs.
    """
    ALTER TABLE articles ADD COLUMN entry_digest TEXT;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(database: Migratable, on_upgrade: Callable[[int, int], None] | None = None) -> None:
    """Bring the library up to `SCHEMA_VERSION`, refusing files that are newer or not ours.

    `MIGRATIONS` and `SCHEMA_VERSION` are read when this runs, not when it is
    imported, so a test can build a library of an older version by patching them.
    """
    path = database.path
    version = database.schema_version()
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: library schema version {version} is newer than this "
            f"newsreader understands ({SCHEMA_VERSION}); upgrade newsreader"
        )
    if version == SCHEMA_VERSION:
        return
    if version == 0 and database._has_foreign_tables():
        raise CorruptLibraryError(f"{path}: this SQLite file is not a newsreader library")
    if database.read_only:
        raise StoreError(
            f"{path}: library is read-only and needs an upgrade to schema"
            f" {SCHEMA_VERSION}; open it once where it is writable"
        )
    if version and on_upgrade is not None:
        on_upgrade(version, SCHEMA_VERSION)
    for number in range(version, SCHEMA_VERSION):
        with database._write() as db:
            for statement in _split_sql(MIGRATIONS[number]):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {number + 1}")


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

"""Feed subscriptions and what each refresh did.

Unsubscribing keeps a feed's articles (and their state): they only lose the
feed link (`ON DELETE SET NULL`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from newsreader.errors import NotFoundError
from newsreader.model.article import Article
from newsreader.model.filters import Rules
from newsreader.model.library import AddResult, Feed
from newsreader.model.record import LEFT_OUT, ArticleRecord
from newsreader.sanitize import clean_line
from newsreader.store.articles import insert_records
from newsreader.store.db import utc_now
from newsreader.store.rules import RulesMixin
from newsreader.store.sqlite_errors import describe_error

_FEED_COLUMNS = (
    "SELECT f.id, f.url, f.title, f.site_url, f.tags, f.etag, f.last_modified,"
    " f.added_at, f.last_fetch, f.last_ok, f.last_error,"
)
_FEED_SELECT = (
    _FEED_COLUMNS + " (SELECT count(*) FROM articles a WHERE a.feed_id = f.id AND NOT EXISTS"
    "   (SELECT 1 FROM hidden_articles h WHERE h.article_id = a.id)) AS total,"
    " (SELECT count(*) FROM articles a WHERE a.feed_id = f.id AND NOT EXISTS"
    "   (SELECT 1 FROM read_state r WHERE r.article_id = a.id) AND NOT EXISTS"
    "   (SELECT 1 FROM hidden_articles h WHERE h.article_id = a.id)) AS unread"
    " FROM feeds f"
)
"""One feed with its counts: two index lookups, for `feed(ref)`."""
_FEEDS_SELECT = (
    _FEED_COLUMNS + " coalesce(c.total, 0) AS total, coalesce(c.unread, 0) AS unread"
    " FROM feeds f LEFT JOIN ("
    "   SELECT a.feed_id, count(*) AS total, count(*) - count(r.article_id) AS unread"
    "   FROM articles a LEFT JOIN read_state r ON r.article_id = a.id"
    "   LEFT JOIN hidden_articles h ON h.article_id = a.id"
    "   WHERE a.feed_id IS NOT NULL AND h.article_id IS NULL GROUP BY a.feed_id"
    " ) c ON c.feed_id = f.id"
)
"""Every feed with its counts: one pass over the articles grouped by feed, not two
subqueries per feed (which made listing 20,000 subscriptions crawl)."""
_FEED_ORDER = " ORDER BY lower(f.title), f.id"


def _feed(row: sqlite3.Row) -> Feed:
    return Feed(
        id=row["id"],
        url=row["url"],
        title=row["title"],
        site_url=row["site_url"],
        tags=json.loads(row["tags"] or "[]"),
        etag=row["etag"],
        last_modified=row["last_modified"],
        added_at=row["added_at"],
        last_fetch=row["last_fetch"],
        last_ok=row["last_ok"],
        last_error=row["last_error"],
        total=int(row["total"]),
        unread=int(row["unread"]),
    )


def _id_in(ref: str) -> int | None:
    """The feed id a reference spells exactly ("12", not "012"), if it spells one."""
    try:
        number = int(ref)
    except ValueError:
        return None
    return number if str(number) == ref and number < 2**63 else None  # SQLite's INTEGER range


def _subscribe(
    db: sqlite3.Connection,
    url: str,
    title: str,
    site_url: str | None,
    tags: Sequence[str],
) -> tuple[int, bool]:
    """Add or update one subscription inside the caller's transaction: (id, created)."""
    row = db.execute("SELECT id, tags FROM feeds WHERE url = ?", (url,)).fetchone()
    if row is not None:
        feed_id = int(row["id"])
        merged = list(dict.fromkeys([*json.loads(row["tags"]), *tags]))
        db.execute(
            "UPDATE feeds SET tags = ?, title = CASE WHEN title = '' THEN ? ELSE title END"
            " WHERE id = ?",
            (json.dumps(merged), clean_line(title), feed_id),
        )
        return feed_id, False
    cursor = db.execute(
        "INSERT INTO feeds (url, title, site_url, tags, added_at) VALUES (?, ?, ?, ?, ?)",
        (url, clean_line(title), site_url, json.dumps(list(tags)), utc_now()),
    )
    return int(cursor.lastrowid or 0), True


@dataclass(frozen=True, slots=True)
class FeedFetch:
    """One feed's refresh result to store: its entries (or its error) and what it said of itself."""

    feed_id: int
    articles: Sequence[Article | ArticleRecord] = ()
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    title: str | None = None
    site_url: str | None = None


def _store_fetch(
    db: sqlite3.Connection,
    fetch: FeedFetch,
    now: str,
    rules: Rules,
) -> list[AddResult]:
    """Store one feed's entries and status inside the caller's transaction."""
    results = insert_records(db, fetch.articles, fetch.feed_id, rules)
    _store_status(db, fetch, now)
    return results


def _store_status(db: sqlite3.Connection, fetch: FeedFetch, now: str) -> None:
    """Record when `fetch`'s feed was fetched and its error, or what it said of itself."""
    if fetch.error is not None:
        db.execute(
            "UPDATE feeds SET last_fetch = ?, last_error = ? WHERE id = ?",
            (now, clean_line(fetch.error), fetch.feed_id),
        )
        return
    db.execute(
        "UPDATE feeds SET last_fetch = ?, last_ok = ?, last_error = NULL,"
        " etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified),"
        " title = CASE WHEN title = '' AND ? IS NOT NULL THEN ? ELSE title END,"
        " site_url = COALESCE(site_url, ?) WHERE id = ?",
        (
            now,
            now,
            fetch.etag,
            fetch.last_modified,
            fetch.title,
            clean_line(fetch.title or ""),
            fetch.site_url,
            fetch.feed_id,
        ),
    )


class FeedsMixin(RulesMixin):
    """Subscribing, listing, unsubscribing, and storing refresh results."""

    def add_feed(
        self, url: str, *, title: str = "", site_url: str | None = None, tags: Sequence[str] = ()
    ) -> tuple[Feed, bool]:
        """Subscribe; returns the feed and whether it is new. Existing feeds gain tags."""
        with self._write() as db:
            feed_id, created = _subscribe(db, url, title, site_url, tags)
        return self.feed(feed_id), created

    def add_feeds(self, subscriptions: Iterable[tuple[str, str, Sequence[str]]]) -> list[bool]:
        """Subscribe to many (url, title, tags) at once; returns whether each one is new.

        One transaction and a couple of indexed statements per feed, without
        reading any feed back: an OPML list of 20,000 feeds is one pass.
        """
        with self._write() as db:
            return [_subscribe(db, url, title, None, tags)[1] for url, title, tags in subscriptions]

    def feed(self, ref: int | str) -> Feed:
        """A feed by ID (an int, or a string of its digits) or by URL.

        Should a URL look like another feed's ID, the first in `feeds()` order wins.
        """
        by_id: int | None
        by_url: str | None
        if isinstance(ref, int):
            by_id, by_url = ref, None
        else:
            by_id, by_url = _id_in(ref), ref
        rows = self._read(
            f"{_FEED_SELECT} WHERE f.id = ? OR f.url = ?{_FEED_ORDER} LIMIT 1", (by_id, by_url)
        )
        if not rows:
            raise NotFoundError(f"no subscription {ref}")
        return _feed(rows[0])

    def feeds(self) -> list[Feed]:
        """Every subscription with its unread and total counts, by title."""
        return [_feed(row) for row in self._read(_FEEDS_SELECT + _FEED_ORDER)]

    def remove_feed(self, ref: int | str) -> Feed:
        """Unsubscribe. Its articles stay (with state); they just lose the feed link."""
        feed = self.feed(ref)
        with self._write() as db:
            db.execute("DELETE FROM feeds WHERE id = ?", (feed.id,))
        return feed

    def entry_digests(self, feed_id: int) -> dict[str, str]:
        """guid -> digest of the entry (`parse.feed.entry_digest`) of each of the feed's
        articles ("" for one stored without), and `LEFT_OUT` for each entry the user
        deleted: what a refresh of the feed need not make again."""
        rows = self._read_plain(
            "SELECT guid, digest FROM ("
            " SELECT guid, ? AS digest, 0 AS rank FROM deleted_entries WHERE feed_id = ?"
            " UNION ALL SELECT guid, coalesce(entry_digest, ''), 1 FROM articles"
            " WHERE feed_id = ? AND guid IS NOT NULL) ORDER BY rank",
            (LEFT_OUT, feed_id, feed_id),
        )
        # An article's own row comes last and wins: a deleted guid stored again
        # (a restored backup) is that article's.
        return {str(guid): str(digest) for guid, digest in rows}

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
        fetch = FeedFetch(feed_id, articles, error, etag, last_modified, title, site_url)
        rules = self.rules()
        with self._write() as db:
            return _store_fetch(db, fetch, utc_now(), rules)

    def record_fetches(self, fetches: Sequence[FeedFetch]) -> list[list[AddResult] | str]:
        """Store several feeds' refresh results in one transaction, each feed all or nothing.

        Why: each transaction's commit is a real part of what storing a feed
        costs, so feeds parsed at the same moment share one. Each feed is
        written under its own SAVEPOINT: a feed whose entries the library
        refuses (a constraint, a trigger) is rolled back to that savepoint
        alone, its status records the error, and its entry in the answer is
        that error's text; the others' results are stored.
        A failure that ends the whole transaction (SQLite rolls back some
        I/O and memory errors by itself), or the commit's own, raises
        `StoreError` with nothing stored, for the caller to store the feeds
        one by one.
        """
        now = utc_now()
        rules = self.rules()
        answers: list[list[AddResult] | str] = []
        with self._write() as db:
            for fetch in fetches:
                db.execute("SAVEPOINT feed")
                try:
                    answers.append(_store_fetch(db, fetch, now, rules))
                except sqlite3.Error as exc:
                    if not db.in_transaction:
                        raise  # the whole transaction is gone: `_write` reports it
                    db.execute("ROLLBACK TO feed")
                    message = f"{self.path}: {describe_error(exc)}"
                    _store_status(db, replace(fetch, error=message), now)
                    answers.append(message)
                db.execute("RELEASE feed")
        return answers

    def record_not_modified(self, fetches: Iterable[tuple[int, str | None, str | None]]) -> None:
        """Store that feeds answered 304, as (feed id, etag, last_modified), in one transaction.

        What `record_fetch` stores for a feed with no entries and no error, for
        many feeds at once: most of a refresh is feeds that did not change, and
        a transaction each cost more than the update itself.
        """
        now = utc_now()
        with self._write() as db:
            db.executemany(
                "UPDATE feeds SET last_fetch = ?, last_ok = ?, last_error = NULL,"
                " etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified)"
                " WHERE id = ?",
                [(now, now, etag, modified, feed_id) for feed_id, etag, modified in fetches],
            )

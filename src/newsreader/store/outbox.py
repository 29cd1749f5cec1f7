"""The sync outbox and bookkeeping: what waits for the server, and the sync status.

Why triggers (migration 7) queue local actions rather than the callers: every
path that marks, bookmarks, subscribes or unsubscribes (CLI, reader, bulk
marking, import) is covered without knowing about sync, and the queued row
lands in the same transaction as the change, so a crash can never keep one
without the other. The triggers run only while the `sync_enabled` setting
exists, and not while a sync applies what it pulled (`sync_applying`, set and
cleared inside that transaction, so no other connection ever sees it).

An outbox row is removed only after the server acknowledged it (`outbox_done`),
by its id: a newer change to the same article replaced the row under a new id
and stays queued.

Applying what a sync pulled (subscriptions, entries, state) is `store/sync_apply.py`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, NamedTuple

from newsreader.store.db import Database
from newsreader.store.sync_apply import STATUS_KEY, update_status


class OutboxEntry(NamedTuple):
    """One queued local action. `value` is 1/0 for read and star; `changed_at` Unix seconds."""

    id: int
    kind: str
    article_id: int | None
    feed_id: int | None
    remote_id: str | None
    url: str | None
    folder: str | None
    value: int | None
    changed_at: float


class OutboxMixin(Database):
    """The outbox, remote ids of feeds, and the sync status."""

    # -- switching sync on ------------------------------------------------

    def sync_enabled(self) -> bool:
        return bool(self._read("SELECT 1 FROM settings WHERE key = 'sync_enabled'"))

    def enable_sync(self, service: str, url: str) -> None:
        """Start queueing local actions for `service` at `url`.

        Switching to another server forgets every remote id (they are that
        server's) and the cursor; feeds kept so far are queued for subscribing,
        so the first sync carries the local subscriptions to the server.
        """
        target = json.dumps({"service": service, "url": url})
        with self._write() as db:
            row = db.execute("SELECT value FROM settings WHERE key = 'sync_enabled'").fetchone()
            if row is not None and row["value"] == target:
                return
            db.execute("DELETE FROM sync_articles")
            db.execute("DELETE FROM sync_feeds WHERE NOT local_only")
            db.execute("DELETE FROM outbox")
            db.execute("DELETE FROM settings WHERE key = ?", (STATUS_KEY,))
            db.execute(
                "INSERT INTO settings (key, value) VALUES ('sync_enabled', ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (target,),
            )
            db.execute(
                "INSERT INTO outbox (kind, feed_id, url, folder, changed_at)"
                " SELECT 'subscribe', f.id, f.url, json_extract(f.tags, '$[0]'),"
                " (julianday('now') - 2440587.5) * 86400.0 FROM feeds f"
                " WHERE NOT EXISTS (SELECT 1 FROM sync_feeds s"
                "   WHERE s.feed_id = f.id AND s.local_only) ORDER BY f.id"
            )

    def disable_sync(self) -> None:
        """Stop queueing (the outbox and remote ids stay for a later `enable_sync`)."""
        with self._write() as db:
            db.execute("DELETE FROM settings WHERE key = 'sync_enabled'")

    def set_feed_local_only(self, feed_id: int, local_only: bool = True) -> None:
        """Keep a feed out of sync (fetched directly by refresh), or give it back to sync.

        Given back while sync is on, a feed the server does not have yet is
        queued for subscribing, or nothing would ever fetch it again.
        """
        with self._write() as db:
            db.execute(
                "INSERT INTO sync_feeds (feed_id, local_only) VALUES (?, ?)"
                " ON CONFLICT (feed_id) DO UPDATE SET local_only = excluded.local_only",
                (feed_id, int(local_only)),
            )
            if local_only:
                db.execute(
                    "DELETE FROM outbox WHERE kind = 'subscribe' AND feed_id = ?", (feed_id,)
                )
                return
            db.execute(
                "INSERT INTO outbox (kind, feed_id, url, folder, changed_at)"
                " SELECT 'subscribe', f.id, f.url, json_extract(f.tags, '$[0]'),"
                " (julianday('now') - 2440587.5) * 86400.0 FROM feeds f"
                " WHERE f.id = ? AND EXISTS (SELECT 1 FROM settings WHERE key = 'sync_enabled')"
                " AND NOT EXISTS (SELECT 1 FROM sync_feeds s"
                "   WHERE s.feed_id = f.id AND s.remote_id IS NOT NULL)"
                " AND NOT EXISTS (SELECT 1 FROM outbox o"
                "   WHERE o.feed_id = f.id AND o.kind = 'subscribe')",
                (feed_id,),
            )

    def local_only_feed_ids(self) -> set[int]:
        rows = self._read("SELECT feed_id FROM sync_feeds WHERE local_only")
        return {int(row[0]) for row in rows}

    def synced_feed_ids(self) -> set[int]:
        """Feeds the server fetches for us; `refresh` leaves them to sync."""
        if not self.sync_enabled():
            return set()
        rows = self._read("SELECT id FROM feeds")
        local = self.local_only_feed_ids()
        return {int(row[0]) for row in rows} - local

    # -- the outbox -------------------------------------------------------

    def outbox_size(self) -> int:
        return int(self._read("SELECT count(*) FROM outbox")[0][0])

    def outbox_entries(self, *, after: int = 0, limit: int = 500) -> list[OutboxEntry]:
        """Queued actions in the order they were made (by id), from after `after`."""
        rows = self._read(
            "SELECT id, kind, article_id, feed_id, remote_id, url, folder, value, changed_at"
            " FROM outbox WHERE id > ? ORDER BY id LIMIT ?",
            (after, limit),
        )
        return [OutboxEntry(*tuple(row)) for row in rows]

    def outbox_done(self, ids: Iterable[int]) -> None:
        """Forget actions the server acknowledged (by row id: newer changes stay)."""
        wanted = json.dumps([int(i) for i in ids])
        with self._write() as db:
            db.execute("DELETE FROM outbox WHERE id IN (SELECT value FROM json_each(?))", (wanted,))

    def bind_feed(self, feed_id: int, remote_id: str, outbox_id: int | None = None) -> None:
        """Remember a feed's server id (after subscribing it there), dropping its outbox row."""
        with self._write() as db:
            db.execute(
                "INSERT INTO sync_feeds (feed_id, remote_id) VALUES (?, ?)"
                " ON CONFLICT (feed_id) DO UPDATE SET remote_id = excluded.remote_id",
                (feed_id, remote_id),
            )
            if outbox_id is not None:
                db.execute("DELETE FROM outbox WHERE id = ?", (outbox_id,))

    # -- the status -------------------------------------------------------

    def sync_status(self) -> dict[str, Any]:
        """{"last_sync", "last_error", "cursor", ...} as last saved ({} before any sync)."""
        rows = self._read("SELECT value FROM settings WHERE key = ?", (STATUS_KEY,))
        if not rows:
            return {}
        try:
            value = json.loads(rows[0][0])
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    def update_sync_status(self, **changes: Any) -> dict[str, Any]:
        """Merge `changes` into the status in one transaction; returns the new status."""
        with self._write() as db:
            return update_status(db, changes)

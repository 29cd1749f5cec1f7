"""One open library file: the connection, its settings, transactions and errors.

Why these choices:

* WAL plus a 5 s busy timeout lets the TUI, a CLI `bookmark` and a `refresh`
  share the file without "database is locked" reaching anyone, and a SIGKILL
  at any moment leaves the last committed transaction intact.
* Every write is one explicit `BEGIN IMMEDIATE` transaction (`Database._write`),
  so a write either lands whole or not at all and never deadlocks upgrading a
  read lock.
* Rows come back as `sqlite3.Row`, read by column name, so a query can gain or
  reorder columns without silently shifting values. The one exception is the
  list's hot path, which asks `Database._read_plain` for bare tuples (see
  `newsreader.store.listing`).
* A library on read-only media or in a read-only dir opens for reading only.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self
from urllib.parse import quote

from newsreader.errors import CorruptLibraryError, StoreError
from newsreader.store.schema import migrate

BUSY_TIMEOUT_MS = 5000
"""Long enough that a second instance waits for a writer instead of failing."""


def utc_now() -> str:
    """The time stamps stored for imports, reads, bookmarks and fetches."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def parse_time(value: str | None) -> datetime | None:
    """A stored time stamp, or None when it is missing or not ISO 8601."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def is_corruption(exc: sqlite3.Error) -> bool:
    """Whether SQLite's error means the file is damaged or not a database at all."""
    message = str(exc)
    return "not a database" in message or "malformed" in message


def describe_error(exc: sqlite3.Error) -> str:
    """SQLite's error in words a user can act on, SQLite's own words kept."""
    message = str(exc)
    if is_corruption(exc):
        return "not a newsreader library or corrupt (SQLite says: " + message + ")"
    if "readonly" in message or "read-only" in message:
        return "library is read-only (" + message + ")"
    if "disk" in message and "full" in message:
        return "disk full, nothing was written (" + message + ")"
    if "locked" in message or "busy" in message:
        return "library is busy in another process, try again (" + message + ")"
    return message


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


class Database:
    """One open library file. Thread-safe: the UI thread and workers share it.

    A single connection guarded by a lock is enough: every statement is short
    and SQLite serialises writers anyway; other processes are handled by WAL
    and the busy timeout. The store's mixins build on this class.
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
        self._db = self._connect()
        try:
            self._configure()
            migrate(self, on_upgrade)
        except sqlite3.DatabaseError as exc:
            self._db.close()
            message = f"{self.path}: {describe_error(exc)}"
            if is_corruption(exc):
                raise CorruptLibraryError(message) from None
            raise StoreError(message) from None
        except StoreError:
            self._db.close()
            raise

    # -- connection -------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        try:
            if self.read_only:
                uri = f"file:{quote(str(self.path.resolve()))}?mode=ro&immutable=1"
                db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
            else:
                db = sqlite3.connect(
                    self.path,
                    timeout=BUSY_TIMEOUT_MS / 1000,
                    isolation_level=None,
                    check_same_thread=False,
                )
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open library ({exc})") from None
        db.row_factory = sqlite3.Row
        return db

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

    def _has_foreign_tables(self) -> bool:
        """Whether the file holds tables of its own: an SQLite file that is not ours."""
        rows = self._db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        return bool(rows)

    def schema_version(self) -> int:
        with self._lock:
            return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def integrity_ok(self) -> bool:
        rows = self._read("PRAGMA integrity_check")
        return bool(rows) and rows[0][0] == "ok"

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions -----------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction: all of it lands or none of it does."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: {describe_error(exc)}") from None
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException as exc:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise StoreError(f"{self.path}: {describe_error(exc)}") from None
                raise

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """Rows of one query, read by column name; SQLite errors become `StoreError`.

        FTS5 syntax errors pass through as `sqlite3.OperationalError` so search
        can say what was wrong with the query.
        """
        return self._fetch(sql, params, sqlite3.Row)

    def _read_plain(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows as bare tuples, for the one hot path that builds rows by position."""
        return self._fetch(sql, params, None)

    def _fetch(self, sql: str, params: Sequence[Any], factory: Any) -> list[Any]:
        with self._lock:
            try:
                cursor = self._db.cursor()
                cursor.row_factory = factory
                return cursor.execute(sql, params).fetchall()
            except sqlite3.OperationalError as exc:
                if "fts5" in str(exc) or "syntax" in str(exc):
                    raise
                raise StoreError(f"{self.path}: {describe_error(exc)}") from None
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"{self.path}: {describe_error(exc)}") from None

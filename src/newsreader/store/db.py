"""One open library file: the connection, its settings, transactions and errors.

Why these choices:

* WAL plus a 5 s busy timeout lets the TUI, a CLI `bookmark` and a `refresh`
  share the file without "database is locked" reaching anyone, and a SIGKILL
  at any moment leaves the last committed transaction intact.
* Every write is one explicit `BEGIN IMMEDIATE` transaction (`Database._write`),
  so a write either lands whole or not at all and never deadlocks upgrading a
  read lock. While another process holds the write lock, a write waits for it
  (up to the busy timeout) with this object's own lock released, so reads on
  other threads (the UI's) go on meanwhile; inside `Database.without_waiting`
  it raises `LibraryBusyError` at once instead, for callers that would rather
  hand the write to a thread than wait.
* Rows come back as `sqlite3.Row`, read by column name, so a query can gain or
  reorder columns without silently shifting values. The one exception is the
  list's hot path, which asks `Database._read_plain` for bare tuples (see
  `newsreader.store.listing`).
* A library on read-only media, in a read-only dir or on a full disk opens
  for reading only, still showing every committed transaction
  (`store/open_modes.py` says how; never a checkpoint).
* The library is private to its user: a new data dir is 0700, the files 0600,
  and an existing library is tightened on open. SQLite gives the `-wal` and
  `-shm` files the main file's mode, so creating that one 0600 is enough.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self
from urllib.parse import quote

from newsreader.errors import CorruptLibraryError, LibraryBusyError, StoreError
from newsreader.store.open_modes import READ_ONLY, OpenModes, side_file
from newsreader.store.schema import migrate
from newsreader.store.sqlite_errors import describe_error, is_corruption

BUSY_TIMEOUT_MS = 5000
"""Long enough that a second instance waits for a writer instead of failing."""

_BUSY_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})
"""Primary SQLite result codes meaning "another connection holds the lock"."""

_BUSY_PAUSE_MAX = 0.05
"""Longest sleep between tries for a held write lock (SQLite's own handler tops out near it)."""

BULK_CHECKPOINT_PAGES = 16384
"""WAL pages (64 MiB at 4 KiB pages) a bulk write lets build up before a checkpoint.

SQLite's default (1000 pages) checkpoints a dozen times during a big refresh,
each time copying pages (many rewritten again right after) and syncing; this
bound still keeps the WAL from growing without limit over a refresh of any size."""

BULK_CACHE_KIB = 16384
"""Page cache of the connection during a bulk write: the indexes being filled stay in memory,
instead of being written to the WAL and read back each time the default cache overflows.
A 64 MiB cache was no faster at 100k new articles (200 feeds x 500) and cost ~50 MB more."""

BULK_CHECKPOINT_ROWS = 1000
"""Rows a bulk write must change before its end checkpoints: a refresh that stored little
(feeds answering 304) leaves that to SQLite, as any small write does."""


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


def _uri(path: Path, params: str) -> str:
    return f"file:{quote(str(path.resolve()))}?{params}"


def _make_private(path: Path) -> None:
    """Create the data dir 0700 and the library file 0600; tighten an existing one.

    The folder is tightened only when it is ours and not a shared (sticky)
    folder such as /tmp, and never the home directory: closing those would
    break other things, and the files' own 0600 already keeps the content private.
    """
    folder = path.parent
    if not folder.exists():
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    else:
        _tighten(folder, 0o700, folder_rule=True)
    if not path.exists():
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for target in (path, side_file(path, "-wal"), side_file(path, "-shm")):
        _tighten(target, 0o600, folder_rule=False)


def _tighten(path: Path, most: int, *, folder_rule: bool) -> None:
    """Drop group and other permission bits from a file or folder we own."""
    try:
        info = path.stat()
        if info.st_uid != os.geteuid() or not stat.S_IMODE(info.st_mode) & 0o077:
            return
        if folder_rule and (info.st_mode & stat.S_ISVTX or path == Path.home()):
            return
        path.chmod(stat.S_IMODE(info.st_mode) & most)
    except OSError:
        pass  # not ours to change (or gone): the open goes on as before


class Database(OpenModes):
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
        self._local = threading.local()
        """Per thread: `wait` False inside `without_waiting`."""
        self._bulk_depth = 0
        """How many `bulk_writes` blocks are open (threads may share one, or nest them)."""
        self._bulk_saved: tuple[int, int, int, int] = (0, 0, 0, 0)
        """The connection's autocheckpoint, cache size, temp store and total changes when the
        bulk write began."""
        if not create and not self.path.exists():
            raise StoreError(f"{self.path}: no library here")
        existed = self.path.exists()
        self.read_only = existed and not (
            os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK)
        )
        """A library on read-only media, in a read-only dir or on a full disk opens for reading."""
        self.read_only_reason = READ_ONLY
        """What a write is told when the library is read-only."""
        self.notice: str | None = None
        """Something the user should be told on opening (disk full, changes not shown)."""
        self._private_copy: tempfile.TemporaryDirectory[str] | None = None
        if not self.read_only:
            try:
                _make_private(self.path)
            except OSError as exc:
                raise StoreError(
                    f"{self.path.parent}: cannot create data dir ({exc.strerror})"
                ) from None
        try:
            self._db = self._open(existed)
            migrate(self, on_upgrade)
        except sqlite3.DatabaseError as exc:
            self._close_quietly()
            message = f"{self.path}: {describe_error(exc)}"
            if is_corruption(exc):
                raise CorruptLibraryError(message) from None
            raise StoreError(message) from None
        except StoreError:
            self._close_quietly()
            raise

    # -- connection -------------------------------------------------------

    def _connect(self, path: Path, params: str | None) -> sqlite3.Connection:
        """One configured connection (`params`: URI parameters of a read-only open)."""
        try:
            if params is None:
                db = sqlite3.connect(
                    path,
                    timeout=BUSY_TIMEOUT_MS / 1000,
                    isolation_level=None,
                    check_same_thread=False,
                )
            else:
                db = sqlite3.connect(
                    _uri(path, params),
                    uri=True,
                    timeout=BUSY_TIMEOUT_MS / 1000,
                    isolation_level=None,
                    check_same_thread=False,
                )
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open library ({exc})") from None
        db.row_factory = sqlite3.Row
        self._db = db
        try:
            self._configure(writable=params is None)
        except BaseException:
            db.close()
            raise
        return db

    def _configure(self, *, writable: bool) -> None:
        db = self._db
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Reading the schema first makes a foreign or corrupt file fail here.
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        # Before anything writes (journal_mode = WAL rewrites the header): a
        # foreign SQLite file must be left byte for byte as it was.
        if self.schema_version() == 0 and self._has_foreign_tables():
            raise CorruptLibraryError(f"{self.path}: this SQLite file is not a newsreader library")
        if not writable:
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
            self._drop_private_copy()

    def _close_quietly(self) -> None:
        """Close after a failed open (there may be no connection yet)."""
        if hasattr(self, "_db"):
            self._db.close()
        self._drop_private_copy()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions -----------------------------------------------------

    @contextmanager
    def without_waiting(self) -> Iterator[None]:
        """Writes on this thread inside the block raise `LibraryBusyError` where they would wait.

        Why: the UI writes at once when the library is free and hands the
        write to its writer thread when it is not (another process or thread
        writing), so a held lock never stops the UI thread.
        """
        self._local.wait = False
        try:
            yield
        finally:
            self._local.wait = True

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction: all of it lands or none of it does."""
        if self.read_only:
            raise StoreError(f"{self.path}: {self.read_only_reason}")
        self._begin_immediate()
        try:
            yield self._db
            self._db.execute("COMMIT")
        except BaseException as exc:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"{self.path}: {describe_error(exc)}") from None
            raise
        finally:
            self._lock.release()

    @contextmanager
    def bulk_writes(self) -> Iterator[None]:
        """Many write transactions in a row (a refresh, an import): checkpoint once, at the end.

        Why: the WAL is copied into the library file at a checkpoint. By
        default SQLite does that every 1000 pages, which over a big refresh
        means many copies and syncs of pages that the next transaction
        rewrites, and the default page cache (8 MB) overflows into the WAL
        and is read back. Inside the block the checkpoint waits for
        `BULK_CHECKPOINT_PAGES`, the page cache is `BULK_CACHE_KIB`, and the
        journals that let a savepoint (one per feed of a batch) or a statement
        roll back are kept in memory rather than written to a temporary file
        (they are never needed after a crash: the WAL is what survives one); at the
        end of the outermost block (when it changed `BULK_CHECKPOINT_ROWS` rows
        or more) one checkpoint copies everything and truncates the WAL when
        no reader still needs it, so the library does not keep a WAL as big as
        the refresh. Every transaction commits as before: a kill keeps all of
        them, as it always did (a power cut, with `synchronous = NORMAL`, may
        lose the ones since the last checkpoint, as before). Setting `temp_store`
        drops the connection's TEMP tables, so none may be kept across a bulk
        write (the one there is, a read-only library's search index, never meets
        one: a read-only library has no bulk writes).
        """
        if self.read_only:
            yield
            return
        with self._lock:
            self._bulk_depth += 1
            if self._bulk_depth == 1:
                self._bulk_saved = (
                    int(self._db.execute("PRAGMA wal_autocheckpoint").fetchone()[0]),
                    int(self._db.execute("PRAGMA cache_size").fetchone()[0]),
                    int(self._db.execute("PRAGMA temp_store").fetchone()[0]),
                    self._db.total_changes,
                )
                self._db.execute(f"PRAGMA wal_autocheckpoint = {BULK_CHECKPOINT_PAGES}")
                self._db.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
                self._db.execute("PRAGMA temp_store = MEMORY")
        try:
            yield
        finally:
            with self._lock:
                self._bulk_depth -= 1
                if self._bulk_depth == 0:
                    self._end_bulk()

    def _end_bulk(self) -> None:
        """Restore the connection's settings and checkpoint after a bulk write that wrote much."""
        pages, cache, temp_store, changes = self._bulk_saved
        try:
            self._db.execute(f"PRAGMA wal_autocheckpoint = {pages}")
            self._db.execute(f"PRAGMA cache_size = {cache}")
            self._db.execute(f"PRAGMA temp_store = {temp_store}")
            wrote = self._db.total_changes - changes
        except sqlite3.Error:  # closed meanwhile (the app quit mid-refresh): nothing to restore
            return
        if wrote >= BULK_CHECKPOINT_ROWS:
            self.checkpoint()

    def checkpoint(self) -> bool:
        """Copy the WAL into the library and empty it, without waiting for anyone.

        A reader still on an older snapshot (the TUI) or another process
        writing makes it copy what it can and leave the rest for SQLite's own
        next checkpoint; never raises, since everything is committed already.
        Returns whether the WAL was emptied.
        """
        if self.read_only:
            return False
        with self._lock:
            if self._db.in_transaction:
                return False
            try:
                busy, _log, _done = self._at_once("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error:
                return False
            return not busy

    def _at_once(self, sql: str) -> Any:
        """Run `sql` with SQLite's busy wait off (a lock held elsewhere fails it at once, for
        the caller to wait its own way or give up); its first row, if any."""
        self._db.execute("PRAGMA busy_timeout = 0")
        try:
            return self._db.execute(sql).fetchone()
        finally:
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def _begin_immediate(self) -> None:
        """Take this object's lock and start the write transaction; the lock stays held.

        A write lock held by another connection is waited for here (up to
        `BUSY_TIMEOUT_MS`, read when the write starts) by retrying with
        SQLite's busy timeout at 0, releasing this object's lock between
        tries: SQLite's own busy wait would keep it, and with it every read
        of every other thread, for the whole wait.
        """
        wait = getattr(self._local, "wait", True)
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        pause = 0.001
        while True:
            if not self._lock.acquire(blocking=wait):
                raise LibraryBusyError(f"{self.path}: library is busy in this process")
            try:
                self._at_once("BEGIN IMMEDIATE")
                return
            except sqlite3.Error as exc:
                if self._db.in_transaction:  # begun, but the busy timeout was not restored
                    self._db.execute("ROLLBACK")
                self._lock.release()
                busy = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF in _BUSY_CODES
                if not busy:
                    raise StoreError(f"{self.path}: {describe_error(exc)}") from None
                if not wait:
                    raise LibraryBusyError(f"{self.path}: {describe_error(exc)}") from None
                if time.monotonic() >= deadline:
                    raise StoreError(f"{self.path}: {describe_error(exc)}") from None
            except BaseException:
                self._lock.release()
                raise
            time.sleep(pause)
            pause = min(pause * 2, _BUSY_PAUSE_MAX)

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

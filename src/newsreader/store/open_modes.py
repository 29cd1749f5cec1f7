"""Opening a library that cannot be written: read-only media or folder, or a full disk.

Why a module of its own: reading a library that must not (or cannot) be
written, and still showing every committed transaction, takes four ways of
opening, tried in order, each with its own failure; the connection itself,
its settings and transactions are `store/db.py`.

A library on read-only media or in a read-only dir opens for reading only,
and so does one on a full disk (a WAL reader must grow the `-shm` file, so
a normal open fails there with "disk I/O error"). Reading must still show
every committed transaction, including those still in the `-wal` file
(a writer killed before its checkpoint leaves them there), so the read-only
open tries, in order:

1. `mode=ro`: SQLite reads the WAL through the existing `-shm` (or one it
   may create). Works on read-only media whenever the writer left both files.
2. `immutable=1` when there is no WAL content (no `-wal`, or only its
   header): the main file then holds every committed transaction, and
   immutable needs neither lock nor `-shm`, so it works on any medium.
3. A private copy of the file and its `-wal` in a temp dir, opened there,
   where SQLite can build the `-shm` and recover the WAL. It costs a copy of
   the library, so it is the last way that shows everything, not the first.
4. `immutable=1` anyway (the copy had no room), with a notice that the
   last changes are not shown: stale but readable beats unreadable.

Never a checkpoint: that would write to a file we were told not to write.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Protocol, cast

from newsreader.store.sqlite_errors import describe_error

WAL_HEADER_BYTES = 32
"""A `-wal` file no longer than its header holds no transaction."""

LOW_SPACE_BYTES = 1 << 20
"""Free space below this (for this user) is what a failing open calls "disk full"."""

READ_ONLY = "library is read-only (no permission to write it or its folder)"

_FALLBACK_ERRORS = ("SQLITE_IOERR", "SQLITE_FULL", "SQLITE_READONLY", "SQLITE_CANTOPEN")
"""SQLite errors of a normal open that a read-only open may get past (full disk, shm)."""


def side_file(path: Path, suffix: str) -> Path:
    """The library's `-wal` or `-shm` file."""
    return path.with_name(path.name + suffix)


def _wal_has_content(path: Path) -> bool:
    try:
        return side_file(path, "-wal").stat().st_size > WAL_HEADER_BYTES
    except OSError:
        return False


def _low_on_space(folder: Path) -> bool:
    try:
        info = os.statvfs(folder)
    except OSError:
        return False
    return info.f_bavail * info.f_frsize < LOW_SPACE_BYTES


class _Connecting(Protocol):
    """What the opening needs of `Database`, named here so neither module imports the other."""

    def _connect(self, path: Path, params: str | None) -> sqlite3.Connection: ...


class OpenModes:
    """How `Database` opens its file: read-write when it can, else read-only (mixed in)."""

    # Set by `Database.__init__`, which says what each is for.
    path: Path
    read_only: bool
    read_only_reason: str
    notice: str | None
    _private_copy: tempfile.TemporaryDirectory[str] | None

    def _open(self, existed: bool) -> sqlite3.Connection:
        """The connection, read-write when it can be; read-only in the order above."""
        if not self.read_only:
            try:
                return cast("_Connecting", self)._connect(self.path, None)
            except sqlite3.OperationalError as exc:
                if not existed or not (exc.sqlite_errorname or "").startswith(_FALLBACK_ERRORS):
                    raise
                full = _low_on_space(self.path.parent)
                cause = "disk full" if full else describe_error(exc)
                self.read_only = True
                self.read_only_reason = (
                    f"{cause}: the library is open read-only and nothing was written"
                    f" (SQLite says: {exc})"
                )
                self.notice = f"{cause}: showing the library read-only; changes cannot be saved"
        return self._open_read_only()

    def _open_read_only(self) -> sqlite3.Connection:
        try:
            return cast("_Connecting", self)._connect(self.path, "mode=ro")
        except sqlite3.OperationalError:
            pass  # no usable -shm: read the main file or a copy below
        if not _wal_has_content(self.path):
            return cast("_Connecting", self)._connect(self.path, "mode=ro&immutable=1")
        try:
            return self._open_private_copy()
        except (OSError, sqlite3.OperationalError):
            self._drop_private_copy()
        wal = side_file(self.path, "-wal")
        self.notice = (
            f"{wal}: the last changes cannot be read here (no room for a private copy)"
            " and are not shown"
        )
        return cast("_Connecting", self)._connect(self.path, "mode=ro&immutable=1")

    def _open_private_copy(self) -> sqlite3.Connection:
        """Read the library and its WAL from copies in a private temp dir (removed on close)."""
        self._private_copy = tempfile.TemporaryDirectory(prefix="newsreader-read-only-")
        copy = Path(self._private_copy.name) / self.path.name
        for suffix in ("", "-wal"):
            source = self.path.with_name(self.path.name + suffix)
            with source.open("rb") as src:
                fd = os.open(copy.with_name(copy.name + suffix), os.O_WRONLY | os.O_CREAT, 0o600)
                with os.fdopen(fd, "wb") as dst:
                    shutil.copyfileobj(src, dst)
        return cast("_Connecting", self)._connect(copy, "mode=ro")

    def _drop_private_copy(self) -> None:
        if self._private_copy is not None:
            self._private_copy.cleanup()
            self._private_copy = None

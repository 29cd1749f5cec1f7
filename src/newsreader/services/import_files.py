"""Finding the files to import and reading them, safely, whatever the path holds.

A user may point the importer at anything: a folder thousands of levels
deep, a loop of bind mounts, a FIFO, `/dev/zero`, a file that grows while it
is read. The walk ends on every tree and the read is bounded and refuses
what is not a regular file, each with a one-line reason naming the path.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from newsreader.errors import ParseError
from newsreader.limits import MAX_DOCUMENT_BYTES, format_mb
from newsreader.services.import_kinds import KNOWN_SUFFIXES

MAX_FILE_BYTES = MAX_DOCUMENT_BYTES
"""Bigger files are refused before reading: no article or feed is that large."""


def iter_files(path: Path) -> Iterator[Path]:
    """Files under `path` worth trying, sorted, skipping hidden entries and junk suffixes.

    A path that is not a directory is yielded as it is, whatever it is, so that a
    FIFO or a device named on the command line is reported by `parse_file` rather
    than silently found to hold "nothing to import". The walk keeps its own stack
    instead of recursing (`os.walk` recurses once per level, and an archive
    1,000 folders deep raised `RecursionError`); symbolic links to folders are
    not entered, as `os.walk` did not enter them, and a folder reached twice (a
    bind mount of its own ancestor) is walked once, so every walk ends.
    """
    if not path.is_dir():
        yield path
        return
    seen: set[tuple[int, int]] = set()
    stack = [str(path)]
    while stack:
        folder = stack.pop()
        try:
            status = os.stat(folder)
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError:
            continue  # unreadable or vanished: skipped, as os.walk skipped it
        if (status.st_dev, status.st_ino) in seen:
            continue
        seen.add((status.st_dev, status.st_ino))
        subfolders: list[str] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if not entry.is_symlink():
                    subfolders.append(entry.path)
                continue
            if os.path.splitext(entry.name)[1].lower() in KNOWN_SUFFIXES:
                yield Path(entry.path)
        stack.extend(reversed(subfolders))  # popped in sorted order: a depth-first walk


_NOT_REGULAR = (
    (stat.S_ISDIR, "is a directory"),
    (stat.S_ISFIFO, "not a regular file (a FIFO)"),
    (stat.S_ISCHR, "not a regular file (a character device)"),
    (stat.S_ISBLK, "not a regular file (a block device)"),
    (stat.S_ISSOCK, "not a regular file (a socket)"),
)


def _refuse_unless_regular(path: Path, mode: int) -> None:
    """Raise the one-line reason a FIFO, device, socket or folder is not read.

    A FIFO blocks the reader until something writes to it, and `/dev/zero` or
    `/dev/urandom` never end, so reading them hung or ate all memory.
    """
    if stat.S_ISREG(mode):
        return
    for test, reason in _NOT_REGULAR:
        if test(mode):
            raise ParseError(f"{path}: {reason}")
    raise ParseError(f"{path}: not a regular file")


def read_capped(path: Path, cap: int) -> bytes:
    """A regular file's bytes, at most `cap` + 1 of them, refusing anything else unread.

    The type is checked (following symbolic links) before opening, and again on
    the open descriptor, which is opened non-blocking so a FIFO swapped in
    between the two cannot block. The read stops at `cap` + 1 bytes whatever the
    size said, so a file that grows while it is read still costs bounded memory;
    the caller tells "over the cap" by the length.
    """
    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise ParseError(f"{path}: no such file") from None
    except OSError as exc:
        raise ParseError(f"{path}: cannot read ({exc.strerror})") from None
    _refuse_unless_regular(path, status.st_mode)
    if status.st_size > cap:
        raise ParseError(_too_big(path, status.st_size, cap))
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise ParseError(f"{path}: no such file") from None
    except OSError as exc:
        raise ParseError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        _refuse_unless_regular(path, os.fstat(fd).st_mode)
        chunks: list[bytes] = []
        left = cap + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1024 * 1024))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except BlockingIOError:
        raise ParseError(f"{path}: cannot read (not ready)") from None
    except OSError as exc:
        raise ParseError(f"{path}: cannot read ({exc.strerror})") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > cap:
        raise ParseError(_too_big(path, None, cap))
    return data


def _too_big(path: Path, size: int | None, cap: int) -> str:
    limit = f"the {format_mb(cap)} MB limit"
    if size is None:
        return f"{path}: file is over {limit}"
    return f"{path}: file is {size / 1e6:.1f} MB, over {limit}"

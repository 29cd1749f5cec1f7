"""Import files and directories into the library, one bad file at a time.

A user points `newsreader import` at a pile of files: plain-text article
dumps, saved web pages, RSS/Atom files, OPML subscription lists. Each file is
parsed on its own; a broken one becomes a one-line error naming it and the
rest still land. The kind of a file is decided by its content first (feed files
lie about their extension), its suffix second.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple

from newsreader.errors import NewsreaderError, ParseError
from newsreader.limits import MAX_DOCUMENT_BYTES, format_mb
from newsreader.model.record import ArticleRecord, record_for
from newsreader.parse.jsonfeed import looks_like_json_feed
from newsreader.services.restore import looks_like_backup
from newsreader.store import Library

Kind = Literal["text", "html", "feed", "opml", "backup"]

MAX_FILE_BYTES = MAX_DOCUMENT_BYTES
"""Bigger files are refused before reading: no article or feed is that large."""

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
FEED_SUFFIXES = {".xml", ".rss", ".atom", ".rdf"}
OPML_SUFFIXES = {".opml"}
BACKUP_SUFFIXES = {".json"}
"""A JSON export read back (`services.restore`); other JSON files are reported, not skipped."""
KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | FEED_SUFFIXES | OPML_SUFFIXES | BACKUP_SUFFIXES


@dataclass(slots=True)
class FileResult:
    """What happened to one file."""

    path: str
    kind: Kind | None = None
    created: list[int] = field(default_factory=list)
    existing: list[int] = field(default_factory=list)
    feeds_added: list[str] = field(default_factory=list)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    titles: dict[int, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "created": self.created,
            "existing": self.existing,
            "feeds_added": self.feeds_added,
            "error": self.error,
            "warnings": self.warnings,
        }


@dataclass(slots=True)
class ImportReport:
    files: list[FileResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    """Errors not tied to a parsed file (missing path, empty directory)."""

    @property
    def created(self) -> int:
        return sum(len(f.created) for f in self.files)

    @property
    def existing(self) -> int:
        return sum(len(f.existing) for f in self.files)

    @property
    def failed(self) -> list[str]:
        return self.errors + [f.error for f in self.files if f.error]

    def to_dict(self) -> dict[str, Any]:
        return {
            "imported": self.created,
            "already_present": self.existing,
            "feeds_added": sum(len(f.feeds_added) for f in self.files),
            "errors": self.failed,
            "files": [f.to_dict() for f in self.files],
        }


def sniff_kind(head: bytes, suffix: str) -> Kind:
    """Decide what a file is from its first bytes, falling back on its suffix."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"\xff\xfe") or start.startswith(b"\xfe\xff"):
        start = head.decode("utf-16", "ignore").encode("utf-8", "ignore").lstrip().lower()
    if looks_like_json_feed(start):  # before the backup check: both are .json
        return "feed"
    if looks_like_backup(start, suffix):
        return "backup"
    if b"<opml" in start[:2048]:
        return "opml"
    if start.startswith(b"<?xml") or start.startswith(b"<rss") or start.startswith(b"<feed"):
        if b"<html" in start[:2048] and b"<rss" not in start[:2048]:
            return "html"
        return "feed" if suffix not in OPML_SUFFIXES else "opml"
    if start.startswith(b"<!doctype html") or start.startswith(b"<html"):
        return "html"
    if start.startswith(b"<!doctype") and (b"<rss" in start or b"<feed" in start):
        return "feed"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in FEED_SUFFIXES:
        return "feed"
    if suffix in OPML_SUFFIXES:
        return "opml"
    return "text"


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


def parse_file(path: Path, *, skip: frozenset[Kind] = frozenset()) -> tuple[Kind, Any, list[str]]:
    """Parse one file without storing it: (kind, articles or subscriptions, warnings)."""
    data = read_capped(path, MAX_FILE_BYTES)
    if not data.strip():
        raise ParseError(f"{path}: empty file")
    kind = sniff_kind(data[:4096], path.suffix.lower())
    if kind in skip:
        return kind, [], []
    name = str(path)
    if kind == "backup":
        from newsreader.services.restore import parse_backup

        backup, warnings = parse_backup(data, name=name)
        return kind, [backup], warnings
    if kind == "text":
        from newsreader.parse.text import decode_text, parse_text
        from newsreader.services.restore import refuse_markdown_export

        text, warnings = decode_text(data, name=name)
        refuse_markdown_export(text, name)
        article = parse_text(text, source=_source_for(path))
        article.warnings[:0] = warnings
        return kind, [article], list(article.warnings)
    if kind == "html":
        from newsreader.parse.html_page import parse_html

        article = parse_html(data, name=name)
        if not article.source:
            article.source = _source_for(path)
        return kind, [article], list(article.warnings)
    if kind == "feed":
        from newsreader.parse.feed import parse_feed

        feed = parse_feed(data, name=name)
        return kind, feed.entries, list(feed.warnings)
    from newsreader.parse.opml import parse_opml

    subscriptions, warnings = parse_opml(data, name=name)
    return kind, subscriptions, warnings


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


SAMPLES_SOURCE = "newsreader samples"


def _source_for(path: Path) -> str:
    """Plain files carry no publication name; the folder they sit in is the best hint.

    The bundled samples say what they are rather than "data" or "samples".
    """
    folder = _resolved(str(path.parent))
    if folder == _samples_folder():
        return SAMPLES_SOURCE
    return folder.name or path.name


@functools.lru_cache(maxsize=256)
def _resolved(folder: str) -> Path:
    """A folder's real path, once per folder: resolving every file cost 12 % of parsing."""
    return Path(folder).resolve()


@functools.cache
def _samples_folder() -> Path:
    from newsreader.paths import samples_dir

    return samples_dir().resolve()


def import_paths(
    library: Library,
    paths: Iterable[str | os.PathLike[str]],
    *,
    skip: frozenset[Kind] = frozenset(),
    on_file: Callable[[FileResult], None] | None = None,
    batch_size: int = 500,
    workers: int | None = None,
) -> ImportReport:
    """Import every file under `paths`; failures are reported, never raised.

    Parsing is CPU-bound, so big imports parse on every core; storing happens
    in transactions of `batch_size` articles, because one commit per file
    would cost more than the parsing. A file's result is final (and passed to
    `on_file`) once its batch has committed.
    """
    report = ImportReport()
    files: list[Path] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            report.errors.append(f"{path}: no such file or directory")
            continue
        found = list(iter_files(path))
        if not found:
            report.errors.append(f"{path}: nothing to import (no article, feed or OPML files)")
        files.extend(found)

    pending: list[tuple[FileResult, list[ArticleRecord]]] = []

    def flush() -> None:
        records = [record for _, items in pending for record in items]
        try:
            added = library.add_articles(records)
        except NewsreaderError as exc:
            for result, _ in pending:
                result.error = f"{result.path}: not stored: {exc}"
        else:
            position = 0
            for result, items in pending:
                for record, outcome in zip(
                    items, added[position : position + len(items)], strict=True
                ):
                    (result.created if outcome.created else result.existing).append(outcome.id)
                    result.titles[outcome.id] = record.title
                position += len(items)
        for result, _ in pending:
            report.files.append(result)
            if on_file:
                on_file(result)
        pending.clear()

    waiting = 0
    for result, items in _parse_all(files, skip, workers):
        if result.error or result.kind is None:
            report.files.append(result)
            if on_file:
                on_file(result)
            continue
        if result.kind in ("opml", "backup"):
            try:
                (_restore if result.kind == "backup" else _subscribe)(library, items, result)
            except NewsreaderError as exc:
                result.error = f"{result.path}: not stored: {exc}"
            report.files.append(result)
            if on_file:
                on_file(result)
            continue
        pending.append((result, items))
        waiting += len(items)
        if waiting >= batch_size:
            flush()
            waiting = 0
    if pending:
        flush()
    return report


PARALLEL_THRESHOLD = 64
"""Below this many files, starting worker processes costs more than it saves."""


def _parse_all(
    files: list[Path], skip: frozenset[Kind], workers: int | None
) -> Iterator[tuple[FileResult, list[Any]]]:
    """Parse files in order, in worker processes when there are many of them."""
    count = workers if workers is not None else (os.cpu_count() or 1)
    names = [str(path) for path in files]  # a str crosses to a worker faster than a Path
    if count > 1 and len(files) >= PARALLEL_THRESHOLD:
        from concurrent.futures import ProcessPoolExecutor

        _preload_parsers(files)

        with _terminate_raises():  # before the fork: no moment with workers and no handler
            pool = ProcessPoolExecutor(
                max_workers=count, initializer=_start_worker, initargs=(os.getpid(),)
            )
            try:
                parsed = pool.map(_parse_one, names, [skip] * len(names), chunksize=32)
                for name, outcome in zip(names, parsed, strict=True):
                    yield outcome.result(name)
            except BaseException:  # GeneratorExit too: the consumer stopped or is unwinding
                _stop_workers(pool)
                raise
            pool.shutdown(wait=True)
        return
    for name in names:
        yield _parse_one(name, skip).result(name)


class ImportTerminated(SystemExit):
    """SIGTERM arrived during a parallel import: unwind, stop the workers, exit 143.

    A `SystemExit` so the CLI's handlers let it through untouched while every
    `with` on the way (the library above all) closes; committed batches stay.
    """

    def __init__(self) -> None:
        super().__init__(128 + signal.SIGTERM)


@contextlib.contextmanager
def _terminate_raises() -> Iterator[None]:
    """Turn SIGTERM into `ImportTerminated` while workers run, if nobody else handles it.

    Only in the main thread (the only one that may set handlers) and only over
    the default action, so a host application's own handler is left alone.
    """
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    ):
        yield
        return

    def terminated(signum: int, frame: object) -> None:
        raise ImportTerminated

    signal.signal(signal.SIGTERM, terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _stop_workers(pool: Any) -> None:
    """Stop a pool at once on the way out (an error, Ctrl-C, SIGTERM) instead of letting
    it parse every file still queued; a worker stuck in one file is terminated."""
    pool.shutdown(wait=False, cancel_futures=True)
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(timeout=5)


PARENT_POLL_SECONDS = 0.5
"""How often a worker without `prctl` checks that the process that started it lives."""


def _start_worker(parent: int) -> None:
    """Worker initializer: die with the parent, and leave signals to the parent.

    A parent killed by SIGKILL (the OOM killer, `timeout -s KILL`, systemd) runs
    no clean-up, and workers blocked on the task queue never see it end: other
    workers hold its write end open. So on Linux the kernel is asked to SIGKILL
    the worker when its parent dies, with a `getppid()` check for a parent that
    died before the request; elsewhere a thread polls `getppid()`. Ctrl-C goes
    to the whole process group: the parent alone decides, and stops the workers.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if not _kill_me_with_parent():
        watch_parent(parent)
    if os.getppid() != parent:
        os._exit(1)


def _kill_me_with_parent() -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; False where it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    pr_set_pdeathsig = 1
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def watch_parent(parent: int, *, interval: float = PARENT_POLL_SECONDS) -> None:
    """Exit this process soon after `parent` dies (the portable fallback to `prctl`).

    An orphan is re-parented, so its `getppid()` stops being `parent`.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(1)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def _preload_parsers(files: list[Path]) -> None:
    """Import the parsers these files will likely need before the workers fork.

    Workers forked after the import share it; otherwise each imports its own
    copy (60 ms for the text parser, far more for HTML) while parsing.
    """
    import importlib

    suffixes = {path.suffix.lower() for path in files}
    modules = ["newsreader.parse.text"]  # every import has text files, or files sniffed as text
    if suffixes & HTML_SUFFIXES:
        modules.append("newsreader.parse.html_page")
    if suffixes & FEED_SUFFIXES:
        modules.append("newsreader.parse.feed")
    for name in modules:
        importlib.import_module(name)


class _Parsed(NamedTuple):
    """One file's outcome as a worker sends it back: plain values, cheap to pickle.

    Articles arrive as `ArticleRecord`s, ready for the store, so the single
    writer process runs SQL and little else.
    """

    kind: Kind | None
    items: list[Any]
    warnings: list[str]
    error: str | None = None

    def result(self, path: str) -> tuple[FileResult, list[Any]]:
        result = FileResult(path=path, kind=self.kind, error=self.error, warnings=self.warnings)
        return result, self.items


def _parse_one(name: str, skip: frozenset[Kind]) -> _Parsed:
    """Parse one file into its kind and items; never raises (runs in workers too)."""
    path = Path(name)
    try:
        kind, items, warnings = parse_file(path, skip=skip)
    except NewsreaderError as exc:
        return _Parsed(None, [], [], str(exc))
    except RecursionError:
        return _Parsed(None, [], [], f"{path}: document nested too deeply to read")
    except MemoryError:
        return _Parsed(None, [], [], f"{path}: document too large to read")
    if kind not in ("opml", "backup"):
        items = [record_for(article) for article in items]
    return _Parsed(kind, items, warnings)


def import_file(library: Library, path: Path, *, skip: frozenset[Kind] = frozenset()) -> FileResult:
    """Import a single file (used where one file is all there is)."""
    report = import_paths(library, [path], skip=skip, workers=1)
    if report.files:
        return report.files[0]
    return FileResult(path=str(path), error="; ".join(report.errors) or None)


def _subscribe(library: Library, subscriptions: list[Any], result: FileResult) -> None:
    from newsreader.urls import is_safe_web_url

    wanted: list[Any] = []
    for sub in subscriptions:
        if not is_safe_web_url(sub.url):
            result.warnings.append(f"{result.path}: skipped {sub.url!r}: not an http(s) URL")
            continue
        wanted.append(sub)
    # One transaction for the whole list: one per feed made big OPML files crawl.
    created = library.add_feeds((sub.url, sub.title, sub.tags) for sub in wanted)
    result.feeds_added.extend(sub.url for sub, new in zip(wanted, created, strict=True) if new)


def _restore(library: Library, items: list[Any], result: FileResult) -> None:
    """A JSON export: its feeds, articles and state, merged into the library."""
    from newsreader.services.restore import restore_backup

    restore_backup(library, items[0], result)

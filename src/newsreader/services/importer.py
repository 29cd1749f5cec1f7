"""Import files and directories into the library, one bad file at a time.

A user points `newsreader import` at a pile of files: plain-text article
dumps, saved web pages, RSS/Atom files, OPML subscription lists. Each file is
parsed on its own; a broken one becomes a one-line error naming it and the
rest still land. The kind of a file is decided by its content first (feed files
lie about their extension), its suffix second.

This module is the use case: gather the files, store what they hold in
batches, report per file. Walking and reading files (`import_files`), telling
their kind (`import_kinds`), parsing one (`import_parse`) and the worker
processes (`import_pool`) live beside it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsreader.errors import NewsreaderError
from newsreader.model.record import ArticleRecord
from newsreader.services.import_files import iter_files
from newsreader.services.import_kinds import Kind
from newsreader.services.import_parse import parse_file
from newsreader.services.import_pool import parse_all, terminate_raises
from newsreader.store import Library

__all__ = ["FileResult", "ImportReport", "import_paths", "parse_file"]
"""`parse_file` is part of the importer's face (the CLI's `show FILE` parses without storing)."""


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

    # SIGTERM while parsing or storing: stop, exit 143. One bulk write: the WAL is
    # checkpointed once at the end, not every few batches.
    with terminate_raises(), library.bulk_writes():
        waiting = 0
        for name, parsed in parse_all(files, skip, workers):
            result = FileResult(
                path=name, kind=parsed.kind, error=parsed.error, warnings=parsed.warnings
            )
            items = parsed.items
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

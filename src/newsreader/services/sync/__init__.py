"""Sync with a feed server (Miniflux, Google Reader API, Tiny Tiny RSS): offline first.

The library stays the place you read from; the server is the shared state
between devices. Local actions wait in the outbox (queued by the store's
triggers in the same transaction as the change), and one `sync`:

1. pushes the outbox in order, removing each action only once the server
   acknowledged it, so a sync killed at any moment loses nothing, and a
   repeated action sets the same state again (backends set, never flip);
2. pulls the subscriptions (folders become tags), then new and changed
   entries page by page, each page stored with its cursor in one
   transaction, so memory stays bounded and a killed sync resumes;
3. resolves conflicts by time: the most recent change to an article's read
   or starred state wins; an article deleted on the server keeps its local
   copy and bookmark (nothing here deletes articles).

`backend.SyncBackend` is what each server implements.
"""

from __future__ import annotations

import importlib
import os
import shlex
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from newsreader.model.article import Article
from newsreader.services.sync.backend import (
    RemoteEntry,
    SyncAuthError,
    SyncBackend,
    SyncCredentials,
    SyncError,
    SyncRejectedError,
)
from newsreader.store.outbox import OutboxEntry
from newsreader.store.sync_apply import PulledEntry

if TYPE_CHECKING:
    from newsreader.config import Config, SyncSettings
    from newsreader.store import Library

__all__ = [
    "SyncAuthError",
    "SyncError",
    "SyncReport",
    "make_backend",
    "resolve_password",
    "sync",
    "sync_status",
]

PASSWORD_ENV = "NEWSREADER_SYNC_PASSWORD"
PAGE_SIZE = 100
PUSH_BATCH = 500
PASSWORD_COMMAND_TIMEOUT = 60.0

BACKENDS: dict[str, tuple[str, str]] = {
    "miniflux": ("newsreader.services.sync.miniflux", "MinifluxBackend"),
    "greader": ("newsreader.services.sync.greader", "GReaderBackend"),
    "ttrss": ("newsreader.services.sync.ttrss", "TTRSSBackend"),
}
"""Each `[sync] service` and the module and class that speak it (loaded when used)."""

Progress = Callable[[str, int, int | None], None]
"""`progress(stage, done, total)`: stage is "push", "feeds" or "entries"."""


@dataclass(slots=True)
class SyncReport:
    """What one sync did, for the CLI's summary, `--json` and the status bar."""

    service: str
    url: str
    pushed: int = 0
    rejected: list[str] = field(default_factory=list)
    feeds_added: int = 0
    feeds_removed: int = 0
    new: int = 0
    read_changed: int = 0
    star_changed: int = 0
    requests: int = 0
    outbox: int = 0
    elapsed: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "url": self.url,
            "pushed": self.pushed,
            "rejected": list(self.rejected),
            "feeds_added": self.feeds_added,
            "feeds_removed": self.feeds_removed,
            "new": self.new,
            "read_changed": self.read_changed,
            "star_changed": self.star_changed,
            "requests": self.requests,
            "outbox": self.outbox,
            "elapsed": round(self.elapsed, 3),
        }


def resolve_password(settings: SyncSettings) -> str:
    """The password: `NEWSREADER_SYNC_PASSWORD`, else `password_command`'s first line.

    The command runs by argv (`shlex.split`, never a shell); its output is
    never echoed in an error, only its exit status.
    """
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env:
        return from_env
    if not settings.password_command:
        raise SyncError(
            f"no sync password: set password_command in [sync] or {PASSWORD_ENV} in the environment"
        )
    try:
        argv = shlex.split(settings.password_command)
    except ValueError as exc:
        raise SyncError(f"password_command cannot be split into words ({exc})") from None
    if not argv:
        raise SyncError("password_command is empty")
    try:
        done = subprocess.run(
            argv,
            capture_output=True,
            timeout=PASSWORD_COMMAND_TIMEOUT,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except FileNotFoundError:
        raise SyncError(f"password_command: {argv[0]}: command not found") from None
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SyncError(f"password_command: {argv[0]} failed ({type(exc).__name__})") from None
    if done.returncode != 0:
        raise SyncError(f"password_command: {argv[0]} exited with status {done.returncode}")
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    if not lines or not lines[0]:
        raise SyncError(f"password_command: {argv[0]} printed no password")
    return lines[0]


def make_backend(settings: SyncSettings, password: str | None = None) -> SyncBackend:
    """The backend of `settings.service`, with the password resolved when not given."""
    try:
        module_name, class_name = BACKENDS[settings.service]
    except KeyError:
        raise SyncError(f"unknown sync service {settings.service!r}") from None
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        raise SyncError(f"sync service {settings.service!r} is not implemented yet") from None
    credentials = SyncCredentials(
        service=settings.service,
        url=settings.url,
        username=settings.username,
        password=resolve_password(settings) if password is None else password,
    )
    backend: SyncBackend = getattr(module, class_name)(credentials)
    return backend


def sync_status(library: Library, settings: SyncSettings | None) -> dict[str, Any]:
    """`{"service", "url", "last_sync", "outbox", "last_error"}` (no password, ever)."""
    status = library.sync_status()
    return {
        "service": settings.service if settings else None,
        "url": settings.url if settings else None,
        "last_sync": status.get("last_sync"),
        "outbox": library.outbox_size(),
        "last_error": status.get("last_error"),
    }


def sync(
    library: Library,
    config: Config,
    *,
    backend: SyncBackend | None = None,
    progress: Progress | None = None,
    page_size: int = PAGE_SIZE,
) -> SyncReport:
    """Push the outbox, then pull subscriptions, entries and state. See the module docstring.

    Raises `SyncError` (a `NewsreaderError`) when the server cannot be used;
    the outbox is then untouched and the error saved for `sync --status`.
    """
    settings = config.sync
    if settings is None:
        raise SyncError("sync is not configured: add a [sync] table to config.toml")
    started = time.monotonic()
    report = SyncReport(settings.service, settings.url)
    library.enable_sync(settings.service, settings.url)
    try:
        if backend is None:
            backend = make_backend(settings)
        try:
            backend.login()
            _push(library, backend, report, progress)
            _pull(library, backend, report, progress, page_size)
        finally:
            report.requests = backend.requests_made
            backend.close()
    except SyncError as exc:
        library.update_sync_status(last_error=str(exc), last_attempt=_now())
        raise
    library.update_sync_status(last_sync=_now(), last_error=None, last_attempt=_now())
    report.outbox = library.outbox_size()
    report.elapsed = time.monotonic() - started
    return report


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# -- push -----------------------------------------------------------------------


def _push(
    library: Library, backend: SyncBackend, report: SyncReport, progress: Progress | None
) -> None:
    total = library.outbox_size()
    if not total:
        return
    cursor = library.sync_status().get("cursor")
    after = 0
    while True:
        batch = library.outbox_entries(after=after, limit=PUSH_BATCH)
        if not batch:
            return
        after = batch[-1].id
        _push_batch(library, backend, batch, cursor, report)
        if progress is not None:
            progress("push", report.pushed, total)


def _push_batch(
    library: Library,
    backend: SyncBackend,
    batch: list[OutboxEntry],
    cursor: str | None,
    report: SyncReport,
) -> None:
    """Feeds one by one in order; read/star changes grouped by value, each group acked."""
    state = [e for e in batch if e.kind in ("read", "star") and e.remote_id]
    stale = [e.id for e in batch if e.kind in ("read", "star") and not e.remote_id]
    newer = backend.remote_state([e.remote_id for e in state if e.remote_id], cursor)
    for entry in batch:
        if entry.kind == "subscribe":
            _push_subscribe(library, backend, entry, report)
        elif entry.kind == "unsubscribe":
            if entry.remote_id:
                backend.unsubscribe(entry.remote_id)
            library.outbox_done([entry.id])
            report.pushed += 1
        elif entry.kind not in ("read", "star"):
            stale.append(entry.id)
    groups: dict[tuple[str, int], list[OutboxEntry]] = {}
    for entry in state:
        remote = newer.get(entry.remote_id or "")
        if remote is not None and (remote.changed_at or 0.0) > entry.changed_at:
            stale.append(entry.id)  # changed on another device later: that change wins
            continue
        groups.setdefault((entry.kind, int(entry.value or 0)), []).append(entry)
    for (kind, value), entries in groups.items():
        ids = [e.remote_id for e in entries if e.remote_id]
        if kind == "read":
            backend.set_read(ids, bool(value))
        else:
            backend.set_starred(ids, bool(value))
        library.outbox_done(e.id for e in entries)
        report.pushed += len(entries)
    if stale:
        library.outbox_done(stale)


def _push_subscribe(
    library: Library, backend: SyncBackend, entry: OutboxEntry, report: SyncReport
) -> None:
    if entry.feed_id is None or entry.feed_id in library.local_only_feed_ids() or not entry.url:
        library.outbox_done([entry.id])
        return
    try:
        remote = backend.subscribe(entry.url, entry.folder)
    except SyncRejectedError as exc:
        report.rejected.append(str(exc))
        library.outbox_done([entry.id])
        return
    library.bind_feed(entry.feed_id, remote.id, entry.id)
    report.pushed += 1


# -- pull -----------------------------------------------------------------------


def _pull(
    library: Library,
    backend: SyncBackend,
    report: SyncReport,
    progress: Progress | None,
    page_size: int,
) -> None:
    remote_feeds = backend.feeds()
    if progress is not None:
        progress("feeds", len(remote_feeds), len(remote_feeds))
    report.feeds_added, report.feeds_removed = library.apply_remote_feeds(
        [(f.id, f.url, f.title, f.site_url, f.folder) for f in remote_feeds]
    )
    titles = {f.id: f.title for f in remote_feeds}
    cursor = library.sync_status().get("cursor")
    done = 0
    for page in backend.pull(cursor, page_size):
        pulled = [_pulled(entry, titles.get(entry.feed_id, "")) for entry in page.entries]
        result = library.apply_remote_page(pulled, {"cursor": page.cursor})
        report.new += result.new
        report.read_changed += result.read_changed
        report.star_changed += result.star_changed
        done += len(pulled)
        if progress is not None:
            progress("entries", done, page.total)
    snapshot = backend.state_snapshot()
    if snapshot is not None:
        # Only the entries of feeds the server still lists: an entry that is
        # missing from a snapshot because the server deleted it (its feed
        # removed there) keeps its local copy, read state and bookmark.
        feeds = frozenset(titles)
        starred = _starred_or_gone(library, backend, snapshot.starred, feeds)
        result = library.apply_state_snapshot(snapshot.unread, starred, feeds=feeds)
        report.read_changed += result.read_changed
        report.star_changed += result.star_changed


def _starred_or_gone(
    library: Library, backend: SyncBackend, starred: frozenset[str], feeds: frozenset[str]
) -> frozenset[str]:
    """The snapshot's starred ids plus the local bookmarks the server no longer has.

    A starred list cannot tell "unstarred on another device" from "deleted or
    purged on the server" (its feed still listed). The bookmarks missing from
    it are asked about by id, and only those the server still has are
    un-starred: a deleted entry keeps its bookmark here. With nothing
    unstarred elsewhere this asks nothing.
    """
    missing = library.bookmarked_remote_ids(feeds=feeds) - starred
    if not missing:
        return starred
    gone = missing - backend.existing_ids(sorted(missing))
    return starred | gone


def _pulled(entry: RemoteEntry, source: str) -> PulledEntry:
    """A server entry as an article (its HTML converted like a feed entry's)."""
    from newsreader.parse.html_blocks import html_to_blocks
    from newsreader.sanitize import clean_line

    key_points, blocks = html_to_blocks(entry.content_html)
    title = clean_line(entry.title)
    if not title:
        words = " ".join(block.text for block in blocks[:1]).split()[:12]
        title = " ".join(words) or entry.url or f"entry {entry.id}"
    published = None
    if entry.published:
        try:
            published = datetime.fromisoformat(entry.published.replace("Z", "+00:00"))
        except ValueError:
            published = None
    article = Article(
        title=title,
        blocks=blocks,
        key_points=key_points,
        source=source,
        url=entry.url,
        published=published,
        guid=entry.guid or f"{entry.feed_id}:{entry.id}",
        author=entry.author,
    )
    return PulledEntry(
        remote_id=entry.id,
        remote_feed_id=entry.feed_id,
        article=article,
        read=entry.read,
        starred=entry.starred,
        changed_at=entry.changed_at,
    )

"""What every sync backend (Miniflux, Google Reader API, Tiny Tiny RSS) implements.

Why a Protocol with plain values: the sync core (`newsreader.services.sync`)
owns the outbox, the library and the conflict rule; a backend only speaks
one server's protocol. So a backend never sees the library, and the core
never sees HTTP. Remote ids are strings whatever the server uses (Miniflux's
integers, Google Reader's long item ids), so the core stores them as text.

Errors: a backend raises `SyncAuthError` when the server refuses the
credentials and `SyncError` for anything else that stops the sync (network,
timeout, 5xx, a malformed answer). Both are `NewsreaderError`s, so the CLI
prints their one line and exits 1; the core keeps the outbox untouched.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from newsreader.errors import NewsreaderError


class SyncError(NewsreaderError):
    """The server could not be reached or answered something unusable; nothing was lost."""


class SyncAuthError(SyncError):
    """The server refused the username or password."""


class SyncRejectedError(SyncError):
    """The server refused one action for good (a feed URL it cannot subscribe).

    The core drops that action from the outbox, says so in the report, and
    goes on: retrying it could never succeed and would block every later one.
    """


@dataclass(frozen=True, slots=True)
class SyncCredentials:
    """Where and who to sync as. `password` is never logged, printed or stored."""

    service: str
    url: str
    username: str
    password: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class RemoteFeed:
    """One subscription on the server; `folder` becomes the local feed's tag."""

    id: str
    url: str
    title: str
    site_url: str | None = None
    folder: str | None = None


@dataclass(frozen=True, slots=True)
class RemoteEntry:
    """One entry as the server holds it, with its state.

    `changed_at` is the server's time (Unix seconds) of the entry's last
    read/starred change when the server knows it, else None; the core uses it
    for "the most recent change wins".
    """

    id: str
    feed_id: str
    title: str
    url: str | None = None
    guid: str | None = None
    content_html: str = ""
    author: str | None = None
    published: str | None = None
    """ISO 8601, as the server gave it (or None)."""
    read: bool = False
    starred: bool = False
    changed_at: float | None = None


@dataclass(frozen=True, slots=True)
class EntryPage:
    """A bounded page of new or changed entries and the cursor to keep once it is stored.

    The core stores the page, then saves `cursor` in the same transaction, so
    a sync killed between pages resumes after the last stored page.
    """

    entries: Sequence[RemoteEntry]
    cursor: str
    total: int | None = None
    """How many entries the whole pull holds, when the server says (for progress)."""


@dataclass(frozen=True, slots=True)
class StateSnapshot:
    """Complete sets of unread and starred entry ids, for servers that list ids cheaply.

    A backend whose `pull` already carries each changed entry's state returns
    None from `state_snapshot` instead. An id the library knows that is absent
    from `unread` is read; absent from `starred`, not starred, unless
    `existing_ids` says the server no longer has it (then its bookmark stays).
    """

    unread: frozenset[str]
    starred: frozenset[str]


@runtime_checkable
class SyncBackend(Protocol):
    """One server's protocol. Every method may raise `SyncError` / `SyncAuthError`.

    Writes must be idempotent in effect: the core may repeat a write whose
    answer was lost (a SIGKILL or timeout after the server applied it), so
    "mark read" and "star" set a state rather than flip it.
    """

    service: str
    """The `[sync] service` name ("miniflux", "greader", "ttrss")."""

    requests_made: int
    """HTTP requests sent so far (tests and the benchmark count them)."""

    def login(self) -> None:
        """Check the credentials (and fetch a session or token); `SyncAuthError` if refused."""
        ...

    def feeds(self) -> list[RemoteFeed]:
        """Every subscription, with its folder."""
        ...

    def subscribe(self, url: str, folder: str | None = None) -> RemoteFeed:
        """Subscribe (or return the existing subscription of that URL)."""
        ...

    def unsubscribe(self, feed_id: str) -> None:
        """Unsubscribe; a feed that is already gone is not an error."""
        ...

    def mark_feed_read(self, feed_id: str, before: float | None = None) -> None:
        """Mark a feed's entries read (all of them, or those published up to `before`)."""
        ...

    def set_read(self, entry_ids: Sequence[str], read: bool) -> None:
        """Set entries read or unread; ids the server no longer has are ignored."""
        ...

    def set_starred(self, entry_ids: Sequence[str], starred: bool) -> None:
        """Star or unstar entries (set, never toggle blindly)."""
        ...

    def remote_state(self, entry_ids: Sequence[str], cursor: str | None) -> dict[str, RemoteEntry]:
        """Entries among `entry_ids` changed on the server since `cursor`, with their state.

        Asked before pushing local state changes, so a newer change made on
        another device wins over an older one waiting in the outbox. A backend
        that cannot tell returns {} (the local change then wins).
        """
        ...

    def existing_ids(self, entry_ids: Sequence[str]) -> set[str]:
        """The ids among `entry_ids` the server still has (deleted or purged ones left out).

        Asked before a state snapshot un-stars anything: an id missing from a
        starred list is either unstarred or gone, and a gone one keeps its
        local bookmark.
        """
        ...

    def pull(self, cursor: str | None, page_size: int) -> Iterator[EntryPage]:
        """New and changed entries since `cursor` (None: everything), page by page."""
        ...

    def state_snapshot(self) -> StateSnapshot | None:
        """Complete unread/starred id sets, or None when `pull` carries state."""
        ...

    def close(self) -> None:
        """Release the HTTP client."""
        ...

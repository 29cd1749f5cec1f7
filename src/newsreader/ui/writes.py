"""The UI's store writes, and the store failures it shows instead of dying.

Why: every key that changes the library (`b`, `m`, enter, `J`/`K`/`n`/`p`,
`A`/`C`/`u`, `f`, choosing a feed) used to write on the UI thread and wait
there for another process's write lock (the busy timeout): the whole UI froze
for seconds per key, and a failure (a read-only or full disk, a corrupt file)
escaped as a traceback. Now:

* A write runs at once when the library is free (`Library.without_waiting`),
  which costs what it always did, so the common case is still committed
  before the key returns. When another process or thread holds the lock, it
  goes to one writer thread instead, which waits for it; writes queued behind
  it keep their order, so `b b b` ends in the state the screen shows.
* The screen shows the change at once (optimistically). A write that fails
  becomes one notification saying what and why, and the screen goes back to
  what the store really holds (`failed`), unless a later write of the same
  thing is still queued (it decides).
* Settings (the filter, the feed, the last article) that cannot be saved are
  said once, not per key: the screen keeps the user's choice either way.
* `GuardedRows` does the same for the list's reads: a page that cannot be read
  (a corrupt region of the file) is a notification and blank rows, not a crash.

Cursor moves never come here: only actual writes do.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from newsreader.errors import LibraryBusyError, NewsreaderError

if TYPE_CHECKING:
    from newsreader.model.library import ArticleRow, ListQuery
    from newsreader.store import Library

T = TypeVar("T")

FAILURE_SHOWN_FOR = 8.0
"""Seconds a failure notification stays up; the same text is not repeated meanwhile."""
CLOSE_WAIT = 2.0
"""Seconds quitting waits for queued writes to land (past it they are given up)."""


class _Poster(Protocol):
    """What `Writes` needs of the app: thread-safe calls and notifications (Textual's `App`)."""

    def call_later(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> bool: ...

    def notify(
        self,
        message: str,
        *,
        title: str = ...,
        severity: Any = ...,
        timeout: float | None = ...,
        markup: bool = ...,
    ) -> None: ...


@dataclass(eq=False)
class _Job(Generic[T]):
    """One queued write and what to do on the UI thread when it has run."""

    run: Callable[[], T]
    what: str
    key: Hashable
    done: Callable[[T], None] | None
    failed: Callable[[], None] | None
    setting: bool = False


class Writes:
    """The UI's store writes: at once when the library is free, else on one writer thread."""

    def __init__(self, library: Library, app: _Poster) -> None:
        self.library = library
        self._app = app
        self._queue: queue.SimpleQueue[_Job[Any] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._queued = 0
        """Jobs handed to the thread whose outcome the UI thread has not seen (UI thread only)."""
        self._pending: Counter[Hashable] = Counter()
        """Queued jobs by key, to know whether a failed one was the last word (UI thread only)."""
        self._settings: dict[str, Any] = {}
        """The latest value of each setting whose write is queued (guarded by `_settings_lock`)."""
        self._settings_lock = threading.Lock()
        self._settings_failed = False
        self._shown: dict[str, float] = {}
        """Failure text -> when it was last shown."""

    # -- writes -------------------------------------------------------------

    def write(
        self,
        run: Callable[[], T],
        *,
        what: str,
        key: Hashable = None,
        done: Callable[[T], None] | None = None,
        failed: Callable[[], None] | None = None,
    ) -> bool:
        """Run `run` (one store write), now or on the writer thread after the writes before it.

        `what` starts the failure notification ("Bookmark not saved");
        `done(result)` and `failed()` run on the UI thread when it has landed
        or failed (inline when it ran at once). `key` names what it changes
        (e.g. `("bookmark", id)`): `failed` is skipped while a later write of
        the same key is queued. Returns False when it failed at once.
        """
        job = _Job(run, what, key, done, failed)
        if self._queued == 0:
            try:
                with self.library.without_waiting():
                    result = run()
            except LibraryBusyError:
                pass  # the writer thread waits for the lock instead of this one
            except NewsreaderError as exc:
                self._finish(job, None, exc, queued=False)
                return False
            else:
                self._finish(job, result, None, queued=False)
                return True
        self._enqueue(job)
        return True

    def save_setting(self, key: str, value: Any) -> None:
        """Remember a UI setting; only the latest value of a queued one is written."""
        with self._settings_lock:
            if key in self._settings:
                self._settings[key] = value
                return
        if self._queued == 0:
            try:
                with self.library.without_waiting():
                    self.library.set_state(key, value)
            except LibraryBusyError:
                pass
            except NewsreaderError as exc:
                self._setting_failed(exc)
                return
            else:
                self._settings_failed = False
                return
        with self._settings_lock:
            self._settings[key] = value
        job: _Job[None] = _Job(
            lambda: self._write_setting(key), "Settings not saved", ("setting", key), None, None
        )
        job.setting = True
        self._enqueue(job)

    def warm_up(self, key: str, value: Any) -> None:
        """Save setting `key` again with `value`, the value it holds, on the writer thread, quietly.

        Why: the first commit after the library is opened starts SQLite's
        write-ahead log afresh and waits for the disk to sync its header. The
        first key that writes paid for it: Enter, marking the article read,
        before the article showed. Done while the user looks at the list, on
        the writer thread, it is out of the way. Nothing depends on it: a busy
        or read-only library is left alone and a failure is not shown.
        """
        if self._queued or self.library.read_only:
            return

        def run() -> None:
            with contextlib.suppress(NewsreaderError), self.library.without_waiting():
                self.library.set_state(key, value)

        self._enqueue(_Job(run, "Settings not saved", ("warm-up", key), None, None))

    def setting(self, key: str, default: Any = None) -> Any:
        """A setting as the user last chose it: its queued value, else the stored one."""
        with self._settings_lock:
            if key in self._settings:
                return self._settings[key]
        return self.library.get_state(key, default)

    def _write_setting(self, key: str) -> None:
        """On the writer thread: the latest value asked for (later ones queue a new job)."""
        with self._settings_lock:
            value = self._settings.pop(key)
        self.library.set_state(key, value)

    def _enqueue(self, job: _Job[Any]) -> None:
        self._queued += 1
        self._pending[job.key] += 1
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._drain, name="newsreader-writes", daemon=True
            )
            self._thread.start()
        self._queue.put(job)

    def _drain(self) -> None:
        """The writer thread: each job in order; outcomes go back to the UI thread."""
        while (job := self._queue.get()) is not None:
            result: Any = None
            error: Exception | None = None
            try:
                result = job.run()
            except Exception as exc:  # a failed write must never end the writer
                error = exc
            self._app.call_later(self._finish, job, result, error, queued=True)

    def _finish(
        self, job: _Job[Any], result: Any, error: Exception | None, *, queued: bool
    ) -> None:
        """On the UI thread: show the outcome of a write that ran."""
        last = True
        if queued:
            self._queued -= 1
            self._pending[job.key] -= 1
            last = self._pending[job.key] <= 0
            if last:
                del self._pending[job.key]
        if error is None:
            if job.setting:
                self._settings_failed = False
            if job.done is not None:
                job.done(result)
            return
        if job.setting:
            self._setting_failed(error)
            return
        self.report(f"{job.what}: {_reason(error)}")
        if last and job.failed is not None:
            job.failed()

    def _setting_failed(self, error: Exception) -> None:
        if self._settings_failed:
            return
        self._settings_failed = True
        self.report(
            f"Settings not saved (the filter, feed and last article will not be"
            f" remembered): {_reason(error)}",
            severity="warning",
        )

    def close(self, wait: float = CLOSE_WAIT) -> None:
        """Let queued writes land (for up to `wait` seconds) before the library is closed."""
        thread = self._thread
        if thread is None:
            return
        self._queue.put(None)
        thread.join(wait)
        self._thread = None

    # -- failures -------------------------------------------------------------

    def report(self, message: str, *, severity: str = "error") -> None:
        """One notification per failure text while it is still on screen (thread-safe)."""
        now = time.monotonic()
        shown = self._shown.get(message)
        if shown is not None and now - shown < FAILURE_SHOWN_FOR:
            return
        self._shown[message] = now
        self._app.notify(message, severity=severity, markup=False, timeout=FAILURE_SHOWN_FOR)

    def read_failed(self, error: NewsreaderError) -> None:
        """A read the screen needed failed: say so (once while shown)."""
        self.report(f"Could not read the library: {error}")


def _reason(error: Exception) -> str:
    """The failure in words; an unexpected exception keeps its type name."""
    if isinstance(error, NewsreaderError):
        return str(error)
    return f"{type(error).__name__}: {error}"


class _Rows(Protocol):
    """The store calls the article list pages through (`Library`; see `ArticleList`)."""

    def count(self, query: ListQuery) -> int: ...

    def index_of(self, query: ListQuery, article_id: int) -> int | None: ...

    def page(
        self,
        query: ListQuery,
        *,
        after: tuple[Any, int] | None = None,
        limit: int = 100,
        reverse: bool = False,
    ) -> list[ArticleRow]: ...

    def seek(self, query: ListQuery, index: int, *, limit: int = 100) -> list[ArticleRow]: ...


class GuardedRows:
    """The article list's rows, a failing read shown as a notification and blank rows.

    Why: the list reads pages while it paints, where an exception ends the app
    (a corrupt region of the file: "database disk image is malformed"). An
    unreadable page is cached empty by the list, so it is reported once and the
    rows around it still page in; an unreadable count shows an empty list.
    """

    def __init__(self, rows: _Rows, report: Callable[[NewsreaderError], None]) -> None:
        self._rows = rows
        self._report = report

    def count(self, query: ListQuery) -> int:
        try:
            return self._rows.count(query)
        except NewsreaderError as exc:
            self._report(exc)
            return 0

    def index_of(self, query: ListQuery, article_id: int) -> int | None:
        try:
            return self._rows.index_of(query, article_id)
        except NewsreaderError as exc:
            self._report(exc)
            return None

    def page(
        self,
        query: ListQuery,
        *,
        after: tuple[Any, int] | None = None,
        limit: int = 100,
        reverse: bool = False,
    ) -> list[ArticleRow]:
        try:
            return self._rows.page(query, after=after, limit=limit, reverse=reverse)
        except NewsreaderError as exc:
            self._report(exc)
            return []

    def seek(self, query: ListQuery, index: int, *, limit: int = 100) -> list[ArticleRow]:
        try:
            return self._rows.seek(query, index, limit=limit)
        except NewsreaderError as exc:
            self._report(exc)
            return []

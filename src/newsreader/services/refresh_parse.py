"""Parsing a refresh's fetched bodies: in forked worker processes, or in this one.

Why a module of its own: parsing is nearly all of a refresh's CPU, so in the
CLI the bodies are parsed in forked workers while the rest download (as
`import` parses files), and what comes back must be plain values, cheap to
send between processes. Turning a body into records and running the pool that
does it is one job; fetching and storing stay in `services.refresh`, the
single writer.

The feed parser is imported when a body is first parsed (or just before the
pool forks), never when this module is: a refresh of 304s loads none of it.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsreader.errors import NewsreaderError

if TYPE_CHECKING:
    from collections.abc import Mapping
    from concurrent.futures import Executor

    from newsreader.model.record import ArticleRecord
    from newsreader.parse.feed import ParsedFeed


@dataclass(slots=True)
class ParsedBody:
    """One feed body parsed (in a worker or here): plain values, cheap to send back."""

    records: list[ArticleRecord] = field(default_factory=list)
    title: str = ""
    link: str | None = None
    error: str | None = None


def parse_body(
    body: bytes,
    *,
    name: str,
    url: str | None,
    feed_title: str = "",
    known: Mapping[str, str] | None = None,
) -> ParsedBody:
    """Parse a fetched body into records ready to store; never raises (runs in workers).

    `known` is what the library holds of the feed (`Library.entry_digests`): the
    entries it holds as they are are left out.
    """
    from newsreader.parse.feed import parse_feed

    try:
        parsed = parse_feed(body, name=name, url=url, known=known)
    except NewsreaderError as exc:
        return ParsedBody(error=str(exc))
    except RecursionError:
        return ParsedBody(error=f"{name}: document nested too deeply to read")
    except MemoryError:
        return ParsedBody(error=f"{name}: document too large to read")
    return records_of(parsed, feed_title)


def records_of(parsed: ParsedFeed, feed_title: str) -> ParsedBody:
    """`parsed`'s entries as records, each credited to the feed's own title if it has one."""
    from newsreader.model.record import record_for

    source = feed_title or parsed.title
    for entry in parsed.entries:
        entry.source = source or entry.source
    records = [
        record_for(entry, entry_digest=digest)
        for entry, digest in zip(parsed.entries, parsed.digests, strict=True)
    ]
    return ParsedBody(records, parsed.title, parsed.link)


def parse_job(
    body: bytes, name: str, url: str | None, feed_title: str, known: Mapping[str, str] | None
) -> ParsedBody:
    """`parse_body` with positional arguments, as `run_in_executor` passes them."""
    return parse_body(body, name=name, url=url, feed_title=feed_title, known=known)


_WARM_UP = (
    b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
    b"<title>w</title><entry><id>urn:w</id><title>w</title>"
    b'<link href="https://w.example/"/><updated>2026-01-01T00:00:00Z</updated>'
    b'<content type="html">&lt;p&gt;\xe2\x80\x9cWe open the road again next week,\xe2\x80\x9d'
    b" Mara Holt said.&lt;/p&gt;</content>"
    b"</entry></feed>"
)
"""A one-entry feed, quoted speech and all, for a worker to parse before the first body."""


def _load_parser() -> None:
    """A worker's first job after `Parsers.start`: get the feed parser ready before a body comes.

    Parsing a small feed, not only importing the parser: the first parse also loaded
    the XML reader, the hash and what the quote finder compiles on first use, ~9 ms
    that the first feed waited for (42 ms against 33 ms for the next ones).
    """
    parse_body(_WARM_UP, name="warm-up", url=None)


def default_workers() -> int:
    """Parse processes: one per core from the main thread; none from another thread.

    Parsing is the refresh's critical path now that storing writes no search
    index (`store.search_index`): on two cores, two workers stored 20 feeds of
    500 new entries in 1.14–1.24 s against one worker's 1.36–1.40 s (medians of
    interleaved rounds); at 200 such feeds, where the writer is busier, one worker
    was 4–6% faster (8.0–8.8 s against 8.3–9.3 s, 115 MB against 119 MB).
    While the index was written with the articles, the writer thread was the
    critical path and one worker fewer than cores was faster. Forking a
    process that runs other threads (Textual's) can copy a lock some thread
    holds; the TUI refreshes in the background and parses in-process (0).
    """
    if threading.current_thread() is not threading.main_thread():
        return 0
    return max(1, os.cpu_count() or 1)


class Parsers:
    """A fork pool made on the first body to parse, so a refresh of 304s forks nothing;
    or at once (`start`) when bodies are sure to come."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool: Executor | None = None

    def get(self) -> Executor:
        if self.pool is None:
            # Loaded before the fork, so workers share it instead of importing their own.
            import newsreader.parse.feed  # noqa: F401

            self.pool = self._fork()
        return self.pool

    def start(self) -> None:
        """Fork the workers now, before this process has loaded the feed parser.

        Why: on a first fetch every feed answers with a body, and the first
        one to be parsed waited for this process to load the parser, fork, and
        the worker to start. Forked first, each worker gets the parser ready
        itself (`_load_parser`) while this process loads the HTTP stack and
        fetches; this process never needs the parser.
        """
        if self.pool is None:
            self.pool = self._fork()
            for _ in range(self.workers):
                self.pool.submit(_load_parser)

    def _fork(self) -> Executor:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from newsreader.services.import_pool import start_worker

        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("fork"),
            initializer=start_worker,
            initargs=(os.getpid(),),
        )

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)

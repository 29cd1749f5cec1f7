"""Parsing many files on every core, and the worker processes' life around it.

Parsing is CPU-bound, so a big import parses in worker processes; this
module owns their lifecycle: parsers loaded before the fork, workers that die
with the parent (even one killed by SIGKILL) and leave Ctrl-C to it, SIGTERM
turned into a clean unwind, and a pool stopped at once on the way out.
`services.refresh_parse` starts its own pool with the same worker initializer.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsreader.services.import_kinds import FEED_SUFFIXES, HTML_SUFFIXES, Kind
from newsreader.services.import_parse import Parsed, parse_one

PARALLEL_THRESHOLD = 64
"""Below this many files, starting worker processes costs more than it saves."""


def parse_all(
    files: list[Path], skip: frozenset[Kind], workers: int | None
) -> Iterator[tuple[str, Parsed]]:
    """Parse files in order, in worker processes when there are many of them: each
    file's name (as given) with its outcome."""
    count = workers if workers is not None else (os.cpu_count() or 1)
    names = [str(path) for path in files]  # a str crosses to a worker faster than a Path
    if count > 1 and len(files) >= PARALLEL_THRESHOLD:
        from concurrent.futures import ProcessPoolExecutor

        _preload_parsers(files)

        with terminate_raises():  # before the fork: no moment with workers and no handler
            pool = ProcessPoolExecutor(
                max_workers=count, initializer=start_worker, initargs=(os.getpid(),)
            )
            try:
                parsed = pool.map(parse_one, names, [skip] * len(names), chunksize=32)
                for name, outcome in zip(names, parsed, strict=True):
                    yield name, outcome
            except BaseException:  # GeneratorExit too: the consumer stopped or is unwinding
                _stop_workers(pool)
                raise
            pool.shutdown(wait=True)
        return
    for name in names:
        yield name, parse_one(name, skip)


class ImportTerminated(SystemExit):
    """SIGTERM arrived during a parallel import: unwind, stop the workers, exit 143.

    A `SystemExit` so the CLI's handlers let it through untouched while every
    `with` on the way (the library above all) closes; committed batches stay.
    """

    def __init__(self) -> None:
        super().__init__(128 + signal.SIGTERM)


@contextlib.contextmanager
def terminate_raises() -> Iterator[None]:
    """Turn SIGTERM into `ImportTerminated` while an import runs, if nobody else handles it.

    The importer holds it over parsing AND storing: restoring the default action
    the moment parsing ends would drop a SIGTERM that arrived just before (Python
    runs the handler later, and finds none), and the import would end as if never asked.

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


def start_worker(parent: int) -> None:
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
    copy while parsing, and the HTML parser above all is slow to import.
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

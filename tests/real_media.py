"""Real conditions for the library reliability tests (#17), shared by unit and CLI tests.

Read-only bind mounts, immutable files (`chattr +i`), small tmpfs file systems
filled to the last byte, and a writer SIGKILLed after its acknowledged writes:
no mock of sqlite3 or of the OS. Mounting needs root (or CAP_SYS_ADMIN);
without it the helpers skip the test and say why.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from newsreader.model.article import Article, Block, BlockKind
from newsreader.store import Library


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False)


@contextmanager
def read_only_view(source: Path, target: Path) -> Iterator[Path]:
    """`source` bind-mounted read-only at `target`, as a library on read-only media looks."""
    target.mkdir(parents=True, exist_ok=True)
    bound = _run("mount", "--bind", str(source), str(target))
    if bound.returncode != 0:
        pytest.skip(f"cannot bind-mount here (needs root): {bound.stderr.strip()}")
    try:
        remounted = _run("mount", "-o", "remount,bind,ro", str(target))
        if remounted.returncode != 0:
            pytest.skip(f"cannot remount read-only: {remounted.stderr.strip()}")
        yield target
    finally:
        if _run("umount", str(target)).returncode != 0:
            _run("umount", "-l", str(target))


@contextmanager
def small_disk(target: Path, size: str = "4m") -> Iterator[Path]:
    """A real file system of `size` bytes mounted at `target` (tmpfs), unmounted after."""
    target.mkdir(parents=True, exist_ok=True)
    mounted = _run("mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(target))
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {mounted.stderr.strip()}")
    try:
        yield target
    finally:
        if _run("umount", str(target)).returncode != 0:
            _run("umount", "-l", str(target))


def fill_disk(folder: Path) -> None:
    """Write zeros until the file system holding `folder` has no byte left."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        for size in (65536, 4096, 1):
            try:
                while os.write(fd, b"\0" * size):
                    pass
            except OSError:
                continue
    finally:
        os.close(fd)
    assert os.statvfs(folder).f_bavail == 0


@contextmanager
def immutable(*paths: Path) -> Iterator[None]:
    """Files marked immutable (`chattr +i`): not even root may write them."""
    done: list[Path] = []
    try:
        for path in paths:
            result = _run("chattr", "+i", str(path))
            if result.returncode != 0:
                pytest.skip(f"cannot mark files immutable here: {result.stderr.strip()}")
            done.append(path)
        yield
    finally:
        for path in done:
            _run("chattr", "-i", str(path))


def article(n: int, *, words: int = 20) -> Article:
    return Article(
        title=f"Story {n}: harbour works continue",
        blocks=[Block(BlockKind.PARAGRAPH, f"Paragraph {n} about the harbour. " * words)],
        source="Reliability Gazette",
        url=f"https://example.com/story/{n}",
    )


def make_library(path: Path, count: int = 8) -> list[int]:
    with Library(path) as library:
        return [result.id for result in library.add_articles(article(n) for n in range(count))]


_KILLED_WRITER = """
import os, signal, sys
from newsreader.store import Library
library = Library(sys.argv[1])
for article_id in sys.argv[2:]:
    library.set_bookmarked([int(article_id)])
print("acked", flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def bookmark_then_get_killed(path: Path, ids: list[int]) -> None:
    """A writer that commits one bookmark per id, is told so, and is then SIGKILLed."""
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_WRITER, str(path), *map(str, ids)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == -signal.SIGKILL and "acked" in done.stdout, done.stderr
    wal = path.with_name(path.name + "-wal")
    assert wal.stat().st_size > 32, "the bookmarks are in the WAL, not yet in the main file"


def bookmarks(library: Library) -> int:
    return int(library._read("SELECT count(*) FROM bookmarks")[0][0])

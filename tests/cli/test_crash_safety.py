"""Crash safety: SIGKILL, a full disk, read-only media and foreign files lose nothing.

The library promises that every change is a committed transaction the moment
it is acknowledged, that a file which is not a library is never overwritten,
and that upgrading keeps every article, read mark and bookmark. These tests
break things on purpose and check the promise from the user's side.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from newsreader.errors import CorruptLibraryError, StoreError
from newsreader.model.article import Article, Block, BlockKind
from newsreader.store import Library
from newsreader.store.schema import MIGRATIONS, SCHEMA_VERSION, _split_sql

FIXTURES = Path(__file__).parents[1] / "fixtures"
SEED_IDS = 12
"""Articles that exist before the kills start; the writers flip their read/bookmark state."""


def article(n: int, *, words: int = 20, prefix: str = "Story") -> Article:
    return Article(
        title=f"{prefix} {n}: harbour works continue",
        key_points=[f"Point {n}."],
        blocks=[Block(BlockKind.PARAGRAPH, f"Paragraph {n} about the harbour. " * words)],
        source="Crash Gazette",
        url=f"https://example.com/{prefix.lower()}/{n}",
    )


def run_cli(*args: str, data_dir: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["NEWSREADER_CONFIG_DIR"] = str(data_dir.parent / "config")
    return subprocess.run(
        [sys.executable, "-m", "newsreader", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def counted(library: Library) -> dict[str, int]:
    """Counts by scanning the tables, to compare with the trigger-kept counters."""
    rows = library._read(
        "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM read_state),"
        " (SELECT count(*) FROM bookmarks)"
    )
    total, read, bookmarked = rows[0]
    return {"all": total, "unread": total - read, "read": read, "bookmarked": bookmarked}


# -- SIGKILL at random moments ----------------------------------------------------

_ZYGOTE = r"""
import os, random, sys
from newsreader.model.article import Article, Block, BlockKind
from newsreader.store import Library

def drive(path, seed, n_ids, feed_id, fd):
    rng = random.Random(seed)
    def say(line):
        os.write(fd, (line + "\n").encode())
    library = Library(path)
    say("ready")
    step = 0
    while True:
        step += 1
        op = rng.choice(("bm", "rd", "add", "fetch") if n_ids else ("add",))
        if op in ("bm", "rd"):
            article_id, value = rng.randint(1, n_ids), rng.random() < 0.5
            say(f"begin {op} {article_id} {int(value)}")
            setter = library.set_bookmarked if op == "bm" else library.set_read
            setter([article_id], value)
            say(f"ack {op} {article_id} {int(value)}")
            continue
        title = f"Crash {seed} {step}"
        body = f"Body {seed} {step}. " * rng.randint(1, 80)
        item = Article(title=title, blocks=[Block(BlockKind.PARAGRAPH, body)], source="kill")
        say(f"begin {op} 0 0")
        if op == "add":
            result = library.add_articles([item])[0]
        else:
            result = library.record_fetch(feed_id, articles=[item], etag=f"e{seed}-{step}")[0]
        say(f"ack {op} {result.id} {len(body)} {title}")

for line in sys.stdin:
    path, seed, n_ids, feed_id, log = line.split()
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    pid = os.fork()
    if pid == 0:
        try:
            drive(path, int(seed), int(n_ids), int(feed_id), fd)
        finally:
            os._exit(3)
    os.close(fd)
    print(pid, flush=True)
    _, status = os.waitpid(pid, 0)
    print(status, flush=True)
"""
"""A pre-warmed process that forks one writer per round, so 200 kills fit in seconds.

Each writer logs `begin` before and `ack` after every library call with a
single `os.write`, which SIGKILL cannot tear: an `ack` line is exactly what a
caller would have been told succeeded.
"""


class Expectation:
    """What the acknowledged writes say the library must hold."""

    def __init__(self, library: Library) -> None:
        self.flags: dict[tuple[str, int], bool] = {}
        for article_id in range(1, SEED_IDS + 1):
            self.flags[("bm", article_id)] = library.is_bookmarked(article_id)
            self.flags[("rd", article_id)] = library.is_read(article_id)
        self.added: dict[int, tuple[str, int]] = {}
        self.acks = 0

    def check(self, library: Library, log: list[str], *, everything: bool = False) -> None:
        """Every acked write is present; only the one in-flight write may go either way.

        Articles acked in this round are read back in full; all earlier ones
        only when `everything` is set (once at the end), to keep rounds cheap.
        """
        in_flight: tuple[str, int, bool] | None = None
        fresh: set[int] = set()
        for line in log:
            parts = line.split(" ", 4)
            if parts[0] == "begin":
                in_flight = (parts[1], int(parts[2]), parts[3] == "1")
            elif parts[0] == "ack":
                in_flight = None
                self.acks += 1
                op, article_id = parts[1], int(parts[2])
                if op in ("bm", "rd"):
                    self.flags[(op, article_id)] = parts[3] == "1"
                else:
                    self.added[article_id] = (parts[4], int(parts[3]))
                    fresh.add(article_id)
        for (op, article_id), expected in self.flags.items():
            actual = (library.is_bookmarked if op == "bm" else library.is_read)(article_id)
            if in_flight is not None and in_flight[:2] == (op, article_id):
                self.flags[(op, article_id)] = actual  # the unacknowledged write may have landed
                continue
            assert actual == expected, f"acknowledged {op} on {article_id} lost"
        for article_id, (title, length) in self.added.items():
            if not everything and article_id not in fresh:
                continue
            stored = library.get(article_id)
            assert stored.article.title == title, f"acknowledged article {article_id} lost"
            assert len(stored.article.blocks[0].text) == length, "stored whole, not torn"


def _check_library(path: Path) -> Library:
    """The library opens, SQLite finds no damage, and the counters agree with the rows."""
    library = Library(path)
    assert library.integrity_ok(), "PRAGMA integrity_check failed after SIGKILL"
    assert library.counts() == counted(library)
    assert library.schema_version() == SCHEMA_VERSION
    return library


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing_acknowledged(tmp_path: Path) -> None:
    """200 SIGKILLs during writes, imports, refresh bookkeeping and `newsreader bookmark`.

    After each: the library opens, `PRAGMA integrity_check` is ok, and every
    acknowledged write (bookmark, read mark, added article, stored fetch) is there.
    """
    rng = random.Random(20260301)
    started = time.monotonic()
    path = tmp_path / "lib" / "library.sqlite3"
    with Library(path) as library:
        library.add_articles(article(n) for n in range(SEED_IDS))
        feed, _ = library.add_feed("https://example.com/feed.xml", title="Kill feed")
        expectation = Expectation(library)
    zygote = subprocess.Popen(
        [sys.executable, "-c", _ZYGOTE],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert zygote.stdin is not None and zygote.stdout is not None
    try:
        # Writers killed while a fresh library is being created (migrations).
        for round_ in range(8):
            fresh = tmp_path / f"fresh{round_}" / "library.sqlite3"
            log = tmp_path / f"fresh{round_}.log"
            zygote.stdin.write(f"{fresh} {round_} 0 0 {log}\n")
            zygote.stdin.flush()
            pid = int(zygote.stdout.readline())
            time.sleep(rng.uniform(0.001, 0.02))
            os.kill(pid, signal.SIGKILL)
            assert os.WIFSIGNALED(int(zygote.stdout.readline())), log.read_text()[-500:]
            if fresh.exists():
                _check_library(fresh).close()
        # Writers killed mid-loop on the shared library.
        for round_ in range(162):
            log = tmp_path / f"round{round_}.log"
            zygote.stdin.write(f"{path} {round_} {SEED_IDS} {feed.id} {log}\n")
            zygote.stdin.flush()
            pid = int(zygote.stdout.readline())
            time.sleep(rng.uniform(0.005, 0.150))
            os.kill(pid, signal.SIGKILL)
            status = int(zygote.stdout.readline())
            assert os.WIFSIGNALED(status), f"writer died on its own: {log.read_text()[-500:]}"
            lines = log.read_text().splitlines() if log.exists() else []
            with _check_library(path) as library:
                expectation.check(library, lines)
    finally:
        zygote.stdin.close()
        zygote.wait(timeout=10)
    with _check_library(path) as library:
        expectation.check(library, [], everything=True)
    driver_seconds = time.monotonic() - started
    assert expectation.acks > 500, "the kills landed while writes were being acknowledged"
    assert len(expectation.added) > 100

    # Real CLI processes: `newsreader import DIR` and `newsreader bookmark ID`.
    sources = tmp_path / "many"
    sources.mkdir()
    bodies = {}
    for n in range(40):
        body = f"Import story {n} body words here. " * 200
        bodies[f"Import story {n} about the tides"] = body.strip()
        (sources / f"story{n:02d}.txt").write_text(
            f"Import story {n} about the tides\n\n  • Point {n}.\n\n{body}\n", encoding="utf-8"
        )
    env = dict(os.environ, NEWSREADER_CONFIG_DIR=str(tmp_path / "config"))
    data_dir = path.parent

    def run_killed(args: list[str], delay: float) -> tuple[int | None, str]:
        proc = subprocess.Popen(
            [sys.executable, "-m", "newsreader", "--data-dir", str(data_dir), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate(timeout=30)
        assert "Traceback" not in err, err
        return (proc.returncode if proc.returncode >= 0 else None), out

    for _ in range(15):
        code, out = run_killed(["import", str(sources), "--json"], rng.uniform(0.05, 0.6))
        with _check_library(path) as library:
            ours = [row for row in library.page(limit=10_000) if row.title in bodies]
            assert len(ours) == len({row.title for row in ours}), "no article stored twice"
            for row in ours:
                assert library.get(row.id).article.blocks[0].text == bodies[row.title]
            if code == 0:
                assert len(ours) == 40, "a finished import stored every file"
    for round_ in range(15):
        target = rng.randint(1, SEED_IDS)
        action = "bookmark" if round_ % 2 == 0 else "unbookmark"
        with Library(path) as library:
            before = library.is_bookmarked(target)
        code, out = run_killed([action, str(target)], rng.uniform(0.05, 0.4))
        with _check_library(path) as library:
            now = library.is_bookmarked(target)
        if code == 0:
            assert f"marked {action}ed: {target}" in out
            assert now == (action == "bookmark"), "an acknowledged bookmark change was lost"
        else:
            assert now in (before, action == "bookmark")
    code = run_cli("import", str(sources), "--json", data_dir=data_dir)
    assert code.returncode == 0, code.stderr
    with _check_library(path) as library:
        assert sum(row.title in bodies for row in library.page(limit=10_000)) == 40
    elapsed = time.monotonic() - started
    assert elapsed < 90, f"{elapsed:.0f} s in all, {driver_seconds:.0f} s for the writer rounds"


# -- disk full, read-only -----------------------------------------------------------


def test_disk_full_is_a_clear_error_and_keeps_what_was_stored(tmp_path: Path) -> None:
    """A full disk (SQLITE_FULL via max_page_count) says "disk full"; old data stays readable."""
    with Library(tmp_path / "library.sqlite3") as library:
        ids = [r.id for r in library.add_articles(article(n) for n in range(5))]
        library.set_bookmarked([ids[0]])
        pages = library._db.execute("PRAGMA page_count").fetchone()[0]
        library._db.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(StoreError, match="disk full") as info:
            library.add_articles(article(n, words=2000, prefix="Big") for n in range(20))
        assert str(library.path) in str(info.value)
        assert "\n" not in str(info.value)
        assert library.count() == 5, "nothing of the failed batch was written"
        assert library.get(ids[0]).bookmarked and library.get(ids[4]).article.title
        assert library.search("harbour")
        assert library.integrity_ok()
        library._db.execute("PRAGMA max_page_count = 1073741823")
        library.add_article(article(99))
        assert library.count() == 6, "once space is back, writing works again"


def _read_only_checks(path: Path, expected_ids: list[int]) -> None:
    with Library(path) as library:
        assert library.read_only
        assert sorted(row.id for row in library.page()) == expected_ids
        assert library.get(expected_ids[0]).bookmarked
        assert library.search("harbour")
        with pytest.raises(StoreError, match="read-only") as info:
            library.set_read([expected_ids[0]])
        assert str(path) in str(info.value)
        with pytest.raises(StoreError, match="read-only"):
            library.add_article(article(50))


def _make_library(path: Path) -> list[int]:
    with Library(path) as library:
        ids = [r.id for r in library.add_articles(article(n) for n in range(3))]
        library.set_bookmarked([ids[0]])
    return ids


def test_read_only_library_reads_and_refuses_writes_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A library the user may not write: lists, articles and search work; writes say read-only."""
    path = tmp_path / "ro" / "library.sqlite3"
    ids = _make_library(path)
    real_access = os.access

    def no_write(target: Any, mode: int, *args: Any, **kwargs: Any) -> bool:
        if mode & os.W_OK and Path(target).resolve().is_relative_to(path.parent.resolve()):
            return False
        return real_access(target, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", no_write)
    _read_only_checks(path, ids)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_permissions_on_disk(tmp_path: Path) -> None:
    """chmod 0555 dir + 0444 file, as on read-only media: reading works, writing is refused."""
    path = tmp_path / "ro" / "library.sqlite3"
    ids = _make_library(path)
    path.chmod(0o444)
    path.parent.chmod(0o555)
    try:
        _read_only_checks(path, ids)
    finally:
        path.parent.chmod(0o755)
        path.chmod(0o644)


# -- corrupt and foreign files --------------------------------------------------------


def _truncated_library(path: Path) -> bytes:
    with Library(path) as library:
        library.add_articles(article(n, words=200) for n in range(30))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path.read_bytes()


def _random_bytes(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(random.Random(7).randbytes(64 * 1024))
    return path.read_bytes()


def _text_file(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("my shopping list\n- eggs\n")
    return path.read_bytes()


def _other_sqlite(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    db.execute("INSERT INTO invoices (total) VALUES (12.5)")
    db.commit()
    db.close()
    return path.read_bytes()


@pytest.mark.parametrize(
    "make", [_truncated_library, _random_bytes, _text_file, _other_sqlite], ids=lambda f: f.__name__
)
def test_corrupt_or_foreign_file_is_named_kept_and_replaced_only_on_request(
    tmp_path: Path, make: Any
) -> None:
    """No flag: one line naming the file, exit 1, bytes untouched (CLI and TUI entry point).

    `--new-library`: the file is moved aside intact and a fresh library works.
    """
    data_dir = tmp_path / "data"
    path = data_dir / "library.sqlite3"
    original = make(path)
    with pytest.raises(CorruptLibraryError):
        Library(path)
    for args in (["list"], ["bookmark", "1"], []):
        proc = run_cli(*args, data_dir=data_dir)
        assert proc.returncode == 1, (args, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("newsreader: error:"), proc.stderr
        assert str(path) in lines[0] and "--new-library" in lines[0]
        assert path.read_bytes() == original, "the file was never overwritten"
    proc = run_cli("--new-library", "list", "--json", data_dir=data_dir)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["total"] == 0
    kept = [p for p in data_dir.iterdir() if p.name.startswith("library.sqlite3.broken-")]
    kept = [p for p in kept if not p.name.endswith(("-wal", "-shm"))]
    assert len(kept) == 1 and kept[0].read_bytes() == original, "moved aside, byte for byte"
    assert str(kept[0]) in proc.stderr
    with Library(path) as library:
        assert library.integrity_ok() and library.is_empty()


# -- migrations -----------------------------------------------------------------------


def build_v2_fixture(path: Path) -> None:
    """How tests/fixtures/library-v2.sqlite3 was made: schema 2, a feed, articles, state."""
    import newsreader.store.schema as store

    original = store.MIGRATIONS
    store.MIGRATIONS = MIGRATIONS[:2]
    store_version = store.SCHEMA_VERSION
    store.SCHEMA_VERSION = 2
    try:
        library = Library(path)
        feed, _ = library.add_feed(
            "https://example.org/v2.xml", title="Version Two Times", tags=["news", "old"]
        )
        library.record_fetch(
            feed.id,
            articles=[
                Article(
                    title=f"Feed story {n} about the ferry timetable",
                    key_points=[f"Feed point {n}"],
                    blocks=[Block(BlockKind.PARAGRAPH, f"Feed body {n} on the ferry.")],
                    guid=f"v2-guid-{n}",
                    url=f"https://example.org/v2/{n}",
                )
                for n in range(3)
            ],
            etag='"v2-etag"',
        )
        library.add_articles(article(n, prefix="File") for n in range(2))
        library.set_read([1, 4])
        library.set_bookmarked([2, 5])
        library.set_state("ui.filter", "bookmarked")
        assert library.schema_version() == 2
        library._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        library._db.execute("PRAGMA journal_mode = DELETE")
        library.close()
    finally:
        store.MIGRATIONS = original
        store.SCHEMA_VERSION = store_version


def test_v2_fixture_is_schema_2_without_counters() -> None:
    """The stored fixture really is an old library (so the migration test means something)."""
    db = sqlite3.connect(FIXTURES / "library-v2.sqlite3")
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 2
        names = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        assert "feeds" in names and "counters" not in names
        assert len(_split_sql(MIGRATIONS[2])) > 1
    finally:
        db.close()


def test_migrates_a_version_2_library_keeping_everything(tmp_path: Path) -> None:
    """A schema-2 library (stored fixture) upgrades with its feed, articles and state intact."""
    path = tmp_path / "library.sqlite3"
    path.write_bytes((FIXTURES / "library-v2.sqlite3").read_bytes())
    with Library(path) as library:
        assert library.schema_version() == SCHEMA_VERSION
        assert library.integrity_ok()
        assert library.counts() == {"all": 5, "unread": 3, "read": 2, "bookmarked": 2}
        assert library.counts() == counted(library)
        assert library.is_read(1) and library.is_read(4)
        assert library.is_bookmarked(2) and library.is_bookmarked(5)
        assert library.get(3).article.key_points == ["Feed point 2"]
        assert library.get(1).article.url == "https://example.org/v2/0"
        assert library.get_state("ui.filter") == "bookmarked"
        [feed] = library.feeds()
        assert (feed.title, feed.tags, feed.etag) == (
            "Version Two Times",
            ["news", "old"],
            '"v2-etag"',
        )
        assert feed.total == 3 and feed.unread == 2
        assert {hit.row.id for hit in library.search("ferry timetable")} == {1, 2, 3}
        # The upgraded library keeps working: refreshes update in place, keeping state.
        edited = Article(
            title="Feed story 1 about the ferry timetable, updated",
            blocks=[Block(BlockKind.PARAGRAPH, "Edited body.")],
            guid="v2-guid-1",
        )
        [result] = library.record_fetch(feed.id, articles=[edited])
        assert result.id == 2 and result.updated and library.is_bookmarked(2)

"""`import` and `parse` against what a real disk and a real kill throw at them (issue #17).

Non-regular files (FIFOs, devices, sockets, symlinks to them), a parent killed
mid-import with worker processes running, and a directory tree deeper than
Python's recursion limit. Everything here is real: files, FIFOs, sockets,
symlinks and signals, run through the installed command in a subprocess. A
test that could grow without bound runs under an address-space limit, and one
that could hang has a hard timeout and kills what it started, so a regression
fails the test instead of the machine.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from newsreader.limits import MAX_DOCUMENT_BYTES

MEMORY_LIMIT = 1024 * 1024 * 1024
"""Address space for a child that must not grow: far above what parsing one article takes."""

ARTICLE = """\
{title}

The harbour board met on Tuesday and agreed to rebuild the northern quay.
"We will start in spring," the chair said after the vote.
"""

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="uses /proc and Linux devices")


def cli_env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["NEWSREADER_DATA_DIR"] = str(data_dir)
    env["NEWSREADER_CONFIG_DIR"] = str(data_dir.parent / "config")
    env["COLUMNS"] = "120"
    return env


def limit_memory() -> None:
    """Runs in the child before exec: a runaway read fails there, not on the machine."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_bounded(
    *args: str, data_dir: Path, timeout: float = 20
) -> subprocess.CompletedProcess[str]:
    """Run `newsreader ARGS` with bounded memory; on a hang, kill its whole group and fail."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsreader", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=cli_env(data_dir),
        preexec_fn=limit_memory,
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"newsreader {' '.join(args)} still running after {timeout} s")
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


def write_article(path: Path, title: str) -> None:
    path.write_text(ARTICLE.format(title=title), encoding="utf-8")


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("newsreader: error:")]


# --- 4. non-regular files ---------------------------------------------------------------------


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "library"


@pytest.mark.timeout(30)
def test_parse_of_a_fifo_is_refused_at_once(tmp_path: Path, data_dir: Path) -> None:
    """A FIFO has no writer: opening it to read used to block `parse` forever."""
    fifo = tmp_path / "news.txt"
    os.mkfifo(fifo)
    proc = run_bounded("parse", str(fifo), data_dir=data_dir)
    assert proc.returncode == 1
    assert error_lines(proc.stderr) == [f"newsreader: error: {fifo}: not a regular file (a FIFO)"]
    assert "Traceback" not in proc.stderr


@pytest.mark.timeout(30)
@pytest.mark.parametrize("via_symlink", [False, True], ids=["direct", "txt-symlink"])
def test_parse_of_dev_zero_is_refused_before_reading(
    tmp_path: Path, data_dir: Path, via_symlink: bool
) -> None:
    """/dev/zero reports size 0 and never ends: reading it grew until memory ran out."""
    target = Path("/dev/zero")
    if via_symlink:
        target = tmp_path / "zero.txt"
        target.symlink_to("/dev/zero")
    proc = run_bounded("parse", str(target), data_dir=data_dir)
    assert proc.returncode == 1
    assert error_lines(proc.stderr) == [
        f"newsreader: error: {target}: not a regular file (a character device)"
    ]
    assert "Traceback" not in proc.stderr


@pytest.mark.timeout(40)
def test_import_reports_each_non_regular_file_and_stores_the_rest(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    write_article(folder / "a-first.txt", "Quay rebuild approved")
    write_article(folder / "sub" / "z-last.txt", "Ferry timetable changes")
    os.mkfifo(folder / "b-pipe.txt")
    (folder / "c-zero.txt").symlink_to("/dev/zero")
    # An AF_UNIX path is limited to ~108 bytes: bind by a name relative to the folder.
    monkeypatch.chdir(folder)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind("d-socket.txt")
    try:
        proc = run_bounded("import", "--json", str(folder), data_dir=data_dir)
    finally:
        server.close()
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert report["imported"] == 2, "both articles stored around the bad entries"
    assert sorted(report["errors"]) == [
        f"{folder / 'b-pipe.txt'}: not a regular file (a FIFO)",
        f"{folder / 'c-zero.txt'}: not a regular file (a character device)",
        f"{folder / 'd-socket.txt'}: not a regular file (a socket)",
    ]
    assert len(error_lines(proc.stderr)) == 3, "one line each"
    assert "Traceback" not in proc.stderr


@pytest.mark.timeout(30)
def test_a_fifo_named_on_the_command_line_is_reported_not_waited_on(
    tmp_path: Path, data_dir: Path
) -> None:
    good = tmp_path / "good.txt"
    write_article(good, "Bridge repainted")
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    proc = run_bounded("import", "--json", str(fifo), str(good), data_dir=data_dir)
    report = json.loads(proc.stdout)
    assert report["imported"] == 1
    assert report["errors"] == [f"{fifo}: not a regular file (a FIFO)"]


def test_reading_stops_one_byte_past_the_cap_whatever_the_size_said(tmp_path: Path) -> None:
    """A file may grow between `stat` and the read, or report no size at all, as /proc
    files do (size 0, content on read): the read still stops at the cap + 1."""
    from newsreader.errors import ParseError
    from newsreader.services.import_files import read_capped

    status = Path("/proc/self/status")
    assert status.stat().st_size == 0 and len(status.read_bytes()) > 200
    with pytest.raises(ParseError, match="over the"):
        read_capped(status, 100)
    assert read_capped(status, MAX_DOCUMENT_BYTES).startswith(b"Name:")
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(MAX_DOCUMENT_BYTES + 1)
    with pytest.raises(ParseError, match="over the 10 MB limit"):
        read_capped(big, MAX_DOCUMENT_BYTES)
    exact = tmp_path / "exact.txt"
    with exact.open("wb") as handle:
        handle.truncate(MAX_DOCUMENT_BYTES)
    assert len(read_capped(exact, MAX_DOCUMENT_BYTES)) == MAX_DOCUMENT_BYTES


# --- 8. workers die with their parent ---------------------------------------------------------


def _stat_fields(pid: int) -> list[str] | None:
    """/proc/PID/stat after the command name (which may hold spaces): state is [0], ppid [1]."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def children(pid: int) -> dict[int, str]:
    """Child pid → its start time, found by scanning /proc (no psutil)."""
    found: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat_fields(int(entry.name))
        if fields and fields[1] == str(pid):
            found[int(entry.name)] = fields[19]
    return found


def alive(pid: int, started: str) -> bool:
    """Running (not a zombie awaiting a reaper) and the same process, not a reused pid."""
    fields = _stat_fields(pid)
    return fields is not None and fields[0] != "Z" and fields[19] == started


def wait_for(predicate: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


@pytest.fixture
def big_folder(tmp_path: Path) -> Path:
    """Enough articles that a parallel import runs for seconds on a shared 2-core machine."""
    folder = tmp_path / "pile"
    folder.mkdir()
    body = "The board met again and agreed on nothing at all, at length. " * 40
    for n in range(3000):
        (folder / f"{n:05d}.txt").write_text(
            f"Harbour board meeting number {n} ends early\n\n{body}\n\n{body}\n", encoding="utf-8"
        )
    return folder


@pytest.fixture
def started() -> Iterator[list[subprocess.Popen[str]]]:
    """Processes a test starts; any left running are killed with their group afterwards."""
    procs: list[subprocess.Popen[str]] = []
    yield procs
    for proc in procs:
        # The whole group: a dead parent's orphaned workers still belong to it.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def start_import(
    folder: Path, data_dir: Path, started: list[subprocess.Popen[str]]
) -> tuple[subprocess.Popen[str], dict[int, str]]:
    """Start `import` and wait until its worker processes are running."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsreader", "import", "--json", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=cli_env(data_dir),
        start_new_session=True,
    )
    started.append(proc)
    workers: dict[int, str] = {}

    def have_workers() -> bool:
        workers.update(children(proc.pid))
        return len(workers) >= 2 or proc.poll() is not None

    assert wait_for(have_workers, 30), "no worker processes appeared"
    assert proc.poll() is None and workers, "import finished before it could be stopped"
    return proc, workers


@pytest.mark.timeout(120)
def test_sigkill_of_import_takes_its_workers_down(
    big_folder: Path, data_dir: Path, started: list[subprocess.Popen[str]]
) -> None:
    proc, workers = start_import(big_folder, data_dir, started)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    survivors = lambda: [pid for pid, start in workers.items() if alive(pid, start)]  # noqa: E731
    gone = wait_for(lambda: not survivors(), 5)
    for pid in survivors():  # do not leave them behind for the next test
        os.kill(pid, signal.SIGKILL)
    assert gone, f"workers {sorted(workers)} outlived their killed parent"
    again = run_bounded("import", "--json", str(big_folder), data_dir=data_dir, timeout=90)
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert report["imported"] + report["already_present"] == 3000


@pytest.mark.timeout(120)
def test_sigterm_of_import_stops_cleanly(
    big_folder: Path, data_dir: Path, started: list[subprocess.Popen[str]]
) -> None:
    """SIGTERM (what `timeout` and systemd send first): workers stopped, no traceback, the
    library closed with what was committed, and a new import finishes the job."""
    proc, workers = start_import(big_folder, data_dir, started)
    os.kill(proc.pid, signal.SIGTERM)
    try:
        _, stderr = proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        pytest.fail("import did not stop on SIGTERM")
    assert proc.returncode == 128 + signal.SIGTERM
    assert "Traceback" not in stderr, stderr
    assert not [pid for pid, start in workers.items() if alive(pid, start)]
    again = run_bounded("import", "--json", str(big_folder), data_dir=data_dir, timeout=90)
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert report["imported"] + report["already_present"] == 3000


WATCHED_CHILD = textwrap.dedent(
    """
    import multiprocessing, sys, time
    from newsreader.services.import_pool import watch_parent

    def child(parent):
        watch_parent(parent, interval=0.05)
        time.sleep(600)

    if __name__ == "__main__":
        import os
        worker = multiprocessing.get_context("fork").Process(target=child, args=(os.getpid(),))
        worker.start()
        print(worker.pid, flush=True)
        time.sleep(600)
    """
)


@pytest.mark.timeout(30)
def test_the_portable_watchdog_ends_a_worker_whose_parent_died(
    tmp_path: Path, started: list[subprocess.Popen[str]]
) -> None:
    """Where prctl is missing, the worker polls its parent; checked here without prctl."""
    script = tmp_path / "watched.py"
    script.write_text(WATCHED_CHILD, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, str(script)],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    started.append(proc)
    assert proc.stdout is not None
    worker = int(proc.stdout.readline())
    fields = _stat_fields(worker)
    assert fields is not None
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    gone = wait_for(lambda: not alive(worker, fields[19]), 5)
    if not gone:
        os.kill(worker, signal.SIGKILL)
    assert gone, "the watched worker outlived its parent"


# --- 13. deep trees and symlink loops ---------------------------------------------------------


def remove_tree(top: Path) -> None:
    """Remove a tree without recursion: pytest's clean-up (`shutil.rmtree`) recurses per
    level and fails, at exit and in every later run, on a tree deeper than the limit."""
    stack = [(str(top), False)]
    while stack:
        path, emptied = stack.pop()
        with contextlib.suppress(FileNotFoundError):
            if emptied:
                os.rmdir(path)
                continue
            stack.append((path, True))
            with os.scandir(path) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append((entry.path, False))
                    else:
                        os.unlink(entry.path)


@pytest.fixture
def deep_root(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "deep"
    yield root
    remove_tree(root)


@pytest.mark.timeout(60)
def test_a_tree_1200_levels_deep_is_walked_without_recursion(
    deep_root: Path, data_dir: Path
) -> None:
    deepest = deep_root
    for _ in range(12):  # os.makedirs recurses per missing level: a hundred at a time
        deepest = deepest.joinpath(*["d"] * 100)
        os.makedirs(deepest)
    write_article(deepest / "bottom.txt", "Found at the bottom of the archive")
    write_article(deep_root / "top.txt", "Found at the top of the archive")
    proc = run_bounded("import", "--json", str(deep_root), data_dir=data_dir, timeout=45)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    report = json.loads(proc.stdout)
    assert report["imported"] == 2
    assert str(deepest / "bottom.txt") in [f["path"] for f in report["files"]]


@pytest.mark.timeout(30)
def test_symlink_loops_end(tmp_path: Path, data_dir: Path) -> None:
    root = tmp_path / "loops"
    (root / "a" / "b").mkdir(parents=True)
    (root / "a" / "b" / "up").symlink_to("../..", target_is_directory=True)
    (root / "a" / "self").symlink_to(".", target_is_directory=True)
    (root / "dangling.txt").symlink_to(root / "missing.txt")
    write_article(root / "a" / "b" / "story.txt", "Loops in the archive")
    proc = run_bounded("import", "--json", str(root), data_dir=data_dir)
    report = json.loads(proc.stdout)
    assert report["imported"] == 1
    assert [f["path"] for f in report["files"] if f["created"]] == [
        str(root / "a" / "b" / "story.txt")
    ]


@pytest.mark.timeout(60)
def test_hostile_backups_and_wordless_text_are_named_and_the_rest_is_stored(
    tmp_path: Path, data_dir: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_article(folder / "a-first.txt", "Quay rebuild approved")
    write_article(folder / "z-last.txt", "Ferry timetable changes")
    item = {"title": "T", "blocks": [], "quotes": [{"text": "q", "block": "Infinity"}]}
    infinity = json.dumps({"newsreader_export": 2, "feeds": [], "articles": [item]})
    (folder / "b-infinity.json").write_text(infinity.replace('"Infinity"', "Infinity"))
    (folder / "c-huge.json").write_text('{"newsreader_export": ' + "9" * 5000 + "}")
    (folder / "d-symbols.txt").write_text("×\n\u202e\n\x1b\n", encoding="utf-8")
    proc = run_bounded("import", "--json", str(folder), data_dir=data_dir)
    report = json.loads(proc.stdout)
    assert report["imported"] == 2, proc.stderr
    errors = sorted(report["errors"])
    assert [error.split(":")[0] for error in errors] == [
        str(folder / name) for name in ("b-infinity.json", "c-huge.json", "d-symbols.txt")
    ]
    assert errors[1].endswith("(a number too long to read)")
    assert errors[2].endswith("no words to read")
    assert "Traceback" not in proc.stderr


@pytest.mark.timeout(60)
def test_feed_tags_from_a_backup_are_cleaned(tmp_path: Path, data_dir: Path) -> None:
    backup = tmp_path / "backup.json"
    tags = ["\x1b[31m", "a\u202eb"]
    feed = {"url": "https://x.example/f.xml", "title": "F\x1b[31m", "tags": tags}
    backup.write_text(json.dumps({"newsreader_export": 2, "feeds": [feed], "articles": []}))
    run_bounded("import", str(backup), data_dir=data_dir)
    proc = run_bounded("feeds", "--json", data_dir=data_dir)
    assert "\x1b" not in proc.stdout and "\u202e" not in proc.stdout
    assert "\\u001b" not in proc.stdout and "\\u202e" not in proc.stdout
    (saved,) = json.loads(proc.stdout)["feeds"]
    assert saved["title"] == "F"
    assert saved["tags"] == ["ab"]  # the escape sequence went whole, the empty tag with it


@pytest.mark.timeout(90)
def test_pages_built_to_exhaust_the_html_parser_import_in_bounded_memory(
    tmp_path: Path, data_dir: Path
) -> None:
    """A 10 MB table of a million cells took 1.9 GB, and a tag with 200,000 attributes
    110 s inside libxml2; both now import, cut down, under the 1 GB address-space cap."""
    table = tmp_path / "table.html"
    row = "<tr>" + "<td>c</td>" * 100 + "</tr>"
    table.write_text(
        "<html><body><article><h1>Rates</h1><p>The table of every rate follows below.</p>"
        "<table>" + row * 9_000 + "</table></article></body></html>"
    )
    attributes = tmp_path / "attributes.html"
    many = " ".join(f"a{i}=1" for i in range(200_000))
    attributes.write_text(
        f"<html><body><article><h1>Quay</h1><div {many}><p>The quay reopened on Monday"
        " after two years of repairs.</p></div></article></body></html>"
    )
    proc = run_bounded(
        "import", "--json", str(table), str(attributes), data_dir=data_dir, timeout=80
    )
    report = json.loads(proc.stdout)
    assert report["imported"] == 2, proc.stderr
    assert "Traceback" not in proc.stderr

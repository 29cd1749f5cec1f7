"""The CLI defects of issue #17 ("Reliability"), each run as a user meets it.

Everything here is real: the command in a subprocess, real FIFOs, symlinks,
character devices, `/dev/full`, a pipe whose reader has gone, file names with
escape sequences and with bytes that are not UTF-8. No mocks.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from newsreader.store import Library

ARTICLE = """\
Tram depot opens after nine years of delays

The new depot on the river flats opened on Tuesday, nine years after work began.

"We kept our promise, late as it is," Mayor Ilse Brandt said at the ribbon cutting.
"""

FEED = (
    b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
    b"<title>Harbour Gazette</title><id>urn:hg</id><updated>2026-02-01T00:00:00Z</updated>"
    b'<entry><id>a1</id><title>Dredging starts</title><link href="https://news.example/a1"/>'
    b"<updated>2026-02-01T10:00:00Z</updated><content>Crews began at dawn.</content></entry>"
    b"</feed>"
)

ESCAPES = "\x1b]52;c;aGVsbG8=\x07\x1b]0;owned\x07\x1b[2J"
"""An OSC 52 clipboard write, an OSC 0 title change and a clear-screen."""

BIG = str(2**63)
"""One past the largest SQLite INTEGER."""


def run_cli(
    *args: str,
    data_dir: Path,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    stdout: int | None = subprocess.PIPE,
) -> subprocess.CompletedProcess[bytes]:
    """The real command; bytes, so tests see exactly what reached the terminal."""
    full_env = dict(os.environ, COLUMNS="120")
    full_env["NEWSREADER_DATA_DIR"] = str(data_dir)
    full_env["NEWSREADER_CONFIG_DIR"] = str(data_dir / "config")
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "newsreader", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=full_env,
        cwd=cwd,
        timeout=60,
    )


def assert_clean_failure(proc: subprocess.CompletedProcess[bytes], status: int) -> None:
    assert proc.returncode == status, proc.stderr
    assert b"Traceback" not in proc.stderr, proc.stderr.decode(errors="replace")


def no_escapes(output: bytes) -> bool:
    return b"\x1b" not in output and b"\x07" not in output and b"\xc2\x9b" not in output


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "library"


@pytest.fixture
def library(tmp_path: Path, data_dir: Path) -> Path:
    """A library holding one imported article; returns its directory."""
    source = tmp_path / "tram.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    proc = run_cli("import", str(source), data_dir=data_dir)
    assert proc.returncode == 0, proc.stderr
    return data_dir


def exported(library: Path) -> bytes:
    proc = run_cli("export", data_dir=library)
    assert proc.returncode == 0, proc.stderr
    assert b"Tram depot" in proc.stdout
    return proc.stdout


# -- 3. export -o writes atomically only over regular files ------------------------------


@pytest.fixture
def char_device(tmp_path: Path) -> Path:
    """A character device this test may write to without harming the machine.

    As root, a private node with /dev/null's numbers (replacing it, as the bug
    did, breaks nothing but this test); otherwise /dev/null itself, which a
    non-root user cannot replace even if the bug came back.
    """
    if os.geteuid() == 0:
        node = tmp_path / "null"
        try:
            os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        except OSError as exc:
            pytest.skip(f"cannot create a character device here: {exc}")
        return node
    if os.access("/dev", os.W_OK):
        pytest.skip("/dev is writable: a regression could replace the real /dev/null")
    return Path("/dev/null")


def test_export_to_a_character_device_writes_to_it(library: Path, char_device: Path) -> None:
    proc = run_cli("export", "-o", str(char_device), data_dir=library)
    assert proc.returncode == 0, proc.stderr
    assert stat.S_ISCHR(os.stat(char_device).st_mode), "the device was replaced by a file"
    assert not list(char_device.parent.glob(f".{char_device.name}.tmp-*"))


def test_export_to_a_fifo_writes_into_it(library: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "export.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as reader:
            received.append(reader.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    proc = run_cli("export", "-o", str(fifo), data_dir=library)
    if reader.is_alive():  # the command failed without opening the FIFO: let the reader go
        with open(fifo, "wb"):
            pass
    reader.join(timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO was replaced by a file"
    assert received == [exported(library)]


def test_export_through_a_symlink_replaces_its_target(library: Path, tmp_path: Path) -> None:
    target = tmp_path / "real" / "export.json"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "export.json"
    link.symlink_to(target)
    proc = run_cli("export", "-o", str(link), data_dir=library)
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink(), "the symlink was replaced by a file"
    assert target.read_bytes() == exported(library)
    assert sorted(p.name for p in target.parent.iterdir()) == ["export.json"]


def test_export_to_a_regular_file_is_still_written(library: Path, tmp_path: Path) -> None:
    out = tmp_path / "export.json"
    out.write_text("old", encoding="utf-8")
    proc = run_cli("export", "-o", str(out), data_dir=library)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes() == exported(library)


def test_export_to_an_empty_name_is_a_usage_error(library: Path, tmp_path: Path) -> None:
    proc = run_cli("export", "-o", "", data_dir=library, cwd=tmp_path)
    assert_clean_failure(proc, 2)
    assert b"-o/--output" in proc.stderr


def test_export_to_dash_is_stdout(library: Path, tmp_path: Path) -> None:
    work = tmp_path / "cwd"
    work.mkdir()
    proc = run_cli("export", "-o", "-", data_dir=library, cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == exported(library)
    assert list(work.iterdir()) == [], "wrote a file named '-'"
    assert proc.stderr == b""


# -- 5. file names and arguments never carry escape sequences to the terminal ------------


def test_import_error_lines_show_file_names_without_escapes(tmp_path: Path, data_dir: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / f"{ESCAPES}.txt").touch()  # empty: fails with an error line naming it
    (folder / f"x{ESCAPES}y.txt").write_text(ARTICLE, encoding="utf-8")
    proc = run_cli("import", str(folder), data_dir=data_dir)
    assert_clean_failure(proc, 1)
    assert no_escapes(proc.stdout) and no_escapes(proc.stderr), proc.stderr
    assert b"empty file" in proc.stderr
    assert b"1 imported" in proc.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["parse", f"missing{ESCAPES}.txt"],
        ["export", "-o", f"no-such-dir/{ESCAPES}/out.json"],
        ["list", ESCAPES],  # argparse: unrecognized arguments
        ["remove", f"https://feeds.example/{ESCAPES}"],
        ["search", f"no match {ESCAPES}"],
    ],
    ids=["parse", "export", "argparse", "remove", "search"],
)
def test_user_given_strings_are_printed_without_escapes(
    args: list[str], tmp_path: Path, data_dir: Path
) -> None:
    proc = run_cli(*args, data_dir=data_dir, cwd=tmp_path)
    assert b"Traceback" not in proc.stderr
    assert no_escapes(proc.stdout) and no_escapes(proc.stderr), (proc.stdout, proc.stderr)


# -- 12. numbers past SQLite's range -----------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["show", BIG],
        ["read", BIG],
        ["unread", "1", BIG],
        ["bookmark", BIG],
        ["unbookmark", BIG],
        ["list", "--limit", BIG],
        ["search", "tram", "--limit", BIG],
        ["remove", BIG],
        ["remove", "9" * 5000],  # past int()'s digit limit
        ["remove", "²"],  # isdigit() but not int()
    ],
    ids=lambda args: " ".join(a[:25] for a in args),
)
def test_huge_numbers_are_usage_errors_or_not_found(args: list[str], library: Path) -> None:
    proc = run_cli(*args, data_dir=library)
    assert proc.returncode in (1, 2), proc.stderr
    assert b"Traceback" not in proc.stderr, proc.stderr.decode(errors="replace")
    assert proc.stderr.count(b"error:") == 1


def test_the_largest_id_is_simply_not_found(library: Path) -> None:
    proc = run_cli("read", str(2**63 - 1), data_dir=library)
    assert_clean_failure(proc, 1)
    assert proc.stderr == f"newsreader: error: no article with ID {2**63 - 1}\n".encode()


# -- 14. file names that are not UTF-8 ---------------------------------------------------


@pytest.fixture
def undecodable(tmp_path: Path) -> Path:
    """A folder with an article and an empty file whose names are Latin-1, not UTF-8."""
    folder = tmp_path / "in"
    folder.mkdir()
    try:
        (folder / os.fsdecode(b"caf\xe9.txt")).write_text(ARTICLE, encoding="utf-8")
        (folder / os.fsdecode(b"bad\xff.txt")).touch()
    except (OSError, UnicodeError) as exc:
        pytest.skip(f"the file system refuses non-UTF-8 names: {exc}")
    return folder


@pytest.mark.parametrize(
    "env", [{"LC_ALL": "C"}, {"PYTHONIOENCODING": "utf-8:strict"}], ids=["C", "strict"]
)
def test_undecodable_names_give_valid_json(
    env: dict[str, str], undecodable: Path, data_dir: Path
) -> None:
    proc = run_cli("import", "--json", str(undecodable), data_dir=data_dir, env=env)
    assert_clean_failure(proc, 1)
    report = json.loads(proc.stdout.decode("utf-8"))  # strict: valid UTF-8 or it raises
    assert report["imported"] == 1
    [message] = report["errors"]
    # The exact name comes back to a JSON reader, undecodable byte included.
    bad = undecodable / os.fsdecode(b"bad\xff.txt")
    assert message == f"{bad}: empty file"


@pytest.mark.parametrize(
    "env", [{"LC_ALL": "C"}, {"PYTHONIOENCODING": "utf-8:strict"}], ids=["C", "strict"]
)
def test_undecodable_names_in_human_output(
    env: dict[str, str], undecodable: Path, data_dir: Path
) -> None:
    proc = run_cli("import", str(undecodable), data_dir=data_dir, env=env)
    assert_clean_failure(proc, 1)
    proc.stdout.decode("utf-8")
    line = proc.stderr.decode("utf-8")  # valid UTF-8: the bad byte shows as U+FFFD
    assert "bad\ufffd.txt: empty file" in line
    assert b"1 imported" in proc.stdout
    listed = run_cli("list", "--json", data_dir=data_dir, env=env)
    assert json.loads(listed.stdout.decode("utf-8"))["total"] == 1


# -- 15 and 16. `feeds`: clean tags, and columns that never collapse ---------------------


def test_tags_are_cleaned_where_they_enter(server: HTTPServer, data_dir: Path) -> None:
    server.expect_request("/feed.xml").respond_with_data(FEED, content_type="application/atom+xml")
    url = server.url_for("/feed.xml")
    proc = run_cli("add", url, "--tag", f"News{ESCAPES}", "--tag", ESCAPES, data_dir=data_dir)
    assert proc.returncode == 0, proc.stderr
    shown = run_cli("feeds", data_dir=data_dir)
    assert shown.returncode == 0, shown.stderr
    assert no_escapes(shown.stdout), shown.stdout
    assert b"News" in shown.stdout
    listed = json.loads(run_cli("feeds", "--json", data_dir=data_dir).stdout)
    assert listed["feeds"][0]["tags"] == ["News"]


def test_feeds_keeps_id_and_title_beside_a_long_error(data_dir: Path) -> None:
    from newsreader.paths import database_path

    library = Library(database_path(data_dir))
    try:
        failing, _ = library.add_feed("https://gazette.example/feed", title="Harbour Gazette")
        working, _ = library.add_feed("https://post.example/rss", title="Valley Post")
        reason = "HTTP 500 Internal Server Error: the upstream server explained at length " * 3
        library.record_fetch(failing.id, error=reason)
        library.record_fetch(working.id)
    finally:
        library.close()
    proc = run_cli("feeds", data_dir=data_dir, env={"COLUMNS": "80"})
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.decode("utf-8").splitlines()
    assert all(len(line.rstrip()) <= 80 for line in lines), lines
    assert lines[0].split()[:2] == ["ID", "Title"]
    rows = {line.split()[0]: line for line in lines[1:] if line[:4].strip()}
    assert "Harbour Gazette" in rows[str(failing.id)]
    assert "HTTP 500" in rows[str(failing.id)]
    assert "Valley Post" in rows[str(working.id)]
    assert "explained at length" in " ".join(lines), "the error is cut, not folded"


# -- 17. stdout that cannot be written ---------------------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args", [["list"], ["list", "--json"], ["export"], ["paths"]], ids=" ".join
)
def test_a_full_stdout_is_one_error_line(args: list[str], library: Path) -> None:
    with open("/dev/full", "wb") as full:
        proc = run_cli(*args, data_dir=library, stdout=full.fileno())
    assert proc.returncode == 1
    assert proc.stderr == b"newsreader: error: standard output: No space left on device\n"


@pytest.mark.parametrize("args", [["list"], ["list", "--json"], ["export"]], ids=" ".join)
def test_a_closed_pipe_ends_quietly(args: list[str], library: Path) -> None:
    """`newsreader list | head -c 10`, with the reader already gone: always EPIPE, no race."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = run_cli(*args, data_dir=library, stdout=write_end)
    finally:
        os.close(write_end)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == b""

"""`read --all [--feed F] [--before DATE]`, IDs from stdin (`-`), and undo by `unread -`."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from newsreader.cli.main import main
from newsreader.model.library import ListQuery
from newsreader.paths import database_path
from newsreader.store import Library
from support import BASE, build_feeds_library


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    folder.mkdir()
    build_feeds_library(database_path(folder)).close()
    return folder


def run(
    data_dir: Path,
    *args: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    stdin: str = "",
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    status = main([*args, "--data-dir", str(data_dir)])
    out, err = capsys.readouterr()
    return status, out, err


def read_flags(data_dir: Path) -> dict[int, bool]:
    with Library(database_path(data_dir)) as library:
        return {row.id: row.read for row in library.page(limit=1000)}


def test_read_all_then_unread_from_its_json_restores_the_state(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = read_flags(data_dir)
    status, out, _ = run(
        data_dir, "read", "--all", "--json", capsys=capsys, monkeypatch=monkeypatch
    )
    assert status == 0
    document = json.loads(out)
    unread_before = sorted(i for i, read in before.items() if not read)
    assert document["action"] == "read" and document["all"] is True
    assert document["count"] == len(unread_before) and document["ids"] == unread_before
    assert document["errors"] == []
    assert all(read_flags(data_dir).values())
    # The document is its own undo.
    status, out, _ = run(
        data_dir, "unread", "-", "--json", stdin=out, capsys=capsys, monkeypatch=monkeypatch
    )
    assert status == 0 and json.loads(out)["ids"] == unread_before
    assert read_flags(data_dir) == before


def test_read_all_of_one_feed_before_a_date(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with Library(database_path(data_dir)) as library:
        gazette = next(f for f in library.feeds() if f.title == "Harbour Gazette")
        rows = library.page(ListQuery(feed_id=gazette.id), limit=100)
    cutoff = BASE + timedelta(hours=5)
    expected = sorted(r.id for r in rows if not r.read and r.sort_ts < cutoff.timestamp())
    assert expected, "the fixture has something to mark"
    status, out, _ = run(
        data_dir,
        "read",
        "--all",
        "--feed",
        gazette.url,
        "--before",
        cutoff.isoformat(),
        "--json",
        capsys=capsys,
        monkeypatch=monkeypatch,
    )
    assert status == 0
    document = json.loads(out)
    assert document["ids"] == expected and document["feed"] == gazette.id
    flags = read_flags(data_dir)
    assert all(flags[i] for i in expected)
    assert any(not read for read in flags.values()), "other feeds and later articles untouched"


def test_read_all_prints_a_count_not_the_ids(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    unread = sum(not read for read in read_flags(data_dir).values())
    status, out, _ = run(data_dir, "read", "--all", capsys=capsys, monkeypatch=monkeypatch)
    assert status == 0 and out == f"marked {unread} articles read\n"
    status, out, _ = run(data_dir, "read", "--all", capsys=capsys, monkeypatch=monkeypatch)
    assert status == 0 and out == "nothing to mark: no unread articles\n"


def test_ids_from_stdin_plain_and_list_json(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = sorted(i for i, read in read_flags(data_dir).items() if not read)
    first, second = ids[:2], ids[2:4]
    status, out, err = run(
        data_dir,
        "read",
        "-",
        stdin=f"{first[0]}\n{first[1]}  99999\n",
        capsys=capsys,
        monkeypatch=monkeypatch,
    )
    assert status == 1, "an unknown ID is an error; the rest are still marked"
    assert out == "marked 2 articles read\n"
    assert err == "newsreader: error: no article with ID 99999\n"
    listing = json.dumps({"total": 2, "articles": [{"id": second[0]}, {"id": second[1]}]})
    status, out, _ = run(
        data_dir, "read", "-", "--json", stdin=listing, capsys=capsys, monkeypatch=monkeypatch
    )
    assert status == 0 and json.loads(out) == {"action": "read", "ids": second, "errors": []}
    flags = read_flags(data_dir)
    assert all(flags[i] for i in first + second)


def test_explicit_ids_keep_their_output(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = sorted(read_flags(data_dir))[:2]
    status, out, _ = run(data_dir, "unread", *map(str, ids), capsys=capsys, monkeypatch=monkeypatch)
    assert status == 0 and out == f"marked unread: {ids[0]} {ids[1]}\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["read"], "give article IDs, - to read them from standard input, or --all"),
        (["read", "--all", "3"], "give article IDs or --all, not both"),
        (["read", "--feed", "1"], "add --all"),
        (["read", "--before", "2026-01-01", "4"], "add --all"),
    ],
)
def test_wrong_combinations_are_usage_errors(
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    status, out, err = run(data_dir, *args, capsys=capsys, monkeypatch=monkeypatch)
    assert status == 2 and out == ""
    assert err.startswith("newsreader: error: read: ") and message in err


def test_bad_date_and_unknown_feed(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(data_dir, "read", "--all", "--before", "soon", capsys=capsys, monkeypatch=monkeypatch)
    assert exit_info.value.code == 2
    assert "'soon' is not a date" in capsys.readouterr().err
    status, _, err = run(
        data_dir,
        "read",
        "--all",
        "--feed",
        "https://nowhere.example/",
        capsys=capsys,
        monkeypatch=monkeypatch,
    )
    assert status == 1 and "no subscription https://nowhere.example/" in err


def test_the_pipe_as_a_user_types_it(data_dir: Path) -> None:
    """`newsreader list --unread --json | newsreader read -`, as processes."""
    env = dict(os.environ, NEWSREADER_DATA_DIR=str(data_dir))
    command = [sys.executable, "-m", "newsreader"]
    listed = subprocess.run(
        [*command, "list", "--unread", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=60,
    )
    marked = subprocess.run(
        [*command, "read", "-"],
        input=listed.stdout,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert marked.returncode == 0, marked.stderr
    assert all(read_flags(data_dir).values())

"""`newsreader index` and the search that indexes first (store/search_index.py).

Imports and refreshes store articles without indexing them; the first search
indexes them, and `index` does it on request (a cron job after `refresh`).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from newsreader.store import Library
from support import run_cli, tiny_articles

DATA_DIR = Path(__file__).parents[2] / "data"


def test_index_brings_the_search_index_up_to_date(tmp_path: Path) -> None:
    run_cli("import", str(DATA_DIR), data_dir=tmp_path, check=True)
    first = json.loads(run_cli("index", "--json", data_dir=tmp_path, check=True).stdout)
    assert first["indexed"] == first["behind"] > 0 and first["left"] == 0
    again = run_cli("index", data_dir=tmp_path, check=True)
    assert again.stdout.strip() == "the index is up to date"
    hits = json.loads(run_cli("search", "--json", "harbour", data_dir=tmp_path).stdout)
    assert hits["results"], "the bundled samples mention the harbour"


def test_the_first_search_after_an_import_finds_what_it_stored(tmp_path: Path) -> None:
    run_cli("import", str(DATA_DIR), data_dir=tmp_path, check=True)
    found = run_cli("search", "--json", "harbour", data_dir=tmp_path, check=True)
    assert json.loads(found.stdout)["results"]
    status = json.loads(run_cli("index", "--json", data_dir=tmp_path, check=True).stdout)
    assert status["behind"] == 0, "the search indexed everything"


def test_an_index_killed_midway_loses_nothing_and_resumes(tmp_path: Path) -> None:
    """SIGKILL while indexing: each step is a transaction, so the index holds whole steps,
    passes SQLite's own check, and the next `index` finishes it."""
    count = 30_000
    with Library(tmp_path / "library.sqlite3") as library:
        library.bulk_load(tiny_articles(count), batch=10_000)
    env = dict(os.environ, NEWSREADER_DATA_DIR=str(tmp_path))
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsreader", "index"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with Library(tmp_path / "library.sqlite3") as watcher:
        deadline = time.monotonic() + 60
        while watcher.unindexed() == count and time.monotonic() < deadline:
            time.sleep(0.01)  # until the first step has committed
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    with Library(tmp_path / "library.sqlite3") as library:
        left = library.unindexed()
        assert 0 < left < count, "killed midway: the steps committed before the kill stay"
        library._db.execute("INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')")
    again = json.loads(run_cli("index", "--json", data_dir=tmp_path, check=True).stdout)
    assert again["indexed"] == again["behind"] == left and again["left"] == 0
    hits = json.loads(run_cli("search", "--json", "--limit", "5", "item", data_dir=tmp_path).stdout)
    assert len(hits["results"]) == 5
    with Library(tmp_path / "library.sqlite3") as library:
        rows = library._db.execute("SELECT count(*) FROM articles_fts").fetchone()[0]
        assert rows == count
        library._db.execute("INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')")

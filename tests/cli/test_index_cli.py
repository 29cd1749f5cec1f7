"""`newsreader index` and the search that indexes first (store/search_index.py).

Imports and refreshes store articles without indexing them; the first search
indexes them, and `index` does it on request (a cron job after `refresh`).
"""

from __future__ import annotations

import json
from pathlib import Path

from support import run_cli

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

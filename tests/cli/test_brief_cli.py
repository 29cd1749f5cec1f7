"""`newsreader show` and the generated brief: labelled, its own JSON key, off by config."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
STORY = REPO / "benchmarks" / "brief" / "03_wind_farm.txt"


def _run(*args: str, home: Path) -> str:
    env = dict(os.environ)
    env["NEWSREADER_DATA_DIR"] = str(home / "data")
    env["NEWSREADER_CONFIG_DIR"] = str(home / "config")
    env["COLUMNS"] = "200"
    proc = subprocess.run(
        [sys.executable, "-m", "newsreader", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_show_labels_the_generated_brief_and_keeps_it_out_of_key_points(tmp_path: Path) -> None:
    title, _points, body = STORY.read_text(encoding="utf-8").split("\n\n", 2)
    bare = tmp_path / "in" / "wind.txt"
    bare.parent.mkdir()
    bare.write_text(f"{title}\n\n{body}", encoding="utf-8")
    _run("import", str(bare), str(STORY), home=tmp_path)
    rows = json.loads(_run("list", "--json", home=tmp_path))["articles"]
    by_points = {bool(row["key_points"]): row["id"] for row in rows}

    shown = json.loads(_run("show", str(by_points[False]), "--json", home=tmp_path))
    assert shown["key_points"] == []
    assert 1 <= len(shown["generated_brief"]) <= 3
    body_text = " ".join(block["text"] for block in shown["blocks"])
    assert all(sentence in body_text for sentence in shown["generated_brief"])
    text = _run("show", str(by_points[False]), home=tmp_path)
    assert "In brief (generated)" in text and "Key points" not in text

    with_points = _run("show", str(by_points[True]), home=tmp_path)
    assert "Key points" in with_points and "In brief" not in with_points
    assert "generated_brief" not in json.loads(
        _run("show", str(by_points[True]), "--json", home=tmp_path)
    )

    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.toml").write_text("brief = false\n")
    assert "In brief" not in _run("show", str(by_points[False]), home=tmp_path)
    off = json.loads(_run("show", str(by_points[False]), "--json", home=tmp_path))
    assert "generated_brief" not in off

"""`newsreader show` and the generated brief: labelled, its own JSON key, off by config."""

from __future__ import annotations

import json
from pathlib import Path

from support import cli_ok

REPO = Path(__file__).resolve().parents[2]
STORY = REPO / "benchmarks" / "brief" / "03_wind_farm.txt"


def test_show_labels_the_generated_brief_and_keeps_it_out_of_key_points(tmp_path: Path) -> None:
    title, _points, body = STORY.read_text(encoding="utf-8").split("\n\n", 2)
    bare = tmp_path / "in" / "wind.txt"
    bare.parent.mkdir()
    bare.write_text(f"{title}\n\n{body}", encoding="utf-8")
    data = tmp_path / "data"
    cli_ok("import", str(bare), str(STORY), data_dir=data)
    rows = json.loads(cli_ok("list", "--json", data_dir=data))["articles"]
    by_points = {bool(row["key_points"]): row["id"] for row in rows}

    shown = json.loads(cli_ok("show", str(by_points[False]), "--json", data_dir=data))
    assert shown["key_points"] == []
    assert 1 <= len(shown["generated_brief"]) <= 3
    body_text = " ".join(block["text"] for block in shown["blocks"])
    assert all(sentence in body_text for sentence in shown["generated_brief"])
    text = cli_ok("show", str(by_points[False]), data_dir=data)
    assert "In brief (generated)" in text and "Key points" not in text

    with_points = cli_ok("show", str(by_points[True]), data_dir=data)
    assert "Key points" in with_points and "In brief" not in with_points
    assert "generated_brief" not in json.loads(
        cli_ok("show", str(by_points[True]), "--json", data_dir=data)
    )

    (data / "config").mkdir()
    (data / "config" / "config.toml").write_text("brief = false\n")
    assert "In brief" not in cli_ok("show", str(by_points[False]), data_dir=data)
    off = json.loads(cli_ok("show", str(by_points[False]), "--json", data_dir=data))
    assert "generated_brief" not in off

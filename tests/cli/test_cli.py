"""The `newsreader` command, run as a user runs it: in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from support import run_cli

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"

ARTICLE = """\
×

Tram depot opens after nine years of delays

  • The depot houses forty trams and a training track.
  • Residents had campaigned against night-time testing.

The new depot on the river flats opened on Tuesday, nine years after work began.

"We kept our promise, late as it is," Mayor Ilse Brandt said at the ribbon cutting.

Night testing

Neighbours described the early trials as "unbearable" in a petition last spring.

"The trams will be silent after ten in the evening," she added.
"""


@pytest.fixture
def article_file(tmp_path: Path) -> Path:
    path = tmp_path / "in" / "tram.txt"
    path.parent.mkdir()
    path.write_text(ARTICLE, encoding="utf-8")
    return path


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "library"


def test_version() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "newsreader", "--version"], capture_output=True, text=True
    )
    assert proc.returncode == 0
    assert proc.stdout.startswith("newsreader 0.")


def test_import_list_show_roundtrip(article_file: Path, data_dir: Path) -> None:
    imported = json.loads(
        run_cli("import", str(article_file), "--json", data_dir=data_dir, check=True).stdout
    )
    assert imported["imported"] == 1 and imported["errors"] == []
    again = json.loads(
        run_cli("import", str(article_file), "--json", data_dir=data_dir, check=True).stdout
    )
    assert again["imported"] == 0 and again["already_present"] == 1

    listing = json.loads(run_cli("list", "--json", data_dir=data_dir, check=True).stdout)
    assert listing["total"] == 1
    row = listing["articles"][0]
    assert row["title"] == "Tram depot opens after nine years of delays"
    assert row["read"] is False and row["bookmarked"] is False

    shown = json.loads(
        run_cli("show", str(row["id"]), "--json", data_dir=data_dir, check=True).stdout
    )
    assert shown["key_points"][0].startswith("The depot houses forty trams")
    kinds = [block["kind"] for block in shown["blocks"]]
    assert "heading" in kinds and "quote" in kinds
    assert {q["speaker"] for q in shown["quotes"]} == {"Ilse Brandt"}
    assert shown["words"] > 50 and shown["reading_minutes"] == 1

    text = run_cli("show", str(row["id"]), data_dir=data_dir, check=True).stdout
    assert "Key points" in text and "— Ilse Brandt" in text


def test_state_commands_and_filters(article_file: Path, data_dir: Path) -> None:
    run_cli("import", str(article_file), data_dir=data_dir, check=True)
    run_cli("bookmark", "1", data_dir=data_dir, check=True)
    run_cli("read", "1", data_dir=data_dir, check=True)
    marked = json.loads(run_cli("list", "--bookmarked", "--json", data_dir=data_dir).stdout)
    assert [a["id"] for a in marked["articles"]] == [1]
    unread = json.loads(run_cli("list", "--unread", "--json", data_dir=data_dir).stdout)
    assert unread["total"] == 0
    run_cli("unread", "1", data_dir=data_dir, check=True)
    run_cli("unbookmark", "1", data_dir=data_dir, check=True)
    row = json.loads(run_cli("list", "--json", data_dir=data_dir).stdout)["articles"][0]
    assert row["read"] is False and row["bookmarked"] is False


def test_unknown_id_is_one_line_error(article_file: Path, data_dir: Path) -> None:
    run_cli("import", str(article_file), data_dir=data_dir, check=True)
    proc = run_cli("bookmark", "1", "999", data_dir=data_dir)
    assert proc.returncode == 1
    assert proc.stderr.strip() == "newsreader: error: no article with ID 999"
    assert (
        json.loads(run_cli("list", "--bookmarked", "--json", data_dir=data_dir).stdout)["total"]
        == 1
    )
    proc = run_cli("show", "42", data_dir=data_dir)
    assert proc.returncode == 1 and "42" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_cli("show", "abc", data_dir=data_dir)
    assert proc.returncode == 2 and "not an article ID" in proc.stderr


def test_bad_files_reported_and_others_land(
    article_file: Path, data_dir: Path, tmp_path: Path
) -> None:
    folder = article_file.parent
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    latin = (
        "Caf\u00e9 owners protest rent rise\n\nThe owners said rents rose \u201csharply\u201d.\n"
    )
    (folder / "latin.txt").write_bytes(latin.encode("cp1252"))
    missing = tmp_path / "nope.txt"
    proc = run_cli("import", str(folder), str(missing), data_dir=data_dir)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if "error:" in line]
    assert any("empty.txt" in line and "empty" in line for line in errors)
    assert any("binary.txt" in line and "binary" in line for line in errors)
    assert any("nope.txt" in line for line in errors)
    assert any("latin.txt" in line and "cp1252" in line for line in proc.stderr.splitlines())
    titles = {
        a["title"]
        for a in json.loads(run_cli("list", "--json", data_dir=data_dir).stdout)["articles"]
    }
    assert titles == {
        "Tram depot opens after nine years of delays",
        "Caf\u00e9 owners protest rent rise",
    }


def test_empty_directory_is_an_error(tmp_path: Path, data_dir: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = run_cli("import", str(empty), data_dir=data_dir)
    assert proc.returncode == 1
    assert "nothing to import" in proc.stderr and str(empty) in proc.stderr


def test_search_quotes_user_text(article_file: Path, data_dir: Path) -> None:
    run_cli("import", str(article_file), data_dir=data_dir, check=True)
    hits = json.loads(run_cli("search", "ribbon", "--json", data_dir=data_dir, check=True).stdout)
    assert hits["results"][0]["title"].startswith("Tram depot")
    snippet = hits["results"][0]["snippet"]
    start, end = hits["results"][0]["highlights"][0]
    assert snippet[start:end].lower() == "ribbon"
    for typed in ['"', "NEAR(", "*", "AND OR", "depot)"]:
        proc = run_cli("search", typed, "--json", data_dir=data_dir)
        assert proc.returncode == 0, (typed, proc.stderr)
    proc = run_cli("search", "--raw", "NEAR(", data_dir=data_dir)
    assert proc.returncode == 1 and "not valid FTS5" in proc.stderr


def test_parse_stores_nothing(article_file: Path, data_dir: Path) -> None:
    parsed = json.loads(
        run_cli("parse", str(article_file), "--json", data_dir=data_dir, check=True).stdout
    )
    assert parsed["title"] == "Tram depot opens after nine years of delays"
    assert "id" not in parsed
    assert not (data_dir / "library.sqlite3").exists()


def test_export_json_and_markdown(article_file: Path, data_dir: Path, tmp_path: Path) -> None:
    run_cli("import", str(article_file), data_dir=data_dir, check=True)
    run_cli("bookmark", "1", data_dir=data_dir, check=True)
    document = run_cli("export", "--bookmarked", data_dir=data_dir, check=True).stdout
    exported = json.loads(document)["articles"]
    assert exported[0]["title"].startswith("Tram depot") and exported[0]["blocks"]
    out = tmp_path / "export.md"
    run_cli("export", "--format", "markdown", "-o", str(out), data_dir=data_dir, check=True)
    markdown = out.read_text(encoding="utf-8")
    assert markdown.startswith("# Tram depot opens")
    assert "- The depot houses forty trams" in markdown and "> — Ilse Brandt" in markdown


def test_paths_honours_overrides(data_dir: Path) -> None:
    paths = json.loads(run_cli("paths", "--json", data_dir=data_dir, check=True).stdout)
    assert paths["data_dir"] == str(data_dir)
    assert paths["database"] == str(data_dir / "library.sqlite3")
    assert paths["config_file"] == str(data_dir / "config" / "config.toml")
    flag = json.loads(
        run_cli("--data-dir", str(data_dir / "other"), "paths", "--json", data_dir=data_dir).stdout
    )
    assert flag["data_dir"] == str(data_dir / "other")


def test_cli_never_adds_samples(data_dir: Path) -> None:
    listing = json.loads(run_cli("list", "--json", data_dir=data_dir, check=True).stdout)
    assert listing == {"total": 0, "articles": []}


def test_import_bundled_samples(data_dir: Path) -> None:
    proc = run_cli("import", str(DATA), "--json", data_dir=data_dir)
    report = json.loads(proc.stdout)
    assert report["errors"] == [], report["errors"]
    assert report["imported"] >= 8
    listing = json.loads(run_cli("list", "--limit", "100", "--json", data_dir=data_dir).stdout)
    with_points = [a for a in listing["articles"] if a["key_points"]]
    assert len(with_points) >= 6


def test_corrupt_library_is_named(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "library.sqlite3").write_bytes(b"garbage" * 1000)
    proc = run_cli("list", data_dir=data_dir)
    assert proc.returncode == 1
    assert "library.sqlite3" in proc.stderr and "Traceback" not in proc.stderr
    assert (data_dir / "library.sqlite3").read_bytes().startswith(b"garbage")


def test_new_library_flag_moves_a_corrupt_file_aside(data_dir: Path, article_file: Path) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "library.sqlite3").write_bytes(b"garbage" * 1000)
    proc = run_cli("list", data_dir=data_dir)
    assert "--new-library" in proc.stderr
    proc = run_cli("--new-library", "import", str(article_file), data_dir=data_dir)
    assert proc.returncode == 0, proc.stderr
    assert "moved aside" in proc.stderr
    kept = list(data_dir.glob("library.sqlite3.broken-*"))
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"garbage")
    assert json.loads(run_cli("list", "--json", data_dir=data_dir).stdout)["total"] == 1


def test_data_dir_flag_works_after_the_command(article_file: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    run_cli("import", str(article_file), "--data-dir", str(elsewhere), data_dir=tmp_path / "env")
    listing = json.loads(
        run_cli("list", "--json", "--data-dir", str(elsewhere), data_dir=tmp_path / "env").stdout
    )
    assert listing["total"] == 1
    assert not (tmp_path / "env" / "library.sqlite3").exists()


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--data-dir", "lib"],
        ["--data-dir=lib"],
        ["--data-dir="],
        ["--data-dir", "list"],
        ["--new-library"],
        ["--new-library", "--data-dir", "lib"],
        ["--data-dir", "lib", "--new-library"],
    ],
)
def test_reader_launch_reads_its_options_as_the_parser_does(argv: list[str]) -> None:
    """The reader's launch skips building the parser; it must not read its options otherwise."""
    from newsreader.cli.main import build_parser, reader_arguments

    assert reader_arguments(argv) == build_parser().parse_args(argv)


@pytest.mark.parametrize(
    "argv",
    [
        ["list"],
        ["--data-dir"],
        ["--data-dir", "-x"],
        ["--data-dir", "a", "--data-dir", "b"],
        ["--new-library", "--new-library"],
        ["--data", "lib"],
        ["--version"],
        ["--help"],
        ["lib"],
    ],
)
def test_anything_else_is_left_to_the_parser(argv: list[str]) -> None:
    """Commands, abbreviations, repeats and mistakes get argparse's own answers and errors."""
    from newsreader.cli.main import reader_arguments

    assert reader_arguments(argv) is None


def test_first_reader_start_imports_the_samples_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The TUI entry point seeds a new library with the bundled samples, and only once."""
    import newsreader.ui.launch
    from newsreader.cli import main as cli
    from newsreader.store import Library

    seen: list[int] = []
    monkeypatch.setattr(
        newsreader.ui.launch, "run", lambda library, **_: seen.append(library.count())
    )
    monkeypatch.setenv("NEWSREADER_CONFIG_DIR", str(tmp_path / "config"))
    data = tmp_path / "data"
    assert cli.main(["--data-dir", str(data)]) == 0
    assert seen[0] >= 8
    with Library(data / "library.sqlite3") as library:
        first = [row.id for row in library.page(limit=100)]
        library.set_read(first, True)
    assert cli.main(["--data-dir", str(data)]) == 0
    assert seen[1] == seen[0], "the samples are not imported twice"


def test_big_import_parses_in_parallel_and_still_reports_each_bad_file(
    tmp_path: Path, data_dir: Path
) -> None:
    """Enough files to use the worker processes: every good one lands once, each bad
    one is named, and a second import of the same folder adds nothing."""
    folder = tmp_path / "pile"
    folder.mkdir()
    for n in range(90):
        (folder / f"{n:03d}.txt").write_text(
            f"Harbour board meeting number {n} ends early\n\n"
            f"The board met for the {n}th time and agreed on nothing at all.\n",
            encoding="utf-8",
        )
    (folder / "045-empty.txt").write_bytes(b"")
    (folder / "046-binary.txt").write_bytes(b"\x00\x01PNG" * 100)
    (folder / "047-feed.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item>'
        "<title>A feed item among the text files</title><description>Body text here.</description>"
        "</item></channel></rss>",
        encoding="utf-8",
    )
    proc = run_cli("import", "--json", str(folder), data_dir=data_dir)
    report = json.loads(proc.stdout)
    assert report["imported"] == 91
    assert len(report["errors"]) == 2
    assert any("045-empty.txt" in e for e in report["errors"])
    assert any("046-binary.txt" in e for e in report["errors"])
    assert sorted(Path(f["path"]).name for f in report["files"]) == sorted(
        p.name for p in folder.iterdir()
    ), "every file reported once"
    again = json.loads(run_cli("import", "--json", str(folder), data_dir=data_dir).stdout)
    assert again["imported"] == 0 and again["already_present"] == 91


def test_an_old_library_is_upgraded_once_and_says_so(tmp_path: Path) -> None:
    """Upgrades can rebuild indexes (seconds at a million articles): the user is told why."""
    data = tmp_path / "data"
    data.mkdir()
    fixture = Path(__file__).parents[1] / "fixtures" / "library-v1.sqlite3"
    (data / "library.sqlite3").write_bytes(fixture.read_bytes())
    first = run_cli("list", "--json", data_dir=data, check=True)
    assert "upgrading the library (schema 1 to" in first.stderr
    assert len(json.loads(first.stdout)["articles"]) == 3, "every article of the old library"
    again = run_cli("list", "--json", data_dir=data, check=True)
    assert "upgrading" not in again.stderr

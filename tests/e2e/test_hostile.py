"""Hostile input: nothing reaches the terminal, nothing crashes, the rest of an import lands.

Every file in `tests/hostile/` is imported and checked, so dropping a new file in
that directory is enough to test it. The file name says what must happen:

* `reject_*`  the import refuses it, fast, with one error line naming the file;
* `lenient_*` it is read leniently, with a warning naming the file;
* anything else imports cleanly.

Whatever happens, no stored text may hold a control, bidi or zero-width
character, or the payload of an escape sequence (planted markers: `PWNTITLE`
for OSC 0/2 window titles, `cGF5bG9hZA==` for an OSC 52 clipboard write), and no
article may carry a link other than http(s). The markers are unique so the
end-to-end check on the bytes the real app writes to its terminal can tell them
from the legitimate sequences Textual itself emits.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsreader.sanitize import has_unsafe
from newsreader.urls import is_safe_web_url
from support import Tmux, list_lines, run_cli, visible_text, wait_for_list_search

HOSTILE_DIR = Path(__file__).parents[1] / "hostile"
CORPUS = sorted(p for p in HOSTILE_DIR.iterdir() if p.is_file() and not p.name.startswith("."))
"""The corpus, listed at collection time: a new file is tested without touching this module."""

PAYLOAD_MARKERS = ("PWNTITLE", "cGF5bG9hZA==", "]52;", "[2J")
"""Text that could only be left over from an escape sequence that was not removed whole."""

TIME_LIMIT_S = 2.0
"""A hostile file must be dealt with in this long (a safety bound, not a benchmark)."""

MEMORY_LIMIT_MB = 200
"""Peak RSS growth allowed while dealing with one hostile file."""

GOOD_ARTICLE = """\
Harbour cranes return after winter repairs

  • Two of the three cranes are back in service.

The harbour authority said the cranes passed their load tests on Monday.
"""


def strings(value: Any) -> Iterator[str]:
    """Every string inside a JSON document (keys are ours; values are the stored text)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def write_generated_hazards(directory: Path) -> list[Path]:
    """Hazards too big to commit: a quadratic blowup and a 50 MB single-entry feed."""
    directory.mkdir(parents=True, exist_ok=True)
    entity = "a" * 50_000
    quadratic = directory / "reject_quadratic_blowup.xml"
    quadratic.write_text(
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE rss [<!ENTITY a "{entity}">]>\n'
        '<rss version="2.0"><channel><title>Blowup</title><item><title>t</title>'
        f"<description>{'&a;' * 50_000}</description></item></channel></rss>\n"
    )
    huge = directory / "reject_huge_50mb.xml"
    with huge.open("wb") as handle:
        handle.write(
            b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Huge</title>'
            b"<item><title>One enormous entry</title><description>"
        )
        chunk = b"word " * 200_000  # 1 MB
        for _ in range(50):
            handle.write(chunk)
        handle.write(b"</description></item></channel></rss>\n")
    return [quadratic, huge]


# -- import the corpus once ------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_import(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`newsreader import --json` of the corpus, then `newsreader show --json` of every ID."""
    data_dir = tmp_path_factory.mktemp("hostile-lib")
    proc = run_cli("import", str(HOSTILE_DIR), "--json", data_dir=data_dir)
    assert "Traceback" not in proc.stderr, proc.stderr
    report = json.loads(proc.stdout)
    files = {Path(f["path"]).name: f for f in report["files"]}
    shown: dict[int, dict[str, Any]] = {}
    for entry in files.values():
        for article_id in entry["created"] + entry["existing"]:
            if article_id in shown:
                continue
            show = run_cli("show", str(article_id), "--json", data_dir=data_dir)
            assert show.returncode == 0, show.stderr
            shown[article_id] = json.loads(show.stdout)
    return {"proc": proc, "files": files, "shown": shown, "data_dir": data_dir}


def test_corpus_has_every_kind_of_hazard() -> None:
    """The corpus covers each format the issue names, so a missing file is noticed."""
    names = {p.name for p in CORPUS}
    suffixes = {p.suffix for p in CORPUS}
    assert {".txt", ".xml", ".html"} <= suffixes
    assert sum(n.startswith("reject_") for n in names) >= 4
    for needle in ("escapes.txt", "escapes_page.html", "markup", "bidi", "bad_urls"):
        assert any(needle in n for n in names), needle
    assert any("rss_raw" in n for n in names) and any("rss_charrefs" in n for n in names)
    assert any("atom_raw" in n for n in names) and any("atom_charrefs" in n for n in names)


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_corpus_file_is_handled_safely(path: Path, corpus_import: dict[str, Any]) -> None:
    """Each corpus file is refused, read leniently or imported as its name says; never crashes.

    Everything stored from it shows no control characters, no escape payloads,
    and only http(s) links (or none).
    """
    files = corpus_import["files"]
    assert path.name in files, f"{path.name} was not even tried by the import"
    entry = files[path.name]
    stored = entry["created"] + entry["existing"]
    if path.name.startswith("reject_"):
        assert entry["error"], f"{path.name} should have been refused"
        assert str(path) in entry["error"], "the error names the file"
        assert "\n" not in entry["error"] and not has_unsafe(entry["error"])
        assert not stored
        assert f"newsreader: error: {entry['error']}" in corpus_import["proc"].stderr
        return
    assert entry["error"] is None, entry["error"]
    assert stored, f"{path.name} stored nothing"
    if path.name.startswith("lenient_"):
        assert any(str(path) in w for w in entry["warnings"]), "the leniency is reported"
    for article_id in stored:
        document = corpus_import["shown"][article_id]
        for text in strings(document):
            assert not has_unsafe(text), f"unsafe character stored in article {article_id}"
            for marker in PAYLOAD_MARKERS:
                assert marker not in text, f"escape payload {marker!r} left in {text!r}"
        url = document["url"]
        assert url is None or is_safe_web_url(url), f"non-web link stored: {url!r}"


def test_removed_sequences_leave_the_surrounding_text_joined(
    corpus_import: dict[str, Any],
) -> None:
    """A removed `ESC[2J` leaves `beforeafter`: the sequence went whole, nothing of it is shown."""
    bodies = " ".join(
        " ".join(b["text"] for b in doc["blocks"]) for doc in corpus_import["shown"].values()
    )
    for word in ("txt", "html", "rssraw", "rssref", "atomraw", "atomref"):
        assert f"{word}before{word}after" in bodies, word


def test_markup_is_stored_literally(corpus_import: dict[str, Any]) -> None:
    """Rich/Textual markup in article text is data: the brackets survive in the stored text."""
    titles = {doc["title"] for doc in corpus_import["shown"].values()}
    assert "Markup [@click=app.quit]click to quit[/] in the headline" in titles
    text = json.dumps(list(corpus_import["shown"].values()), ensure_ascii=False)
    assert "[bold red]bold red[/bold red]" in text
    assert "[link=https://evil.example]somewhere evil[/link]" in text


def test_bidi_and_zero_width_characters_are_removed(corpus_import: dict[str, Any]) -> None:
    """U+202E and friends cannot reorder or hide what the reader sees."""
    titles = {doc["title"] for doc in corpus_import["shown"].values()}
    assert "Bidi override txt.exe and zerowidth in the headline" in titles


def test_feed_links_with_other_schemes_are_dropped(corpus_import: dict[str, Any]) -> None:
    """javascript:, file:, data: and `-option` links become "no link", never a stored URL."""
    by_title = {doc["title"]: doc for doc in corpus_import["shown"].values()}
    for title in (
        "Link javascript",
        "Link file",
        "Link data",
        "Link dash",
        "Link guid permalink",
        "Atom relative link on a file base",
        "Atom data link",
    ):
        assert by_title[title]["url"] is None, title
    assert by_title["RSS raw escapes item"]["url"] == "https://example.com/rss-raw"


# -- resource bounds -------------------------------------------------------------

_MEASURE = r"""
import json, resource, sys, time
from pathlib import Path
import feedparser, lxml.html, trafilatura  # baseline includes the parsers
from newsreader.services import importer
from newsreader.parse import feed, html_page, text
from newsreader.store import Library

library = Library(sys.argv[1])
results = {}
for name in sys.argv[2:]:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    report = importer.import_paths(library, [name], workers=1)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    error = "; ".join(report.failed) or None
    results[name] = {"elapsed": elapsed, "grew_kb": after - before, "error": error}
print(json.dumps(results))
"""


@pytest.fixture(scope="module")
def hazard_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    generated = write_generated_hazards(tmp_path_factory.mktemp("generated"))
    return [p for p in CORPUS if p.name.startswith("reject_")] + generated


@pytest.fixture(scope="module")
def hazard_measurements(
    hazard_files: list[Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, dict[str, Any]]:
    """Time and peak-RSS growth of importing each hazard, in a fresh interpreter."""
    library = tmp_path_factory.mktemp("measure") / "library.sqlite3"
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(library), *map(str, hazard_files)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


HAZARD_NAMES = [p.name for p in CORPUS if p.name.startswith("reject_")] + [
    "reject_quadratic_blowup.xml",
    "reject_huge_50mb.xml",
]


@pytest.mark.parametrize("name", HAZARD_NAMES)
def test_hazard_fails_fast_in_bounded_memory(
    name: str, hazard_files: list[Path], hazard_measurements: dict[str, dict[str, Any]]
) -> None:
    """Entity bombs, XXE, a 50 MB feed, a PNG, 10k-deep HTML: refused in < 2 s, < 200 MB."""
    path = next(p for p in hazard_files if p.name == name)
    measured = hazard_measurements[str(path)]
    assert measured["error"] and str(path) in measured["error"], measured
    assert measured["elapsed"] < TIME_LIMIT_S, f"{name} took {measured['elapsed']:.2f} s"
    assert measured["grew_kb"] / 1024 < MEMORY_LIMIT_MB, f"{name} grew {measured['grew_kb']} KB"


def test_hostile_bytes_straight_into_the_parsers_fail_fast(hazard_files: list[Path]) -> None:
    """The parsers themselves (not just the importer's size cap) refuse the XML bombs quickly."""
    from newsreader.errors import ParseError
    from newsreader.parse.feed import parse_feed

    for path in hazard_files:
        if path.suffix != ".xml":
            continue
        data = path.read_bytes()
        start = time.perf_counter()
        with pytest.raises(ParseError) as info:
            parse_feed(data, name=path.name)
        assert time.perf_counter() - start < TIME_LIMIT_S, path.name
        assert path.name in str(info.value)


def test_one_import_call_reports_each_bad_file_and_keeps_the_good_one(
    tmp_path: Path, hazard_files: list[Path]
) -> None:
    """`newsreader import corpus generated good.txt`: exit 1, every bad file named, good lands."""
    good = tmp_path / "good" / "cranes.txt"
    good.parent.mkdir()
    good.write_text(GOOD_ARTICLE, encoding="utf-8")
    generated_dir = hazard_files[-1].parent
    data_dir = tmp_path / "lib"
    start = time.perf_counter()
    proc = run_cli("import", str(HOSTILE_DIR), str(generated_dir), str(good), data_dir=data_dir)
    elapsed = time.perf_counter() - start
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    error_lines = [line for line in proc.stderr.splitlines() if "newsreader: error:" in line]
    for path in hazard_files:
        assert any(str(path) in line for line in error_lines), f"{path.name} not named"
    assert len(error_lines) == len(hazard_files), proc.stderr
    listed = run_cli("list", "--json", "--limit", "1000", data_dir=data_dir)
    titles = [a["title"] for a in json.loads(listed.stdout)["articles"]]
    assert "Harbour cranes return after winter repairs" in titles
    assert elapsed < 30, "the whole hostile import stays quick"


# -- search input ------------------------------------------------------------------

HOSTILE_QUERIES = [
    '"',
    '"unbalanced phrase',
    "NEAR(",
    "NEAR(a b",
    "*",
    "a*",
    "AND",
    "OR NOT",
    "-",
    "-x",
    "^",
    "(((",
    ")",
    "title:",
    "{a b}",
    "\x1b[2J",
    "x" * 10_000,
]


def test_cli_search_accepts_anything_typed(corpus_import: dict[str, Any]) -> None:
    """Whatever is typed is searched as words: exit 0, one JSON document, no traceback."""
    data_dir = corpus_import["data_dir"]
    for query in HOSTILE_QUERIES:
        proc = run_cli("search", "--json", "--", query, data_dir=data_dir)
        assert proc.returncode == 0, (query[:40], proc.stderr)
        assert json.loads(proc.stdout)["query"] == query
        assert "Traceback" not in proc.stderr
    proc = run_cli("search", "--json", "--", "escapes", data_dir=data_dir)
    assert json.loads(proc.stdout)["results"], "a plain word still finds the hostile articles"


# -- the TUI (Pilot) ---------------------------------------------------------------


@pytest.fixture
def corpus_library(tmp_path: Path) -> Iterator[Any]:
    """A library holding the importable corpus (imported in-process)."""
    from newsreader.services.importer import import_paths
    from newsreader.store import Library

    library = Library(tmp_path / "library.sqlite3")
    import_paths(library, [p for p in CORPUS if not p.name.startswith("reject_")])
    yield library
    library.close()


def _row_index(app: Any, article_id: int) -> int:
    from newsreader.ui.widgets.article_list import ArticleList

    listing = app.screen.query_one(ArticleList)
    index = listing.library.index_of(listing.query_, article_id)
    assert index is not None
    return index


def _id_of(library: Any, title: str) -> int:
    for row in library.page(limit=1000):
        if row.title == title:
            return row.id
    raise KeyError(title)


@pytest.mark.anyio
async def test_markup_in_titles_is_shown_literally_and_clicks_run_nothing(
    corpus_library: Any, tmp_path: Path
) -> None:
    """Clicking a `[@click=app.quit]` title or body opens it, shows the brackets, quits nothing."""
    from newsreader.ui.app import NewsreaderApp
    from newsreader.ui.screens.reader_screen import ReaderScreen
    from newsreader.ui.widgets.article_list import ArticleList
    from newsreader.ui.widgets.article_view import ArticleView

    title = "Markup [@click=app.quit]click to quit[/] in the headline"
    target = _id_of(corpus_library, title)
    app = NewsreaderApp(corpus_library, config_path=tmp_path / "config.toml")
    async with app.run_test(size=(120, 30)) as pilot:
        listing = app.screen.query_one(ArticleList)
        index = _row_index(app, target)
        listing.move_to(index)
        await pilot.pause()
        row_y = index - int(listing.scroll_offset.y)
        assert title in list_lines(listing)[row_y]
        for x in (2, 12, 20, 30):
            await pilot.click(ArticleList, offset=(x, row_y))
            await pilot.pause()
            assert app.is_running, "a click on the title ran no action"
            if isinstance(app.screen, ReaderScreen):
                break
        assert isinstance(app.screen, ReaderScreen)
        view = app.screen.query_one(ArticleView)
        text = visible_text(view)
        assert "[@click=app.quit]click to quit[/]" in text
        assert "[bold red]bold red[/bold red]" in text
        assert "[link=https://evil.example]somewhere evil[/link]" in text
        clicked = 0
        for line, line_text in enumerate(text.splitlines()):
            for needle in ("[@click", "[link"):
                column = line_text.find(needle)
                if column >= 0:
                    await pilot.click(ArticleView, offset=(column + 3, line))
                    clicked += 1
        assert clicked >= 2, "the markup was on screen to be clicked"
        await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, ReaderScreen)
        assert not [n for n in app._notifications if "evil" in n.message]
    assert app.return_code in (None, 0)


@pytest.mark.anyio
async def test_o_never_launches_anything_for_non_web_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`o` on javascript:/file:/data:/`-x` links starts no process; an https link starts one."""
    import webbrowser

    from newsreader.model.article import Article, Block, BlockKind
    from newsreader.store import Library
    from newsreader.ui import browser
    from newsreader.ui.app import NewsreaderApp
    from newsreader.ui.screens.list_screen import ListScreen
    from newsreader.ui.screens.reader_screen import ReaderScreen
    from newsreader.ui.widgets.article_list import ArticleList

    launched: list[Any] = []

    def record(*args: Any, **kwargs: Any) -> None:
        launched.append(args)

    monkeypatch.setattr(browser.subprocess, "Popen", record)
    monkeypatch.setattr(browser.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(os, "system", record)
    monkeypatch.setattr(webbrowser, "open", record)
    urls = [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,<script>x</script>",
        "-oProxyCommand=touch /tmp/pwned",
        "https://example.com/ok",
    ]
    library = Library(tmp_path / "library.sqlite3")
    # Built by hand: the store keeps what it is given, so the UI is the last line.
    ids = [
        r.id
        for r in library.add_articles(
            Article(title=f"Link {n}", blocks=[Block(BlockKind.PARAGRAPH, f"Body {n}.")], url=u)
            for n, u in enumerate(urls)
        )
    ]
    library.add_articles(
        Article(title="Feed link dropped", blocks=[Block(BlockKind.PARAGRAPH, "x")], url=None)
        for _ in range(1)
    )
    app = NewsreaderApp(library, config_path=tmp_path / "config.toml")
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            for article_id, url in zip(ids, urls, strict=True):
                assert isinstance(app.screen, ListScreen)
                app.screen.query_one(ArticleList).move_to(_row_index(app, article_id))
                await pilot.press("enter")
                assert isinstance(app.screen, ReaderScreen)
                await pilot.press("o")
                await pilot.pause()
                if url.startswith("https:"):
                    assert launched == [(["/usr/bin/xdg-open", url],)]
                else:
                    assert launched == [], f"{url!r} launched {launched}"
                await pilot.press("escape")
            assert app.is_running
    finally:
        library.close()


@pytest.mark.anyio
async def test_anything_typed_into_library_search_is_harmless(
    corpus_library: Any, tmp_path: Path
) -> None:
    """Library search in the TUI: hostile queries run or say why; no worker dies, app lives."""
    from textual.widgets import Input
    from textual.worker import WorkerState

    from newsreader.ui.app import NewsreaderApp

    app = NewsreaderApp(corpus_library, config_path=tmp_path / "config.toml")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash")
        box = app.screen.query_one("#search-input", Input)
        for query in [*HOSTILE_QUERIES, "a\x00b", "escapes"]:
            box.value = query
            await wait_for_list_search(pilot, box.value)
            failed = [w for w in app.screen.workers if w.state == WorkerState.ERROR]
            failed += [w for w in app.workers if w.state == WorkerState.ERROR]
            assert not failed, (query[:40], [w.error for w in failed])
            assert app.is_running
        assert not [n for n in app._notifications if n.severity == "error"]


# -- end to end: the bytes the real app writes --------------------------------------


@pytest.mark.e2e
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
@pytest.mark.skipif(shutil.which("newsreader") is None, reason="newsreader is not on PATH")
def test_real_terminal_output_carries_no_planted_payload(tmp_path: Path, tmux: Tmux) -> None:
    """Open every hostile article in the installed app inside tmux and read its raw output.

    The payload markers (OSC 52 clipboard write, OSC 0/2 titles, 8-bit CSI, the
    screen clear between `before` and `after`) must be absent from the bytes
    the app wrote; markup must be on screen literally.
    """
    data_dir = tmp_path / "lib"
    proc = run_cli("import", str(HOSTILE_DIR), "--json", data_dir=data_dir)
    total = json.loads(run_cli("list", "--json", data_dir=data_dir).stdout)["total"]
    assert total >= 10, proc.stderr
    raw_file = tmp_path / "raw.bin"
    go = tmp_path / "go"
    # The app starts only once its output is piped to raw_file, so no byte is missed.
    tmux.start(
        [f"sh -c 'while [ ! -e {go} ]; do sleep 0.05; done; exec newsreader --data-dir {data_dir}'"]
    )
    tmux.pipe_output(raw_file)
    go.touch()
    screens = [tmux.wait_for(lambda s: "Open" in s, "the list")]
    tmux.send("g")
    for n in range(total):
        tmux.send("Enter")
        screens.append(tmux.wait_for(lambda s: "Back" in s, f"article {n + 1} of {total}"))
        tmux.send("Escape")
        tmux.wait_for(lambda s: "Open" in s, "the list again")
        tmux.send("j")
    tmux.send("q")
    tmux.wait_exit()
    raw = raw_file.read_bytes()
    assert len(raw) > 1000, "the app's output was captured"
    assert b"\x1b]52" not in raw, "OSC 52 clipboard write reached the terminal"
    assert b"PWNTITLE" not in raw, "an OSC 0/2 window-title payload reached the terminal"
    assert b"cGF5bG9hZA==" not in raw
    decoded = raw.decode("utf-8", errors="surrogateescape")
    assert "\x9b" not in decoded, "8-bit CSI (U+009B) reached the terminal"
    assert "\udc9b" not in decoded, "a raw 0x9b byte reached the terminal"
    for word in ("txt", "html", "rssraw", "atomraw"):
        assert f"{word}before\x1b[2J".encode() not in raw
    seen = "\n".join(screens)
    for word in ("txt", "html", "rssraw", "rssref", "atomraw", "atomref"):
        assert f"{word}before{word}after" in seen, f"{word}: removed clear left text apart"
    assert "[@click=app.quit]click to quit[/]" in seen
    assert "[bold red]bold red[/bold red]" in seen
    assert "PWNTITLE" not in seen and "]52;" not in seen


# -- regressions found by the corpus and the fuzzer ---------------------------------


def test_html_page_escape_sequences_are_removed_whole() -> None:
    """lxml drops a bare ESC itself, so unless text is sanitised before parsing, the rest of
    the sequence (`[2J`, `]52;c;<base64>`) is left behind as visible text."""
    from newsreader.parse.html_page import parse_html

    page = (HOSTILE_DIR / "escapes_short_page.html").read_bytes()
    article = parse_html(page, name="escapes_short_page.html")
    text = " ".join(block.text for block in article.blocks)
    assert "shortbeforeshortafter" in text
    for marker in PAYLOAD_MARKERS:
        assert marker not in text, f"{marker!r} left in {text!r}"


def test_html_fragment_with_control_characters_never_raises() -> None:
    """`html_to_blocks` promises never to raise; a control character in the tail of a dropped
    element (`<script>…</script>ESC[2J`) made lxml raise ValueError."""
    from newsreader.parse.html_blocks import html_to_blocks

    _, blocks = html_to_blocks("<p>a</p><script>x</script>\x1b[2Jb")
    assert [block.text for block in blocks] == ["a", "b"], "the text after it is kept, whole"

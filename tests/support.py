"""Shared test helpers: deterministic libraries (no dependency on data/ samples), waiting
on a running app instead of sleeping, and a private tmux server for end-to-end tests.

Titles, dates and bodies are fixed so snapshots never change with the clock.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from newsreader.model.article import Article, Block, BlockKind, Quote
from newsreader.store import Library

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from newsreader.ui.widgets.article_list import ArticleList
    from newsreader.ui.widgets.article_view import ArticleView
    from newsreader.ui.widgets.feed_sidebar import FeedSidebar

BASE = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
HOSTILE_TITLE = "[@click=app.quit]hi[/]"

FEATURE_TITLE = "Harbour town votes to rebuild sea wall with salvaged stone"
FEATURE_BLOCKS_TEXT = (
    "Councillors in Westmere backed a plan on Tuesday to rebuild the storm-damaged sea wall "
    "using stone recovered from the old quay. \u201cWe are putting the harbour back together "
    "with its own bones,\u201d said council leader Morwenna Tregarthen."
)


BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def load_benchmark(name: str) -> ModuleType:
    """`benchmarks/<name>.py` as a module: the accuracy tests score with the benchmark's
    own code, so a floor in a test and a figure in the README are the same measurement."""
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def _quote_span(text: str, quoted: str) -> tuple[int, int]:
    start = text.index(quoted)
    return start, start + len(quoted)


def feature_article() -> Article:
    """Key points, a heading, a caption with credit, a quote block and an in-paragraph quote."""
    paragraph = FEATURE_BLOCKS_TEXT
    inline = "We are putting the harbour back together with its own bones,"
    start, end = _quote_span(paragraph, inline)
    blocks = [
        Block(BlockKind.PARAGRAPH, paragraph),
        Block(
            BlockKind.CAPTION,
            "Storm damage along the harbour wall in February.",
            credit="Jory Pascoe | Coastline Courier",
        ),
        Block(BlockKind.HEADING, "Stone from the old quay"),
        Block(
            BlockKind.PARAGRAPH,
            "Engineers said the granite blocks were sound. The work starts in May and "
            "should take eleven weeks, weather permitting. Fishermen asked for the slipway "
            "to stay open during the works.",
        ),
        Block(
            BlockKind.QUOTE,
            "Every tide that comes in without a wall costs us another metre of road.",
            speaker="Tamsin Pellow",
        ),
        Block(
            BlockKind.PARAGRAPH,
            "The council will publish the final design next month. Residents can comment "
            "on the plans at the library until the end of April.",
        ),
    ]
    quotes = [
        Quote(inline, "Morwenna Tregarthen", 0, start, end),
        Quote(blocks[4].text, "Tamsin Pellow", 4, 0, len(blocks[4].text)),
    ]
    return Article(
        title=FEATURE_TITLE,
        key_points=[
            "The sea wall will be rebuilt with stone salvaged from the old quay.",
            "Work starts in May and should take eleven weeks.",
            "Residents can comment on the plans until the end of April.",
        ],
        blocks=blocks,
        quotes=quotes,
        source="The Coastline Courier",
        url="https://example.com/news/sea-wall",
        published=BASE + timedelta(days=10),
    )


def hostile_article() -> Article:
    """Markup-looking title plus escape sequences the store must strip."""
    return Article(
        title=HOSTILE_TITLE + "\x1b]0;pwned\x07",
        blocks=[
            Block(BlockKind.PARAGRAPH, "Body with \x1b[31mred\x1b[0m and [bold]markup[/bold]."),
        ],
        source="[b]Evil[/b] \x1b]52;c;ZXZpbA==\x07Source",
        url="javascript:alert(1)",
        published=BASE + timedelta(days=9),
    )


def filler_article(n: int) -> Article:
    """Plain numbered stories, newest has the highest n."""
    return Article(
        title=f"Story {n:03d}: council notes on item {n}",
        key_points=[f"Point about item {n}."],
        blocks=[
            Block(
                BlockKind.PARAGRAPH,
                f"Paragraph about item {n}: the tidal gauges and harbour cranes were "
                "inspected again this week.",
            )
        ],
        source=["Daily Tide", "Harbour Post", "Quay Weekly"][n % 3],
        url=f"https://example.com/story/{n}",
        published=BASE + timedelta(hours=n),
    )


def long_article(paragraphs: int = 60) -> Article:
    blocks = [
        Block(
            BlockKind.PARAGRAPH,
            f"Paragraph {i} of the long read. The needle appears here only in paragraph "
            f"{'forty' if i == 40 else 'other'} and the rest is filler text about tides.",
        )
        for i in range(paragraphs)
    ]
    return Article(
        title="A long read about tides",
        blocks=blocks,
        source="Quay Weekly",
        url="https://example.com/long",
        published=BASE + timedelta(hours=1, minutes=30),
    )


def build_library(path: Path, *, fillers: int = 30) -> Library:
    """The standard test library: feature (newest), hostile, long read and fillers."""
    library = Library(path)
    articles = [filler_article(n) for n in range(fillers)]
    articles += [feature_article(), hostile_article(), long_article()]
    library.add_articles(articles)
    return library


def tiny_articles(count: int) -> Iterator[Article]:
    """Minimal articles for big-library tests (unique titles, increasing dates)."""
    for n in range(count):
        yield Article(
            title=f"Item {n}",
            blocks=[Block(BlockKind.PARAGRAPH, f"b{n}")],
            source="bulk",
            published=BASE + timedelta(seconds=n),
        )


def article_id(library: Library, title: str) -> int:
    for hit in library.page(limit=10_000):
        if hit.title == title:
            return hit.id
    raise KeyError(title)


def build_feeds_library(path: Path) -> Library:
    """Subscriptions for the sidebar: a News folder (one feed failing) and a loose feed."""
    library = Library(path)
    gazette, _ = library.add_feed(
        "https://gazette.example/feed", title="Harbour Gazette", tags=["News"]
    )
    post, _ = library.add_feed("https://post.example/rss", title="Valley Post", tags=["News"])
    quay, _ = library.add_feed("https://quay.example/atom", title="Quay Weekly Review of Tides")
    for feed, source, numbers in (
        (gazette, "Harbour Gazette", range(0, 12, 3)),
        (post, "Valley Post", range(1, 12, 3)),
        (quay, "Quay Weekly", range(2, 12, 3)),
    ):
        articles = []
        for n in numbers:
            article = filler_article(n)
            article.source = source
            article.guid = f"urn:{source}:{n}"
            articles.append(article)
        library.record_fetch(feed.id, articles=articles)
    library.record_fetch(post.id, error="HTTP 500 Internal Server Error")
    library.set_read([library.page(limit=1)[0].id])
    return library


# -- waiting on the app, not on the clock ------------------------------------------------

WAIT_TIMEOUT = 10.0
"""How long a test waits for something the app should do at once: only reached on a
failure, so it is generous for a loaded machine."""


async def wait_until(
    pilot: Pilot[Any], condition: Callable[[], object], what: str, *, timeout: float = WAIT_TIMEOUT
) -> None:
    """Let the app run until `condition()` holds; fail naming `what` after `timeout`.

    Why: a fixed pause is too short on a busy machine and wasted time on an idle one;
    timers (debounces, delayed preparation) and thread workers end when they end.
    """
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        await pilot.pause(0.01)
    await pilot.pause()


async def wait_for_list_search(pilot: Pilot[Any], text: str) -> None:
    """Until the list's search for `text` has run and its hits are shown.

    The list searches after a debounce timer, in a thread worker that hands its hits
    back to the app: wait for the timer to have started that search, then for the worker.
    """
    screen = pilot.app.screen
    await wait_until(
        pilot,
        lambda: getattr(screen, "_search_query", None) == text,
        f"the list's search for {text!r} to start",
    )
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


# -- what a widget shows, as plain text ------------------------------------------------


def visible_text(view: ArticleView) -> str:
    """The reader's lines on screen as plain text."""
    height = view.scrollable_content_region.height
    return "\n".join(view.render_line(y).text.rstrip() for y in range(height))


def document_text(view: ArticleView) -> str:
    """Every laid-out line of the reader as plain text, on screen or not."""
    layout = view._ensure_layout()
    units = view._ensure_units()
    return "\n".join(units[line.unit].text.plain[line.start : line.end] for line in layout.lines)


def list_lines(listing: ArticleList) -> list[str]:
    """The article list's rows on screen as plain text."""
    height = listing.scrollable_content_region.height
    return ["".join(segment.text for segment in listing.render_line(y)) for y in range(height)]


def sidebar_labels(sidebar: FeedSidebar) -> list[str]:
    """Every sidebar entry as plain text, the padding before the counts squeezed."""
    return [
        "  " * entry.depth + " ".join(sidebar._prompt(entry).plain.split())
        for entry in sidebar.entries
    ]


# -- a private tmux server -----------------------------------------------------------------


def run_cli(
    *args: str,
    data_dir: Path,
    columns: int = 120,
    timeout: float = 120,
    input_text: str | None = None,
    check: bool = False,
    env_extra: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """The real command in a subprocess (its exit code, streams and entry point, as a user
    runs it), with the library in `data_dir` and the config beside it in `data_dir/config`,
    so no test reads or writes a real home. The time limit is pytest's own per-test one;
    `check` fails the test on a non-zero exit, showing stderr; `env_extra` is added to the
    environment (`sync_env`)."""
    env = dict(os.environ, **(env_extra or {}))
    env["NEWSREADER_DATA_DIR"] = str(data_dir)
    env["NEWSREADER_CONFIG_DIR"] = str(data_dir / "config")
    env["COLUMNS"] = str(columns)
    proc = subprocess.run(
        [sys.executable, "-m", "newsreader", *args],
        capture_output=True,
        text=True,
        env=env,
        input=input_text,
        timeout=timeout,
    )
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def cli_ok(*args: str, data_dir: Path, columns: int = 120, timeout: float = 120) -> str:
    """`run_cli` that must succeed; its stdout."""
    return run_cli(*args, data_dir=data_dir, columns=columns, timeout=timeout, check=True).stdout


class Tmux:
    """One session on a private tmux server (`tmux -L <unique socket>`).

    Why: end-to-end tests must never see or touch the user's own tmux server, its
    sessions or its options; `kill` removes the whole private server.
    """

    def __init__(self, env: dict[str, str], *, timeout: float = 15.0) -> None:
        self.socket = f"newsreader-test-{uuid.uuid4().hex[:8]}"
        self.env = env
        self.session = "nr"
        self.timeout = timeout

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=10,
            check=False,
        )

    def start(self, argv: list[str], *, width: int = 120, height: int = 40) -> None:
        """Run `argv` (joined by tmux into one shell command) in a new detached session."""
        size = ["-x", str(width), "-y", str(height)]
        started = self.run("new-session", "-d", "-s", self.session, *size, *argv)
        assert started.returncode == 0, started.stderr

    def pipe_output(self, path: Path) -> None:
        """Append every byte the program writes to its terminal to `path`."""
        piped = self.run("pipe-pane", "-o", "-t", self.session, f"cat >> {path}")
        assert piped.returncode == 0, piped.stderr

    def keys(self, *keys: str) -> None:
        """Press `keys` one by one, a little apart, as a person types."""
        for key in keys:
            self.send(key)
            time.sleep(0.05)

    def send(self, *keys: str) -> None:
        """Send `keys` in one burst, as a terminal delivers a paste or fast typing."""
        self.run("send-keys", "-t", self.session, *keys)

    def type(self, text: str) -> None:
        self.run("send-keys", "-t", self.session, "-l", text)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.session).stdout

    def wait_for(self, predicate: Callable[[str], bool], what: str) -> str:
        deadline = time.monotonic() + self.timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if predicate(text):
                return text
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}; screen was:\n{text}")

    def wait_raw_mode(self) -> None:
        """Until the app has put its terminal in raw mode (keys sent earlier arrive
        cooked, a line at a time, which no terminal app can read as keys)."""
        tty = self.run("display-message", "-p", "-t", self.session, "#{pane_tty}").stdout.strip()
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            settings = subprocess.run(
                ["stty", "-F", tty, "-a"], capture_output=True, text=True, check=False
            ).stdout
            if "-icanon" in settings.split():
                return
            time.sleep(0.01)
        raise AssertionError("the app never switched its terminal to raw mode")

    def alive(self) -> bool:
        return self.run("has-session", "-t", self.session).returncode == 0

    def wait_exit(self) -> None:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline and self.alive():
            time.sleep(0.05)
        assert not self.alive(), "newsreader did not quit"

    def kill(self) -> None:
        self.run("kill-server")


def sync_env(
    data_dir: Path, service: str, url: str, username: str, password: str
) -> dict[str, str]:
    """Write a `[sync]` config for one server in `data_dir/config` (where `run_cli` looks)
    and return the environment that gives the command its password."""
    config = data_dir / "config"
    config.mkdir(exist_ok=True)
    (config / "config.toml").write_text(
        f'[sync]\nservice = "{service}"\nurl = "{url}"\nusername = "{username}"\n'
    )
    return {"NEWSREADER_CONFIG_DIR": str(config), "NEWSREADER_SYNC_PASSWORD": password}

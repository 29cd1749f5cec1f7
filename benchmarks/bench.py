"""newsreader benchmarks: run `python benchmarks/bench.py` (add `--quick` for a short run).

Every figure is measured next to a baseline taken in the same run on the same
machine, because absolute numbers on a shared 2-core box mean little:

* first paint: the installed `newsreader` command and a bare Textual app that
  paints one label, each spawned in a real terminal (tmux) and timed from spawn
  until `capture-pane` shows their first screen;
* key presses and opening articles: in-process with Textual's headless driver
  (`App.run_test`), CPU time per key, next to the same keys in a bare app;
* search, import, refresh and size: through the public store/importer/refresh
  APIs on synthetic libraries built with `Library.bulk_load`.

Results print as a table and are written to `benchmarks/results/latest.json`.
Synthetic libraries are cached in `benchmarks/.cache/` between runs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.server
import itertools
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synthetic  # noqa: E402
from newsreader.store import Library  # noqa: E402

CACHE = HERE / ".cache"
CORPUS = HERE.parent.parent / "shared" / "corpus" / "readability-dev"
"""Real pages and their cleaned articles (`accuracy.py`'s corpus), for full-content feeds."""
RESULTS = HERE / "results"
ARTICLE_WORDS = 60
"""Body words per synthetic library article: small, so a 1M library builds in minutes."""

BASELINE_APP = """
from textual.app import App
from textual.widgets import Label

class Bare(App):
    def compose(self):
        yield Label("baseline-ready")

Bare().run()
"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def human(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n // 1000}k"


# -- libraries ----------------------------------------------------------------


def library_path(size: int) -> Path:
    """A cached synthetic library of `size` articles, built through the store API."""
    path = CACHE / f"library-{human(size)}" / "library.sqlite3"
    done = path.with_suffix(".done")
    if done.exists():
        return path
    shutil.rmtree(path.parent, ignore_errors=True)
    path.parent.mkdir(parents=True)
    log(f"building a {human(size)} library (cached in {path.parent}) ...")
    start = time.perf_counter()
    with Library(path) as library:
        library.bulk_load(synthetic.articles(size, words=ARTICLE_WORDS), batch=10_000)
        library.catch_up_index()  # as the first search would: the search section times searches
        with library._lock:  # checkpoint so the file size is the real size
            library._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    log(f"  built in {time.perf_counter() - start:.0f} s")
    done.write_text("ok")
    return path


# -- terminal first paint -------------------------------------------------------


TMUX_SOCKET = f"nrbench{os.getpid()}"
"""A private tmux server, so runs never collide with each other or the user's sessions."""
_sessions = itertools.count()
TERMINAL_SIZE = ["-x", "120", "-y", "40"]


def tmux(*args: str) -> str:
    command = ["tmux", "-L", TMUX_SOCKET, *args]
    return subprocess.run(command, capture_output=True, text=True, check=False).stdout


def newsreader_command() -> str | None:
    """The installed `newsreader` script, not a version manager's shim in front of it.

    Why: a pyenv shim is a shell script running `pyenv exec`, which adds its own
    start-up to every launch (tens of milliseconds, more on a loaded host) that a
    user installing newsreader with pip or pipx never pays, while the bare app and
    newsboat are launched directly. The script beside this Python is the one installed.
    """
    found = shutil.which("newsreader")
    if found and "/shims/" in found:
        script = Path(sys.executable).parent / "newsreader"
        if script.exists():
            return str(script)
    return found


def spawn_in_terminal(session: str, command: str, env: dict[str, str]) -> None:
    """Run `command` as the only process of a new 120x40 tmux session."""
    tmux_command = ["tmux", "-L", TMUX_SOCKET, "new-session", "-d", "-s", session]
    subprocess.run([*tmux_command, *TERMINAL_SIZE, f"exec {command}"], check=True, env=env)


def first_paint(
    command: str, marker: str, env: dict[str, str], timeout: float = 30.0
) -> tuple[float, int]:
    """Seconds from spawn until `marker` is on screen, and the process's peak RSS (KB).

    The screen is captured every 5 ms: a coarser poll rounds every launch up to
    its next capture, which hid differences of tens of ms between programs that
    start in about 0.1 s.
    """
    session = f"bench{next(_sessions)}"
    start = time.perf_counter()
    spawn_in_terminal(session, command, env)
    elapsed = float("nan")
    peak = 0
    try:
        screen = ""
        while time.perf_counter() - start < timeout:
            screen = tmux("capture-pane", "-p", "-t", session)
            if marker in screen:
                elapsed = time.perf_counter() - start
                break
            time.sleep(0.005)
        else:
            log(f"  no {marker!r} on screen after {timeout:.0f} s; screen was:\n{screen[:800]}")
        pid = tmux("display-message", "-p", "-t", session, "#{pane_pid}").strip()
        time.sleep(0.3)
        with contextlib.suppress(OSError, ValueError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = int(line.split()[1])
    finally:
        tmux("kill-session", "-t", session)
    return elapsed, peak


def _terminal_env() -> tuple[dict[str, str], str]:
    """Environment and a scratch config dir (holding the bare app) for tmux runs."""
    # Byte-compile newsreader first, as any launch after the first would have it
    # (Textual's modules in site-packages already are; this machine also sets
    # PYTHONDONTWRITEBYTECODE, which would otherwise recompile ours every launch).
    import newsreader as package

    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(Path(package.__file__).parent)],
        check=False,
    )
    env = dict(os.environ)
    config = tempfile.mkdtemp(prefix="nr-bench-config-")
    env["NEWSREADER_CONFIG_DIR"] = config
    (Path(config) / "baseline.py").write_text(BASELINE_APP)
    return env, config


def bench_first_paint(sizes: list[int], runs: int) -> dict[str, Any]:
    """Spawn-to-first-paint of the bare app and of newsreader, launched in turns.

    Each round launches the bare app and then newsreader on every library
    size, so the machine's load at that moment weighs on all of them alike;
    the ratio reported is the median of the rounds' own ratios.
    """
    newsreader = newsreader_command()
    if not shutil.which("tmux") or not newsreader:
        return {"skipped": "needs tmux and the installed newsreader command"}
    env, config = _terminal_env()
    baseline_file = Path(config) / "baseline.py"
    # A session that outlives the measured ones keeps the tmux server up between
    # them (a server exiting while the next client connects fails the spawn).
    tmux("new-session", "-d", "-s", "keepalive", "sleep 3600")
    results: dict[str, Any] = {
        "method": "tmux 120x40, spawn to first capture-pane with content, launches in turns",
        "rounds": runs,
    }
    base: list[tuple[float, int]] = []
    ours: dict[int, list[tuple[float, int]]] = {size: [] for size in sizes}
    for _ in range(runs):
        base.append(first_paint(f"{sys.executable} {baseline_file}", "baseline-ready", env))
        for size in sizes:
            path = library_path(size)
            marker = f" {size - 1}"  # the newest synthetic title ends with its index
            ours[size].append(first_paint(f"{newsreader} --data-dir {path.parent}", marker, env))
    results["baseline_ms"] = round(statistics.median(t for t, _ in base) * 1000, 1)
    results["baseline_rss_mb"] = round(max(p for _, p in base) / 1024, 1)
    for size in sizes:
        times = ours[size]
        ratios = [t / b for (t, _), (b, _) in zip(times, base, strict=True)]
        results[human(size)] = {
            "first_paint_ms": round(statistics.median(t for t, _ in times) * 1000, 1),
            "ratio_to_baseline": round(statistics.median(ratios), 2),
            "ratio_range": [round(min(ratios), 2), round(max(ratios), 2)],
            "peak_rss_mb": round(max(p for _, p in times) / 1024, 1),
        }
    tmux("kill-server")
    shutil.rmtree(config, ignore_errors=True)
    return results


# -- key presses in a real terminal ------------------------------------------------

KEY_GROUPS: list[tuple[str, list[str]]] = [
    ("down (cursor moves)", ["Down"]),
    ("pagedown", ["PageDown"]),
    ("down (list scrolls)", ["Down"]),
    ("pageup", ["PageUp"]),
    ("jump end/start (G, g)", ["G", "g"]),
]
"""Pressed in this order: after the page-downs the cursor sits on the bottom
row, so the second group of downs scrolls the list on every key."""


def process_cpu(pid: str) -> float:
    """CPU seconds a process (all its threads) has used so far.

    From the scheduler's nanosecond counters (`/proc/PID/task/*/schedstat`)
    where the kernel keeps them; else user + system time from `/proc/PID/stat`,
    which moves in 10 ms ticks, too coarse for one key press.
    """
    total = 0
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            total += int((task / "schedstat").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        total = 0
    if total:
        return total / 1e9
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


CPU_SOURCE = "process CPU from /proc (scheduler ns counters, all threads)"


def key_cpu_in_terminal(
    command: str, marker: str, env: dict[str, str], presses: int, gap: float = 0.1
) -> dict[str, float]:
    """CPU ms per key press of `command` running in tmux, per key group.

    Keys are sent one at a time `gap` seconds apart, so each is handled and
    painted before the next; the process's idle CPU over the same time is
    subtracted: the least of two idle spells, one before the keys and one after,
    so one-off work after start (the reader prepared in the background, the
    first poll of the library) is not taken for idle and does not zero a group.
    """
    session = f"keys{next(_sessions)}"
    spawn_in_terminal(session, command, env)
    try:
        deadline = time.perf_counter() + 30
        while marker not in tmux("capture-pane", "-p", "-t", session):
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{command!r} never showed {marker!r}")
            time.sleep(0.05)
        time.sleep(2.0)
        pid = tmux("display-message", "-p", "-t", session, "#{pane_pid}").strip()

        def idle_spell() -> float:
            before = process_cpu(pid)
            time.sleep(presses * gap + 0.3)
            return process_cpu(pid) - before

        idle_before = idle_spell()
        used_by: dict[str, float] = {}
        for label, keys in KEY_GROUPS:
            before = process_cpu(pid)
            for i in range(presses):
                tmux("send-keys", "-t", session, keys[i % len(keys)])
                time.sleep(gap)
            time.sleep(0.3)
            used_by[label] = process_cpu(pid) - before
        idle = min(idle_before, idle_spell())
        return {
            label: round(max(0.0, used - idle) * 1000 / presses, 2)
            for label, used in used_by.items()
        }
    finally:
        tmux("kill-session", "-t", session)


def bench_keys(sizes: list[int], presses: int) -> dict[str, Any]:
    newsreader = newsreader_command()
    if not shutil.which("tmux") or not newsreader:
        return {"skipped": "needs tmux and the installed newsreader command"}
    env, config = _terminal_env()
    tmux("new-session", "-d", "-s", "keepalive", "sleep 3600")
    baseline_file = Path(config) / "baseline.py"
    results: dict[str, Any] = {
        "method": f"tmux 120x40, {presses} presses per group 0.1 s apart, {CPU_SOURCE}"
        " minus idle, ms per key",
    }
    try:
        bare = key_cpu_in_terminal(
            f"{sys.executable} {baseline_file}", "baseline-ready", env, presses
        )
        results["bare_app_ms"] = max(bare.values())
        for size in sizes:
            path = library_path(size)
            measured = key_cpu_in_terminal(
                f"{newsreader} --data-dir {path.parent}", f" {size - 1}", env, presses
            )
            results[human(size)] = {"keys_ms": measured, "worst_ms": max(measured.values())}
    finally:
        tmux("kill-server")
        shutil.rmtree(config, ignore_errors=True)
    return results


# -- in-process UI ----------------------------------------------------------------


async def _open_article(
    app: Any, library: Library, article_id: int, *, settle: float, reopen: bool
) -> float:
    """CPU seconds from asking for the reader until it is painted and idle.

    `settle` seconds pass on the list first (the app composes the reader
    screen in the background once the list is up; 0 measures an Enter pressed
    at once). With `reopen`, another article is opened and closed first, as
    before every open after the first.
    """
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        if settle:
            await pilot.pause(settle)
        if reopen:
            app.open_reader(library.get(article_id))
            await pilot.pause()
            app.pop_screen()
            await pilot.pause()
        stored = library.get(article_id)
        start = time.process_time()
        app.open_reader(stored)
        await pilot.pause()
        await pilot.pause()
        elapsed = time.process_time() - start
        await pilot.press("q")
    return elapsed


def open_cpu_in_terminal(words: int, launches: int, reopens: int) -> dict[str, float]:
    """CPU ms for Enter on a `words`-word article in the installed command, in tmux.

    First open: a fresh launch, 2 s on the list (by then the reader screen has
    been built in the background around the article under the cursor), one
    Enter on that article. First open of another article: the same, with the
    cursor starting on a short article and moved up to the long one first.
    Later opens: Enter and Escape in turn. Each figure is a median or mean of
    several presses.
    """
    from newsreader.ui.screens.list_screen import LAST_ARTICLE_STATE

    tmp = Path(tempfile.mkdtemp(prefix="nr-bench-topen-"))
    with Library(tmp / "library.sqlite3") as library:
        short = synthetic.long_article(60, seed=9)
        short.published = datetime(2020, 1, 1, tzinfo=UTC)
        short_id = library.add_article(short).id
        long = synthetic.long_article(words)
        long.published = datetime(2020, 1, 2, tzinfo=UTC)  # the row above the short one
        long_id = library.add_article(long).id
    env, config = _terminal_env()
    newsreader = newsreader_command()
    firsts, others, later = [], [], []
    firsts_wall: list[float] = []
    others_wall: list[float] = []
    later_wall: list[float] = []
    try:
        for launch in range(2 * launches):
            other = launch % 2 == 1
            with Library(tmp / "library.sqlite3") as library:
                library.set_state(LAST_ARTICLE_STATE, short_id if other else long_id)
            session = f"open{next(_sessions)}"
            spawn_in_terminal(session, f"{newsreader} --data-dir {tmp}", env)
            try:
                time.sleep(2.0)
                pid = tmux("display-message", "-p", "-t", session, "#{pane_pid}").strip()
                if other:
                    tmux("send-keys", "-t", session, "Up")
                    time.sleep(0.3)
                for press in range(1 + (reopens if launch == 0 else 0)):
                    before = process_cpu(pid)
                    start = time.perf_counter()
                    tmux("send-keys", "-t", session, "Enter")
                    wall = shown_after(session, "‹", start, 2.0)
                    time.sleep(max(0.0, 0.5 - (time.perf_counter() - start)))
                    spent = process_cpu(pid) - before
                    (later if press else others if other else firsts).append(spent)
                    (later_wall if press else others_wall if other else firsts_wall).append(wall)
                    tmux("send-keys", "-t", session, "Escape")
                    time.sleep(0.4)
            finally:
                tmux("kill-session", "-t", session)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(config, ignore_errors=True)
    return {
        "first_open_ms": round(statistics.median(firsts) * 1000, 1),
        "first_open_mean_ms": round(statistics.mean(firsts) * 1000, 1),
        "first_open_other_article_ms": round(statistics.median(others) * 1000, 1),
        "later_open_mean_ms": round(statistics.mean(later) * 1000, 1),
        "first_open_wall_ms": round(statistics.median(firsts_wall) * 1000, 1),
        "first_open_other_article_wall_ms": round(statistics.median(others_wall) * 1000, 1),
        "later_open_wall_ms": round(statistics.median(later_wall) * 1000, 1),
    }


def bench_open(words: list[int], runs: int) -> dict[str, Any]:
    from newsreader.ui.app import NewsreaderApp
    from newsreader.ui.screens.list_screen import READER_PREPARE_DELAY

    results: dict[str, Any] = {
        "method": "headless run_test, process CPU from open_reader() to painted and idle"
        f" (incl. pilot), median of {runs}; first = Enter after the list has been shown"
        f" {READER_PREPARE_DELAY + 0.2:.1f} s, immediately = Enter at once",
    }
    tmp = Path(tempfile.mkdtemp(prefix="nr-bench-open-"))
    with Library(tmp / "library.sqlite3") as library:
        for n in words:
            article_id = library.add_article(synthetic.long_article(n)).id

            def median_ms(settle: float, reopen: bool, article_id: int = article_id) -> float:
                samples = []
                for _ in range(runs):
                    app = NewsreaderApp(library, config_path=tmp / "config.toml")
                    samples.append(
                        asyncio.run(
                            _open_article(app, library, article_id, settle=settle, reopen=reopen)
                        )
                    )
                return round(statistics.median(samples) * 1000, 1)

            results[f"{n // 1000}k_words"] = {
                "first_open_ms": median_ms(READER_PREPARE_DELAY + 0.2, False),
                "later_open_ms": median_ms(0, True),
                "open_immediately_ms": median_ms(0, False),
            }
    shutil.rmtree(tmp, ignore_errors=True)
    return results


def bench_open_terminal(words: list[int]) -> dict[str, Any]:
    if not shutil.which("tmux") or not shutil.which("newsreader"):
        return {"skipped": "needs tmux and the installed newsreader command"}
    tmux("new-session", "-d", "-s", "keepalive", "sleep 3600")
    results: dict[str, Any] = {
        "method": f"tmux 120x40, the installed command; {CPU_SOURCE} for one Enter:"
        " first open = 8 fresh launches (median and mean) on the article under the cursor,"
        " 8 more moving to it first (other article), later = 12 reopens; *_wall_ms: wall from"
        " send-keys Enter until the reader is on screen (capture-pane polled)",
    }
    try:
        for n in words:
            results[f"{n // 1000}k_words"] = open_cpu_in_terminal(n, launches=8, reopens=12)
    finally:
        tmux("kill-server")
    return results


# -- store-level ------------------------------------------------------------------


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    samples.sort()
    return statistics.median(samples) * 1000, samples[int(len(samples) * 0.9)] * 1000


def bench_search(size: int, runs: int) -> dict[str, Any]:
    with Library(library_path(size)) as library:
        results: dict[str, Any] = {"library": human(size), "limit": 50}
        for label, term in (("rare", synthetic.RARE_TERM), ("common", synthetic.COMMON_TERM)):
            hits = library.search(term, limit=50)
            p50, p90 = timed(lambda t=term: library.search(t, limit=50), runs)
            results[label] = {
                "term": term,
                "hits": len(hits),
                "p50_ms": round(p50, 2),
                "p90_ms": round(p90, 2),
            }
        p50, _ = timed(lambda: library.search("gov", limit=50, prefix=True), runs)
        results["prefix_p50_ms"] = round(p50, 2)
        p50, _ = timed(lambda: library.page(limit=100), runs)
        results["first_page_p50_ms"] = round(p50, 3)
        p50, _ = timed(lambda: library.page(limit=100, reverse=True), runs)
        results["last_page_p50_ms"] = round(p50, 3)
        p50, _ = timed(lambda: library.counts(), runs)
        results["counts_p50_ms"] = round(p50, 3)
    return results


def bench_import(count: int, runs: int = 3) -> dict[str, Any]:
    """Import `count` plain-text files `runs` times into fresh libraries.

    Reports the median rate and the CPU time per article summed over the
    importer and its worker processes, which says what the rate would be with
    every core free (this machine's other load moves the rate run to run).
    """
    from newsreader.services.importer import import_paths

    tmp = Path(tempfile.mkdtemp(prefix="nr-bench-import-"))
    writer = synthetic.Writer(5)
    folder = tmp / "articles"
    folder.mkdir()
    for i in range(count):
        (folder / f"{i:05d}.txt").write_text(synthetic.text_file(i, writer), encoding="utf-8")
    rates, cpu_ms, errors = [], [], 0
    for run in range(runs):
        with Library(tmp / f"library-{run}.sqlite3") as library:
            before, start = os.times(), time.perf_counter()
            report = import_paths(library, [folder])
            elapsed, after = time.perf_counter() - start, os.times()
        cpu = sum(
            getattr(after, name) - getattr(before, name)
            for name in ("user", "system", "children_user", "children_system")
        )
        rates.append(report.created / elapsed)
        cpu_ms.append(cpu * 1000 / max(1, report.created))
        errors += len(report.failed)
    shutil.rmtree(tmp, ignore_errors=True)
    return {
        "files": count,
        "runs": runs,
        "errors": errors,
        "articles_per_s": round(statistics.median(rates)),
        "articles_per_s_each_run": [round(rate) for rate in rates],
        "cpu_ms_per_article": round(statistics.median(cpu_ms), 3),
        "cpus": os.cpu_count(),
    }


def bench_size(sizes: list[int]) -> dict[str, Any]:
    out = {}
    for size in sizes:
        path = library_path(size)
        total = sum(p.stat().st_size for p in path.parent.glob("library.sqlite3*"))
        out[human(size)] = {
            "mb": round(total / 1e6, 1),
            "mb_per_100k": round(total / 1e6 / (size / 100_000), 1),
        }
    out["words_per_article"] = ARTICLE_WORDS + 30
    return out


class FeedServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    feeds: dict[str, bytes]


class FeedHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = self.server.feeds.get(self.path)  # type: ignore[attr-defined]
        if body is None:
            self.send_error(404)
            return
        etag = f'"{hash(body) & 0xFFFFFFFF:x}"'
        # A server may send no ETag (many do not): then a 200 and the whole feed each time.
        validators = getattr(self.server, "validators", True)
        if validators and self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/atom+xml")
        self.send_header("Content-Length", str(len(body)))
        if validators:
            self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def bench_refresh(feeds: int, items: int) -> dict[str, Any]:
    from newsreader.services.refresh import refresh

    writer = synthetic.Writer(9)
    server = FeedServer(("127.0.0.1", 0), FeedHandler)
    server.feeds = {f"/feed{i}.xml": synthetic.atom_feed(i, items, writer) for i in range(feeds)}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    tmp = Path(tempfile.mkdtemp(prefix="nr-bench-refresh-"))
    try:
        with Library(tmp / "library.sqlite3") as library:
            for i in range(feeds):
                library.add_feed(f"http://{host}:{port}/feed{i}.xml", title=f"Feed {i}")
            start = time.perf_counter()
            first = refresh(library)
            cold = time.perf_counter() - start
            start = time.perf_counter()
            second = refresh(library)
            warm = time.perf_counter() - start
    finally:
        server.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)
    return {
        "feeds": feeds,
        "items_per_feed": items,
        "first_refresh_s": round(cold, 2),
        "new_articles": sum(o.new for o in first),
        "errors": sum(1 for o in first if o.error),
        "articles_per_s": round(sum(o.new for o in first) / cold),
        "second_refresh_s (304s)": round(warm, 2),
        "not_modified": sum(1 for o in second if o.not_modified),
    }


def bench_opml(outlines: int) -> dict[str, Any]:
    """Import one OPML list of `outlines` feeds into a fresh library, then import it again.

    The second run finds every feed present and only merges tags; `feeds_s`
    lists them all with their counts, as `newsreader feeds` does.
    """
    from newsreader.parse.opml import Subscription, write_opml
    from newsreader.services.importer import import_paths

    tmp = Path(tempfile.mkdtemp(prefix="nr-bench-opml-"))
    try:
        subs = [
            Subscription(f"https://feeds{i % 97}.example.com/{i}.xml", f"Feed {i}", [f"F{i % 13}"])
            for i in range(outlines)
        ]
        opml = tmp / "subscriptions.opml"
        opml.write_text(write_opml(subs), encoding="utf-8")
        with Library(tmp / "library.sqlite3") as library:
            start = time.perf_counter()
            first = import_paths(library, [opml], workers=1)
            cold = time.perf_counter() - start
            start = time.perf_counter()
            import_paths(library, [opml], workers=1)
            again = time.perf_counter() - start
            start = time.perf_counter()
            listed = len(library.feeds())
            listing = time.perf_counter() - start
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {
        "outlines": outlines,
        "feeds_added": sum(len(f.feeds_added) for f in first.files),
        "errors": len(first.failed),
        "import_s": round(cold, 2),
        "import_again_s": round(again, 2),
        "feeds_listed": listed,
        "feeds_s": round(listing, 3),
    }


def shown_after(session: str, marker: str, start: float, timeout: float = 5.0) -> float:
    """Seconds from `start` until `marker` is on the screen (capture-pane polled back to back,
    so the resolution is one capture, a few ms); NaN after `timeout`."""
    while time.perf_counter() - start < timeout:
        if marker in tmux("capture-pane", "-p", "-t", session):
            return time.perf_counter() - start
    return float("nan")


def enter_wall(
    command: str,
    env: dict[str, str],
    *,
    ready: str,
    first: list[tuple[str, str]],
    shown: str,
    back: str,
    opens: int,
) -> list[float]:
    """Wall seconds from pressing Enter on an article until `shown` is on screen.

    One launch of `command` in tmux: wait for `ready`, press each of `first`'s
    keys and wait for its marker (newsboat: into the first feed), rest on the
    list 1 s (as a user reads it), then `opens` times: Enter (timed), `back`,
    and Down to the next article. The first figure is the first open after launch.
    """
    session = f"enter{next(_sessions)}"
    spawn_in_terminal(session, command, env)
    times: list[float] = []
    try:
        if math.isnan(shown_after(session, ready, time.perf_counter(), 30.0)):
            raise RuntimeError(f"{command!r} never showed {ready!r}")
        for key, marker in first:
            tmux("send-keys", "-t", session, key)
            shown_after(session, marker, time.perf_counter())
        time.sleep(1.0)
        for _ in range(opens):
            start = time.perf_counter()
            tmux("send-keys", "-t", session, "Enter")
            times.append(shown_after(session, shown, start))
            time.sleep(0.3)
            tmux("send-keys", "-t", session, back)
            time.sleep(0.4)
            tmux("send-keys", "-t", session, "Down")
            time.sleep(0.4)
    finally:
        tmux("kill-session", "-t", session)
    return times


def _refresh_again(
    server: Any, newsreader: str, boat: list[str], tmp: Path, env: dict[str, str], runs: int
) -> dict[str, Any]:
    """Both refresh what they hold again, the server answering 200 with every entry.

    Many servers send no ETag or Last-Modified, so every refresh gets every entry
    again. Ours is timed from its second refresh on: the first after a feed's first
    fetch works out the entries' digests (`parse.feed.entry_digest`).
    """
    server.validators = False
    try:
        # the library and the cache of the last subscribe round, each holding every entry
        ours_command = [newsreader, "--data-dir", str(tmp / f"data-{runs - 1}"), "refresh"]
        _run_timed(ours_command, env)
        ours = [_run_timed(ours_command, env)[0] for _ in range(runs)]
        theirs = [_run_timed(boat, env)[0] for _ in range(runs)]
    finally:
        server.validators = True
    return {
        "newsreader_s": round(statistics.median(ours), 2),
        "newsboat_s": round(statistics.median(theirs), 2),
        "ratio": round(statistics.median(ours) / statistics.median(theirs), 2),
    }


NEWSBOAT_HELP = "newsboat is not installed: `apt-get install newsboat` (Debian/Ubuntu)"


def _tree_pss_kb(pid: int) -> int:
    """Memory of a process and all its descendants: the sum of their PSS (KB).

    PSS, not RSS: forked workers share most of their pages with the parent, and
    RSS would count those once per process. newsboat's threads are one process.
    """
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        with contextlib.suppress(OSError, ValueError):
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
        with contextlib.suppress(OSError, ValueError):
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
    return total


def _run_timed(
    command: list[str], env: dict[str, str], *, memory: bool = False
) -> tuple[float, int]:
    """Wall seconds and peak memory (KB) of one command; raises if it fails.

    Memory is wait4's peak RSS of the largest process, or with `memory` the
    process tree's summed PSS sampled every 10 ms. The sampling costs CPU beside
    the command, so timed rounds run without it.
    """
    os.sync()  # the last command's writes are flushed now, not during this one
    start = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    peak = 0
    finished = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not finished.wait(0.01):
            peak = max(peak, _tree_pss_kb(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    if memory:
        sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    finished.set()
    if memory:
        sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"{' '.join(command)} exited {process.returncode}")
    if memory and peak:
        # Not wait4's figure beside it: a child's peak RSS counts the pages it shared with
        # this process between fork and exec, so after a section that held a 100k library
        # here, both programs "peaked" at this process's own 199 MB.
        return elapsed, peak
    return elapsed, usage.ru_maxrss


def corpus_articles() -> list[str]:
    """The cleaned article HTML of every page of the dev corpus ([] when it is absent)."""
    if not CORPUS.is_dir():
        return []
    return [
        (page / "expected.html").read_text(encoding="utf-8", errors="replace")
        for page in sorted(CORPUS.iterdir())
        if (page / "expected.html").is_file()
    ]


def bench_newsboat(
    feeds: int, items: int, runs: int, *, articles: list[str] | None = None
) -> dict[str, Any]:
    """newsreader beside newsboat on the same feeds, served from 127.0.0.1, in one run.

    Subscribe + fetch everything: newsboat's `-x reload` on a urls file and an
    empty cache, against newsreader's `import subscriptions.opml --refresh` (the
    installed command, a fresh data dir each round). Then both are launched in tmux in
    turns and timed until their list is on screen. Ratios are newsreader/newsboat,
    the median of each round's own ratio. With `articles`, every item carries a whole
    article (`synthetic.article_feed`) and only subscribe + fetch is timed.
    """
    newsboat = shutil.which("newsboat")
    newsreader = newsreader_command()
    if not newsboat:
        return {"skipped": NEWSBOAT_HELP}
    if not newsreader or not shutil.which("tmux"):
        return {"skipped": "needs tmux and the installed newsreader command"}
    if articles is not None and not articles:
        return {"skipped": f"full articles come from the dev corpus, not found at {CORPUS}"}
    from newsreader.parse.opml import Subscription, write_opml

    writer = synthetic.Writer(9)
    server = FeedServer(("127.0.0.1", 0), FeedHandler)
    server.feeds = {
        f"/feed{i}.xml": (
            synthetic.atom_feed(i, items, writer)
            if articles is None
            else synthetic.article_feed(i, items, articles)
        )
        for i in range(feeds)
    }
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    urls = [f"http://{host}:{port}/feed{i}.xml" for i in range(feeds)]
    tmp = Path(tempfile.mkdtemp(prefix="nr-bench-newsboat-"))
    env, config = _terminal_env()
    env["HOME"] = str(tmp / "home")
    (tmp / "home").mkdir()
    (tmp / "urls").write_text("".join(f"{url}\n" for url in urls))
    (tmp / "newsboat.conf").write_text("reload-threads 8\nshow-read-feeds yes\n")
    opml = tmp / "subscriptions.opml"
    opml.write_text(write_opml([Subscription(url, f"Feed {i}", []) for i, url in enumerate(urls)]))
    ours: list[tuple[float, int]] = []
    theirs: list[tuple[float, int]] = []
    results: dict[str, Any] = {
        "feeds": feeds,
        "items_per_feed": items,
        "content": "one paragraph each" if articles is None else "a whole article each",
        "rounds": runs,
        "newsboat": subprocess.run(
            [newsboat, "--version"], capture_output=True, text=True, check=False
        ).stdout.split("\n")[0],
    }
    try:
        for run in range(runs):
            cache = tmp / f"cache-{run}.db"
            boat = [newsboat, "-u", str(tmp / "urls"), "-c", str(cache)]
            boat += ["-C", str(tmp / "newsboat.conf"), "-x", "reload"]
            data = tmp / f"data-{run}"
            mine = [newsreader, "--data-dir", str(data), "import", str(opml), "--refresh"]
            # Who goes first alternates, as in the other sections, though each timed command
            # starts with the disk flushed (`_run_timed`).
            if run % 2:
                ours.append(_run_timed(mine, env))
                theirs.append(_run_timed(boat, env))
            else:
                theirs.append(_run_timed(boat, env))
                ours.append(_run_timed(mine, env))
        # Memory in one more round each, sampled (timed rounds are not, see _run_timed).
        boat_memory = [newsboat, "-u", str(tmp / "urls"), "-c", str(tmp / "cache-mem.db")]
        boat_memory += ["-C", str(tmp / "newsboat.conf"), "-x", "reload"]
        _, theirs_memory = _run_timed(boat_memory, env, memory=True)
        ours_command = [newsreader, "--data-dir", str(tmp / "data-mem"), "import", str(opml)]
        _, ours_memory = _run_timed([*ours_command, "--refresh"], env, memory=True)
        ratios = [o / t for (o, _), (t, _) in zip(ours, theirs, strict=True)]
        results["subscribe_and_fetch"] = {
            "newsreader_s": round(statistics.median(t for t, _ in ours), 2),
            "newsboat_s": round(statistics.median(t for t, _ in theirs), 2),
            "ratio": round(statistics.median(ratios), 2),
            "ratio_range": [round(min(ratios), 2), round(max(ratios), 2)],
            "memory": "peak of the process tree's summed PSS, one more round each",
            "newsreader_peak_mb": round(ours_memory / 1024, 1),
            "newsboat_peak_mb": round(theirs_memory / 1024, 1),
        }
        if articles is not None:
            results["refresh_again"] = _refresh_again(server, newsreader, boat, tmp, env, runs)
            return results
        # A refresh stores articles and leaves indexing them to the first search after it
        # (store/search_index.py): that search is timed too, then one with nothing to index.
        search = [newsreader, "--data-dir", str(tmp / "data-0"), "search", synthetic.RARE_TERM]
        first_search, _ = _run_timed(search, env)
        next_search, _ = _run_timed(search, env)
        results["subscribe_and_fetch"]["first_search_after_s"] = round(first_search, 2)
        results["subscribe_and_fetch"]["next_search_s"] = round(next_search, 2)
        tmux("new-session", "-d", "-s", "keepalive", "sleep 3600")
        paint_ours, paint_theirs = [], []
        boat_cmd = (
            f"{newsboat} -u {tmp / 'urls'} -c {tmp / 'cache-0.db'} -C {tmp / 'newsboat.conf'}"
        )
        for _ in range(3 * runs):  # a launch is cheap; start times scatter more than refreshes
            paint_theirs.append(first_paint(boat_cmd, "Feed 1", env))
            paint_ours.append(
                first_paint(f"{newsreader} --data-dir {tmp / 'data-0'}", "Feed 1", env)
            )
        ratios = [o / t for (o, _), (t, _) in zip(paint_ours, paint_theirs, strict=True)]
        results["first_paint"] = {
            "method": "tmux 120x40, spawn until 'Feed 1' is on screen, launches in turns",
            "newsreader_ms": round(statistics.median(t for t, _ in paint_ours) * 1000, 1),
            "newsboat_ms": round(statistics.median(t for t, _ in paint_theirs) * 1000, 1),
            "ratio": round(statistics.median(ratios), 2),
            "newsreader_peak_mb": round(max(p for _, p in paint_ours) / 1024, 1),
            "newsboat_peak_mb": round(max(p for _, p in paint_theirs) / 1024, 1),
        }
        ours_enter: list[float] = []
        theirs_enter: list[float] = []
        for _ in range(runs):
            theirs_enter += enter_wall(
                boat_cmd,
                env,
                ready="Feed 1",
                first=[("Enter", "Articles in feed")],
                shown="Link: ",
                back="q",
                opens=3,
            )
            ours_enter += enter_wall(
                f"{newsreader} --data-dir {tmp / 'data-0'}",
                env,
                ready="Feed 1",
                first=[],
                shown="‹",
                back="Escape",
                opens=3,
            )
        results["enter_on_article"] = {
            "method": "tmux 120x40, wall from send-keys Enter until the article is on screen"
            " (capture-pane polled), after 1 s on the list; 3 opens per launch, launches in turns",
            "newsreader_ms": round(statistics.median(ours_enter) * 1000, 1),
            "newsreader_first_ms": round(statistics.median(ours_enter[::3]) * 1000, 1),
            "newsboat_ms": round(statistics.median(theirs_enter) * 1000, 1),
            "ratio": round(statistics.median(ours_enter) / statistics.median(theirs_enter), 2),
        }
    finally:
        tmux("kill-server")
        server.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(config, ignore_errors=True)
    return results


# -- main -------------------------------------------------------------------------


def print_table(results: dict[str, Any]) -> None:
    for section, data in results.items():
        print(f"\n== {section}")
        if not isinstance(data, dict):
            print(f"  {data}")
            continue
        for key, value in data.items():
            print(f"  {key:<28} {json.dumps(value)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="10k/100k only, fewer runs")
    parser.add_argument(
        "--only",
        nargs="*",
        help="sections to run (paint keys open open-terminal search import size refresh opml"
        " newsboat newsboat-articles)",
    )
    parser.add_argument(
        "--peer", choices=["newsboat"], help="the same as --only newsboat (beside another reader)"
    )
    parser.add_argument(
        "--large", action="store_true", help="newsboat: also 200 feeds x 500 items (100k)"
    )
    args = parser.parse_args()
    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    runs = 3 if args.quick else 5
    sections: dict[str, Callable[[], dict[str, Any]]] = {
        "paint": lambda: bench_first_paint([s for s in sizes if s >= 100_000], 3 * runs),
        "keys": lambda: bench_keys([s for s in sizes if s >= 100_000], 30),
        "open": lambda: bench_open([10_000, 100_000], 5),
        "open-terminal": lambda: bench_open_terminal([10_000, 100_000]),
        "search": lambda: bench_search(100_000, 20),
        "import": lambda: bench_import(2000 if args.quick else 5000),
        "size": lambda: bench_size(sizes),
        "refresh": lambda: bench_refresh(50, 200),
        "opml": lambda: bench_opml(20_000),
        "newsboat": lambda: bench_newsboat(20, 500, runs),
    }
    sections["newsboat-articles"] = lambda: bench_newsboat(20, 50, runs, articles=corpus_articles())
    if args.large:
        sections["newsboat-100k"] = lambda: bench_newsboat(200, 500, 1)
    chosen = args.only or list(sections)
    if args.peer:
        chosen = [args.peer, "newsboat-articles", *(["newsboat-100k"] if args.large else [])]
    elif args.large and "newsboat" in chosen:
        chosen.append("newsboat-100k")
    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
    }
    for name in chosen:
        log(f"running {name} ...")
        try:
            results[name] = sections[name]()
        except Exception as exc:  # a broken section must not hide the others
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}
    print_table(results)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    log(f"\nwrote {RESULTS / 'latest.json'}")


if __name__ == "__main__":
    main()

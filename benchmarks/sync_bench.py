"""Sync benchmark: `newsreader sync` against a real Miniflux on loopback.

Run `python benchmarks/sync_bench.py` (10,000 entries; add `--large` for
100,000 too, or `--sizes 2000 10000`). For each size it starts a throw-away
PostgreSQL 15 cluster and Miniflux with the sync tests' own starters
(tests/sync/servers.py), fills Miniflux's `entries` table directly with one
`INSERT … SELECT generate_series` (asking Miniflux to fetch that many entries
from feeds would take far longer than the sync being measured), then runs the
installed `newsreader sync --json` as a subprocess on an empty library:

* first sync: wall time, entries per second, and the subprocess's peak RSS
  (`os.wait4`'s `ru_maxrss`): with pages streamed, the peak should not grow
  with the account's size;
* an empty incremental sync right after: wall time of the whole command,
  the sync's own `elapsed`, and the HTTP requests it made (from `--json`).

Results print as a table and go to `benchmarks/results/sync-latest.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "sync"))

from servers import (  # noqa: E402
    ADMIN,
    Miniflux,
    ServerUnavailable,
    miniflux_server,
    postgres_cluster,
)

RESULTS = HERE / "results"
FEEDS = 50
"""Subscriptions the entries are spread over."""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def fill(server: Miniflux, entries: int) -> None:
    """`FEEDS` feeds and `entries` entries of a few paragraphs each, straight into PostgreSQL.

    A third are read and one in a hundred starred, so state comes through too.
    Their `changed_at` is an hour ago, so the incremental sync after the first
    one has nothing to fetch (it asks from the newest change on).
    """
    server.psql(
        "INSERT INTO feeds (user_id, category_id, title, feed_url, site_url)"
        " SELECT 1, 1, 'Feed ' || f, 'http://127.0.0.1:9/feed-' || f || '.xml',"
        f" 'http://127.0.0.1:9/' || f FROM generate_series(1, {FEEDS}) f"
    )
    feed_ids = server.psql("SELECT min(id), max(id) FROM feeds").strip().split("|")
    low = int(feed_ids[0])
    paragraph = (
        "'<p>Entry ' || g || ' says something about the news of the day, with a few more"
        " words to make a paragraph of an ordinary length for a feed: ' || md5(g::text) ||"
        " ' and then some more words, like the ones a real article would carry.</p>'"
    )
    server.psql(
        "INSERT INTO entries (user_id, feed_id, hash, published_at, title, url, author,"
        " content, status, starred, changed_at, created_at)"
        f" SELECT 1, {low} + (g % {FEEDS}), md5('entry' || g),"
        " now() - (g || ' minutes')::interval, 'Entry number ' || g || ' of the benchmark',"
        " 'http://example.org/articles/' || g, 'Author ' || (g % 97),"
        f" {paragraph} || {paragraph} || {paragraph} || {paragraph},"
        " (CASE WHEN g % 3 = 0 THEN 'read' ELSE 'unread' END)::entry_status,"
        " g % 100 = 0, now() - interval '1 hour', now() - interval '1 hour'"
        f" FROM generate_series(1, {entries}) g"
    )
    server.psql("ANALYZE entries")


def run_sync(env: dict[str, str]) -> tuple[float, int, dict[str, Any]]:
    """`newsreader sync --json`: wall seconds, peak RSS in KiB, and its report."""
    command = shutil.which("newsreader")
    argv = [command] if command else [sys.executable, "-m", "newsreader"]
    started = time.perf_counter()
    process = subprocess.Popen(
        [*argv, "sync", "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    assert process.stdout is not None and process.stderr is not None
    # Read the (short) outputs before reaping, so the child never blocks on a full pipe.
    out = process.stdout.read()
    err = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"newsreader sync exited {process.returncode}: {err.decode()[-2000:]}")
    return wall, int(usage.ru_maxrss), json.loads(out)


def bench_size(entries: int) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="newsreader-sync-bench-"))
    try:
        with postgres_cluster() as pg, miniflux_server(pg, folder) as server:
            started = time.perf_counter()
            fill(server, entries)
            log(f"{entries}: Miniflux filled in {time.perf_counter() - started:.1f} s")
            config_dir = folder / "config"
            config_dir.mkdir()
            (config_dir / "config.toml").write_text(
                f'[sync]\nservice = "miniflux"\nurl = "{server.url}"\nusername = "{ADMIN[0]}"\n'
            )
            env = {
                **os.environ,
                "NEWSREADER_CONFIG_DIR": str(config_dir),
                "NEWSREADER_DATA_DIR": str(folder / "data"),
                "NEWSREADER_SYNC_PASSWORD": ADMIN[1],
            }
            wall, rss_kib, report = run_sync(env)
            if report["new"] != entries:
                raise RuntimeError(f"first sync stored {report['new']} of {entries} entries")
            log(f"{entries}: first sync {wall:.1f} s, peak RSS {rss_kib / 1024:.0f} MiB")
            empty_wall, empty_rss, empty = run_sync(env)
            log(f"{entries}: empty sync {empty_wall * 1000:.0f} ms, {empty['requests']} requests")
            return {
                "entries": entries,
                "first_sync_s": round(wall, 2),
                "first_sync_elapsed_s": report["elapsed"],
                "entries_per_s": round(entries / wall),
                "first_sync_requests": report["requests"],
                "first_sync_peak_rss_mib": round(rss_kib / 1024, 1),
                "empty_sync_ms": round(empty_wall * 1000),
                "empty_sync_elapsed_ms": round(empty["elapsed"] * 1000),
                "empty_sync_requests": empty["requests"],
                "empty_sync_new": empty["new"],
                "empty_sync_peak_rss_mib": round(empty_rss / 1024, 1),
            }
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def print_table(rows: list[dict[str, Any]]) -> None:
    print(
        f"{'entries':>8} {'first sync':>11} {'entries/s':>10} {'peak RSS':>9}"
        f" {'empty sync':>11} {'(in sync)':>10} {'requests':>9}"
    )
    for row in rows:
        print(
            f"{row['entries']:>8} {row['first_sync_s']:>9.1f} s {row['entries_per_s']:>10}"
            f" {row['first_sync_peak_rss_mib']:>5.0f} MiB {row['empty_sync_ms']:>8} ms"
            f" {row['empty_sync_elapsed_ms']:>7} ms {row['empty_sync_requests']:>9}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--large", action="store_true", help="100,000 entries as well")
    parser.add_argument("--sizes", type=int, nargs="+", help="entry counts (default 10000)")
    args = parser.parse_args()
    sizes = args.sizes or [10_000]
    if args.large and 100_000 not in sizes:
        sizes.append(100_000)
    rows: list[dict[str, Any]] = []
    try:
        for size in sizes:
            rows.append(bench_size(size))
    except ServerUnavailable as exc:
        sys.exit(f"sync_bench: {exc}")
    print_table(rows)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "sync": rows,
    }
    (RESULTS / "sync-latest.json").write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()

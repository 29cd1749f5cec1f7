"""`newsreader sync [--status] [--json]`: the feed server, from the command line.

Exit 1 with one `newsreader: error: …` line when the server is unreachable or
refuses the password (main prints `SyncError`, a `NewsreaderError`); the
outbox is kept for the next try. The password never appears in any output.
"""

from __future__ import annotations

import argparse
import sys

from newsreader.cli.context import open_library
from newsreader.cli.output import EXIT_OK, note, plural, print_json, print_line
from newsreader.config import Config, load_config
from newsreader.paths import config_dir, config_path
from newsreader.services.sync import SyncReport, sync, sync_status
from newsreader.store import Library


def cmd_sync(args: argparse.Namespace) -> int:
    config = load_config(config_path(config_dir()))
    for warning in config.warnings:
        note(f"newsreader: warning: {warning}")
    with open_library(args) as library:
        if args.status:
            status = sync_status(library, config.sync)
            if args.json:
                print_json(status)
            else:
                for key in ("service", "url", "last_sync", "outbox", "last_error"):
                    value = status[key]
                    print_line(f"{key}: {'-' if value is None else value}")
            return EXIT_OK
        report = sync_with_progress(library, config, show=not args.json and sys.stderr.isatty())
    if args.json:
        print_json(report.to_dict())
    else:
        print_summary(report)
    return EXIT_OK


def sync_with_progress(library: Library, config: Config, *, show: bool) -> SyncReport:
    """`sync`, with `stage: done/total` on stderr while it runs when `show` (a terminal).

    Shared by `sync` and `refresh` (which syncs first when sync is on).
    """

    def progress(stage: str, done: int, total: int | None) -> None:
        if show:
            of = f"/{total}" if total else ""
            sys.stderr.write(f"\r{stage}: {done}{of}   ")
            sys.stderr.flush()

    try:
        return sync(library, config, progress=progress)
    finally:
        if show:
            sys.stderr.write("\r\x1b[K")


def print_summary(report: SyncReport) -> None:
    """The one-line summary of a sync, and a warning per action the server refused."""
    print_line(
        f"synced with {report.service} at {report.url}: pushed {report.pushed},"
        f" {report.new} new, {plural(report.read_changed, 'read change')},"
        f" {plural(report.star_changed, 'star change')},"
        f" feeds +{report.feeds_added} -{report.feeds_removed}"
    )
    for line in report.rejected:
        note(f"newsreader: warning: the server refused: {line}")

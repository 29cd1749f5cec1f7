"""`newsreader sync [--status] [--json]`: the feed server, from the command line.

Exit 1 with one `newsreader: error: …` line when the server is unreachable or
refuses the password (main prints `SyncError`, a `NewsreaderError`); the
outbox is kept for the next try. The password never appears in any output.
"""

from __future__ import annotations

import argparse
import sys

from newsreader.cli.context import open_library
from newsreader.cli.output import EXIT_OK, note, print_json, print_line
from newsreader.config import load_config
from newsreader.paths import config_dir, config_path
from newsreader.services.sync import SyncReport, sync, sync_status


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
        show = not args.json and sys.stderr.isatty()

        def progress(stage: str, done: int, total: int | None) -> None:
            if show:
                of = f"/{total}" if total else ""
                sys.stderr.write(f"\r{stage}: {done}{of}   ")
                sys.stderr.flush()

        try:
            report = sync(library, config, progress=progress)
        finally:
            if show:
                sys.stderr.write("\r\x1b[K")
    if args.json:
        print_json(report.to_dict())
    else:
        _print_summary(report)
    return EXIT_OK


def _print_summary(report: SyncReport) -> None:
    print_line(
        f"synced with {report.service} at {report.url}: pushed {report.pushed},"
        f" {report.new} new, {report.read_changed} read changes, {report.star_changed} star"
        f" changes, feeds +{report.feeds_added} -{report.feeds_removed}"
    )
    for line in report.rejected:
        note(f"newsreader: warning: the server refused: {line}")

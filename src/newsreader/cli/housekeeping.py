"""Keeping the library tidy: `delete`, `prune` (retention), `filter` (the killfile), `index`.

The filters and retention limits come from config.toml (`Config.rules`); the
store applies them to new articles by itself (see `store.rules`), and these
commands apply them to the articles already stored.
"""

from __future__ import annotations

import argparse

from newsreader.cli.context import open_library
from newsreader.cli.output import EXIT_ERROR, EXIT_OK, error, note, print_json, print_line, warn
from newsreader.config import Config, load_config
from newsreader.paths import config_dir, config_path
from newsreader.store.search_index import BATCH_STEP


def _config() -> Config:
    return load_config(config_path(config_dir()))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def cmd_delete(args: argparse.Namespace) -> int:
    """Delete articles for good; a refresh does not bring a deleted feed entry back."""
    with open_library(args) as library:
        result = library.delete_articles(args.ids)
    if args.json:
        print_json({"deleted": result.changed, "missing": result.missing})
    elif result.changed:
        print_line(f"deleted: {' '.join(map(str, result.changed))}")
    for missing in result.missing:
        error(f"no article with ID {missing}")
    return EXIT_ERROR if result.missing else EXIT_OK


def cmd_index(args: argparse.Namespace) -> int:
    """Index what was stored since the search index last caught up.

    Why a command: refreshes store articles without indexing them, and the
    first search after a big one indexes them first; a script refreshing
    from cron can run this after, so no search ever waits.
    """
    with open_library(args) as library:
        behind = library.unindexed()
        # A read-only library cannot store an index: its searches build one of their own.
        done = 0 if library.read_only else library.catch_up_index(step=BATCH_STEP)
        left = library.unindexed()
    if args.json:
        print_json({"indexed": done, "behind": behind, "left": left})
    else:
        print_line(f"indexed {_plural(done, 'article')}" if done else "the index is up to date")
    if left:
        error(f"{_plural(left, 'article')} not indexed: the library is read-only")
        return EXIT_ERROR
    return EXIT_OK


def cmd_prune(args: argparse.Namespace) -> int:
    """Apply retention (keep_articles / keep_days) now; `--dry-run` only says what would go."""
    config = _config()
    for warning in config.warnings:
        warn(warning)
    rules = config.rules()
    with open_library(args) as library:
        ids = library.prune_candidates(rules) if args.dry_run else library.prune(rules)
    if args.json:
        print_json(
            {
                "dry_run": args.dry_run,
                "keep_articles": rules.keep_articles,
                "keep_days": rules.keep_days,
                "ids": ids,
            }
        )
        return EXIT_OK
    if not rules.retains:
        note("no retention set (keep_articles or keep_days in config.toml): nothing to prune")
        return EXIT_OK
    if args.dry_run:
        print_line(f"would delete {_plural(len(ids), 'article')}: {' '.join(map(str, ids))}")
    else:
        print_line(f"deleted {_plural(len(ids), 'article')} (bookmarked ones are kept)")
    return EXIT_OK


def cmd_filter(args: argparse.Namespace) -> int:
    """Show what the filters would do to the library; with `--apply`, do it."""
    config = _config()
    for warning in config.warnings:
        warn(warning)
    rules = config.rules()
    with open_library(args) as library:
        report = library.apply_filters(rules, dry_run=not args.apply)
    if args.json:
        print_json(
            {
                "applied": bool(args.apply),
                "filters": [{"name": rule.name, "action": rule.action} for rule in rules.filters],
                "hidden": report.hidden,
                "read": report.read,
            }
        )
        return EXIT_OK
    if not rules.filters:
        note("no filters ([[filter]] in config.toml)")
        return EXIT_OK
    verb = ("hid", "marked") if args.apply else ("would hide", "would mark")
    print_line(f"{verb[0]} {_plural(len(report.hidden), 'article')}")
    print_line(f"{verb[1]} {_plural(len(report.read), 'article')} read")
    if not args.apply and (report.hidden or report.read):
        note("run newsreader filter --apply to do it")
    return EXIT_OK

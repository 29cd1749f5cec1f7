"""The subscription subcommands: `add`, `feeds`, `remove`, `refresh`.

Kept apart from `cli.py` because they pull in the network stack (httpx) and
feed parsing, which the rest of the CLI never needs.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from newsreader.errors import NewsreaderError
from newsreader.services.refresh import FeedOutcome, refresh, store_fetch_result
from newsreader.store import Library
from newsreader.urls import require_web_url


def run(args: argparse.Namespace) -> int:
    from newsreader.cli.main import open_library

    handler = {"add": add, "feeds": feeds, "remove": remove, "refresh": refresh_command}
    with open_library(args) as library:
        return handler[args.command](library, args)


def _print_json(document: Any) -> None:
    import json

    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def add(library: Library, args: argparse.Namespace) -> int:
    """Subscribe after one successful fetch and parse, so typos fail now, not at refresh."""
    from newsreader.fetch import fetch_one
    from newsreader.parse.feed import parse_feed

    url = require_web_url(args.url.strip())
    result = fetch_one(url)
    if result.error:
        raise NewsreaderError(f"{url}: {result.error}; not subscribed")
    parsed = parse_feed(result.body or b"", name=url, url=result.url)
    feed, created = library.add_feed(url, title=args.title or parsed.title, tags=args.tag)
    outcome = store_fetch_result(library, feed, result)
    if args.json:
        _print_json(
            {"feed": library.feed(feed.id).to_dict(), "created": created, **outcome.to_dict()}
        )
    else:
        verb = "subscribed to" if created else "already subscribed to"
        sys.stdout.write(f"{verb} {feed.title or url} (ID {feed.id}): {outcome.new} new articles\n")
    return 0


def feeds(library: Library, args: argparse.Namespace) -> int:
    subscriptions = library.feeds()
    if args.json:
        _print_json({"feeds": [feed.to_dict() for feed in subscriptions]})
        return 0
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    if not subscriptions:
        sys.stdout.write("No subscriptions. Add one with: newsreader add URL\n")
        return 0
    table = Table(box=None, pad_edge=False)
    for column in ("ID", "Title", "Unread", "Total", "Tags", "Last fetch", "Status"):
        table.add_column(column, no_wrap=column != "Title")
    for feed in subscriptions:
        status = (
            Text(feed.last_error, style="red")
            if feed.last_error
            else Text(
                "ok" if feed.last_ok else "never fetched", style="green" if feed.last_ok else "dim"
            )
        )
        table.add_row(
            str(feed.id),
            Text(feed.title or feed.url),
            str(feed.unread),
            str(feed.total),
            Text(", ".join(feed.tags)),
            Text((feed.last_fetch or "—").replace("T", " ")[:16]),
            status,
        )
    Console(highlight=False, markup=False).print(table)
    return 0


def remove(library: Library, args: argparse.Namespace) -> int:
    ref: int | str = int(args.feed) if args.feed.isdigit() else args.feed
    feed = library.remove_feed(ref)
    if args.json:
        _print_json({"removed": feed.to_dict()})
    else:
        sys.stdout.write(f"unsubscribed from {feed.title or feed.url}; its articles stay\n")
    return 0


def refresh_command(library: Library, args: argparse.Namespace) -> int:
    subscriptions = library.feeds()
    if not subscriptions:
        if args.json:
            _print_json({"feeds": [], "new": 0, "errors": 0})
        else:
            sys.stdout.write("No subscriptions to refresh. Add one with: newsreader add URL\n")
        return 0
    if args.json or not sys.stderr.isatty():
        outcomes = refresh(library, subscriptions)
    else:
        outcomes = _refresh_with_progress(library, subscriptions)
    errors = [o for o in outcomes if o.error]
    if args.json:
        _print_json(
            {
                "feeds": [o.to_dict() for o in outcomes],
                "new": sum(o.new for o in outcomes),
                "errors": len(errors),
            }
        )
    else:
        _print_summary(outcomes)
    return 1 if errors else 0


def _refresh_with_progress(library: Library, subscriptions: list[Any]) -> list[FeedOutcome]:
    """A Rich progress bar (overall) with one status line per feed as it finishes."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    from rich.text import Text

    console = Console(stderr=True, highlight=False, markup=False)
    with Progress(
        TextColumn("refreshing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[last]}"),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("refresh", total=len(subscriptions), last="")

        def on_outcome(outcome: FeedOutcome) -> None:
            label = outcome.title or outcome.url
            if outcome.error:
                line = Text.assemble(("✗ ", "red"), label, (f"  {outcome.error}", "red"))
            elif outcome.not_modified:
                line = Text.assemble(("· ", "dim"), label, ("  not modified", "dim"))
            else:
                line = Text.assemble(("✓ ", "green"), label, (f"  {outcome.new} new", "green"))
            progress.console.print(line)
            progress.update(task, advance=1, last=label[:40])

        return refresh(library, subscriptions, on_outcome=on_outcome)


def _print_summary(outcomes: list[FeedOutcome]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Refresh summary", box=None, pad_edge=False, title_justify="left")
    table.add_column("Feed")
    table.add_column("New", justify="right")
    table.add_column("Updated", justify="right")
    table.add_column("Result")
    for outcome in outcomes:
        if outcome.error:
            result = Text(outcome.error, style="red")
        elif outcome.not_modified:
            result = Text("not modified", style="dim")
        else:
            result = Text("ok", style="green")
        table.add_row(
            Text(outcome.title or outcome.url), str(outcome.new), str(outcome.updated), result
        )
    console = Console(highlight=False, markup=False)
    console.print(table)
    errors = sum(1 for o in outcomes if o.error)
    console.print(
        Text(
            f"{sum(o.new for o in outcomes)} new articles from {len(outcomes)} feeds"
            + (f", {errors} failed" if errors else ""),
            style="bold",
        )
    )

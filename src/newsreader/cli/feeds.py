"""The subscription subcommands: `add`, `feeds`, `local`, `remove`, `refresh`.

Kept apart from the article commands because they pull in the network stack
(httpx) and feed parsing, which the rest of the CLI never needs; they reach both
only through the services (`services.subscribe`, `services.refresh`).
"""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from newsreader.cli.context import open_library
from newsreader.cli.output import (
    EXIT_ERROR,
    EXIT_OK,
    MAX_INT,
    console,
    display,
    error,
    note,
    plural,
    print_json,
    print_line,
)
from newsreader.config import Config
from newsreader.errors import NewsreaderError, NotFoundError
from newsreader.services.refresh import FeedOutcome, refresh
from newsreader.store import Feed, Library

if TYPE_CHECKING:
    from newsreader.services.subscribe import Subscribed


def cmd_add(args: argparse.Namespace) -> int:
    """Subscribe after one successful fetch and parse, so typos fail now, not at refresh.

    Several URLs are fetched concurrently in this one process: a line each
    (failures on stderr), a JSON list with `--json`, exit 1 if any failed.
    """
    urls: list[str] = args.url if isinstance(args.url, list) else [args.url]
    if len(urls) > 1:
        return _add_many(args, urls)
    from newsreader.services.subscribe import subscribe

    with open_library(args) as library:
        done = subscribe(library, urls[0], title=args.title, tags=args.tag)
        feed, outcome = done.feed, done.outcome
        if getattr(args, "local", False):
            library.set_feed_local_only(feed.id)
        if args.json:
            document = _feed_document(library.feed(feed.id), library.local_only_feed_ids())
            print_json({"feed": document, "created": done.created, **outcome.to_dict()})
        else:
            print_line(_added_line(done, local=getattr(args, "local", False)))
    return EXIT_OK


def _add_many(args: argparse.Namespace, urls: list[str]) -> int:
    from newsreader.services.subscribe import NotSubscribed, Subscribed, subscribe_many

    if args.title:
        raise NewsreaderError("--title names one feed: give it with a single URL")
    local = bool(getattr(args, "local", False))
    with open_library(args) as library:
        results = subscribe_many(library, urls, tags=args.tag)
        for done in results:
            if local and isinstance(done, Subscribed):
                library.set_feed_local_only(done.feed.id)
        if args.json:
            local_ids = library.local_only_feed_ids()
            documents: list[dict[str, object]] = []
            for done in results:
                if isinstance(done, NotSubscribed):
                    documents.append({"url": done.url, "feed": None, "error": done.error})
                    continue
                document = _feed_document(library.feed(done.feed.id), local_ids)
                documents.append(
                    {"feed": document, "created": done.created, **done.outcome.to_dict()}
                )
            print_json(documents)
        else:
            for done in results:
                if isinstance(done, NotSubscribed):
                    error(done.error)
                else:
                    print_line(_added_line(done, local=local))
    return EXIT_ERROR if any(isinstance(done, NotSubscribed) for done in results) else EXIT_OK


def _added_line(done: Subscribed, *, local: bool) -> str:
    feed, outcome = done.feed, done.outcome
    verb = "subscribed to" if done.created else "already subscribed to"
    kept = ", kept local (never synced)" if local else ""
    new = plural(outcome.new, "new article")
    return f"{verb} {feed.title or feed.url} (ID {feed.id}){kept}: {new}"


def _feed_document(feed: Feed, local_only: set[int]) -> dict[str, object]:
    """`Feed.to_dict()` and `local_only`: kept out of sync, fetched by `refresh` itself."""
    return {**feed.to_dict(), "local_only": feed.id in local_only}


def cmd_local(args: argparse.Namespace) -> int:
    """`local ID|URL…` keeps feeds out of sync; `--off` gives them back to it.

    A feed kept local is fetched by `refresh` directly and never sent to the
    server; its subscription there, if it has one, is left for other devices.
    Given back, it is subscribed on the server at the next sync.
    """
    keep = not args.off
    with open_library(args) as library:
        picked = [library.feed(_feed_ref(ref)) for ref in args.feeds]
        feeds = list({feed.id: feed for feed in picked}.values())
        for feed in feeds:
            library.set_feed_local_only(feed.id, keep)
        local = library.local_only_feed_ids()
        if args.json:
            print_json({"feeds": [_feed_document(library.feed(f.id), local) for f in feeds]})
            return EXIT_OK
    for feed in feeds:
        name = feed.title or feed.url
        if keep:
            print_line(f"{name} (ID {feed.id}) is kept local: refresh fetches it, sync leaves it")
        else:
            print_line(f"{name} (ID {feed.id}) is synced again: the server fetches it")
    return EXIT_OK


def cmd_feeds(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        subscriptions = library.feeds()
        local_only = library.local_only_feed_ids()
    if args.json:
        print_json({"feeds": [_feed_document(feed, local_only) for feed in subscriptions]})
        return EXIT_OK
    if not subscriptions:
        print_line("No subscriptions. Add one with: newsreader add URL")
        return EXIT_OK
    from rich.table import Table
    from rich.text import Text

    # Rich shrinks every column alike once the wrappable ones are narrow, which used to
    # squeeze ID and Title to nothing beside a long error. So the numbers never wrap and
    # keep their width, the title keeps up to 24 columns, and the status (the one long
    # free text) is the column that gives way, folding onto more lines. The feed's URL
    # and its tags go on the lines under its title (dim), where they fold without taking
    # a column from the title: ID, title and status fit 80 columns.
    title_width = min(24, max(len(display(feed.title or feed.url)) for feed in subscriptions))
    table = Table(box=None, pad_edge=False)
    table.add_column("ID", justify="right", no_wrap=True, min_width=_widest(subscriptions))
    table.add_column("Title", overflow="fold", min_width=title_width)
    table.add_column("Unread", justify="right", no_wrap=True, min_width=len("Unread"))
    table.add_column("Total", justify="right", no_wrap=True, min_width=len("Total"))
    table.add_column("Last fetch", no_wrap=True, min_width=len("YYYY-MM-DD HH:MM"))
    table.add_column("Status", overflow="fold", min_width=len("never fetched"))
    for feed in subscriptions:
        if feed.last_error:
            status = Text(display(feed.last_error), style="red")
        elif feed.last_ok:
            status = Text("ok", style="green")
        else:
            status = Text("never fetched", style="dim")
        table.add_row(
            str(feed.id),
            Text.assemble(
                display(feed.title or feed.url),
                "\n",
                (display(feed.url), "dim"),
                ("\ntags: " + display(", ".join(feed.tags)), "dim") if feed.tags else "",
            ),
            str(feed.unread),
            str(feed.total),
            Text((feed.last_fetch or "—").replace("T", " ")[:16]),
            status,
        )
    console().print(table)
    return EXIT_OK


def _widest(subscriptions: Sequence[Feed]) -> int:
    """The ID column's width: its widest ID, never less than its heading."""
    return max(len("ID"), *(len(str(feed.id)) for feed in subscriptions))


def _feed_ref(text: str) -> int | str:
    """`remove`'s argument: a feed ID when it is one, else a URL for the store to look up.

    ASCII digits only, since `int()` rejects some characters `isdigit()` accepts ("²").
    A number too large for any ID (or for `int()`) is no feed: subscribed URLs are http(s).
    """
    if not (text.isascii() and text.isdigit()):
        return text
    if len(text) > len(str(MAX_INT)) or int(text) > MAX_INT:
        raise NotFoundError(f"no subscription {text}")
    return int(text)


def cmd_remove(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        feed = library.remove_feed(_feed_ref(args.feed))
    if args.json:
        print_json({"removed": feed.to_dict()})
    else:
        print_line(f"unsubscribed from {feed.title or feed.url}; its articles stay")
    return EXIT_OK


def cmd_refresh(args: argparse.Namespace) -> int:
    """Fetch subscriptions; with `[sync]` configured, sync first and fetch only local feeds.

    With sync on the server fetches every synced feed, so "refresh" means
    sync, and only the feeds kept local (`add --local`, `local ID`) are fetched
    here. An unreachable server does not stop those: they are fetched, the
    sync's error is said in one line, and the exit status is 1.
    """
    settings = _sync_config()
    with open_library(args) as library:
        named = getattr(args, "feeds", None) or []
        if named:
            # Each named once, in the order given; an unknown one fails before any fetch.
            picked = [library.feed(_feed_ref(ref)) for ref in named]
            subscriptions = list({feed.id: feed for feed in picked}.values())
        else:
            subscriptions = library.feeds()
        synced: dict[str, object] | None = None
        sync_error: str | None = None
        if settings is not None:
            synced, sync_error = _sync_first(library, settings, show=not args.json)
            if not named:
                subscriptions = library.feeds()  # as the sync left them (added, removed)
            server_fetches = library.synced_feed_ids()
            subscriptions = [feed for feed in subscriptions if feed.id not in server_fetches]
        if not subscriptions:
            if args.json:
                document: dict[str, object] = {"feeds": [], "new": 0, "errors": 0}
                if settings is not None:
                    document["sync"] = synced if synced is not None else {"error": sync_error}
                print_json(document)
            elif settings is None:
                print_line("No subscriptions to refresh. Add one with: newsreader add URL")
            if sync_error is not None:
                error(sync_error)
                return EXIT_ERROR
            return EXIT_OK
        outcomes = fetch_subscriptions(library, subscriptions, quiet=args.json)
    errors = [o for o in outcomes if o.error]
    if args.json:
        document = refresh_document(outcomes)
        if settings is not None:
            document["sync"] = synced if synced is not None else {"error": sync_error}
        print_json(document)
    else:
        print_refresh_summary(outcomes)
    if sync_error is not None:
        error(sync_error)
    return EXIT_ERROR if errors or sync_error is not None else EXIT_OK


def fetch_subscriptions(
    library: Library, subscriptions: Sequence[Feed], *, quiet: bool
) -> list[FeedOutcome]:
    """Refresh `subscriptions`, with a progress bar when stderr is a terminal and not `quiet`.

    Shared by `refresh` and `import --refresh`, so both show the same progress.
    """
    if quiet:
        return refresh(library, subscriptions)
    if not sys.stderr.isatty():
        return refresh(library, subscriptions, on_outcome=_load_printer_after(len(subscriptions)))
    return _refresh_with_progress(library, subscriptions)


def _load_printer_after(feeds: int) -> Callable[[FeedOutcome], None]:
    """An `on_outcome` that loads the summary's printer (Rich) once the last feed is stored.

    Why: what follows the last store is the library's checkpoint, which mostly
    waits for the disk (tens of ms after thousands of new articles) with the
    GIL released, and loading Rich for the summary took about as long after
    it. Loaded on a thread then, it is ready when the summary prints; loaded
    any earlier, it would take CPU the parse workers need. With a progress bar
    Rich is loaded from the start anyway.
    """
    stored = 0

    def on_outcome(_outcome: FeedOutcome) -> None:
        nonlocal stored
        stored += 1
        if stored == feeds:
            threading.Thread(target=_load_printer, name="newsreader-printer", daemon=True).start()

    return on_outcome


def _load_printer() -> None:
    """Import what `print_refresh_summary` prints with."""
    import rich.console
    import rich.table
    import rich.text  # noqa: F401


def refresh_document(outcomes: Sequence[FeedOutcome]) -> dict[str, object]:
    """A refresh's `--json` document: each feed's outcome, the new articles, the failures."""
    return {
        "feeds": [o.to_dict() for o in outcomes],
        "new": sum(o.new for o in outcomes),
        "errors": sum(1 for o in outcomes if o.error),
    }


def _sync_config() -> Config | None:
    """The config when it has a `[sync]` table (its warnings said once), else None."""
    from newsreader.config import load_config
    from newsreader.paths import config_dir, config_path

    config = load_config(config_path(config_dir()))
    if config.sync is None:
        return None
    for warning in config.warnings:
        note(f"newsreader: warning: {warning}")
    return config


def _sync_first(
    library: Library, config: Config, *, show: bool
) -> tuple[dict[str, object] | None, str | None]:
    """Sync before a refresh: (the report as a dict, None), or (None, the error's line)."""
    from newsreader.cli.sync import print_summary, sync_with_progress
    from newsreader.errors import NewsreaderError

    try:
        report = sync_with_progress(library, config, show=show and sys.stderr.isatty())
    except NewsreaderError as exc:
        return None, str(exc)
    if show:
        print_summary(report)
    return report.to_dict(), None


def _refresh_with_progress(library: Library, subscriptions: Sequence[Feed]) -> list[FeedOutcome]:
    """A Rich progress bar (overall) with one status line per feed as it finishes."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    from rich.text import Text

    with Progress(
        TextColumn("refreshing"),
        BarColumn(),
        MofNCompleteColumn(),
        # A feed's title is remote data: printed literally, never parsed as Rich markup
        # (a title with "[/]" in it raised MarkupError mid-refresh).
        TextColumn("{task.fields[last]}", markup=False),
        console=console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task("refresh", total=len(subscriptions), last="")

        def on_outcome(outcome: FeedOutcome) -> None:
            label = display(outcome.title or outcome.url)
            if outcome.error:
                line = Text.assemble(("✗ ", "red"), label, (f"  {display(outcome.error)}", "red"))
            elif outcome.not_modified:
                line = Text.assemble(("· ", "dim"), label, ("  not modified", "dim"))
            else:
                line = Text.assemble(("✓ ", "green"), label, (f"  {outcome.new} new", "green"))
            progress.console.print(line)
            progress.update(task, advance=1, last=label[:40])

        return refresh(library, subscriptions, on_outcome=on_outcome)


def print_refresh_summary(outcomes: Sequence[FeedOutcome]) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Refresh summary", box=None, pad_edge=False, title_justify="left")
    table.add_column("Feed")
    table.add_column("New", justify="right")
    table.add_column("Updated", justify="right")
    table.add_column("Result")
    for outcome in outcomes:
        if outcome.error:
            result = Text(display(outcome.error), style="red")
        elif outcome.not_modified:
            result = Text("not modified", style="dim")
        else:
            result = Text("ok", style="green")
        table.add_row(
            Text(display(outcome.title or outcome.url)),
            str(outcome.new),
            str(outcome.updated),
            result,
        )
    out = console()
    out.print(table)
    errors = sum(1 for o in outcomes if o.error)
    failed = f", {errors} failed" if errors else ""
    total = sum(o.new for o in outcomes)
    summary = f"{plural(total, 'new article')} from {plural(len(outcomes), 'feed')}{failed}"
    out.print(Text(summary, style="bold"))

"""The subcommands that move things in and out of the library: `import`, `parse`,
`export`, and `paths` (where the library and config live).

Parsing and exporting go through the services (`services.importer`,
`services.export`), never a parser directly, so the CLI and the TUI share them.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from newsreader.cli.context import open_library
from newsreader.cli.output import (
    EXIT_ERROR,
    EXIT_OK,
    EXIT_USAGE,
    STDOUT,
    console,
    display,
    error,
    note,
    plural,
    print_json,
    print_line,
    warn,
    write_output,
)
from newsreader.errors import NewsreaderError
from newsreader.paths import config_dir, config_path, data_dir, database_path, samples_dir

if TYPE_CHECKING:
    from newsreader.services.importer import ImportReport
    from newsreader.services.refresh import FeedOutcome
    from newsreader.store import Library


def cmd_import(args: argparse.Namespace) -> int:
    """Import files; with `--refresh`, then fetch the feeds it subscribed, in this process.

    `import subscriptions.opml --refresh` is subscribing and reading in one
    step (newsboat's `-x reload` on a new urls file): one start-up, and the
    feed parser's workers forked once.
    """
    from newsreader.services.importer import import_paths

    outcomes = None
    with open_library(args) as library:
        report = import_paths(library, args.paths)
        if getattr(args, "refresh", False):
            outcomes = _refresh_added(library, report, quiet=args.json)
    if args.json:
        document = report.to_dict()
        if outcomes is not None:
            from newsreader.cli.feeds import refresh_document

            document["refresh"] = refresh_document(outcomes)
        print_json(document)
    else:
        from rich.text import Text

        out = console()
        # A line per file, whole: piped into grep or a log it must not be cut at 80 columns.
        out.soft_wrap = not out.is_terminal
        for file in report.files:
            for warning in file.warnings:
                warn(warning)
            if file.error:
                continue
            for article_id in file.created:
                line = Text(f"{article_id:>6}  ", style="dim")
                line.append("added    ", style="green")
                line.append(display(file.titles.get(article_id, "")))
                out.print(line)
            for article_id in file.existing:
                line = Text(f"{article_id:>6}  ", style="dim")
                line.append("present  ", style="dim")
                line.append(display(file.titles.get(article_id, "")))
                out.print(line)
            for url in file.feeds_added:
                out.print(Text.assemble(("        subscribed ", "green"), display(url)))
        summary = f"{report.created} imported, {report.existing} already in the library"
        feeds = sum(len(f.feeds_added) for f in report.files)
        if feeds:
            summary += f", {plural(feeds, 'feed')} subscribed"
        if report.failed:
            summary += f", {len(report.failed)} failed"
        out.print(Text(summary, style="bold"))
        if outcomes:
            from newsreader.cli.feeds import print_refresh_summary

            print_refresh_summary(outcomes)
    for message in report.failed:
        error(message)
    fetch_failed = any(outcome.error for outcome in outcomes or ())
    return EXIT_ERROR if report.failed or fetch_failed else EXIT_OK


def _refresh_added(library: Library, report: ImportReport, *, quiet: bool) -> list[FeedOutcome]:
    """Fetch the subscriptions this import added (none added: nothing is fetched)."""
    from newsreader.cli.feeds import fetch_subscriptions

    added = {url for file in report.files for url in file.feeds_added}
    feeds = [feed for feed in library.feeds() if feed.url in added]
    return fetch_subscriptions(library, feeds, quiet=quiet) if feeds else []


def cmd_parse(args: argparse.Namespace) -> int:
    """Parse one file and print what import would store, storing nothing."""
    from newsreader.services.importer import parse_file

    path = Path(args.file)
    if path.is_dir():
        raise NewsreaderError(f"{path}: is a directory; parse takes one file")
    kind, items, warnings = parse_file(path)
    for warning in warnings:
        warn(warning)
    if kind == "backup":
        [backup] = items
        feeds = list(backup.feeds)
        if args.json:
            print_json({"kind": kind, "article_count": len(backup.entries), "feeds": feeds})
        else:
            print_line(
                f"a newsreader JSON export: {plural(len(backup.entries), 'article')},"
                f" {plural(len(feeds), 'subscription')}"
            )
        return EXIT_OK
    if kind == "opml":
        subs = [{"url": s.url, "title": s.title, "tags": s.tags} for s in items]
        if args.json:
            print_json({"kind": kind, "subscriptions": subs})
        else:
            for sub in subs:
                print_line(f"{sub['url']}\t{sub['title']}\t{','.join(sub['tags'])}")
        return EXIT_OK
    if args.json:
        documents = [article.to_dict() for article in items]
        print_json(documents[0] if kind != "feed" else {"kind": kind, "articles": documents})
        return EXIT_OK
    from newsreader.model.library import StoredArticle
    from newsreader.render.terminal import article_text

    out = console()
    for number, article in enumerate(items):
        if number:
            out.rule()
        out.print(article_text(StoredArticle(0, article, True, False, None)))
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """`export`: the export on stdout or in `-o FILE`.

    With `--json` and `-o FILE`, stdout gets one JSON document saying what was
    written (`output`, `format`, `bookmarked`, `bytes`), whatever the format.
    Without `-o`, `--format json` is already the one JSON document; Markdown or
    OPML on stdout cannot also be one, so asking for both is a usage error.
    """
    from newsreader.services.export import export_library

    to_file = args.output not in (None, STDOUT)
    if args.json and not to_file and args.format != "json":
        # The export is the output; a second document on stdout would corrupt it.
        error(f"export: --json with --format {args.format} needs -o FILE")
        return EXIT_USAGE
    written = 0

    def counted(pieces: Iterator[str]) -> Iterator[str]:
        nonlocal written
        for piece in pieces:
            written += len(piece.encode("utf-8"))
            yield piece

    with open_library(args) as library:
        # Streamed: each article is written as it is read, never the whole export at once.
        pieces = export_library(library, args.format, bookmarked=args.bookmarked)
        write_output(counted(pieces), args.output)
    if to_file and args.json:
        print_json(
            {
                "output": str(Path(args.output).expanduser()),
                "format": args.format,
                "bookmarked": args.bookmarked,
                "bytes": written,
            }
        )
    elif to_file:
        note(f"wrote {args.output}")
    return EXIT_OK


def cmd_paths(args: argparse.Namespace) -> int:
    data = data_dir(args.data_dir)
    config = config_dir()
    document = {
        "data_dir": str(data),
        "database": str(database_path(data)),
        "config_dir": str(config),
        "config_file": str(config_path(config)),
        "samples": str(samples_dir()),
    }
    if args.json:
        print_json(document)
    else:
        width = max(map(len, document))
        for key, value in document.items():
            print_line(f"{key.ljust(width)}  {value}")
    return EXIT_OK

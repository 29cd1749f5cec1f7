"""The subcommands that move things in and out of the library: `import`, `parse`,
`export`, and `paths` (where the library and config live).

Parsing and exporting go through the services (`services.importer`,
`services.export`), never a parser directly, so the CLI and the TUI share them.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from newsreader.cli.context import open_library
from newsreader.cli.output import (
    EXIT_ERROR,
    EXIT_OK,
    STDOUT,
    console,
    display,
    error,
    note,
    print_json,
    print_line,
    warn,
    write_output,
)
from newsreader.errors import NewsreaderError
from newsreader.paths import config_dir, config_path, data_dir, database_path, samples_dir


def cmd_import(args: argparse.Namespace) -> int:
    from newsreader.services.importer import import_paths

    with open_library(args) as library:
        report = import_paths(library, args.paths)
    if args.json:
        print_json(report.to_dict())
    else:
        from rich.text import Text

        out = console()
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
            summary += f", {feeds} feeds subscribed"
        if report.failed:
            summary += f", {len(report.failed)} failed"
        out.print(Text(summary, style="bold"))
    for message in report.failed:
        error(message)
    return EXIT_ERROR if report.failed else EXIT_OK


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
                f"a newsreader JSON export: {len(backup.entries)} articles,"
                f" {len(feeds)} subscriptions"
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
    from newsreader.services.export import export_library

    with open_library(args) as library:
        # Streamed: each article is written as it is read, never the whole export at once.
        write_output(export_library(library, args.format, bookmarked=args.bookmarked), args.output)
    if args.output not in (None, STDOUT) and not args.json:
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

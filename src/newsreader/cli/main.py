"""The `newsreader` command: the TUI by default, scriptable subcommands otherwise.

Every subcommand takes `--json` and then prints exactly one JSON document on
stdout, so scripts never scrape tables. Failures a user can cause print one
line, `newsreader: error: …`, naming the file, URL or ID and why, and exit
non-zero; a traceback is always a bug. Heavy modules (Rich, Textual, the
parsers, httpx) are imported inside the command that needs them, so
`newsreader list` stays quick.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsreader import __version__
from newsreader.errors import NewsreaderError, NotFoundError
from newsreader.paths import config_dir, config_path, data_dir, database_path, samples_dir

if TYPE_CHECKING:
    from rich.console import Console

    from newsreader.store import Library

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2


class CommandError(NewsreaderError):
    """A failure already reported line by line; only the exit status is left to set."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsreader",
        description="Read the news in your terminal. With no command, opens the reader.",
    )
    parser.add_argument("--version", action="version", version=f"newsreader {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="library location (default: $NEWSREADER_DATA_DIR or the platform data dir)",
    )
    parser.add_argument(
        "--new-library",
        action="store_true",
        help="if the library file is corrupt or not a newsreader library, move it aside"
        " (it is kept) and start a fresh one",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        cmd.add_argument("--json", action="store_true", help="print one JSON document")
        # Accepted after the command too (`newsreader list --data-dir D`); SUPPRESS keeps
        # a value given before the command when this one is absent.
        cmd.add_argument(
            "--data-dir", metavar="DIR", default=argparse.SUPPRESS, help="library location"
        )
        return cmd

    cmd = command("import", "import article files, web pages, feeds or OPML (dirs recursively)")
    cmd.add_argument("paths", nargs="+", metavar="PATH")

    cmd = command("parse", "parse one file and print it, storing nothing")
    cmd.add_argument("file", metavar="FILE")

    cmd = command("list", "list articles, newest first")
    state = cmd.add_mutually_exclusive_group()
    state.add_argument("--unread", action="store_const", const="unread", dest="filter")
    state.add_argument("--read", action="store_const", const="read", dest="filter")
    state.add_argument("--bookmarked", action="store_const", const="bookmarked", dest="filter")
    cmd.add_argument("--source", metavar="S", help="only articles from this source")
    cmd.add_argument("--limit", type=_positive_int, default=50, metavar="N")
    cmd.add_argument("--by-title", action="store_true", help="order by title instead of date")

    cmd = command("show", "print one article with key points and quotes highlighted")
    cmd.add_argument("id", type=_article_id, metavar="ID")

    cmd = command("search", "full-text search over the whole library")
    cmd.add_argument("query", nargs="+", metavar="QUERY")
    cmd.add_argument("--limit", type=_positive_int, default=20, metavar="N")
    cmd.add_argument("--raw", action="store_true", help="QUERY is FTS5 syntax (AND, NEAR, *)")

    for name, help_text in (
        ("read", "mark articles read"),
        ("unread", "mark articles unread"),
        ("bookmark", "bookmark articles"),
        ("unbookmark", "remove bookmarks"),
    ):
        cmd = command(name, help_text)
        cmd.add_argument("ids", nargs="+", type=_article_id, metavar="ID")

    cmd = command("export", "write articles as JSON or Markdown, or subscriptions as OPML")
    cmd.add_argument("--bookmarked", action="store_true", help="only bookmarked articles")
    cmd.add_argument("--format", choices=("json", "markdown", "opml"), default="json")
    cmd.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")

    command("paths", "show where data and config live")

    cmd = command("add", "subscribe to a feed (fetched once to check it)")
    cmd.add_argument("url", metavar="URL")
    cmd.add_argument("--title", metavar="T")
    cmd.add_argument("--tag", action="append", default=[], metavar="TAG")

    command("feeds", "list subscriptions with unread counts and last errors")

    cmd = command("remove", "unsubscribe (articles and their state stay)")
    cmd.add_argument("feed", metavar="URL|ID")

    command("refresh", "fetch every subscription now")
    return parser


def _counting_number(describe: str) -> Callable[[str], int]:
    """An argparse type for whole numbers from 1, whose errors say what was expected."""

    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            number = 0
        if number < 1:
            raise argparse.ArgumentTypeError(f"{value!r} is not {describe}")
        return number

    return parse


_positive_int = _counting_number("a number of at least 1")
_article_id = _counting_number("an article ID (a number from 1)")


# -- helpers ----------------------------------------------------------------


def _console(*, stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, markup=False, emoji=False, soft_wrap=False)


def _print_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def _error(message: str) -> None:
    sys.stderr.write(f"newsreader: error: {message}\n")


def _warn(message: str) -> None:
    sys.stderr.write(f"newsreader: warning: {message}\n")


def open_library(args: argparse.Namespace) -> Library:
    """The library for this run; a corrupt or foreign file there is never overwritten.

    Without `--new-library` the user gets the file's name and the way out; with
    it, the file is renamed aside (kept) and a fresh library starts.
    """
    from newsreader.errors import CorruptLibraryError
    from newsreader.store import Library, quarantine_library

    path = database_path(data_dir(args.data_dir))

    def upgrading(old: int, new: int) -> None:
        _warn(f"{path}: upgrading the library (schema {old} to {new}); big ones take a while")

    try:
        return Library(path, on_upgrade=upgrading)
    except CorruptLibraryError as exc:
        if not getattr(args, "new_library", False):
            raise NewsreaderError(
                f"{exc}. The file was left untouched; run again with --new-library to move it"
                " aside and start a fresh library"
            ) from None
        moved = quarantine_library(path)
        _warn(f"{path}: not a usable library, moved aside to {moved}; starting a fresh library")
        return Library(path)


def _write_output(text: str, output: str | None) -> None:
    """Write to stdout, or atomically to a file so a crash never leaves half an export."""
    if output is None:
        sys.stdout.write(text)
        return
    target = Path(output).expanduser()
    temp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        with open(temp, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise NewsreaderError(f"{target}: cannot write ({exc.strerror})") from None


# -- commands ---------------------------------------------------------------


def cmd_tui(args: argparse.Namespace) -> int:
    """Open the reader; a library that never had any articles gets the bundled samples.

    Only the reader does this, once per library (remembered in its settings);
    CLI subcommands never add samples.
    """
    library = open_library(args)
    try:
        if library.is_empty() and not library.get_state("samples.offered"):
            from newsreader.services.importer import import_paths

            import_paths(library, [samples_dir()], skip=frozenset({"opml"}))
            library.set_state("samples.offered", True)
        # Importing Textual and building the first screen allocate so much that
        # the collector ran ~95 times (~18 ms) before the first frame; the app
        # turns it back on once the frame is out (NewsreaderApp.settle_memory).
        gc.disable()
        from newsreader.ui.app import run

        run(library, config_path=config_path(config_dir()))
    finally:
        library.close()
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from newsreader.services.importer import import_paths

    with open_library(args) as library:
        report = import_paths(library, args.paths)
    if args.json:
        _print_json(report.to_dict())
    else:
        console = _console()
        from rich.text import Text

        for file in report.files:
            for warning in file.warnings:
                _warn(warning)
            if file.error:
                continue
            for article_id in file.created:
                line = Text(f"{article_id:>6}  ", style="dim")
                line.append("added    ", style="green")
                line.append(file.titles.get(article_id, ""))
                console.print(line)
            for article_id in file.existing:
                line = Text(f"{article_id:>6}  ", style="dim")
                line.append("present  ", style="dim")
                line.append(file.titles.get(article_id, ""))
                console.print(line)
            for url in file.feeds_added:
                console.print(Text.assemble(("        subscribed ", "green"), url))
        summary = f"{report.created} imported, {report.existing} already in the library"
        feeds = sum(len(f.feeds_added) for f in report.files)
        if feeds:
            summary += f", {feeds} feeds subscribed"
        if report.failed:
            summary += f", {len(report.failed)} failed"
        console.print(Text(summary, style="bold"))
    for message in report.failed:
        _error(message)
    return EXIT_ERROR if report.failed else EXIT_OK


def cmd_parse(args: argparse.Namespace) -> int:
    from newsreader.services.importer import parse_file

    path = Path(args.file)
    if path.is_dir():
        raise NewsreaderError(f"{path}: is a directory; parse takes one file")
    kind, items, warnings = parse_file(path)
    for warning in warnings:
        _warn(warning)
    if kind == "opml":
        subs = [{"url": s.url, "title": s.title, "tags": s.tags} for s in items]
        if args.json:
            _print_json({"kind": kind, "subscriptions": subs})
        else:
            for sub in subs:
                sys.stdout.write(f"{sub['url']}\t{sub['title']}\t{','.join(sub['tags'])}\n")
        return EXIT_OK
    if args.json:
        documents = [article.to_dict() for article in items]
        _print_json(documents[0] if kind != "feed" else {"kind": kind, "articles": documents})
        return EXIT_OK
    from newsreader.render import article_text
    from newsreader.store import StoredArticle

    console = _console()
    for number, article in enumerate(items):
        if number:
            console.rule()
        console.print(article_text(StoredArticle(0, article, True, False, None)))
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from newsreader.store import ListQuery

    query = ListQuery(
        filter=args.filter or "all",
        source=args.source,
        order="title" if args.by_title else "date",
    )
    with open_library(args) as library:
        rows = library.page(query, limit=args.limit)
        total = library.count(query)
        points = library.key_points_of([row.id for row in rows]) if args.json else {}
    if args.json:
        articles = [_row_document(row.to_dict(), points) for row in rows]
        _print_json({"total": total, "articles": articles})
        return EXIT_OK
    from newsreader.render import row_text

    console = _console()
    for row in rows:
        console.print(row_text(row, width=console.width))
    if not rows:
        console.print("No articles." if not total else "")
    elif total > len(rows):
        console.print(f"… {total - len(rows)} more (use --limit)", style="dim")
    return EXIT_OK


def _row_document(row: dict[str, Any], points: dict[int, list[str]]) -> dict[str, Any]:
    """A list/search row in the documented article shape: everything but blocks and quotes."""
    row["key_points"] = points.get(row["id"], [])
    return row


def cmd_show(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        stored = library.get(args.id)
    if args.json:
        _print_json(stored.to_dict())
        return EXIT_OK
    from newsreader.render import article_text

    _console().print(article_text(stored))
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    text = " ".join(args.query)
    with open_library(args) as library:
        hits = library.search(text, limit=args.limit, raw=args.raw)
        points = library.key_points_of([hit.row.id for hit in hits]) if args.json else {}
    if args.json:
        results = [_row_document(hit.to_dict(), points) for hit in hits]
        _print_json({"query": text, "results": results})
        return EXIT_OK
    from newsreader.render import row_text, snippet_text

    console = _console()
    for hit in hits:
        console.print(row_text(hit.row, width=console.width))
        snippet = snippet_text(hit.snippet, hit.highlights)
        snippet.pad_left(10)
        console.print(snippet)
    if not hits:
        console.print(f"No articles match {text!r}.")
    return EXIT_OK


def cmd_set_state(args: argparse.Namespace) -> int:
    """read / unread / bookmark / unbookmark: each known ID changes, unknown IDs are errors."""
    action = args.command
    failed: list[str] = []
    changed: list[int] = []
    with open_library(args) as library:
        for article_id in dict.fromkeys(args.ids):
            try:
                if action in ("read", "unread"):
                    library.set_read([article_id], action == "read")
                else:
                    library.set_bookmarked([article_id], action == "bookmark")
                changed.append(article_id)
            except NotFoundError as exc:
                failed.append(str(exc))
    if args.json:
        _print_json({"action": action, "ids": changed, "errors": failed})
    else:
        past = {"read": "read", "unread": "unread", "bookmark": "bookmarked"}
        word = past.get(action, "unbookmarked")
        if changed:
            sys.stdout.write(f"marked {word}: {' '.join(map(str, changed))}\n")
    for message in failed:
        _error(message)
    return EXIT_ERROR if failed else EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from newsreader.store import ListQuery

    with open_library(args) as library:
        if args.format == "opml":
            from newsreader.parse.opml import Subscription, write_opml

            subs = [Subscription(f.url, f.title, list(f.tags)) for f in library.feeds()]
            text = write_opml(subs)
        else:
            query = ListQuery(filter="bookmarked" if args.bookmarked else "all")
            articles = list(library.iter_articles(query))
            if args.format == "json":
                text = json.dumps(
                    [stored.to_dict() for stored in articles], ensure_ascii=False, indent=2
                )
                text += "\n"
            else:
                from newsreader.render import article_markdown

                text = "\n---\n\n".join(article_markdown(stored) for stored in articles)
    _write_output(text, args.output)
    if args.output and not args.json:
        sys.stderr.write(f"wrote {args.output}\n")
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
        _print_json(document)
    else:
        width = max(map(len, document))
        for key, value in document.items():
            sys.stdout.write(f"{key.ljust(width)}  {value}\n")
    return EXIT_OK


def cmd_feeds_dispatch(args: argparse.Namespace) -> int:
    from newsreader.cli import feeds as feeds_cli

    return feeds_cli.run(args)


COMMANDS = {
    "import": cmd_import,
    "parse": cmd_parse,
    "list": cmd_list,
    "show": cmd_show,
    "search": cmd_search,
    "read": cmd_set_state,
    "unread": cmd_set_state,
    "bookmark": cmd_set_state,
    "unbookmark": cmd_set_state,
    "export": cmd_export,
    "paths": cmd_paths,
    "add": cmd_feeds_dispatch,
    "feeds": cmd_feeds_dispatch,
    "remove": cmd_feeds_dispatch,
    "refresh": cmd_feeds_dispatch,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = COMMANDS.get(args.command, cmd_tui)
    try:
        return handler(args)
    except CommandError:
        return EXIT_ERROR
    except NewsreaderError as exc:
        _error(str(exc))
        return EXIT_ERROR
    except KeyboardInterrupt:
        sys.stderr.write("newsreader: interrupted\n")
        return 130
    except BrokenPipeError:
        # `newsreader list | head`: the reader went away; not an error worth a traceback.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def entry_point() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry_point()

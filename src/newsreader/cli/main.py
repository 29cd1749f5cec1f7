"""The `newsreader` command: the TUI by default, scriptable subcommands otherwise.

Every subcommand takes `--json` and then prints exactly one JSON document on
stdout, so scripts never scrape tables. Failures a user can cause print one
line, `newsreader: error: …`, naming the file, URL or ID and why, and exit
non-zero; a traceback is always a bug.

This module is argparse and dispatch only: each command lives in the module of
its group (`articles`, `library_io`, `feeds`, `tui`) and is imported when run,
so `newsreader list` never loads Rich, Textual, the parsers or httpx it does
not use.
"""

from __future__ import annotations

import argparse
import importlib
import io
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from newsreader import __version__
from newsreader.cli import mark_read
from newsreader.cli.output import (
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OK,
    MAX_INT,
    OutputClosed,
    OutputError,
    discard_stdout,
    display,
    error,
    flush_stdout,
)
from newsreader.errors import NewsreaderError


class _Parser(argparse.ArgumentParser):
    """argparse, with its error line cleaned like every other: it quotes the user's arguments."""

    def error(self, message: str) -> NoReturn:
        super().error(display(message))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
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
        cmd.add_argument(
            "--new-library",
            action="store_true",
            default=argparse.SUPPRESS,
            help="move a library that is not one aside and start a fresh one",
        )
        return cmd

    cmd = command("import", "import article files, web pages, feeds or OPML (dirs recursively)")
    cmd.add_argument("paths", nargs="+", metavar="PATH")
    cmd.add_argument(
        "--refresh", action="store_true", help="then fetch the feeds it subscribed (OPML)"
    )

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
    cmd.add_argument("--hidden", action="store_true", help="include articles a filter hid")

    cmd = command("show", "print one article with key points and quotes highlighted")
    cmd.add_argument("id", type=_article_id, metavar="ID")

    cmd = command("search", "full-text search over the whole library")
    cmd.add_argument("query", nargs="+", metavar="QUERY")
    cmd.add_argument("--limit", type=_positive_int, default=20, metavar="N")
    cmd.add_argument("--raw", action="store_true", help="QUERY is FTS5 syntax (AND, NEAR, *)")
    cmd.add_argument("--feed", metavar="URL|ID", help="only this subscription's articles")

    for name, help_text in (
        ("read", "mark articles read"),
        ("unread", "mark articles unread"),
        ("bookmark", "bookmark articles"),
        ("unbookmark", "remove bookmarks"),
        ("hide", "hide articles from the list, counts and search (list --hidden shows them)"),
        ("unhide", "show hidden articles again (hidden by hand or by a filter)"),
    ):
        cmd = command(name, help_text)
        if name in ("read", "unread"):  # IDs, `-` for stdin; `read --all` (cli/mark_read.py)
            mark_read.add_arguments(cmd, whole_lists=name == "read")
            continue
        cmd.add_argument("ids", nargs="+", type=_article_id, metavar="ID")

    cmd = command("export", "write articles as JSON or Markdown, or subscriptions as OPML")
    cmd.add_argument("--bookmarked", action="store_true", help="only bookmarked articles")
    cmd.add_argument("--format", choices=("json", "markdown", "opml"), default="json")
    cmd.add_argument(
        "-o", "--output", type=_output_path, metavar="FILE", help="write here (- for stdout)"
    )

    command("paths", "show where data and config live")

    cmd = command("delete", "delete articles (a refresh does not bring them back)")
    cmd.add_argument("ids", nargs="+", type=_article_id, metavar="ID")

    cmd = command("prune", "delete what keep_articles / keep_days allow no more (not bookmarks)")
    cmd.add_argument("--dry-run", action="store_true", help="only list what would be deleted")

    command("index", "bring the search index up to date now (a search does it when needed)")

    cmd = command("filter", "show what the [[filter]] rules would do to the library")
    cmd.add_argument("--apply", action="store_true", help="hide / mark read what they match")

    cmd = command("add", "subscribe to feeds (each fetched once to check it)")
    cmd.add_argument("url", nargs="+", metavar="URL")
    cmd.add_argument("--title", metavar="T")
    cmd.add_argument("--tag", action="append", default=[], metavar="TAG")
    cmd.add_argument(
        "--local", action="store_true", help="keep it out of sync: refresh fetches it directly"
    )

    command("feeds", "list subscriptions with unread counts and last errors")

    cmd = command("local", "keep feeds out of sync (refresh fetches them directly)")
    cmd.add_argument("feeds", nargs="+", metavar="URL|ID")
    cmd.add_argument("--off", action="store_true", help="give them back to sync")

    cmd = command("remove", "unsubscribe (articles and their state stay)")
    cmd.add_argument("feed", metavar="URL|ID")

    cmd = command("refresh", "fetch every subscription now, or only the ones named")
    cmd.add_argument("feeds", nargs="*", metavar="URL|ID", help="only these subscriptions")

    cmd = command("sync", "push local changes to the feed server ([sync] in config.toml), pull")
    cmd.add_argument("--status", action="store_true", help="show the sync state; sync nothing")
    return parser


def _counting_number(describe: str) -> Callable[[str], int]:
    """An argparse type for whole numbers from 1 to `MAX_INT`, whose errors say what was expected.

    The upper bound is checked here because SQLite cannot take a larger number at all
    (an `OverflowError` deep in the store otherwise).
    """

    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            number = 0
        if not 1 <= number <= MAX_INT:
            raise argparse.ArgumentTypeError(f"{value!r} is not {describe}")
        return number

    return parse


_positive_int = _counting_number(f"a number from 1 to {MAX_INT}")
_article_id = _counting_number("an article ID (a number from 1)")


def _output_path(value: str) -> str:
    """`-o FILE`: an empty name is a usage error, not a traceback at write time."""
    if not value:
        raise argparse.ArgumentTypeError("needs a file name (or - for standard output)")
    return value


COMMANDS: dict[str | None, str] = {
    None: "tui:cmd_tui",
    "import": "library_io:cmd_import",
    "parse": "library_io:cmd_parse",
    "export": "library_io:cmd_export",
    "paths": "library_io:cmd_paths",
    "delete": "housekeeping:cmd_delete",
    "prune": "housekeeping:cmd_prune",
    "filter": "housekeeping:cmd_filter",
    "index": "housekeeping:cmd_index",
    "list": "articles:cmd_list",
    "show": "articles:cmd_show",
    "search": "articles:cmd_search",
    "read": "mark_read:cmd_mark",
    "unread": "mark_read:cmd_mark",
    "bookmark": "articles:cmd_set_state",
    "unbookmark": "articles:cmd_set_state",
    "hide": "articles:cmd_set_state",
    "unhide": "articles:cmd_set_state",
    "add": "feeds:cmd_add",
    "feeds": "feeds:cmd_feeds",
    "local": "feeds:cmd_local",
    "remove": "feeds:cmd_remove",
    "refresh": "feeds:cmd_refresh",
    "sync": "sync:cmd_sync",
}
"""Command name (None: no command) → `module:function` under `newsreader.cli`."""


def handler_for(command: str | None) -> Callable[[argparse.Namespace], int]:
    """The function that runs `command`, importing only its group's module."""
    module, name = COMMANDS[command].split(":")
    handler: Callable[[argparse.Namespace], int] = getattr(
        importlib.import_module(f"newsreader.cli.{module}"), name
    )
    return handler


def main(argv: Sequence[str] | None = None) -> int:
    return run(build_parser().parse_args(argv))


def run(args: argparse.Namespace) -> int:
    """Run the parsed command; its exit status, with every failure reported as one line."""
    try:
        try:
            status = handler_for(args.command)(args)
        finally:
            flush_stdout()
    except OutputError as exc:
        # `> /dev/full`: say so once; the unwritten rest must not fail again at exit.
        discard_stdout()
        error(str(exc))
        return EXIT_ERROR
    except (OutputClosed, BrokenPipeError):
        # `newsreader list | head`: the reader went away; that is how pipes end, not an error.
        discard_stdout()
        return EXIT_OK
    except NewsreaderError as exc:
        error(str(exc))
        return EXIT_ERROR
    except KeyboardInterrupt:
        sys.stderr.write("newsreader: interrupted\n")
        return EXIT_INTERRUPTED
    return status


def entry_point() -> None:
    """The `newsreader` script and `python -m newsreader`."""
    _tolerate_unencodable()
    args = reader_arguments(sys.argv[1:]) or build_parser().parse_args()
    status = run(args)
    if args.command is not None:
        _leave(status)
    sys.exit(status)


def reader_arguments(argv: Sequence[str]) -> argparse.Namespace | None:
    """What `build_parser` makes of a plain launch of the reader, or None for anything else.

    Why: the reader's launch is the one a user waits on, and building the parser
    with all its subcommands took about 5 ms of a first paint of about 70 ms.
    Only `newsreader`, `--data-dir DIR` (or `=DIR`) and `--new-library`, each at
    most once, are read here; everything else, abbreviations and mistakes
    included, goes to argparse, which gives its usual answers and errors.
    """
    data_dir: str | None = None
    new_library = False
    rest = list(argv)
    while rest:
        option = rest.pop(0)
        if option == "--new-library" and not new_library:
            new_library = True
        elif option.startswith("--data-dir=") and data_dir is None:
            data_dir = option.removeprefix("--data-dir=")
        elif option == "--data-dir" and data_dir is None and rest and not rest[0].startswith("-"):
            data_dir = rest.pop(0)
        else:
            return None
    return argparse.Namespace(data_dir=data_dir, new_library=new_library, command=None)


def _leave(status: int) -> NoReturn:
    """End a finished command now, without the interpreter's teardown.

    Why: after a refresh or an import, freeing every module and object at exit
    took about a tenth of a second (strace: 70-90 ms of CPU between the last
    write and `exit_group`), which every scripted command paid. By now all it
    wrote is flushed and every library closed (each command's `with`), so what
    is skipped is freeing memory the kernel takes back anyway. A thread that
    is not a daemon or a child process still running gets the normal exit,
    which waits for them; so does the reader (Textual restores the terminal
    its own way).
    """
    import os
    import threading

    main_thread = threading.main_thread()
    running = [t for t in threading.enumerate() if not t.daemon and t is not main_thread]
    multiprocessing = sys.modules.get("multiprocessing")
    if running or (multiprocessing is not None and multiprocessing.active_children()):
        sys.exit(status)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        sys.exit(status)  # the normal exit says what went wrong with the stream
    os._exit(status)


def _tolerate_unencodable() -> None:
    """A character the terminal's encoding lacks prints as `?` rather than raising.

    Every string printed is cleaned first (`output.display`, `output.print_json`);
    this is the backstop, so a strict or non-UTF-8 stdout never turns output
    into a traceback after the command already did its work.
    """
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors="replace")


if __name__ == "__main__":
    entry_point()

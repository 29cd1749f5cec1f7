"""`read` and `unread` for many articles: IDs, IDs from stdin (`-`), or a whole list.

    newsreader read 12 13                      # as before
    newsreader list --json | jq '.articles[].id' | newsreader read -
    newsreader read --all [--feed URL|ID] [--before DATE]

`main` imports this module to build the parser, so the store loads only when
a command runs. Each change is one statement in the store (`store/bulk.py`), so 100,000 IDs cost
what a few do. What `--json` reports, and why:

* IDs (given or from stdin): `{"action", "ids", "errors"}` as the other state
  commands: `ids` the known IDs, `errors` one line per unknown one.
* `--all`: also `count`, and `ids` are the articles that *changed* (were
  unread), so the document is the undo: `newsreader read --all --json |
  newsreader unread -` restores exactly the earlier state. Without `--json`
  it prints only the count: a person has no use for 100,000 numbers.

`-` reads whitespace-separated IDs, or a JSON document of ours (`list`,
`search`, or a state command's `--json` output) whose IDs it takes.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

from newsreader.cli.output import EXIT_ERROR, EXIT_OK, error, print_json, print_line

STDIN = "-"
EXIT_USAGE = 2
"""A wrong combination of options, as argparse reports its own usage errors."""
MAX_ID = 2**63 - 1
"""The largest number SQLite stores: no article ID is larger."""


def _id_or_stdin(value: str) -> int | str:
    """An article ID, or `-` for "read the IDs from standard input"."""
    if value == STDIN:
        return STDIN
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= MAX_ID:
        raise argparse.ArgumentTypeError(f"{value!r} is not an article ID (a number from 1) or -")
    return number


def parse_before(value: str) -> datetime:
    """`--before`: an ISO 8601 date or time; one without an offset is taken as UTC."""
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a date (YYYY-MM-DD, or an ISO 8601 time)"
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def add_arguments(cmd: argparse.ArgumentParser, *, whole_lists: bool) -> None:
    """The arguments of `read` (`whole_lists`: with `--all`, `--feed`, `--before`) or `unread`."""
    cmd.add_argument(
        "ids",
        nargs="*",
        type=_id_or_stdin,
        metavar="ID",
        help="article IDs; - reads them from standard input",
    )
    if not whole_lists:
        return
    cmd.add_argument(
        "--all", action="store_true", help="every unread article (of --feed, before --before)"
    )
    cmd.add_argument("--feed", metavar="URL|ID", help="with --all: only this subscription")
    cmd.add_argument(
        "--before",
        type=parse_before,
        metavar="DATE",
        help="with --all: only articles dated before DATE (UTC unless it has an offset)",
    )


def ids_from_text(text: str) -> tuple[list[int], list[str]]:
    """IDs from stdin, and one error per token that is not one.

    JSON (first character `{` or `[`) is read as our documents are shaped:
    a list of IDs or of articles, or an object holding `ids`, `articles` or
    `results`. Anything else is IDs separated by whitespace.
    """
    stripped = text.lstrip()
    if stripped[:1] in ("{", "["):
        try:
            return _ids_from_json(json.loads(stripped))
        except ValueError as exc:
            return [], [f"standard input is not valid JSON ({exc})"]
    ids: list[int] = []
    errors: list[str] = []
    for token in text.split():
        try:
            number = _id_or_stdin(token)
        except argparse.ArgumentTypeError as exc:
            errors.append(str(exc))
            continue
        if isinstance(number, int):
            ids.append(number)
        else:
            errors.append("- is not an article ID")
    return ids, errors


def _ids_from_json(document: Any) -> tuple[list[int], list[str]]:
    if isinstance(document, dict):
        for key in ("ids", "articles", "results"):
            if key in document:
                return _ids_from_json(document[key])
        return [], ["standard input: a JSON object without ids, articles or results"]
    if not isinstance(document, list):
        return [], ["standard input: JSON that holds no article IDs"]
    ids: list[int] = []
    errors: list[str] = []
    for item in document:
        value = item.get("id") if isinstance(item, dict) else item
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID:
            ids.append(value)
        else:
            errors.append(f"{json.dumps(value)[:40]} is not an article ID")
    return ids, errors


def cmd_mark(args: argparse.Namespace) -> int:
    """`read` / `unread`: by IDs (or `-`), or `read --all` for a whole list."""
    action: str = args.command
    every = bool(getattr(args, "all", False))
    feed = getattr(args, "feed", None)
    before: datetime | None = getattr(args, "before", None)
    if every and args.ids:
        error(f"{action}: give article IDs or --all, not both")
        return EXIT_USAGE
    if not every and (feed is not None or before is not None):
        error(f"{action}: --feed and --before choose what --all marks; add --all")
        return EXIT_USAGE
    if not every and not args.ids:
        error(f"{action}: give article IDs, - to read them from standard input, or --all")
        return EXIT_USAGE
    if every:
        return _mark_all(args, feed, before)
    return _mark_ids(args, action == "read")


def _mark_ids(args: argparse.Namespace, read: bool) -> int:
    action: str = args.command
    ids: list[int] = []
    failed: list[str] = []
    from_stdin = STDIN in args.ids
    for item in args.ids:
        if item == STDIN:
            more, errors = ids_from_text(sys.stdin.read())
            ids.extend(more)
            failed.extend(errors)
        else:
            ids.append(int(item))
    ids = list(dict.fromkeys(ids))
    from newsreader.cli.context import open_library

    with open_library(args) as library:
        result = library.set_read_many(ids, read)
    missing = set(result.missing)
    known = [i for i in ids if i not in missing]
    failed.extend(f"no article with ID {i}" for i in result.missing)
    if args.json:
        print_json({"action": action, "ids": known, "errors": failed})
    elif known and not from_stdin:
        print_line(f"marked {action}: {' '.join(map(str, known))}")
    elif known or not failed:
        print_line(f"marked {len(known)} article{'s' if len(known) != 1 else ''} {action}")
    for message in failed:
        error(message)
    return EXIT_ERROR if failed else EXIT_OK


def _mark_all(args: argparse.Namespace, feed_ref: str | None, before: datetime | None) -> int:
    from newsreader.cli.context import open_library
    from newsreader.model.library import ListQuery

    with open_library(args) as library:
        feed = library.feed(feed_ref) if feed_ref is not None else None
        query = ListQuery(feed_id=feed.id if feed else None)
        changed = library.mark_list_read(
            query, before=before.timestamp() if before is not None else None
        )
    if args.json:
        print_json(
            {
                "action": "read",
                "all": True,
                "feed": feed.id if feed else None,
                "before": before.isoformat() if before else None,
                "count": len(changed),
                "ids": changed,
                "errors": [],
            }
        )
        return EXIT_OK
    where = f" in {feed.title or feed.url}" if feed else ""
    if before is not None:
        where += f" dated before {before.isoformat()}"
    count = len(changed)
    if count:
        print_line(f"marked {count} article{'s' if count != 1 else ''} read{where}")
    else:
        print_line(f"nothing to mark: no unread articles{where}")
    return EXIT_OK

"""The article subcommands: `list`, `show`, `search`, and the state changes
`read`, `unread`, `bookmark`, `unbookmark`.

They only read and write the store; Rich and the renderers load only when a
command prints for a person rather than as `--json`.
"""

from __future__ import annotations

import argparse
from typing import Any

from newsreader.cli.context import open_library
from newsreader.cli.output import (
    EXIT_ERROR,
    EXIT_OK,
    console,
    display,
    error,
    note,
    print_json,
    print_line,
)
from newsreader.errors import NotFoundError
from newsreader.model.library import ListQuery
from newsreader.store.search_index import BATCH_STEP


def cmd_list(args: argparse.Namespace) -> int:
    query = ListQuery(
        filter=args.filter or "all",
        source=args.source,
        order="title" if args.by_title else "date",
        hidden=bool(getattr(args, "hidden", False)),
    )
    with open_library(args) as library:
        rows = library.page(query, limit=args.limit)
        total = library.count(query)
        points = library.key_points_of([row.id for row in rows]) if args.json else {}
    if args.json:
        articles = [_row_document(row.to_dict(), points) for row in rows]
        print_json({"total": total, "articles": articles})
        return EXIT_OK
    from newsreader.render.terminal import row_text

    out = console()
    for row in rows:
        out.print(row_text(row, width=out.width))
    if not rows:
        out.print("No articles." if not total else "")
    elif total > len(rows):
        out.print(f"… {total - len(rows)} more (use --limit)", style="dim")
    return EXIT_OK


def _row_document(row: dict[str, Any], points: dict[int, list[str]]) -> dict[str, Any]:
    """A list/search row in the documented article shape: everything but blocks and quotes."""
    row["key_points"] = points.get(row["id"], [])
    return row


def cmd_show(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        stored = library.get(args.id)
    brief = _brief_enabled()
    if args.json:
        document = stored.to_dict()
        if brief and not stored.article.key_points:
            from newsreader.render.brief import generated_brief

            sentences = generated_brief(stored.article)
            if sentences:
                document["generated_brief"] = list(sentences)  # never inside key_points
        print_json(document)
        return EXIT_OK
    from newsreader.render.terminal import article_text

    console().print(article_text(stored, brief=brief))
    return EXIT_OK


def _brief_enabled() -> bool:
    """`brief` from config.toml (on unless switched off); its warnings are the UI's to show."""
    from newsreader.config import load_config
    from newsreader.paths import config_dir, config_path

    return load_config(config_path(config_dir())).brief


NOTE_INDEXING = 2000
"""Articles left to index before a search says it is indexing (a tenth of a second's worth)."""


def cmd_search(args: argparse.Namespace) -> int:
    text = " ".join(args.query)
    with open_library(args) as library:
        feed_ref = getattr(args, "feed", None)
        scope = ListQuery(feed_id=library.feed(feed_ref).id) if feed_ref else None
        behind = library.unindexed()
        if behind >= NOTE_INDEXING:
            note(f"indexing {behind} articles stored since the last search…")
        if behind:
            library.catch_up_index(step=BATCH_STEP)
        hits = library.search(text, limit=args.limit, raw=args.raw, query=scope)
        points = library.key_points_of([hit.row.id for hit in hits]) if args.json else {}
    if args.json:
        results = [_row_document(hit.to_dict(), points) for hit in hits]
        print_json({"query": text, "results": results})
        return EXIT_OK
    from newsreader.render.terminal import row_text, snippet_text

    out = console()
    for hit in hits:
        out.print(row_text(hit.row, width=out.width))
        snippet = snippet_text(hit.snippet, hit.highlights)
        snippet.pad_left(10)
        out.print(snippet)
    if not hits:
        out.print(f"No articles match {display(repr(text))}.")
    return EXIT_OK


_PAST = {
    "read": "read",
    "unread": "unread",
    "bookmark": "bookmarked",
    "unbookmark": "unbookmarked",
    "hide": "hidden",
    "unhide": "shown again",
}


def cmd_set_state(args: argparse.Namespace) -> int:
    """read / unread / bookmark / unbookmark / hide / unhide: each known ID changes, unknown
    IDs are errors."""
    action = args.command
    failed: list[str] = []
    changed: list[int] = []
    with open_library(args) as library:
        for article_id in dict.fromkeys(args.ids):
            try:
                if action in ("read", "unread"):
                    library.set_read([article_id], action == "read")
                elif action in ("hide", "unhide"):
                    library.set_hidden([article_id], action == "hide")
                else:
                    library.set_bookmarked([article_id], action == "bookmark")
                changed.append(article_id)
            except NotFoundError as exc:
                failed.append(str(exc))
    if args.json:
        print_json({"action": action, "ids": changed, "errors": failed})
    elif changed:
        print_line(f"marked {_PAST[action]}: {' '.join(map(str, changed))}")
    for message in failed:
        error(message)
    return EXIT_ERROR if failed else EXIT_OK

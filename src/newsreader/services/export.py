"""The export use case: the library's articles as JSON or Markdown, its feeds as OPML.

Kept out of the CLI so that the command only decides where the text goes, and
the OPML writer (a parser module) stays behind a service like every parser.

Exports come out as an iterator of text pieces, one article at a time, so a
library of 100k articles is never held as one list of articles plus one string
of the whole document: the writer puts each piece down as it comes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any, Literal

from newsreader.model.library import Feed, StoredArticle
from newsreader.services.restore import EXPORT_KEY, EXPORT_VERSION
from newsreader.store import Library, ListQuery

ExportFormat = Literal["json", "markdown", "opml"]


def export_library(
    library: Library, fmt: ExportFormat, *, bookmarked: bool = False
) -> Iterator[str]:
    """The export, piece by piece; `bookmarked` limits the articles (never the feeds)."""
    if fmt == "opml":
        from newsreader.parse.opml import Subscription, write_opml

        subs = [Subscription(f.url, f.title, list(f.tags)) for f in library.feeds()]
        yield write_opml(subs)
        return
    query = ListQuery(filter="bookmarked" if bookmarked else "all")
    if fmt == "json":
        yield from _json_document(library, query)
        return
    from newsreader.render.markdown import article_markdown

    for number, stored in enumerate(library.iter_articles(query)):
        yield ("\n---\n\n" if number else "") + article_markdown(stored)


def _json_document(library: Library, query: ListQuery) -> Iterator[str]:
    """The JSON export, byte for byte what `json.dumps(document, indent=2)` would write.

    Every subscription goes in, whatever `query` keeps of the articles: a backup
    of the bookmarks still brings back what the user reads. There is no export
    time in it, so the same library always exports the same bytes (backups diff
    cleanly, and a test can compare two exports).
    """
    feeds = library.feeds()
    by_id = {feed.id: feed for feed in feeds}
    yield "{\n"
    yield f'  "{EXPORT_KEY}": {EXPORT_VERSION},\n'
    yield f'  "articles_filter": {json.dumps(query.filter)},\n'
    yield '  "feeds": ['
    for number, feed in enumerate(feeds):
        yield ("," if number else "") + "\n    " + _dumps(feed_entry(feed), depth=2)
    yield "\n  ],\n" if feeds else "],\n"
    yield '  "articles": ['
    count = 0
    for count, stored in enumerate(library.iter_articles(query), start=1):
        yield ("," if count > 1 else "") + "\n    " + _dumps(backup_entry(stored, by_id), depth=2)
    yield "\n  ]\n}\n" if count else "]\n}\n"


def _dumps(value: Any, *, depth: int) -> str:
    """`value` as indented JSON nested `depth` levels deep (JSON text has no raw newlines
    inside strings, so indenting every line cannot change a value)."""
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * depth)


def feed_entry(feed: Feed) -> dict[str, Any]:
    """One subscription of the JSON export: what the user chose, not refresh bookkeeping."""
    return {
        "url": feed.url,
        "title": feed.title,
        "site_url": feed.site_url,
        "tags": feed.tags,
        "added_at": feed.added_at,
    }


def backup_entry(stored: StoredArticle, feeds: dict[int, Feed]) -> dict[str, Any]:
    """One article of the JSON export: the documented article, plus what a restore needs.

    Fields are only added after the documented ones (never renamed), so readers
    of the article document keep working; `services.restore` reads them back.
    """
    data = stored.to_dict()
    feed = feeds.get(stored.feed_id) if stored.feed_id is not None else None
    data.update(
        guid=stored.article.guid,
        imported_at=_iso(stored.imported_at),
        read_at=_iso(stored.read_at),
        bookmarked_at=_iso(stored.bookmarked_at),
        full_text=stored.full_text,
        feed=(
            {"url": feed.url, "title": feed.title, "site_url": feed.site_url, "tags": feed.tags}
            if feed is not None
            else None
        ),
    )
    return data


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None

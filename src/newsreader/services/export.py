"""The export use case: the library's articles as JSON or Markdown, its feeds as OPML.

Kept out of the CLI so that the command only decides where the text goes, and
the OPML writer (a parser module) stays behind a service like every parser.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from newsreader.model.library import Feed, StoredArticle
from newsreader.store import Library, ListQuery

ExportFormat = Literal["json", "markdown", "opml"]


def export_library(library: Library, fmt: ExportFormat, *, bookmarked: bool = False) -> str:
    """The whole export as one string; `bookmarked` limits articles (OPML ignores it)."""
    if fmt == "opml":
        from newsreader.parse.opml import Subscription, write_opml

        subs = [Subscription(f.url, f.title, list(f.tags)) for f in library.feeds()]
        return write_opml(subs)
    query = ListQuery(filter="bookmarked" if bookmarked else "all")
    articles = list(library.iter_articles(query))
    if fmt == "json":
        feeds = {feed.id: feed for feed in library.feeds()}
        document = [backup_entry(stored, feeds) for stored in articles]
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    from newsreader.render.markdown import article_markdown

    return "\n---\n\n".join(article_markdown(stored) for stored in articles)


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


def feeds_left_out(library: Library, *, bookmarked: bool = False) -> list[Feed]:
    """Subscriptions a JSON export cannot carry: no article of theirs is in it.

    The export is a list of articles (its documented shape), each naming its
    feed, so a feed with nothing exported has no place in it; the CLI says so
    and points at the OPML export.
    """
    query = ListQuery(filter="bookmarked" if bookmarked else "all")
    return [
        feed
        for feed in library.feeds()
        if not library.count(ListQuery(filter=query.filter, feed_id=feed.id))
    ]


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None

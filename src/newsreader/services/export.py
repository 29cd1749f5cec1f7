"""The export use case: the library's articles as JSON or Markdown, its feeds as OPML.

Kept out of the CLI so that the command only decides where the text goes, and
the OPML writer (a parser module) stays behind a service like every parser.
"""

from __future__ import annotations

import json
from typing import Literal

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
        document = [stored.to_dict() for stored in articles]
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    from newsreader.render.markdown import article_markdown

    return "\n---\n\n".join(article_markdown(stored) for stored in articles)

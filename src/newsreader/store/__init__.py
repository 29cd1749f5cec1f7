"""The library: articles, read state, bookmarks, search and feeds in one SQLite file.

Modules: `db` (connection, transactions, errors), `schema` (migrations),
`articles`, `listing`, `search`, `feeds`, `state` (one mixin each) and
`library` (the `Library` that joins them). Nothing here imports Textual: the
CLI and the UI share it.

The value types are defined in `newsreader.model.library` and re-exported here
for older imports; code that only needs the values should import them from
there, without loading SQLite.
"""

from newsreader.model.library import (
    FILTERS,
    AddResult,
    ArticleRow,
    Feed,
    Filter,
    ListQuery,
    Order,
    SearchHit,
    StoredArticle,
)
from newsreader.store.db import quarantine_library
from newsreader.store.library import Library
from newsreader.store.schema import SCHEMA_VERSION
from newsreader.store.search import fts_query

__all__ = [
    "FILTERS",
    "SCHEMA_VERSION",
    "AddResult",
    "ArticleRow",
    "Feed",
    "Filter",
    "Library",
    "ListQuery",
    "Order",
    "SearchHit",
    "StoredArticle",
    "fts_query",
    "quarantine_library",
]

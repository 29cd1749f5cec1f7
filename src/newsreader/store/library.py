"""`Library`: the one object the CLI, the importer, refresh and the UI open.

Each concern lives in its own mixin over `Database` (articles, listing, search,
feeds, state); this class joins them and holds what needs more than one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from newsreader.model.library import EVERY_ARTICLE, AddResult, ListQuery, StoredArticle
from newsreader.store.articles import ArticlesMixin
from newsreader.store.bulk import BulkStateMixin
from newsreader.store.feeds import FeedsMixin
from newsreader.store.filters import FiltersMixin
from newsreader.store.listing import ListingMixin
from newsreader.store.outbox import OutboxMixin
from newsreader.store.retention import RetentionMixin
from newsreader.store.search import SearchMixin
from newsreader.store.state import StateMixin
from newsreader.store.sync_apply import SyncApplyMixin


class Library(
    ArticlesMixin,
    ListingMixin,
    SearchMixin,
    FeedsMixin,
    StateMixin,
    BulkStateMixin,
    OutboxMixin,
    SyncApplyMixin,
    FiltersMixin,
    RetentionMixin,
):
    """One open library file: articles, read state, bookmarks, search and feeds.

    Thread-safe: the UI thread and workers share one instance. Open it with
    `Library(path)`; see `Database` for the connection and its guarantees.
    """

    def record_fetch(self, feed_id: int, **fetched: Any) -> list[AddResult]:
        """`FeedsMixin.record_fetch`, then retention for that feed when it gained articles."""
        results = super().record_fetch(feed_id, **fetched)
        rules = self.rules()
        if rules.retains and any(result.created for result in results):
            self.prune(rules, feed_ids=[feed_id])
        return results

    def iter_articles(
        self, query: ListQuery = EVERY_ARTICLE, *, batch: int = 200
    ) -> Iterator[StoredArticle]:
        """Every article of a list, full content, paged by keyset (for export)."""
        after: tuple[Any, int] | None = None
        while True:
            rows = self.page(query, after=after, limit=batch)
            if not rows:
                return
            for row in rows:
                yield self.get(row.id)
            after = rows[-1].key_for(query.order)

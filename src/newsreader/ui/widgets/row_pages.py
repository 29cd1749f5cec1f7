"""The article list's rows: counted once, fetched a page at a time, a few pages kept.

The list can hold a million rows, so it never loads them all: rows come from
a `RowSource` (`Library` satisfies it; the widget never imports the store) in
pages of `PAGE_SIZE`, keyed by page number, at most `MAX_PAGES` kept (LRU).
A page next to a cached one is fetched by keyset (`page(after=last_key)` or
`page(after=first_key, reverse=True)`), the last page by `page(reverse=True)`,
and only a far jump with no neighbour (scrollbar drag) uses OFFSET `seek`,
whose cost grows with the offset.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Protocol

from newsreader.model.library import ArticleRow, ListQuery

PAGE_SIZE = 100
MAX_PAGES = 8


class RowSource(Protocol):
    """Where the list's rows come from: counts, keyset pages and positions (`Library`)."""

    def count(self, query: ListQuery) -> int:
        """How many rows `query` lists."""
        ...

    def index_of(self, query: ListQuery, article_id: int) -> int | None:
        """Position of the article in the list, None when the list does not hold it."""
        ...

    def page(
        self,
        query: ListQuery,
        *,
        after: tuple[Any, int] | None = None,
        limit: int = 100,
        reverse: bool = False,
    ) -> list[ArticleRow]:
        """Rows after the keyset cursor `after` (with `reverse`, before it), in list order."""
        ...

    def seek(self, query: ListQuery, index: int, *, limit: int = 100) -> list[ArticleRow]:
        """Rows from position `index` on (OFFSET: only for jumps with no cached neighbour)."""
        ...


class RowPages:
    """The rows `query` lists in `source`, as cached keyset pages."""

    def __init__(self, source: RowSource, query: ListQuery) -> None:
        self.source = source
        self.query = query
        self.count = 0
        """How many rows the query listed at the last `recount`."""
        self._pages: OrderedDict[int, list[ArticleRow]] = OrderedDict()

    def recount(self, query: ListQuery | None = None) -> None:
        """Switch to `query` (if given), count its rows again and drop every cached page."""
        if query is not None:
            self.query = query
        self.count = self.source.count(self.query)
        self._pages.clear()

    def row(self, index: int) -> ArticleRow | None:
        """The row at `index` (0 <= index < count), fetching its page if needed."""
        number = index // PAGE_SIZE
        page = self._pages.get(number)
        if page is None:
            page = self._fetch_page(number)
        else:
            self._pages.move_to_end(number)
        offset = index - number * PAGE_SIZE
        return page[offset] if offset < len(page) else None

    def _fetch_page(self, number: int) -> list[ArticleRow]:
        """One page by keyset from a cached neighbour, else from an end, else by seek."""
        query = self.query
        start = number * PAGE_SIZE
        want = min(PAGE_SIZE, max(0, self.count - start))
        before = self._pages.get(number - 1)
        after = self._pages.get(number + 1)
        if number == 0:
            rows = self.source.page(query, limit=want)
        elif before and len(before) == PAGE_SIZE:
            rows = self.source.page(query, after=before[-1].key_for(query.order), limit=want)
        elif after:
            rows = self.source.page(
                query, after=after[0].key_for(query.order), limit=want, reverse=True
            )
        elif start + want >= self.count:
            rows = self.source.page(query, limit=want, reverse=True)
        else:
            rows = self.source.seek(query, start, limit=want)
        self._pages[number] = rows
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        return rows

    def patch(self, article_id: int, patched: Callable[[ArticleRow], ArticleRow]) -> None:
        """Replace the cached row of `article_id` (wherever it is cached) by `patched(row)`."""
        for page in self._pages.values():
            for i, row in enumerate(page):
                if row.id == article_id:
                    page[i] = patched(row)

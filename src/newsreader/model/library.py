"""The values a library hands out: list queries, list rows, stored articles, feeds, hits.

They live apart from the store so the UI and the CLI can name them without
importing SQLite or the store: a widget that paints rows needs `ArticleRow`,
not a database. Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal, NamedTuple

from newsreader.model.article import Article, reading_minutes

Filter = Literal["all", "unread", "read", "bookmarked"]
Order = Literal["date", "title"]
FILTERS: tuple[Filter, ...] = ("all", "unread", "read", "bookmarked")


@dataclass(frozen=True, slots=True)
class ListQuery:
    """Which articles a list shows and in what order."""

    filter: Filter = "all"
    source: str | None = None
    feed_id: int | None = None
    order: Order = "date"
    feed_ids: tuple[int, ...] | None = None
    """Articles of any of these feeds (a sidebar folder); an empty tuple matches nothing."""
    hidden: bool = False
    """Include articles a filter hid (`list --hidden`); they are left out otherwise."""

    def __post_init__(self) -> None:
        if self.feed_ids is not None:
            object.__setattr__(self, "feed_ids", tuple(int(i) for i in self.feed_ids))
        if self.filter not in FILTERS:
            raise ValueError(f"unknown filter {self.filter!r}")
        if self.order not in ("date", "title"):
            raise ValueError(f"unknown order {self.order!r}")


EVERY_ARTICLE = ListQuery()
"""The default list: every article, newest first."""


class ArticleRow(NamedTuple):
    """What a list row needs: no body, so a page of rows is cheap to load.

    Value records built per row (and at import) are NamedTuples, not
    dataclasses: one is built in a fraction of the time, and each dataclass
    definition adds to every start-up.
    """

    id: int
    title: str
    source: str
    url: str | None
    published: datetime | None
    sort_ts: float
    title_key: str
    words: int
    feed_id: int | None
    read: bool
    bookmarked: bool

    @property
    def key(self) -> tuple[Any, int]:
        """Opaque keyset cursor for the date order; see `ArticleRow.key_for`."""
        return (self.sort_ts, self.id)

    def key_for(self, order: Order) -> tuple[Any, int]:
        """The keyset cursor of this row in a list sorted by `order`."""
        return (self.title_key, self.id) if order == "title" else (self.sort_ts, self.id)

    @property
    def reading_minutes(self) -> int:
        return reading_minutes(self.words)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "url": self.url,
            "published": self.published.isoformat() if self.published else None,
            "words": self.words,
            "reading_minutes": self.reading_minutes,
            "read": self.read,
            "bookmarked": self.bookmarked,
        }


@dataclass(slots=True)
class StoredArticle:
    """An article with its library identity and state."""

    id: int
    article: Article
    read: bool
    bookmarked: bool
    imported_at: datetime | None
    read_at: datetime | None = None
    bookmarked_at: datetime | None = None
    feed_id: int | None = None
    full_text: bool = False

    def to_dict(self, *, include_blocks: bool = True) -> dict[str, Any]:
        content = self.article.to_dict(include_blocks=include_blocks)
        # The documented key order: id first, library state before the content lists.
        data: dict[str, Any] = {"id": self.id}
        for key, value in content.items():
            if key == "key_points":
                data.update(read=self.read, bookmarked=self.bookmarked)
            data[key] = value
        return data


class AddResult(NamedTuple):
    """What storing one article did: its id, and whether it was new or changed."""

    id: int
    created: bool
    updated: bool = False


class SearchHit(NamedTuple):
    """A search result: the row, a snippet with highlight spans, and its bm25 rank."""

    row: ArticleRow
    snippet: str
    highlights: tuple[tuple[int, int], ...]
    rank: float

    def to_dict(self) -> dict[str, Any]:
        data = self.row.to_dict()
        data["snippet"] = self.snippet
        data["highlights"] = [list(span) for span in self.highlights]
        return data


@dataclass(slots=True)
class Feed:
    """A subscription and what its last refresh did."""

    id: int
    url: str
    title: str
    site_url: str | None = None
    tags: list[str] = field(default_factory=list)
    etag: str | None = None
    last_modified: str | None = None
    added_at: str | None = None
    last_fetch: str | None = None
    last_ok: str | None = None
    last_error: str | None = None
    unread: int = 0
    total: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Everything but the HTTP validators, which are bookkeeping, not information."""
        data = asdict(self)
        del data["etag"], data["last_modified"]
        return data

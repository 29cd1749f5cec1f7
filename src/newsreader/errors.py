"""The project's own error type.

Every failure a user can cause (a bad file, a bad feed, an unknown ID, a broken
search query) is raised as a `NewsreaderError` subclass whose message is one
line that names the thing and says why. The CLI prints that line and exits
non-zero; anything else escaping is a bug.
"""

from __future__ import annotations


class NewsreaderError(Exception):
    """A user-facing failure with a one-line explanation."""


class ParseError(NewsreaderError):
    """A source could not be read as an article, feed or subscription list."""


class StoreError(NewsreaderError):
    """The library database could not be opened or written."""


class LibraryBusyError(StoreError):
    """Another process holds the library's write lock and the caller asked not to wait."""


class CorruptLibraryError(StoreError):
    """The file at the library path is not a (readable) newsreader library; it is never touched."""


class NotFoundError(NewsreaderError):
    """An article or feed ID that the library does not hold."""


class SearchQueryError(NewsreaderError):
    """A raw FTS5 query that SQLite rejected."""


class FetchError(NewsreaderError):
    """A network fetch failed (timeout, refused, oversize, bad status, bad URL)."""

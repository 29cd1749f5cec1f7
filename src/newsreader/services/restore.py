"""`newsreader import backup.json`: a JSON export read back into a library.

`export --format json` writes `{"newsreader_export": 2, "feeds": [...],
"articles": [...]}`: every subscription (with its title and tags, articles or
not), and the documented article objects (README, "JSON") plus what a backup
needs to come back whole: `guid`, `read_at`, `bookmarked_at`, `full_text` and
`feed`. Exports written before version 2 are a bare list of those articles
(where a feed appeared only through its articles); both read back here. Why a
module of its own: an export is not an article file, and importing it as text
once made one junk article titled `"id": 1,` and dropped every read mark and
bookmark.

Restoring merges and never removes: articles already held are matched as any
import matches them (by feed and guid, else by content), read marks and
bookmarks are only ever added (an existing one keeps its time), and feeds
gain the backup's tags. Importing the same backup twice changes nothing.

A Markdown export is a document for people; it cannot be read back, and
importing one says so instead of storing it as an article.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from newsreader.errors import ParseError
from newsreader.model.article import Article, Block, Enclosure, Quote
from newsreader.model.record import ArticleRecord, record_for
from newsreader.sanitize import clean_line
from newsreader.urls import is_safe_web_url

if TYPE_CHECKING:
    from newsreader.store import Library

EXPORT_KEY = "newsreader_export"
"""The key that marks a JSON document as ours; its value is the document's version."""
EXPORT_VERSION = 2
"""2: an object holding every subscription and the articles; 1 was a bare list of articles,
which had no place for a subscription without articles. Both are read back."""
BACKUP_SUFFIXES = frozenset({".json"})
NOT_AN_EXPORT = "not a newsreader JSON export"
_JSON_ARRAY_OF_OBJECTS = re.compile(rb"\A\s*\[\s*(\{|\])")
_JSON_EXPORT_OBJECT = re.compile(rb'\A\s*\{\s*"' + EXPORT_KEY.encode() + rb'"\s*:')
_MARKDOWN_META = re.compile(r"^\*.*\d[\d,]* words · \d+ min read\*$", re.MULTILINE)


class RestoreReport(Protocol):
    """Where a restore says what it did: the importer's `FileResult` (named by shape only,
    so this module does not import the importer that imports it)."""

    created: list[int]
    existing: list[int]
    feeds_added: list[str]
    titles: dict[int, str]


class SavedFeed(NamedTuple):
    """A subscription as the backup holds it."""

    url: str
    title: str
    site_url: str | None
    tags: list[str]


class BackupEntry(NamedTuple):
    """One article of a backup: ready-to-store columns and the state to put back."""

    record: ArticleRecord
    read_at: str | None
    bookmarked_at: str | None
    full_text: bool
    feed_url: str | None


@dataclass(slots=True)
class Backup:
    """A parsed JSON export; plain values, so it crosses from an import worker cheaply."""

    entries: list[BackupEntry] = field(default_factory=list)
    feeds: dict[str, SavedFeed] = field(default_factory=dict)
    """By URL: the backup's subscriptions in its order, then any only its articles name."""


def looks_like_backup(head: bytes, suffix: str) -> bool:
    """Whether a file should be read as a JSON export: its suffix, or how an export begins."""
    return (
        suffix in BACKUP_SUFFIXES
        or _JSON_EXPORT_OBJECT.match(head) is not None
        or _JSON_ARRAY_OF_OBJECTS.match(head) is not None
    )


def refuse_markdown_export(text: str, name: str) -> None:
    """Raise `ParseError` when `text` is a newsreader Markdown export.

    Its first line is `# Title` and its second paragraph the `*… words · N min
    read*` line `export --format markdown` writes; any other Markdown file
    imports as the plain-text article it is.
    """
    start = text.lstrip("\ufeff \t\r\n")
    if start.startswith("# ") and _MARKDOWN_META.search(start[:4096]):
        raise ParseError(
            f"{name}: a newsreader Markdown export, which cannot be imported back;"
            " for a backup use `newsreader export --format json`"
        )


def parse_backup(data: bytes, *, name: str) -> tuple[Backup, list[str]]:
    """Read a JSON export (either form); `ParseError` names the file and why it is not one."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ParseError(f"{name}: {NOT_AN_EXPORT} (not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        raise ParseError(
            f"{name}: {NOT_AN_EXPORT} (invalid JSON at line {exc.lineno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise ParseError(f"{name}: {NOT_AN_EXPORT} (nested too deeply)") from None
    except ValueError:  # Python refuses to read an integer of more than 4,300 digits
        raise ParseError(f"{name}: {NOT_AN_EXPORT} (a number too long to read)") from None
    backup = Backup()
    warnings: list[str] = []
    if isinstance(document, list):  # an export from before version 2
        articles: list[Any] = document
        if not articles:
            warnings.append(f"{name}: the export holds no articles")
    else:
        articles = _articles_of(document, name)
        for position, item in enumerate(document["feeds"], start=1):
            try:
                feed = _feed(item, required=True)
            except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
                raise ParseError(
                    f"{name}: {NOT_AN_EXPORT} (feed {position} is not a subscription: {_why(exc)})"
                ) from None
            if feed is None:
                warnings.append(f"{name}: skipped {item['url']!r}: not an http(s) URL")
            else:
                _merge_feed(backup, feed)
        if not articles and not backup.feeds:
            warnings.append(f"{name}: the export holds no subscriptions and no articles")
    del document
    # Taken off the parsed list as they are converted, so the parsed JSON and the
    # entries made from it are not both held whole at once.
    articles.reverse()
    position = 0
    while articles:
        position += 1
        item = articles.pop()
        try:
            entry, feed = _entry(item)
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
            raise ParseError(
                f"{name}: {NOT_AN_EXPORT} (item {position} is not an exported article: {_why(exc)})"
            ) from None
        backup.entries.append(entry)
        if feed is not None:
            _merge_feed(backup, feed)
    return backup, warnings


def _articles_of(document: Any, name: str) -> list[Any]:
    """The articles of a version 2 export, once it is sure `document` is one we can read."""
    if not isinstance(document, dict):
        raise ParseError(
            f"{name}: {NOT_AN_EXPORT} (a JSON {_json_kind(document)},"
            " where an export is an object or a list of articles)"
        )
    version = document.get(EXPORT_KEY)
    if version is None:
        raise ParseError(
            f'{name}: {NOT_AN_EXPORT} (a JSON object without "{EXPORT_KEY}", which marks one)'
        )
    if isinstance(version, bool) or not isinstance(version, int) or version < 2:
        raise ParseError(f"{name}: {NOT_AN_EXPORT} ({EXPORT_KEY} {version!r} is not a version)")
    if version > EXPORT_VERSION:
        raise ParseError(
            f"{name}: a newsreader JSON export of version {version}; this newsreader reads"
            f" up to version {EXPORT_VERSION}, so upgrade it to import this file"
        )
    feeds, articles = document.get("feeds"), document.get("articles")
    if not isinstance(feeds, list) or not isinstance(articles, list):
        raise ParseError(f"{name}: {NOT_AN_EXPORT} (feeds and articles must be lists)")
    return articles


def _merge_feed(backup: Backup, feed: SavedFeed) -> None:
    """Add a subscription, or the tags it adds to one already there (its title is kept)."""
    known = backup.feeds.get(feed.url)
    tags = list(dict.fromkeys([*(known.tags if known else []), *feed.tags]))
    backup.feeds[feed.url] = (known or feed)._replace(tags=tags)


def restore_backup(library: Library, backup: Backup, result: RestoreReport) -> None:
    """Store a backup's feeds, articles and state, reporting into `result`.

    Articles go in one transaction per feed, their state in one more; the
    feeds first (every one, with or without articles), so entries keep their
    feed and guid (a later refresh then recognises them instead of adding
    them again).
    """
    from newsreader.store.state import SavedState

    feed_ids: dict[str, int] = {}
    for saved in backup.feeds.values():
        feed, created = library.add_feed(
            saved.url, title=saved.title, site_url=saved.site_url, tags=saved.tags
        )
        feed_ids[saved.url] = feed.id
        if created:
            result.feeds_added.append(saved.url)
    groups: dict[str | None, list[int]] = {}
    for index, entry in enumerate(backup.entries):
        groups.setdefault(entry.feed_url, []).append(index)
    outcomes: dict[int, tuple[int, bool]] = {}
    for feed_url, indexes in groups.items():
        feed_id = feed_ids.get(feed_url) if feed_url else None
        added = library.add_articles([backup.entries[i].record for i in indexes], feed_id=feed_id)
        for index, outcome in zip(indexes, added, strict=True):
            outcomes[index] = (outcome.id, outcome.created)
    states: list[SavedState] = []
    for index, entry in enumerate(backup.entries):
        article_id, created = outcomes[index]
        (result.created if created else result.existing).append(article_id)
        result.titles[article_id] = entry.record.title
        if entry.read_at or entry.bookmarked_at or entry.full_text:
            states.append(
                SavedState(article_id, entry.read_at, entry.bookmarked_at, entry.full_text)
            )
    if states:
        library.restore_state(states)


# -- one exported article ------------------------------------------------------------


def _entry(item: Any) -> tuple[BackupEntry, SavedFeed | None]:
    if not isinstance(item, dict):
        raise TypeError(f"a JSON {_json_kind(item)}, not an object")
    title = item["title"]
    blocks = item["blocks"]
    if not isinstance(title, str) or not isinstance(blocks, list):
        raise TypeError("title must be text and blocks a list")
    url = item.get("url")
    guid = item.get("guid")
    article = Article(
        title=title,
        blocks=[Block.from_dict(block) for block in blocks],
        key_points=[_text(point) for point in item.get("key_points") or []],
        quotes=[Quote.from_dict(quote) for quote in item.get("quotes") or []],
        source=_text(item.get("source") or ""),
        url=url if is_safe_web_url(url) else None,
        published=_time(item.get("published")),
        guid=_text(guid) if guid else None,
        links=[
            (_text(link["text"]), link["url"])
            for link in item.get("links") or []
            if is_safe_web_url(link["url"])
        ],
        enclosures=[
            Enclosure(media["url"], _text(media.get("type") or ""), _length(media.get("length")))
            for media in item.get("enclosures") or []
            if is_safe_web_url(media["url"])
        ],
    )
    feed = _feed(item.get("feed"))
    entry = BackupEntry(
        record=record_for(article),
        read_at=_state_time(item, "read", "read_at"),
        bookmarked_at=_state_time(item, "bookmarked", "bookmarked_at"),
        full_text=bool(item.get("full_text")),
        feed_url=feed.url if feed else None,
    )
    return entry, feed


def _feed(value: Any, *, required: bool = False) -> SavedFeed | None:
    """A subscription: one of the export's, or an article's (None for file articles);
    None too for a URL that is not http(s), which is never subscribed to."""
    if value is None and not required:
        return None
    if not isinstance(value, dict):
        raise TypeError(f"a JSON {_json_kind(value)}, not an object")
    url = value["url"] if required else value.get("url")
    if not is_safe_web_url(url):
        return None
    tags = value.get("tags") or []
    site_url = value.get("site_url")
    return SavedFeed(
        url=url,
        title=clean_line(_text(value.get("title") or "")),
        site_url=site_url if is_safe_web_url(site_url) else None,
        tags=[tag for tag in (clean_line(_text(tag)) for tag in tags) if tag],
    )


def _state_time(item: dict[str, Any], flag: str, column: str) -> str | None:
    """When a flag was set; an export from before times were written restores it as of now."""
    at = item.get(column)
    if at is not None:
        moment = _time(at)
        if moment is None:
            raise ValueError(f"{column} is not an ISO 8601 time")
        return moment.isoformat(timespec="seconds")
    if item.get(flag) is True:
        return datetime.now(UTC).isoformat(timespec="seconds")
    return None


def _time(value: Any) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError("times must be ISO 8601 text")
    return datetime.fromisoformat(value)


def _length(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("an enclosure's length must be a whole number")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, found a JSON {_json_kind(value)}")
    return value


def _json_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    return "number"


def _why(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"no {exc.args[0]!r}"
    return str(exc)

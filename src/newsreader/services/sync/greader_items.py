"""Google Reader API items and subscriptions read into `RemoteEntry` and folder names.

Why a module of its own: the API's JSON is loose (ids in two forms, states
as category strings, links in lists, times as numbers that may be anything),
and reading it defensively is its own job, apart from which calls a sync
makes (`greader`) and how they are sent (`greader_session`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from newsreader.services.sync.backend import RemoteEntry

ITEM_PREFIX = "tag:google.com,2005:reader/item/"
READING_LIST = "user/-/state/com.google/reading-list"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
LABEL_PREFIX = "user/-/label/"


def item_id(raw: str) -> int:
    """An item id as an integer, from its decimal short form or its hex long form."""
    text = raw.strip()
    if text.startswith(ITEM_PREFIX):
        return int(text[len(ITEM_PREFIX) :], 16)
    return int(text, 10)


def long_item_id(value: int | str) -> str:
    """The long form every server reads the same way."""
    number = value if isinstance(value, int) else item_id(value)
    return f"{ITEM_PREFIX}{number & 0xFFFFFFFFFFFFFFFF:016x}"


def _has_state(categories: Iterable[Any], state: str) -> bool:
    """`state` is "read" or "starred"; servers name it `user/<id>/state/com.google/<state>`."""
    suffix = f"/state/com.google/{state}"
    return any(isinstance(c, str) and c.endswith(suffix) for c in categories)


def _iso(seconds: Any) -> str | None:
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds <= 0:
        return None
    try:
        return datetime.fromtimestamp(float(seconds), UTC).isoformat()
    except (OverflowError, OSError, ValueError):
        return None


def _first_href(links: Any) -> str | None:
    if isinstance(links, list):
        for link in links:
            if isinstance(link, dict) and isinstance(link.get("href"), str) and link["href"]:
                return str(link["href"])
    return None


def entry_from_item(raw: dict[str, Any]) -> RemoteEntry | None:
    """An item of `stream/items/contents` as an entry; None without a readable id."""
    try:
        number = item_id(str(raw["id"]))
    except (KeyError, ValueError):
        return None
    categories = raw.get("categories") or []
    content = raw.get("content") or raw.get("summary") or {}
    url = _first_href(raw.get("alternate")) or _first_href(raw.get("canonical"))
    origin = raw.get("origin") or {}
    return RemoteEntry(
        id=str(number),
        feed_id=str(origin.get("streamId") or ""),
        title=str(raw.get("title") or ""),
        url=url,
        guid=url or f"greader:{number}",
        content_html=str(content.get("content") or "") if isinstance(content, dict) else "",
        author=raw.get("author") or None,
        published=_iso(raw.get("published")),
        read=_has_state(categories, "read"),
        starred=_has_state(categories, "starred"),
    )


def folder_of(subscription: dict[str, Any]) -> str | None:
    """A subscription's first label (by name, else from its id), the sidebar's folder."""
    for category in subscription.get("categories") or []:
        if not isinstance(category, dict):
            continue
        label = category.get("label")
        if isinstance(label, str) and label:
            return label
        ident = str(category.get("id") or "")
        if "/label/" in ident:
            return ident.split("/label/", 1)[1] or None
    return None

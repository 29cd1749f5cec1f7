"""Miniflux's own REST API (v1), as a `SyncBackend`.

Why these calls:

* Basic auth on every request, so `login` costs nothing and a sync with
  nothing new is two requests: the subscriptions and one empty page of changes.
* The first pull pages by `after_entry_id` in id order: stable while the
  server adds entries, and each page's last id is the cursor, so a killed
  first sync resumes where it stopped. Later pulls ask `changed_after` the
  cursor (less a second: the filter compares whole seconds), in change
  order, which brings new entries and read/starred changes alike.
* The cursor is the server's time when the pull began (its `Date` header)
  less `SETTLED`, not the newest change seen: many entries share one
  `changed_at` (a "mark all as read" gives thousands the same), and a cursor
  on that second would fetch them all again at every sync. Every change made
  before the pull began is in it, so the next sync asks only for what changed
  from a minute before that on. Without a `Date`, the newest change seen.
* `PUT /v1/entries/ID/bookmark` toggles; a write must set, so the entry's
  state is read first and the toggle sent only when it differs. Repeating a
  push whose answer was lost then changes nothing.
* Every answer is read up to the library's size cap; a page over it is asked
  again at half the size, so one huge entry cannot stop a sync.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from newsreader.limits import MAX_DOCUMENT_BYTES
from newsreader.services.sync.backend import (
    EntryPage,
    RemoteEntry,
    RemoteFeed,
    StateSnapshot,
    SyncAuthError,
    SyncCredentials,
    SyncError,
    SyncRejectedError,
)
from newsreader.services.sync.http import DEFAULT_TIMEOUT, sync_client

SKEW = 1.0
"""`changed_after` compares whole seconds: ask from a second earlier and re-apply."""

SETTLED = 60.0
"""Seconds before a pull began from which the next pull asks again: room for the
time a request takes and for the database's clock (`changed_at`) differing from the
web server's (`Date`)."""


class _TooLarge(Exception):
    pass


def _timestamp(value: Any) -> float | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _entry(raw: dict[str, Any]) -> RemoteEntry:
    return RemoteEntry(
        id=str(raw["id"]),
        feed_id=str(raw.get("feed_id") or (raw.get("feed") or {}).get("id") or ""),
        title=str(raw.get("title") or ""),
        url=raw.get("url") or None,
        guid=raw.get("url") or f"miniflux:{raw['id']}",
        content_html=str(raw.get("content") or ""),
        author=raw.get("author") or None,
        published=raw.get("published_at") or None,
        read=raw.get("status") == "read",
        starred=bool(raw.get("starred")),
        changed_at=_timestamp(raw.get("changed_at")),
    )


class MinifluxBackend:
    """A Miniflux server at `credentials.url` (its base URL, without `/v1`)."""

    service = "miniflux"

    def __init__(
        self,
        credentials: SyncCredentials,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.requests_made = 0
        self.server_time: float | None = None
        """The `Date` of the last answer (Unix seconds), or None when it had none."""
        self._base = credentials.url.rstrip("/")
        self._client = sync_client(
            timeout,
            transport,
            headers={"Accept": "application/json"},
            auth=(credentials.username, credentials.password),
        )

    # -- HTTP ---------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: Any = None,
        ok_missing: bool = False,
    ) -> Any:
        """One request; the JSON answer (None for 204). Every failure is a `SyncError`."""
        self.requests_made += 1
        url = self._base + path
        try:
            with self._client.stream(method, url, params=params, json=body) as response:
                data = bytearray()
                for chunk in response.iter_bytes():
                    data += chunk
                    if len(data) > MAX_DOCUMENT_BYTES:
                        raise _TooLarge
                status = response.status_code
                self.server_time = _http_date(response.headers.get("Date"))
        except httpx.TimeoutException:
            raise SyncError(f"{self._base}: the server did not answer in time") from None
        except httpx.HTTPError as exc:
            raise SyncError(f"{self._base}: cannot reach the server ({_reason(exc)})") from None
        if status == 401:
            raise SyncAuthError(f"{self._base}: the server refused the username or password")
        if status == 404 and ok_missing:
            return None
        if status in (400, 422):
            raise SyncRejectedError(f"{self._base}: {method} {path}: {_message(status, data)}")
        if status >= 400:
            raise SyncError(f"{self._base}: {method} {path} failed: {_message(status, data)}")
        if status == 204 or not data:
            return None
        try:
            return json.loads(bytes(data))
        except ValueError:
            raise SyncError(f"{self._base}: {method} {path}: the answer is not JSON") from None

    # -- SyncBackend ----------------------------------------------------------

    def login(self) -> None:
        """Nothing to do: every request carries the credentials (a 401 says they are wrong)."""

    def check(self) -> str:
        """The account's username (`GET /v1/me`), proving the credentials."""
        me = self._call("GET", "/v1/me")
        return str((me or {}).get("username", ""))

    def feeds(self) -> list[RemoteFeed]:
        raw = self._call("GET", "/v1/feeds") or []
        return [
            RemoteFeed(
                id=str(feed["id"]),
                url=str(feed.get("feed_url") or ""),
                title=str(feed.get("title") or ""),
                site_url=feed.get("site_url") or None,
                folder=(feed.get("category") or {}).get("title") or None,
            )
            for feed in raw
        ]

    def _category_id(self, folder: str | None) -> int | None:
        categories = self._call("GET", "/v1/categories") or []
        wanted = (folder or "").strip()
        for category in categories:
            if wanted and category.get("title") == wanted:
                return int(category["id"])
        if wanted:
            created = self._call("POST", "/v1/categories", body={"title": wanted})
            return int(created["id"])
        # Miniflux needs a category; its first one is the user's default ("All").
        return int(categories[0]["id"]) if categories else None

    def subscribe(self, url: str, folder: str | None = None) -> RemoteFeed:
        for feed in self.feeds():
            if feed.url == url:
                return feed
        body: dict[str, Any] = {"feed_url": url}
        category = self._category_id(folder)
        if category is not None:
            body["category_id"] = category
        created = self._call("POST", "/v1/feeds", body=body)
        feed_id = str((created or {}).get("feed_id", ""))
        for feed in self.feeds():
            if feed.id == feed_id:
                return feed
        return RemoteFeed(id=feed_id, url=url, title="", folder=folder)

    def unsubscribe(self, feed_id: str) -> None:
        self._call("DELETE", f"/v1/feeds/{int(feed_id)}", ok_missing=True)

    def mark_feed_read(self, feed_id: str, before: float | None = None) -> None:
        self._call("PUT", f"/v1/feeds/{int(feed_id)}/mark-all-as-read", ok_missing=True)

    def set_read(self, entry_ids: Sequence[str], read: bool) -> None:
        if not entry_ids:
            return
        body = {"entry_ids": [int(i) for i in entry_ids], "status": "read" if read else "unread"}
        self._call("PUT", "/v1/entries", body=body)

    def set_starred(self, entry_ids: Sequence[str], starred: bool) -> None:
        for entry_id in entry_ids:
            raw = self._call("GET", f"/v1/entries/{int(entry_id)}", ok_missing=True)
            if raw is not None and bool(raw.get("starred")) != starred:
                self._call("PUT", f"/v1/entries/{int(entry_id)}/bookmark", ok_missing=True)

    def remote_state(self, entry_ids: Sequence[str], cursor: str | None) -> dict[str, RemoteEntry]:
        wanted = set(entry_ids)
        found: dict[str, RemoteEntry] = {}
        if not wanted or not cursor:
            return found
        position = _cursor(cursor)
        if position.get("changed_after") is None:
            return found
        for page in self._changed_pages(position, page_size=250):
            for entry in page.entries:
                if entry.id in wanted:
                    found[entry.id] = entry
        return found

    def existing_ids(self, entry_ids: Sequence[str]) -> set[str]:
        """Each id asked alone (`pull` carries state here, so the core never needs this)."""
        return {
            str(int(entry_id))
            for entry_id in entry_ids
            if self._call("GET", f"/v1/entries/{int(entry_id)}", ok_missing=True) is not None
        }

    def pull(self, cursor: str | None, page_size: int) -> Iterator[EntryPage]:
        position = _cursor(cursor)
        if position.get("changed_after") is None:
            yield from self._first_pages(position, page_size)
        else:
            yield from self._changed_pages(position, page_size)

    def state_snapshot(self) -> StateSnapshot | None:
        return None

    def close(self) -> None:
        self._client.close()

    # -- paging -----------------------------------------------------------------

    def _page(self, params: dict[str, Any], limit: int) -> dict[str, Any]:
        """One page of entries, asked again smaller while it is over the size cap."""
        while True:
            try:
                return self._call("GET", "/v1/entries", params={**params, "limit": limit}) or {}
            except _TooLarge:
                if limit <= 1:
                    raise SyncError(
                        f"{self._base}: an entry is larger than the"
                        f" {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB cap"
                    ) from None
                limit = max(1, limit // 2)

    def _first_pages(self, position: dict[str, Any], page_size: int) -> Iterator[EntryPage]:
        """Everything, oldest id first; the cursor moves to `changed_after` at the end."""
        after = int(position.get("after_id") or 0)
        newest = float(position.get("newest_change") or 0.0)
        began = position.get("began")  # kept from the first page when resuming
        while True:
            params = {"order": "id", "direction": "asc", "after_entry_id": after}
            answer = self._page(params, page_size)
            if began is None:
                began = self.server_time
            raw = answer.get("entries") or []
            entries = [_entry(item) for item in raw]
            for entry in entries:
                newest = max(newest, entry.changed_at or 0.0)
            if entries:
                after = max(int(e.id) for e in entries)
            done = len(entries) < page_size
            state: dict[str, Any] = {"after_id": after, "newest_change": newest, "began": began}
            if done:
                since = newest if began is None else float(began) - SETTLED
                state = {"changed_after": since, "after_id": after}
            yield EntryPage(entries, json.dumps(state), total=_int(answer.get("total")))
            if done:
                return

    def _changed_pages(self, position: dict[str, Any], page_size: int) -> Iterator[EntryPage]:
        """Entries changed (or added) since the cursor, in change order."""
        since = float(position["changed_after"])
        newest = since
        began: float | None = None
        offset = 0
        after = int(position.get("after_id") or 0)
        while True:
            params = {
                "order": "changed_at",
                "direction": "asc",
                "changed_after": int(since - SKEW),
                "offset": offset,
            }
            answer = self._page(params, page_size)
            if offset == 0:
                began = self.server_time
            entries = [_entry(item) for item in answer.get("entries") or []]
            offset += len(entries)
            for entry in entries:
                newest = max(newest, entry.changed_at or 0.0)
                after = max(after, int(entry.id))
            done = len(entries) < page_size
            # The cursor only moves once every page is in: offsets are not stable
            # across syncs, and re-reading changes is harmless.
            moved = newest if began is None else max(since, began - SETTLED)
            state = {"changed_after": moved if done else since, "after_id": after}
            yield EntryPage(entries, json.dumps(state), total=_int(answer.get("total")))
            if done:
                return


def _cursor(cursor: str | None) -> dict[str, Any]:
    if not cursor:
        return {}
    try:
        value = json.loads(cursor)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _http_date(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _reason(exc: httpx.HTTPError) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


def _message(status: int, data: bytearray) -> str:
    """HTTP status and Miniflux's `error_message`, one short line."""
    detail = ""
    try:
        parsed = json.loads(bytes(data))
        if isinstance(parsed, dict):
            detail = str(parsed.get("error_message") or "")
    except ValueError:
        detail = ""
    line = f"HTTP {status}"
    if detail:
        line += f" ({' '.join(detail.split())[:200]})"
    return line

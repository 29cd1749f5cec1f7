"""Tiny Tiny RSS's JSON API as a `SyncBackend`.

`url` is the server's base URL; every call is a JSON POST to `url/api/`
naming its `op`, with the session id from `login`.

Why these calls:

* Article ids grow as the server stores entries, so the highest id stored is
  the cursor. `getHeadlines` cannot sort by id (its orders are score, date or
  title), so a pull first lists the ids above the cursor (`since_id`, 200 a
  request, no content), then fetches the articles in ascending id order with
  `getArticle` (comma-separated ids) and stores each page's last id: a killed
  first sync resumes where it stopped.
* The API keeps no time of a read/starred change, so later changes to older
  articles come from a state snapshot: the unread ids (the "all articles"
  feed, -4, unread only) and the starred ids (feed -1).
* `updateArticle` with `mode` 0/1 sets a field (2 = unread, 0 = starred):
  repeating a push whose answer was lost changes nothing.
* A session the server forgot (`NOT_LOGGED_IN`) is renewed once per call.
* Folders are categories; the API cannot create one, so subscribing into a
  folder the server does not have leaves the feed uncategorized.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
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

HEADLINES_PER_REQUEST = 200
"""The most `getHeadlines` returns at once (the server caps `limit` there)."""

WRITE_CHUNK = 200
"""Ids per `updateArticle` / `getArticle` request."""

ALL_ARTICLES = -4
STARRED_FEED = -1
ALL_FEEDS_CATEGORY = -3

FIELD_STARRED = 0
FIELD_UNREAD = 2

SUBSCRIBE_ERRORS = {
    2: "the address is not a valid URL",
    3: "no feed was found there",
    4: "the page names several feeds; subscribe to one of them",
    5: "the server could not download it",
}


class _TooLarge(Exception):
    pass


def _published(value: Any) -> str | None:
    """`getArticle` gives `YYYY-MM-DD HH:MM` in UTC (the server's database time)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        try:
            return datetime.fromtimestamp(float(value), UTC).isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace(" ", "T"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.isoformat()


def _entry(raw: dict[str, Any]) -> RemoteEntry | None:
    try:
        number = int(raw["id"])
    except (KeyError, TypeError, ValueError):
        return None
    url = raw.get("link") or None
    return RemoteEntry(
        id=str(number),
        feed_id=str(raw.get("feed_id") or ""),
        title=str(raw.get("title") or ""),
        url=str(url) if url else None,
        guid=str(url) if url else f"ttrss:{number}",
        content_html=str(raw.get("content") or ""),
        author=raw.get("author") or None,
        published=_published(raw.get("updated")),
        read=not bool(raw.get("unread")),
        starred=bool(raw.get("marked")),
    )


class TTRSSBackend:
    """A Tiny Tiny RSS server at `credentials.url` (its base URL, without `/api/`)."""

    service = "ttrss"

    def __init__(
        self,
        credentials: SyncCredentials,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.requests_made = 0
        self._base = credentials.url.rstrip("/")
        self._endpoint = self._base + "/api/"
        self._username = credentials.username
        self._password = credentials.password
        self._sid: str | None = None
        self._client = sync_client(timeout, transport, headers={"Accept": "application/json"})

    # -- HTTP -----------------------------------------------------------------------

    def _post(self, body: dict[str, Any], *, resizable: bool = False) -> dict[str, Any]:
        """One API request; the decoded envelope (`status`, `content`)."""
        self.requests_made += 1
        try:
            with self._client.stream("POST", self._endpoint, json=body) as response:
                data = bytearray()
                for chunk in response.iter_bytes():
                    data += chunk
                    if len(data) > MAX_DOCUMENT_BYTES:
                        if resizable:
                            raise _TooLarge
                        raise SyncError(
                            f"{self._base}: {body.get('op')}: the answer is larger than the"
                            f" {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB cap"
                        )
                status = response.status_code
        except httpx.TimeoutException:
            raise SyncError(f"{self._base}: the server did not answer in time") from None
        except httpx.HTTPError as exc:
            raise SyncError(f"{self._base}: cannot reach the server ({_reason(exc)})") from None
        op = body.get("op")
        if status in (401, 403):
            raise SyncAuthError(f"{self._base}: the server refused the request (HTTP {status})")
        if status >= 400:
            raise SyncError(f"{self._base}: {op} failed: HTTP {status}")
        try:
            envelope = json.loads(bytes(data))
        except ValueError:
            raise SyncError(
                f"{self._base}: {op}: the answer is not JSON (is this Tiny Tiny RSS's base URL?)"
            ) from None
        if not isinstance(envelope, dict):
            raise SyncError(f"{self._base}: {op}: the answer is not an API reply")
        return envelope

    def _call(self, op: str, *, resizable: bool = False, **params: Any) -> Any:
        """`op` with the session (logging in first, and again once if it expired)."""
        if self._sid is None:
            self.login()
        for attempt in range(2):
            envelope = self._post({"op": op, "sid": self._sid, **params}, resizable=resizable)
            content = envelope.get("content")
            if envelope.get("status") == 0:
                return content
            error = str((content or {}).get("error") or "") if isinstance(content, dict) else ""
            if error == "NOT_LOGGED_IN" and attempt == 0:
                self.login()
                continue
            raise SyncError(f"{self._base}: {op} failed: {error or 'unknown error'}")
        raise SyncError(f"{self._base}: {op}: the server keeps forgetting the session")

    # -- SyncBackend ------------------------------------------------------------------

    def login(self) -> None:
        """`login`: the session id every later call carries."""
        self._sid = None
        envelope = self._post({"op": "login", "user": self._username, "password": self._password})
        content = envelope.get("content")
        if envelope.get("status") == 0 and isinstance(content, dict) and content.get("session_id"):
            self._sid = str(content["session_id"])
            return
        error = str(content.get("error") or "") if isinstance(content, dict) else ""
        if error == "LOGIN_ERROR":
            raise SyncAuthError(f"{self._base}: the server refused the username or password")
        if error == "API_DISABLED":
            raise SyncAuthError(
                f"{self._base}: the API is disabled for {self._username!r}"
                " (Preferences → Enable API access)"
            )
        raise SyncError(f"{self._base}: login failed: {error or 'unknown answer'}")

    def feeds(self) -> list[RemoteFeed]:
        categories = self._categories()
        raw = self._call("getFeeds", cat_id=ALL_FEEDS_CATEGORY) or []
        feeds: list[RemoteFeed] = []
        for feed in raw:
            if not isinstance(feed, dict) or int(feed.get("id") or 0) <= 0:
                continue
            cat_id = int(feed.get("cat_id") or 0)
            feeds.append(
                RemoteFeed(
                    id=str(feed["id"]),
                    url=str(feed.get("feed_url") or ""),
                    title=str(feed.get("title") or ""),
                    folder=categories.get(cat_id) if cat_id > 0 else None,
                )
            )
        return feeds

    def subscribe(self, url: str, folder: str | None = None) -> RemoteFeed:
        for feed in self.feeds():
            if feed.url == url:
                return feed
        category = 0
        wanted = (folder or "").strip()
        if wanted:
            for cat_id, title in self._categories().items():
                if title == wanted:
                    category = cat_id
                    break
        answer = self._call("subscribeToFeed", feed_url=url, category_id=category) or {}
        status = answer.get("status") if isinstance(answer, dict) else None
        code = int(status.get("code", -1)) if isinstance(status, dict) else -1
        if code not in (0, 1):
            why = SUBSCRIBE_ERRORS.get(code, f"code {code}")
            raise SyncRejectedError(f"{self._base}: cannot subscribe to {url}: {why}")
        feed_id = str(status.get("feed_id") or "") if isinstance(status, dict) else ""
        for feed in self.feeds():
            if feed.id == feed_id or feed.url == url:
                return feed
        return RemoteFeed(id=feed_id, url=url, title="", folder=wanted or None)

    def unsubscribe(self, feed_id: str) -> None:
        try:
            self._call("unsubscribeFeed", feed_id=int(feed_id))
        except SyncAuthError:
            raise
        except SyncError as exc:
            if "FEED_NOT_FOUND" not in str(exc):
                raise

    def mark_feed_read(self, feed_id: str, before: float | None = None) -> None:
        if before is None:
            self._call("catchupFeed", feed_id=int(feed_id), is_cat=False)
            return
        # catchupFeed only knows "all" or fixed ages: mark the unread ones up to `before`.
        old = [
            int(row["id"])
            for row in self._headlines(int(feed_id), view_mode="unread")
            if float(row.get("updated") or 0) <= before
        ]
        self._update(old, FIELD_UNREAD, on=False)

    def set_read(self, entry_ids: Sequence[str], read: bool) -> None:
        self._update([int(i) for i in entry_ids], FIELD_UNREAD, on=not read)

    def set_starred(self, entry_ids: Sequence[str], starred: bool) -> None:
        self._update([int(i) for i in entry_ids], FIELD_STARRED, on=starred)

    def remote_state(self, entry_ids: Sequence[str], cursor: str | None) -> dict[str, RemoteEntry]:
        """The API keeps no time of a state change, so it cannot say which side is newer."""
        return {}

    def existing_ids(self, entry_ids: Sequence[str]) -> set[str]:
        """`getArticle` for those ids: the server answers only the articles it has."""
        return {entry.id for entry in self._articles(sorted({int(i) for i in entry_ids}))}

    def pull(self, cursor: str | None, page_size: int) -> Iterator[EntryPage]:
        stored = int(_cursor(cursor).get("max_id") or 0)
        page_size = max(1, page_size)
        new = sorted(
            {
                int(row["id"])
                for row in self._headlines(ALL_ARTICLES, view_mode="all_articles", since_id=stored)
                if int(row.get("id") or 0) > stored
            }
        )
        total = len(new)
        if not new:
            yield EntryPage([], json.dumps({"max_id": stored}), total=0)
            return
        for start in range(0, total, page_size):
            chunk = new[start : start + page_size]
            entries = self._articles(chunk)
            yield EntryPage(entries, json.dumps({"max_id": chunk[-1]}), total=total)

    def state_snapshot(self) -> StateSnapshot | None:
        unread = {str(row["id"]) for row in self._headlines(ALL_ARTICLES, view_mode="unread")}
        starred = {
            str(row["id"]) for row in self._headlines(STARRED_FEED, view_mode="all_articles")
        }
        return StateSnapshot(unread=frozenset(unread), starred=frozenset(starred))

    def close(self) -> None:
        self._client.close()

    # -- helpers ------------------------------------------------------------------------

    def _categories(self) -> dict[int, str]:
        raw = self._call("getCategories", include_empty=True) or []
        return {
            int(cat["id"]): str(cat.get("title") or "")
            for cat in raw
            if isinstance(cat, dict) and int(cat.get("id") or 0) > 0
        }

    def _headlines(
        self, feed_id: int, *, view_mode: str, since_id: int = 0
    ) -> list[dict[str, Any]]:
        """Every headline of a feed (ids and state, no content), 200 a request."""
        rows: list[dict[str, Any]] = []
        seen: set[int] = set()
        skip = 0
        while True:
            page = self._call(
                "getHeadlines",
                feed_id=feed_id,
                limit=HEADLINES_PER_REQUEST,
                skip=skip,
                view_mode=view_mode,
                since_id=since_id,
                show_content=False,
                show_excerpt=False,
            )
            page = page if isinstance(page, list) else []
            for row in page:
                if not isinstance(row, dict):
                    continue
                try:
                    number = int(row["id"])
                except (KeyError, TypeError, ValueError):
                    continue
                if number not in seen:
                    seen.add(number)
                    rows.append(row)
            if len(page) < HEADLINES_PER_REQUEST:
                return rows
            skip += len(page)

    def _articles(self, ids: Sequence[int]) -> list[RemoteEntry]:
        """`getArticle` for `ids` (gone ones left out), halving a request that is too large."""
        entries: list[RemoteEntry] = []
        step = WRITE_CHUNK
        start = 0
        while start < len(ids):
            chunk = ids[start : start + step]
            try:
                raw = self._call(
                    "getArticle", resizable=True, article_id=",".join(str(i) for i in chunk)
                )
            except _TooLarge:
                if step == 1:
                    raise SyncError(
                        f"{self._base}: an article is larger than the"
                        f" {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB cap"
                    ) from None
                step = max(1, step // 2)
                continue
            for item in raw if isinstance(raw, list) else []:
                if isinstance(item, dict) and (entry := _entry(item)) is not None:
                    entries.append(entry)
            start += len(chunk)
        entries.sort(key=lambda entry: int(entry.id))
        return entries

    def _update(self, ids: Sequence[int], field: int, *, on: bool) -> None:
        """Set `field` on or off (`mode` 1/0, never 2 = toggle)."""
        unique = sorted(set(ids))
        for start in range(0, len(unique), WRITE_CHUNK):
            chunk = unique[start : start + WRITE_CHUNK]
            self._call(
                "updateArticle",
                article_ids=",".join(str(i) for i in chunk),
                mode=1 if on else 0,
                field=field,
            )


def _cursor(cursor: str | None) -> dict[str, Any]:
    if not cursor:
        return {}
    try:
        value = json.loads(cursor)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _reason(exc: httpx.HTTPError) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__

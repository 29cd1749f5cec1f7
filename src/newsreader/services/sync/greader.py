"""The Google Reader API (FreshRSS, Miniflux, Inoreader, The Old Reader …) as a `SyncBackend`.

`url` is the base the server documents for Google Reader clients (Miniflux's
base URL, FreshRSS's `…/api/greader.php`); this module adds
`/accounts/ClientLogin` and `/reader/api/0/…`.

Why these calls:

* `stream/items/ids` then POST `stream/items/contents`: the one listing every
  server implements (Miniflux 2.2 answers `[]` to `stream/contents`). Items
  are sent in their long form `tag:google.com,2005:reader/item/%016x`, since
  a bare id is read as hex by some servers and as decimal by others.
* Item ids grow as the server stores entries (Miniflux's entry ids,
  FreshRSS's microsecond ids), so an id is the cursor: contents are fetched
  in ascending id order and each page's last id is stored with it, so a
  killed first sync resumes where it stopped.
* The API has no "changed since": a later sync lists the ids newer than the
  last sync (`ot`, with a wide margin, because Miniflux compares it with the
  publication date, not the arrival), plus the complete unread and starred
  id lists; ids above the cursor among them are new. Those two lists are
  also the state snapshot, so they are asked once per sync.
* Miniflux 2.2's `edit-tag` flips an entry already in the state being added
  (`a=…/read` on a read entry makes it unread), so a write first reads the
  entries' state and only adds the tag where it is missing: repeating a push
  whose answer was lost then changes nothing, on every server.
* The edit token `T` is fetched when the first write needs it and again once
  when the server says it went stale (`X-Reader-Google-Bad-Token`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

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

DEFAULT_TIMEOUT = 30.0
"""Seconds a request may wait for the server (connect, and each read)."""

IDS_PER_REQUEST = 10_000
"""`n` for `stream/items/ids`: ids are small, so few requests even for a large account."""

WRITE_CHUNK = 200
"""Items per `edit-tag` / `items/contents` request, well under form-size limits."""

NEWER_THAN_MARGIN = 7 * 24 * 3600.0
"""How far before the last sync `ot` reaches back: entries arrive with older dates."""

ITEM_PREFIX = "tag:google.com,2005:reader/item/"
READING_LIST = "user/-/state/com.google/reading-list"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
LABEL_PREFIX = "user/-/label/"


class _TooLarge(Exception):
    pass


class _Absent(Exception):
    """A 400/404 to a read of items: Miniflux's answer when none of them is there any more."""


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


def _entry(raw: dict[str, Any]) -> RemoteEntry | None:
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


def _folder(subscription: dict[str, Any]) -> str | None:
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


class GReaderBackend:
    """A Google Reader API server at `credentials.url`."""

    service = "greader"

    def __init__(
        self,
        credentials: SyncCredentials,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.requests_made = 0
        self._base = credentials.url.rstrip("/")
        self._username = credentials.username
        self._password = credentials.password
        self._auth: str | None = None
        self._token: str | None = None
        self._snapshot: StateSnapshot | None = None
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": "newsreader-sync"},
            follow_redirects=False,
            transport=transport,
        )

    # -- HTTP ---------------------------------------------------------------------

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | list[tuple[str, Any]] | None = None,
        data: list[tuple[str, str]] | None = None,
    ) -> tuple[int, bytes, httpx.Headers]:
        """One request; status, body and headers. Network failures are `SyncError`s."""
        self.requests_made += 1
        headers = {"Authorization": f"GoogleLogin auth={self._auth}"} if self._auth else {}
        content: bytes | None = None
        if data is not None:
            # Repeated keys (`i=…&i=…`) in order: an encoded body, not a mapping.
            content = urlencode(data).encode("ascii")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            with self._client.stream(
                method, self._base + path, params=params, content=content, headers=headers
            ) as response:
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > MAX_DOCUMENT_BYTES:
                        raise _TooLarge
                return response.status_code, bytes(body), response.headers
        except httpx.TimeoutException:
            raise SyncError(f"{self._base}: the server did not answer in time") from None
        except httpx.HTTPError as exc:
            raise SyncError(f"{self._base}: cannot reach the server ({_reason(exc)})") from None

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | list[tuple[str, Any]] | None = None,
        data: list[tuple[str, str]] | None = None,
        resizable: bool = False,
        rejectable: bool = False,
        absent_ok: bool = False,
    ) -> bytes:
        """A reader API call (logging in first); a POST carries the edit token.

        An answer over the size cap is a `SyncError`, or `_TooLarge` for a
        `resizable` call whose caller asks again for less. For a `rejectable`
        action a 400/404/422, or an error the application itself explains
        (Miniflux answers a feed it cannot fetch with a 500 and its
        `error_message`), is a `SyncRejectedError`: asking again cannot help.
        For an `absent_ok` read a 400/404 is `_Absent`: the items asked are gone.
        """
        if self._auth is None:
            self.login()
        for attempt in range(2):
            form = data
            if method == "POST":
                # Miniflux wants the token on every POST, reads included.
                form = [("T", self._edit_token()), *(data or [])]
            try:
                status, body, headers = self._send(
                    method, "/reader/api/0/" + path, params=params, data=form
                )
            except _TooLarge:
                if resizable:
                    raise
                raise SyncError(
                    f"{self._base}: {path}: the answer is larger than the"
                    f" {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB cap"
                ) from None
            if status == 401 and attempt == 0:
                if headers.get("X-Reader-Google-Bad-Token", "").lower() == "true":
                    self._token = None
                    continue
                # A session the server forgot (a restart): log in again once.
                self.login()
                continue
            if status in (401, 403):
                raise SyncAuthError(f"{self._base}: the server refused the username or password")
            if absent_ok and status in (400, 404):
                raise _Absent
            if status >= 400:
                message = f"{self._base}: {method} {path} failed: {_message(status, body)}"
                if rejectable and (status in (400, 404, 422) or _explained(body)):
                    raise SyncRejectedError(message)
                raise SyncError(message)
            return body
        raise SyncError(f"{self._base}: {method} {path}: the server keeps refusing the session")

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        params = kwargs.pop("params", None) or []
        if isinstance(params, dict):
            params = list(params.items())
        body = self._call(method, path, params=[*params, ("output", "json")], **kwargs)
        try:
            return json.loads(body)
        except ValueError:
            raise SyncError(f"{self._base}: {path}: the answer is not JSON") from None

    def _edit_token(self) -> str:
        if self._token is None:
            try:
                status, body, _ = self._send("GET", "/reader/api/0/token")
            except _TooLarge:
                raise SyncError(f"{self._base}: the edit token is not a token") from None
            if status in (401, 403):
                raise SyncAuthError(f"{self._base}: the server refused the username or password")
            if status >= 400:
                raise SyncError(f"{self._base}: token failed: {_message(status, body)}")
            self._token = body.decode("utf-8", "replace").strip()
        return self._token

    # -- SyncBackend ----------------------------------------------------------------

    def login(self) -> None:
        """ClientLogin: trade the username and password for the `Auth` token."""
        self._auth = None
        self._token = None
        form = [("Email", self._username), ("Passwd", self._password)]
        try:
            status, body, _ = self._send("POST", "/accounts/ClientLogin", data=form)
        except _TooLarge:
            raise SyncError(f"{self._base}: ClientLogin answered too much") from None
        if status in (401, 403):
            raise SyncAuthError(f"{self._base}: the server refused the username or password")
        if status >= 400:
            raise SyncError(f"{self._base}: ClientLogin failed: {_message(status, body)}")
        for line in body.decode("utf-8", "replace").splitlines():
            key, _, value = line.partition("=")
            if key.strip() == "Auth" and value.strip():
                self._auth = value.strip()
                return
        raise SyncError(f"{self._base}: ClientLogin answered without an Auth token")

    def feeds(self) -> list[RemoteFeed]:
        answer = self._json("GET", "subscription/list") or {}
        feeds: list[RemoteFeed] = []
        for sub in answer.get("subscriptions") or []:
            if not isinstance(sub, dict) or not sub.get("id"):
                continue
            feeds.append(
                RemoteFeed(
                    id=str(sub["id"]),
                    url=str(sub.get("url") or str(sub["id"]).removeprefix("feed/")),
                    title=str(sub.get("title") or ""),
                    site_url=sub.get("htmlUrl") or None,
                    folder=_folder(sub),
                )
            )
        return feeds

    def subscribe(self, url: str, folder: str | None = None) -> RemoteFeed:
        before = self.feeds()
        for feed in before:
            if feed.url == url:
                return feed
        form = [("ac", "subscribe"), ("s", f"feed/{url}")]
        if folder and folder.strip():
            form.append(("a", LABEL_PREFIX + folder.strip()))
        self._call("POST", "subscription/edit", data=form, rejectable=True)
        known = {feed.id for feed in before}
        after = self.feeds()
        for feed in after:
            if feed.url == url:
                return feed
        # The server may store the address it was redirected to: the one new subscription.
        added = [feed for feed in after if feed.id not in known]
        if len(added) == 1:
            return added[0]
        raise SyncRejectedError(f"{self._base}: subscribing to {url} left no subscription")

    def unsubscribe(self, feed_id: str) -> None:
        try:
            self._call(
                "POST",
                "subscription/edit",
                data=[("ac", "unsubscribe"), ("s", feed_id)],
            )
        except SyncAuthError:
            raise
        except SyncError:
            if any(feed.id == feed_id for feed in self.feeds()):
                raise

    def mark_feed_read(self, feed_id: str, before: float | None = None) -> None:
        form = [("s", feed_id)]
        if before is not None:
            form.append(("ts", str(int(before * 1_000_000))))
        answer = self._call("POST", "mark-all-as-read", data=form)
        if answer.strip() == b"OK":
            return
        # Miniflux 2.2 does not implement mark-all-as-read (it answers "[]"): mark the
        # feed's unread items one by one instead.
        params: list[tuple[str, Any]] = [("xt", READ)]
        if before is not None:
            params.append(("nt", int(before)))
        unread = self._ids(feed_id, params)
        self._edit(sorted(unread), add=READ)

    def set_read(self, entry_ids: Sequence[str], read: bool) -> None:
        self._set_state(entry_ids, "read", READ, read)

    def set_starred(self, entry_ids: Sequence[str], starred: bool) -> None:
        self._set_state(entry_ids, "starred", STARRED, starred)

    def remote_state(self, entry_ids: Sequence[str], cursor: str | None) -> dict[str, RemoteEntry]:
        """The API keeps no time of a state change, so it cannot say which side is newer."""
        return {}

    def existing_ids(self, entry_ids: Sequence[str]) -> set[str]:
        """`stream/items/contents` for those ids: the server answers only the items it has."""
        ids = sorted({item_id(i) for i in entry_ids})
        return {entry.id for entry in self._contents(ids)}

    def pull(self, cursor: str | None, page_size: int) -> Iterator[EntryPage]:
        position = _cursor(cursor)
        started = time.time()
        page_size = max(1, page_size)
        if "since" not in position:
            # First sync (or a resumed one): every id, then contents above what is stored.
            wanted = self._ids(READING_LIST, [])
            stored = int(position.get("stored_to") or 0)
            first = float(position.get("first_started") or started)
            new = sorted(i for i in wanted if i > stored)
            top = max(wanted, default=stored)

            def progress(last: int) -> dict[str, Any]:
                return {"stored_to": last, "first_started": first}

            final: dict[str, Any] = {"max_id": max(top, stored), "since": first}
        else:
            since = float(position["since"])
            max_id = int(position.get("max_id") or 0)
            recent = self._ids(READING_LIST, [("ot", int(since - NEWER_THAN_MARGIN))])
            snapshot = self._state_lists()
            self._snapshot = snapshot
            candidates = recent | {item_id(i) for i in snapshot.unread | snapshot.starred}
            new = sorted(i for i in candidates if i > max_id)

            def progress(last: int) -> dict[str, Any]:
                return {"max_id": last, "since": since}

            final = {"max_id": max([max_id, *new]), "since": started}
        total = len(new)
        if not new:
            yield EntryPage([], json.dumps(final), total=0)
            return
        for start in range(0, total, page_size):
            chunk = new[start : start + page_size]
            entries = self._contents(chunk)
            last = start + page_size >= total
            state = final if last else progress(chunk[-1])
            yield EntryPage(entries, json.dumps(state), total=total)

    def state_snapshot(self) -> StateSnapshot | None:
        """Every unread and every starred id (taken once per sync, shared with `pull`)."""
        if self._snapshot is None:
            self._snapshot = self._state_lists()
        snapshot, self._snapshot = self._snapshot, None
        return snapshot

    def close(self) -> None:
        self._client.close()

    # -- helpers --------------------------------------------------------------------

    def _ids(self, stream: str, extra: list[tuple[str, Any]]) -> set[int]:
        """Every item id of a stream, following continuations."""
        found: set[int] = set()
        continuation: str | None = None
        seen: set[str] = set()
        while True:
            params: list[tuple[str, Any]] = [("s", stream), ("n", IDS_PER_REQUEST), *extra]
            if continuation:
                params.append(("c", continuation))
            answer = self._json("GET", "stream/items/ids", params=params) or {}
            refs = answer.get("itemRefs") or []
            for ref in refs:
                try:
                    found.add(item_id(str(ref["id"])))
                except (KeyError, TypeError, ValueError):
                    continue
            continuation = answer.get("continuation") or None
            if not refs or not continuation or continuation in seen:
                return found
            seen.add(str(continuation))

    def _state_lists(self) -> StateSnapshot:
        unread = self._ids(READING_LIST, [("xt", READ)])
        starred = self._ids(STARRED, [])
        return StateSnapshot(
            unread=frozenset(str(i) for i in unread), starred=frozenset(str(i) for i in starred)
        )

    def _contents(self, ids: Sequence[int]) -> list[RemoteEntry]:
        """Entries of `ids`; ids the server no longer has are left out.

        A request is split in halves when its answer is too large, and when
        the server refuses it as naming no item it has (Miniflux answers 400
        when none of the ids is there, and the others when some are), down to
        single ids: a refused single id is gone, and the rest still arrive.
        """
        entries: list[RemoteEntry] = []
        pending = [list(ids[i : i + WRITE_CHUNK]) for i in range(0, len(ids), WRITE_CHUNK)]
        pending.reverse()
        while pending:
            chunk = pending.pop()
            try:
                answer = self._json(
                    "POST",
                    "stream/items/contents",
                    data=[("i", long_item_id(i)) for i in chunk],
                    resizable=True,
                    absent_ok=True,
                )
            except _TooLarge:
                if len(chunk) == 1:
                    raise SyncError(
                        f"{self._base}: an entry is larger than the"
                        f" {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB cap"
                    ) from None
            except _Absent:
                if len(chunk) == 1:
                    continue
            else:
                for raw in (answer or {}).get("items") or []:
                    if isinstance(raw, dict) and (entry := _entry(raw)) is not None:
                        entries.append(entry)
                continue
            half = len(chunk) // 2
            pending += [chunk[half:], chunk[:half]]
        entries.sort(key=lambda entry: int(entry.id))
        return entries

    def _set_state(self, entry_ids: Sequence[str], state: str, tag: str, on: bool) -> None:
        ids = sorted({item_id(i) for i in entry_ids})
        if not ids:
            return
        if not on:
            self._edit(ids, remove=tag)
            return
        # Add only where it is missing: Miniflux flips a tag that is already there.
        # Entries the server no longer has are left out, so they cannot block the outbox.
        entries = self._contents(ids)
        missing = [int(e.id) for e in entries if not (e.read if state == "read" else e.starred)]
        self._edit(missing, add=tag)

    def _edit(
        self, ids: Sequence[int], *, add: str | None = None, remove: str | None = None
    ) -> None:
        for start in range(0, len(ids), WRITE_CHUNK):
            form = [("i", long_item_id(i)) for i in ids[start : start + WRITE_CHUNK]]
            if add:
                form.append(("a", add))
            if remove:
                form.append(("r", remove))
            self._call("POST", "edit-tag", data=form)


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


def _explained(body: bytes) -> bool:
    """The answer is the application's own JSON error (not a proxy's or a crash page)."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return False
    return isinstance(parsed, dict) and bool(parsed.get("error_message") or parsed.get("error"))


def _message(status: int, body: bytes) -> str:
    """HTTP status and the server's own words (JSON `error_message` or a short text), one line."""
    detail = ""
    try:
        parsed = json.loads(body)
        if isinstance(parsed, dict):
            detail = str(parsed.get("error_message") or parsed.get("error") or "")
    except ValueError:
        detail = body.decode("utf-8", "replace") if len(body) < 300 else ""
    line = f"HTTP {status}"
    detail = " ".join(detail.split())[:200]
    if detail:
        line += f" ({detail})"
    return line

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

How a request is sent (login, token, size cap, the server's refusals) is
`greader_session`; reading the API's items and subscriptions, `greader_items`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
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
from newsreader.services.sync.greader_items import (
    LABEL_PREFIX,
    READ,
    READING_LIST,
    STARRED,
    entry_from_item,
    folder_of,
    item_id,
    long_item_id,
)
from newsreader.services.sync.greader_session import (
    DEFAULT_TIMEOUT,
    Absent,
    GReaderSession,
    TooLarge,
)

IDS_PER_REQUEST = 10_000
"""`n` for `stream/items/ids`: ids are small, so few requests even for a large account."""

WRITE_CHUNK = 200
"""Items per `edit-tag` / `items/contents` request, well under form-size limits."""

NEWER_THAN_MARGIN = 7 * 24 * 3600.0
"""How far before the last sync `ot` reaches back: entries arrive with older dates."""


class GReaderBackend(GReaderSession):
    """A Google Reader API server at `credentials.url`."""

    service = "greader"

    def __init__(
        self,
        credentials: SyncCredentials,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(credentials, timeout=timeout, transport=transport)
        self._snapshot: StateSnapshot | None = None

    # -- SyncBackend ----------------------------------------------------------------

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
                    folder=folder_of(sub),
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
            except TooLarge:
                if len(chunk) == 1:
                    raise SyncError(
                        f"{self._base}: an entry is larger than the"
                        f" {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB cap"
                    ) from None
            except Absent:
                if len(chunk) == 1:
                    continue
            else:
                for raw in (answer or {}).get("items") or []:
                    if isinstance(raw, dict) and (entry := entry_from_item(raw)) is not None:
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

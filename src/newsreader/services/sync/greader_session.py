"""A logged-in Google Reader API session: ClientLogin, the edit token, and every request.

Why a module of its own: what a sync asks of the server (`greader`) is
independent of how a request gets there: the `Auth` token from ClientLogin
on every call, a session the server forgot logged in again once, the edit
token `T` fetched when the first POST needs it and again once when the server
says it went stale (`X-Reader-Google-Bad-Token`), every answer read up to the
library's size cap, and the server's refusals sorted into the errors a sync
acts on (bad password, a refused action, items gone, anything else).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import httpx

from newsreader.limits import MAX_DOCUMENT_BYTES
from newsreader.services.sync.backend import (
    SyncAuthError,
    SyncCredentials,
    SyncError,
    SyncRejectedError,
)
from newsreader.services.sync.http import DEFAULT_TIMEOUT, sync_client


class TooLarge(Exception):
    """An answer over the size cap (a `resizable` call's caller asks again for less)."""


class Absent(Exception):
    """A 400/404 to a read of items: Miniflux's answer when none of them is there any more."""


class GReaderSession:
    """HTTP to a Google Reader API server at `credentials.url`; `GReaderBackend` builds on it."""

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
        self._client = sync_client(timeout, transport)

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
                        raise TooLarge
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

        An answer over the size cap is a `SyncError`, or `TooLarge` for a
        `resizable` call whose caller asks again for less. For a `rejectable`
        action a 400/404/422, or an error the application itself explains
        (Miniflux answers a feed it cannot fetch with a 500 and its
        `error_message`), is a `SyncRejectedError`: asking again cannot help.
        For an `absent_ok` read a 400/404 is `Absent`: the items asked are gone.
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
            except TooLarge:
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
                raise Absent
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
            except TooLarge:
                raise SyncError(f"{self._base}: the edit token is not a token") from None
            if status in (401, 403):
                raise SyncAuthError(f"{self._base}: the server refused the username or password")
            if status >= 400:
                raise SyncError(f"{self._base}: token failed: {_message(status, body)}")
            self._token = body.decode("utf-8", "replace").strip()
        return self._token

    def login(self) -> None:
        """ClientLogin: trade the username and password for the `Auth` token."""
        self._auth = None
        self._token = None
        form = [("Email", self._username), ("Passwd", self._password)]
        try:
            status, body, _ = self._send("POST", "/accounts/ClientLogin", data=form)
        except TooLarge:
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

    def close(self) -> None:
        self._client.close()


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

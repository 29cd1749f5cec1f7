"""One-line human reasons for failed fetches ("timed out after 10 s", "HTTP 404 Not Found").

A refresh of 200 feeds must report the three that failed, each in words a
reader understands, not die on the first with a traceback.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from newsreader.limits import format_mb


class Failure(Exception):
    """A fetch failed with a finished human-readable reason."""


def too_large(max_bytes: int) -> str:
    if max_bytes >= 1024 * 1024:
        return f"response larger than {format_mb(max_bytes)} MB"
    return f"response larger than {max_bytes} bytes"


def reason_phrase(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def seconds_text(value: float) -> str:
    return f"{value:g}"


def describe_exception(exc: BaseException, url: str, *, connect: float, read: float) -> str:
    """A one-line reason for a transport failure, from the exception and its causes."""
    import socket
    import ssl

    import httpx

    host = urlsplit(url).hostname or url
    if isinstance(exc, httpx.ConnectTimeout):
        return f"timed out after {seconds_text(connect)} s connecting to {host}"
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out after {seconds_text(read)} s"
    chain = _causes(exc)
    for cause in chain:
        if isinstance(cause, socket.gaierror):
            return f"could not resolve host {host}"
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, ssl.SSLError):
            reason = getattr(cause, "verify_message", None) or getattr(cause, "reason", None)
            return f"TLS error: {reason or cause}"
    text = " ".join(str(cause) for cause in chain).lower()
    if "name or service not known" in text or "nodename nor servname" in text:
        return f"could not resolve host {host}"
    if "temporary failure in name resolution" in text or "no address associated" in text:
        return f"could not resolve host {host}"
    if "connection refused" in text:
        return "connection refused"
    if "ssl" in text or "certificate" in text:
        return f"TLS error: {_first_line(exc)}"
    if isinstance(exc, httpx.InvalidURL):
        # The URL asked for passed `require_web_url`; httpx reads a redirect's Location
        # (for `next_request`) even when not following it, and this is what it refused.
        return f"redirect to an unusable URL refused ({_first_line(exc)})"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"server closed the connection ({_first_line(exc)})"
    if isinstance(exc, httpx.ConnectError):
        return f"could not connect to {host} ({_first_line(exc)})"
    if isinstance(exc, httpx.HTTPError):
        return f"network error: {_first_line(exc)}"
    return f"unexpected error: {type(exc).__name__}: {_first_line(exc)}"


def _causes(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 10:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]

"""The HTTP client every sync backend talks to its server through.

One place for what the three backends share: the timeout, the user agent,
no automatic redirects (a redirect to another host must not receive the
credentials), and the process's one TLS context (`fetch.client.tls_context`),
so a sync does not load the CA bundle again for each backend it builds.
"""

from __future__ import annotations

from typing import Any

import httpx

from newsreader.fetch.client import tls_context

DEFAULT_TIMEOUT = 30.0
"""Seconds a request may wait for the server (connect, and each read)."""
USER_AGENT = "newsreader-sync"


def sync_client(
    timeout: float,
    transport: httpx.BaseTransport | None,
    *,
    headers: dict[str, str] | None = None,
    **options: Any,
) -> httpx.Client:
    """A client for one backend; `transport` (tests) brings its own TLS."""
    return httpx.Client(
        timeout=httpx.Timeout(timeout),
        headers={"User-Agent": USER_AGENT, **(headers or {})},
        follow_redirects=False,
        transport=transport,
        verify=True if transport is not None else tls_context(),
        **options,
    )

"""Fetch feeds and pages over HTTP, politely and without surprises.

Every failure becomes `FetchResult.error`, a one-line human reason
(`reasons.py`). Bodies are streamed with the size cap enforced while reading,
and compressed bodies are decoded with every layer's output bounded
(`decoding.py`). Redirects are followed by hand so every hop is checked against
the http(s)-only URL policy, one time limit covers a whole fetch (hops, retries
and the waits between them), and concurrency is bounded both overall and per
host so one refresh cannot hammer a single server (`client.py`).
"""

from newsreader.fetch.client import (
    DEFAULT_MAX_BYTES,
    USER_AGENT,
    FetchRequest,
    FetchResult,
    FetchTimeouts,
    fetch_many,
    fetch_one,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "USER_AGENT",
    "FetchRequest",
    "FetchResult",
    "FetchTimeouts",
    "fetch_many",
    "fetch_one",
]

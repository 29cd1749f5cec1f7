"""The one size cap on a document we read or download, and how to say it to a person.

Every path that takes bytes from outside (a file to import, a feed or page to
fetch, the parsers behind them) stops at the same number, so a file can never
pass one check and then fail the next one. It is far above any real article or
feed and well below the size where parsing hurts memory or time.
"""

from __future__ import annotations

from typing import TypeVar

_Item = TypeVar("_Item")

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
"""Largest file, download or document any reader or parser accepts (10 MiB)."""


MAX_BLOCKS = 50_000
"""Most paragraphs (headings, captions, quotes) one article keeps. A novel has a few
thousand, a 10 MB text of ordinary paragraphs about 35,000; a hostile file of a million
one-word lines imported fine but then took minutes and gigabytes to lay out for reading,
so the rest is dropped with a warning."""


def first_blocks(blocks: list[_Item], warnings: list[str]) -> list[_Item]:
    """`blocks` cut to `MAX_BLOCKS`, with a warning saying how many there were."""
    if len(blocks) <= MAX_BLOCKS:
        return blocks
    warnings.append(f"only the first {MAX_BLOCKS:,} of {len(blocks):,} paragraphs kept")
    return blocks[:MAX_BLOCKS]


def format_mb(size: int) -> str:
    """`12.3` for a size in MB (MiB); whole numbers without the decimal (`10`)."""
    mb = size / (1024 * 1024)
    return f"{mb:.0f}" if mb == int(mb) else f"{mb:.1f}"

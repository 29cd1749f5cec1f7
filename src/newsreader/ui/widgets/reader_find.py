"""Find in the reader: matches over the article's units and their highlighting.

Matches are (unit, start, end) offsets into the units' plain text, found by
one regex pass; a painted line overlays the matches that fall on it. So
typing in the find bar never rebuilds or re-wraps the article.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from typing import NamedTuple

from rich.style import Style
from rich.text import Text

from newsreader.ui.widgets.reader_lines import Layout, Line, Unit


class Match(NamedTuple):
    unit: int
    start: int
    end: int


def smart_case_pattern(query: str) -> re.Pattern[str] | None:
    """Literal match, case-insensitive unless the query has a capital letter (vim's smartcase)."""
    if not query:
        return None
    flags = 0 if any(ch.isupper() for ch in query) else re.IGNORECASE
    return re.compile(re.escape(query), flags)


def find_matches(
    units: list[Unit], pattern: re.Pattern[str]
) -> tuple[list[Match], dict[int, list[int]]]:
    """Every non-empty match in the searchable units, in reading order, and the indices of
    each unit's matches (so painting a line looks at its own matches only)."""
    matches: list[Match] = []
    by_unit: dict[int, list[int]] = {}
    for number, unit in enumerate(units):
        if not unit.searchable:
            continue
        for found in pattern.finditer(unit.text.plain):
            if found.end() > found.start():
                by_unit.setdefault(number, []).append(len(matches))
                matches.append(Match(number, found.start(), found.end()))
    return matches, by_unit


def first_match_from(layout: Layout, matches: list[Match], top: int) -> int:
    """The first match at or below layout line `top` (so typing does not jump back)."""
    if top >= len(layout.lines):
        return 0
    line = layout.lines[top]
    index = bisect_left(matches, (line.unit, line.start, 0))
    return index if index < len(matches) else 0


def highlight_matches(
    content: Text,
    line: Line,
    indices: list[int],
    matches: list[Match],
    current: int,
    style: Callable[[str], Style],
) -> None:
    """Style the matches `indices` (of `line`'s unit) that fall on `line`, in place;
    `content` is the line's slice of the unit's text."""
    for index in indices:
        match = matches[index]
        if match.end <= line.start or match.start >= line.end:
            continue
        content.stylize(
            style("match-current" if index == current else "match"),
            max(0, match.start - line.start),
            min(line.end, match.end) - line.start,
        )

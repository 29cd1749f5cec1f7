"""Filters (a killfile) and retention: what happens to articles as they arrive and age.

A `[[filter]]` table in `config.toml` names what to match (the feed, the
title, the author, the text) and what to do: `hide` stores the article hidden
(never listed, counted or found unless asked for), `read` stores it read.
`Rules` bundles the filters with the retention limits (`keep_articles`,
`keep_days`); the store applies them in the transaction that stores an
article, so an article is never seen unfiltered, whichever way it came in
(import, refresh, sync).

Plain values and regular expressions only: no I/O, no store, so the config
loader, the services and the store can all share them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

Action = Literal["hide", "read"]
ACTIONS: tuple[Action, ...] = ("hide", "read")

MATCH_FIELDS = ("title", "author", "content", "words")
"""Keys that match text: a regex (a string) or any of some words (a list of strings)."""

FILTER_KEYS = frozenset({"name", "feed", "action", *MATCH_FIELDS})

MAX_PATTERN = 2000
"""Longest regex or word list (in characters) a filter may hold: a config typo, not a rule."""

CONTENT_CHARS = 100_000
"""How much of an article's text a content match reads (the rest is rarely the point)."""


@dataclass(frozen=True, slots=True)
class FilterRule:
    """One `[[filter]]`: every condition it gives must match for `action` to apply.

    `feed` is a case-insensitive substring of the feed's URL or title (of the
    article's source for imported files); `words` matches the title or the text.
    """

    name: str
    action: Action
    feed: str | None = None
    title: re.Pattern[str] | None = None
    author: re.Pattern[str] | None = None
    content: re.Pattern[str] | None = None
    words: re.Pattern[str] | None = None

    def matches(self, facts: ArticleFacts) -> bool:
        if self.feed is not None and self.feed not in facts.feed.casefold():
            return False
        if self.title is not None and not self.title.search(facts.title):
            return False
        if self.author is not None and not self.author.search(facts.author):
            return False
        content = facts.content[:CONTENT_CHARS]
        if self.content is not None and not self.content.search(content):
            return False
        return self.words is None or bool(
            self.words.search(facts.title) or self.words.search(content)
        )


@dataclass(frozen=True, slots=True)
class ArticleFacts:
    """What a filter looks at: the article's title, author, text and feed (URL and title)."""

    title: str
    author: str = ""
    content: str = ""
    feed: str = ""


@dataclass(frozen=True, slots=True)
class Rules:
    """Filters and retention limits, as `config.toml` gives them (0 = no limit)."""

    filters: tuple[FilterRule, ...] = ()
    keep_articles: int = 0
    keep_days: int = 0

    def action_for(self, facts: ArticleFacts) -> Action | None:
        """What the filters do to this article: `hide` wins over `read`; None when none match."""
        action: Action | None = None
        for rule in self.filters:
            if rule.matches(facts):
                if rule.action == "hide":
                    return "hide"
                action = "read"
        return action

    @property
    def retains(self) -> bool:
        """Whether a retention limit is set."""
        return bool(self.keep_articles or self.keep_days)


NO_RULES = Rules()


def words_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """Any of `words` as a whole word (or phrase), case-insensitive."""
    escaped = sorted((re.escape(word.strip()) for word in words if word.strip()), key=len)
    return re.compile(r"(?<!\w)(?:" + "|".join(reversed(escaped)) + r")(?!\w)", re.IGNORECASE)


def parse_filters(value: object, where: str, warnings: list[str]) -> tuple[FilterRule, ...]:
    """The `[[filter]]` tables of a config file; each bad one is a warning naming it.

    A filter with a bad part (an invalid regex, an unknown action) is left
    out as a whole, since half of it would match more than its author meant;
    the others still apply.
    """
    if not isinstance(value, list):
        warnings.append(f"{where}: filter must be [[filter]] tables; no filters apply")
        return ()
    rules: list[FilterRule] = []
    for number, table in enumerate(value, 1):
        label = f"filter {number}"
        if isinstance(table, dict) and isinstance(table.get("name"), str):
            label += f" ({table['name']!r})"
        try:
            rules.append(_rule(table, label))
        except ValueError as exc:
            warnings.append(f"{where}: {label}: {exc}; this filter is ignored")
    return tuple(rules)


def _rule(table: object, label: str) -> FilterRule:
    if not isinstance(table, dict):
        raise ValueError("must be a table of keys")
    unknown = sorted(set(table) - FILTER_KEYS)
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r}")
    action = table.get("action", "hide")
    if action not in ACTIONS:
        raise ValueError('action must be "hide" or "read"')
    feed = table.get("feed")
    if feed is not None and (not isinstance(feed, str) or not feed.strip()):
        raise ValueError("feed must be part of a feed's URL or title (a string)")
    patterns = {key: _pattern(key, table[key]) for key in MATCH_FIELDS if key in table}
    if feed is None and not patterns:
        raise ValueError("matches nothing (give feed, title, author, content or words)")
    return FilterRule(
        name=label,
        action=action,
        feed=feed.strip().casefold() if isinstance(feed, str) else None,
        **patterns,
    )


def _pattern(key: str, value: object) -> re.Pattern[str]:
    """A regex (string) or a list of words, compiled; ValueError says what is wrong."""
    if isinstance(value, list) and value and all(isinstance(word, str) for word in value):
        if sum(len(word) for word in value) > MAX_PATTERN or not any(w.strip() for w in value):
            raise ValueError(f"{key} must list up to {MAX_PATTERN} characters of words")
        return words_pattern(value)
    if key == "words" or not isinstance(value, str) or not value or len(value) > MAX_PATTERN:
        kind = "a list of words" if key == "words" else "a regex (a string) or a list of words"
        raise ValueError(f"{key} must be {kind}")
    try:
        return re.compile(value)
    except re.error as exc:
        raise ValueError(f"{key} {value!r} is not a valid regex ({exc})") from None


@dataclass(slots=True)
class FilterReport:
    """What applying the filters to a library did (or would do, in a dry run)."""

    hidden: list[int] = field(default_factory=list)
    read: list[int] = field(default_factory=list)

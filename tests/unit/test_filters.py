"""Filters (a killfile in config.toml): what a user hides or marks read never shows as new.

Each test states what the user sees: the list, the counts, search, the feeds'
unread numbers, and the warning for a filter that cannot work.
"""

from __future__ import annotations

from pathlib import Path

from newsreader.config import dumps_config, load_config
from newsreader.model.article import Article, Block, BlockKind
from newsreader.model.filters import Rules, parse_filters
from newsreader.model.library import ListQuery
from newsreader.store import Library

CONFIG = """
[[filter]]
name = "ads"
title = "(?i)sponsored"

[[filter]]
words = ["giveaway", "promo code"]
action = "read"

[[filter]]
feed = "gossip.example"
author = "(?i)^anon"

[[filter]]
title = "(unclosed"
"""


def _entry(title: str, body: str = "An ordinary paragraph.", author: str | None = None) -> Article:
    return Article(
        title=title,
        blocks=[Block(BlockKind.PARAGRAPH, body)],
        guid=f"urn:{title}",
        author=author,
    )


def _library(tmp_path: Path, config_text: str = CONFIG) -> tuple[Library, list[str]]:
    path = tmp_path / "config.toml"
    path.write_text(config_text)
    config = load_config(path)
    library = Library(tmp_path / "library.db")
    library.use_rules(config.rules())
    return library, config.warnings


def _titles(library: Library, **query: object) -> list[str]:
    return sorted(row.title for row in library.page(ListQuery(**query), limit=100))  # type: ignore[arg-type]


def test_an_invalid_regex_is_a_warning_naming_the_filter_and_the_others_still_apply(
    tmp_path: Path,
) -> None:
    library, warnings = _library(tmp_path)
    assert len(warnings) == 1
    assert "filter 4" in warnings[0] and "(unclosed" in warnings[0]
    feed, _ = library.add_feed("https://news.example/feed", title="News")
    library.record_fetch(feed.id, articles=[_entry("Sponsored: a new phone"), _entry("Real news")])
    assert _titles(library) == ["Real news"]


def test_hidden_articles_are_not_listed_counted_or_found_but_list_hidden_shows_them(
    tmp_path: Path,
) -> None:
    library, _ = _library(tmp_path)
    feed, _ = library.add_feed("https://news.example/feed", title="News")
    library.record_fetch(
        feed.id,
        articles=[_entry("Sponsored harbour tour", "harbour"), _entry("Harbour wall", "harbour")],
    )
    assert _titles(library) == ["Harbour wall"]
    assert library.counts() == {"all": 1, "unread": 1, "read": 0, "bookmarked": 0}
    assert library.feeds()[0].unread == 1 and library.feeds()[0].total == 1
    assert [hit.row.title for hit in library.search("harbour")] == ["Harbour wall"]
    assert _titles(library, hidden=True) == ["Harbour wall", "Sponsored harbour tour"]
    assert library.counts(hidden=True)["all"] == 2
    # Reading and bookmarking a hidden article does not leak into the visible counts.
    hidden_id = library.page(ListQuery(hidden=True), limit=10)[0].id
    library.set_read([hidden_id])
    library.set_bookmarked([hidden_id], True)
    assert library.counts() == {"all": 1, "unread": 1, "read": 0, "bookmarked": 0}


def test_read_action_stores_matching_articles_already_read(tmp_path: Path) -> None:
    library, _ = _library(tmp_path)
    library.add_articles(
        [_entry("Win big", "Use the promo code TIDES today."), _entry("Tide tables")]
    )
    unread = _titles(library, filter="unread")
    assert unread == ["Tide tables"]
    assert _titles(library, filter="read") == ["Win big"]
    # Whole words only: "promotion" is not "promo code", "giveaways" is not "giveaway".
    library.add_articles([_entry("A promotion at the harbour"), _entry("Giveaways compared")])
    assert "A promotion at the harbour" in _titles(library, filter="unread")


def test_feed_and_author_must_both_match(tmp_path: Path) -> None:
    library, _ = _library(tmp_path)
    gossip, _ = library.add_feed("https://gossip.example/rss", title="Gossip")
    news, _ = library.add_feed("https://news.example/rss", title="News")
    library.record_fetch(
        gossip.id, articles=[_entry("Rumour", author="Anonymous"), _entry("Named", author="Jo")]
    )
    library.record_fetch(news.id, articles=[_entry("Source", author="Anonymous")])
    assert _titles(library) == ["Named", "Source"]


def test_filter_apply_hides_what_was_stored_before_the_filter(tmp_path: Path) -> None:
    library = Library(tmp_path / "library.db")
    library.add_articles([_entry("Sponsored content"), _entry("Kept story")])
    marked = library.page(limit=10)
    bookmarked = next(row.id for row in marked if row.title == "Sponsored content")
    library.add_articles([_entry("Sponsored but bookmarked")])
    keep = next(r.id for r in library.page(limit=10) if r.title == "Sponsored but bookmarked")
    library.set_bookmarked([keep], True)
    rules = Rules(filters=parse_filters([{"title": "(?i)^sponsored"}], "cfg", []))
    dry = library.apply_filters(rules, dry_run=True)
    assert dry.hidden == [bookmarked]
    assert len(_titles(library)) == 3  # a dry run changes nothing
    library.apply_filters(rules)
    assert _titles(library) == ["Kept story", "Sponsored but bookmarked"]


def test_filters_survive_a_theme_change_saving_the_config(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("keep_articles = 500\nkeep_days = 90\n" + CONFIG)
    config = load_config(path)
    config.theme = "nord"
    path.write_text(dumps_config(config))
    again = load_config(path)
    assert again.theme == "nord"
    assert again.filter == config.filter and len(again.filter) == 4
    assert (again.keep_articles, again.keep_days) == (500, 90)
    assert len(again.rules().filters) == 3


def test_a_filter_with_nothing_to_match_or_a_bad_action_is_refused_by_name() -> None:
    warnings: list[str] = []
    rules = parse_filters(
        [{"name": "empty", "action": "hide"}, {"title": "x", "action": "delete"}], "cfg", warnings
    )
    assert rules == ()
    assert "filter 1 ('empty')" in warnings[0] and "matches nothing" in warnings[0]
    assert "filter 2" in warnings[1] and "action" in warnings[1]

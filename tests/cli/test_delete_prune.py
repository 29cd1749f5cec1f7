"""`delete`, `prune`, `filter --apply`, `list --hidden` and `search --feed`, as a user runs them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsreader.cli.main import main
from newsreader.model.article import Article, Block, BlockKind
from newsreader.paths import database_path
from newsreader.store import Library


def _entry(n: int, *, days_old: float = 0.0, title: str = "") -> Article:
    return Article(
        title=title or f"Tide report {n}",
        blocks=[Block(BlockKind.PARAGRAPH, f"Harbour tides, day {n}.")],
        guid=f"urn:tide:{n}",
        published=datetime.now(UTC) - timedelta(days=days_old, minutes=n),
    )


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NEWSREADER_CONFIG_DIR", str(tmp_path / "config"))
    (tmp_path / "config").mkdir()
    (tmp_path / "library").mkdir()
    return tmp_path


def _config(home: Path, text: str) -> None:
    (home / "config" / "config.toml").write_text(text)


def _run(home: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main([*args, "--data-dir", str(home / "library")])
    out, err = capsys.readouterr()
    return status, out, err


def _library(home: Path) -> Library:
    return Library(database_path(home / "library"))


def _listed(home: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> list[str]:
    status, out, _ = _run(home, capsys, "list", "--json", "--limit", "100", *extra)
    assert status == 0
    return [row["title"] for row in json.loads(out)["articles"]]


def test_deleted_articles_are_gone_and_a_refresh_does_not_bring_them_back(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with _library(home) as library:
        feed, _ = library.add_feed("https://tides.example/feed", title="Tides")
        library.record_fetch(feed.id, articles=[_entry(1), _entry(2), _entry(3)])
        doomed = library.page(limit=1)[0]
        library.set_bookmarked([doomed.id], True)
    status, out, err = _run(home, capsys, "delete", str(doomed.id), "999")
    assert status == 1  # 999 is no article
    assert out.strip() == f"deleted: {doomed.id}"
    assert "no article with ID 999" in err
    assert doomed.title not in _listed(home, capsys)
    with _library(home) as library:
        # The feed still carries the entry: storing it again is refused.
        library.record_fetch(feed.id, articles=[_entry(1), _entry(2), _entry(3)])
        assert library.counts()["bookmarked"] == 0
    assert sorted(_listed(home, capsys)) == sorted(
        {"Tide report 1", "Tide report 2", "Tide report 3"} - {doomed.title}
    )
    status, out, _ = _run(home, capsys, "search", "--json", "harbour")
    assert doomed.id not in [hit["id"] for hit in json.loads(out)["results"]]


def test_prune_keeps_the_newest_n_per_feed_and_every_bookmark(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _config(home, "keep_articles = 2\n")
    with _library(home) as library:
        feed, _ = library.add_feed("https://tides.example/feed", title="Tides")
        library.record_fetch(feed.id, articles=[_entry(n) for n in range(1, 6)])
        oldest = next(r.id for r in library.page(limit=10) if r.title == "Tide report 5")
        library.set_bookmarked([oldest], True)
    status, out, _ = _run(home, capsys, "prune", "--dry-run")
    assert status == 0 and out.startswith("would delete 2 articles")
    assert len(_listed(home, capsys)) == 5  # a dry run deletes nothing
    status, out, _ = _run(home, capsys, "prune")
    assert out.startswith("deleted 2 articles")
    assert sorted(_listed(home, capsys)) == ["Tide report 1", "Tide report 2", "Tide report 5"]


def test_a_refresh_applies_keep_days_by_itself(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _config(home, "keep_days = 30\n")
    from newsreader.cli.context import config_rules

    with _library(home) as library:
        library.use_rules(config_rules)  # what every command's library does
        feed, _ = library.add_feed("https://tides.example/feed", title="Tides")
        library.record_fetch(
            feed.id, articles=[_entry(1), _entry(2, days_old=45), _entry(3, days_old=400)]
        )
    assert _listed(home, capsys) == ["Tide report 1"]


def test_filter_apply_and_list_hidden(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with _library(home) as library:
        library.add_articles([_entry(1, title="Sponsored: yachts"), _entry(2)])
    _config(home, '[[filter]]\ntitle = "(?i)^sponsored"\n\n[[filter]]\ntitle = "(bad"\n')
    status, out, err = _run(home, capsys, "filter")
    assert "would hide 1 article" in out and "filter 2" in err
    assert len(_listed(home, capsys)) == 2
    status, out, _ = _run(home, capsys, "filter", "--apply")
    assert status == 0 and "hid 1 article" in out
    assert _listed(home, capsys) == ["Tide report 2"]
    assert sorted(_listed(home, capsys, "--hidden")) == ["Sponsored: yachts", "Tide report 2"]
    # A new article matching the filter is hidden as it arrives.
    status, _, _ = _run(home, capsys, "import", str(_write_text(home, "Sponsored: boats")))
    assert status == 0
    assert _listed(home, capsys) == ["Tide report 2"]


def test_hide_and_unhide_by_hand(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A filter's hiding is undone with `unhide`; `hide` hides one article by hand."""
    with _library(home) as library:
        library.add_articles([_entry(1, title="Sponsored: yachts"), _entry(2), _entry(3)])
    _config(home, '[[filter]]\ntitle = "(?i)^sponsored"\n')
    assert _run(home, capsys, "filter", "--apply")[0] == 0
    status, out, _ = _run(home, capsys, "list", "--json", "--hidden")
    ids = {row["title"]: row["id"] for row in json.loads(out)["articles"]}
    assert sorted(_listed(home, capsys)) == ["Tide report 2", "Tide report 3"]

    status, out, _ = _run(home, capsys, "unhide", str(ids["Sponsored: yachts"]), "--json")
    assert status == 0 and json.loads(out)["ids"] == [ids["Sponsored: yachts"]]
    assert "Sponsored: yachts" in _listed(home, capsys)
    status, out, _ = _run(home, capsys, "search", "yachts", "--json")
    assert status == 0 and "Sponsored: yachts" in out, "shown again: searchable again"

    status, _, err = _run(home, capsys, "hide", str(ids["Tide report 3"]), "999999")
    assert status == 1 and "999999" in err, "an unknown ID is an error, the known one hidden"
    assert sorted(_listed(home, capsys)) == ["Sponsored: yachts", "Tide report 2"]
    assert "Tide report 3" in _listed(home, capsys, "--hidden")
    with _library(home) as library:
        assert library.counts()["all"] == 2, "a hidden article leaves the counts"


def _write_text(home: Path, title: str) -> Path:
    path = home / "sponsored.txt"
    path.write_text(f"{title}\n\nA paragraph about boats for sale.\n")
    return path


def test_search_feed_limits_results_to_one_subscription(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with _library(home) as library:
        tides, _ = library.add_feed("https://tides.example/feed", title="Tides")
        quay, _ = library.add_feed("https://quay.example/feed", title="Quay")
        library.record_fetch(tides.id, articles=[_entry(1)])
        library.record_fetch(quay.id, articles=[_entry(2, title="Quay harbour news")])
    status, out, _ = _run(home, capsys, "search", "--json", "harbour")
    assert len(json.loads(out)["results"]) == 2
    for ref in (str(quay.id), "https://quay.example/feed"):
        status, out, _ = _run(home, capsys, "search", "--json", "--feed", ref, "harbour")
        assert [hit["title"] for hit in json.loads(out)["results"]] == ["Quay harbour news"]
    status, _, err = _run(home, capsys, "search", "--feed", "https://nope.example/", "harbour")
    assert status == 1 and "no subscription" in err

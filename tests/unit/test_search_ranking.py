"""Library search ranks the same in the CLI and the reader, titles first (issue #14).

The reader's live search matched the last word as a prefix and the CLI did
not, so the same word listed different articles in a different order; and
FTS5's bm25 saturates term frequency after the column weights, so a short
article repeating a word in its body outranked the one with it in its title.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsreader.model.article import Article, Block, BlockKind
from newsreader.model.filters import Rules, parse_filters
from newsreader.model.library import ListQuery
from newsreader.store import Library, fts_query
from support import run_cli

DATA = Path(__file__).resolve().parents[2] / "data"
FILLER = " ".join(
    f"Sentence {n} of the council's long report on tides and roads." for n in range(80)
)


@pytest.fixture
def real_library(tmp_path: Path) -> Path:
    """The bundled samples imported by the CLI, plus one title-only match and body matches."""
    run_cli("import", *sorted(str(p) for p in DATA.glob("*.txt")), data_dir=tmp_path, check=True)
    library = Library(tmp_path / "library.sqlite3")
    library.add_article(
        Article(
            title="Beacon keepers vote to strike",
            blocks=[Block(BlockKind.PARAGRAPH, FILLER)],
            source="Title Only",
        )
    )
    library.add_articles(
        Article(
            title=f"Coast notes {n}",
            blocks=[Block(BlockKind.PARAGRAPH, f"The beacon shone {n}. Beacon, beacon, beacon.")],
            source="Body Only",
        )
        for n in range(12)
    )
    library.add_article(
        Article(
            title="Harbour lights",
            blocks=[Block(BlockKind.PARAGRAPH, "New beaconless buoys were laid in the bay.")],
            source="Prefix Only",
        )
    )
    library.close()
    return tmp_path


def cli_hits(data_dir: Path, query: str) -> list[dict[str, object]]:
    out = run_cli("search", query, "--json", "--limit", "50", data_dir=data_dir, check=True).stdout
    results: list[dict[str, object]] = json.loads(out)["results"]
    return results


def test_a_title_match_ranks_above_many_body_only_matches(real_library: Path) -> None:
    hits = cli_hits(real_library, "beacon")
    assert hits[0]["title"] == "Beacon keepers vote to strike"
    assert {hit["source"] for hit in hits[1:13]} == {"Body Only"}


def test_cli_and_reader_search_agree(real_library: Path) -> None:
    """The reader calls `Library.search` as the list screen does; the CLI in a subprocess."""
    library = Library(real_library / "library.sqlite3")
    try:
        for typed in ("beacon", "beac", "harbour tram", "harbour tr"):
            reader = [hit.row.id for hit in library.search(typed, limit=50, prefix=True)]
            cli = [hit["id"] for hit in cli_hits(real_library, typed)]
            assert reader, typed
            assert cli == reader, typed
    finally:
        library.close()


def test_the_last_word_matches_words_it_begins_but_whole_words_rank_higher(
    real_library: Path,
) -> None:
    hits = cli_hits(real_library, "beacon")
    assert hits[-1]["source"] == "Prefix Only", "beaconless matches 'beacon' as a prefix, last"
    assert any(
        hit["title"] == "Beacon keepers vote to strike" for hit in cli_hits(real_library, "beac")
    )


def test_a_prefix_query_is_valid_fts5_after_several_words() -> None:
    assert fts_query("harbour tr", prefix=True) == '"harbour" AND ("tr" OR "tr"*)'
    assert fts_query("harbour ...", prefix=True) == '"harbour" "..."'


def test_a_whole_library_search_ranks_and_flags_as_a_scoped_one(tmp_path: Path) -> None:
    """Searching the whole library ranks on the FTS table alone and reads the rows after;
    a scoped search joins first. Both must list the same hits, in the same order, with the
    same read and bookmark state, and leave hidden articles out unless asked for them."""
    library = Library(tmp_path / "library.sqlite3")
    library.use_rules(Rules(filters=parse_filters([{"title": "(?i)sponsored"}], "test", [])))
    try:
        library.add_articles(
            Article(
                title=title,
                blocks=[Block(BlockKind.PARAGRAPH, body)],
                source="Harbour Desk",
                guid=f"urn:{n}",
            )
            for n, (title, body) in enumerate(
                [
                    ("Tide tables", "The harbour opens at dawn. " + FILLER),
                    ("Harbour wall repaired", FILLER),
                    ("Sponsored harbour tour", "Harbour, harbour, harbour."),
                    ("Ferry notes", "Harbour ferries run late; the harbour master apologised."),
                    ("Harbourside market", "Stalls by the water."),
                ]
            )
        )
        ids = {row.title: row.id for row in library.page(ListQuery(hidden=True), limit=10)}
        library.set_read([ids["Ferry notes"]])
        library.set_bookmarked([ids["Tide tables"]], True)

        def listed(**query: object) -> list[tuple[str, bool, bool, str]]:
            hits = library.search("harbour", query=ListQuery(**query))  # type: ignore[arg-type]
            return [(h.row.title, h.row.read, h.row.bookmarked, h.snippet) for h in hits]

        whole = listed()
        assert [hit[:3] for hit in whole] == [
            ("Harbour wall repaired", False, False),
            ("Harbourside market", False, False),
            ("Ferry notes", True, False),
            ("Tide tables", False, True),
        ]
        assert whole[2][3].startswith("Harbour ferries run late")
        assert listed(source="Harbour Desk") == whole
        assert "Sponsored harbour tour" in [hit[0] for hit in listed(hidden=True)]
        assert listed(hidden=True, source="Harbour Desk") == listed(hidden=True)
    finally:
        library.close()

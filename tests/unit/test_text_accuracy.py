"""Plain-text dumps keep their measured reading (our own articles: `benchmarks/text_layouts/`).

The figures come from `benchmarks/text_accuracy.py`; the floors sit just under what
it measured when they were set, so a change that loses titles, key points, captions
or speakers, or lets page furniture back into the article, fails here by name.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from support import load_benchmark

REPO_ROOT = Path(__file__).resolve().parents[2]
SCORER = REPO_ROOT / "benchmarks" / "text_accuracy.py"


def _scorer() -> ModuleType:
    return load_benchmark("text_accuracy")


@pytest.fixture(scope="module")
def dev() -> Any:
    scorer = _scorer()
    return scorer.score_set(scorer.HERE / "dev")


def test_titles_key_points_and_captions(dev: Any) -> None:
    assert dev.titles >= dev.files - 1
    assert dev.key_points >= 60  # of 65; 62 measured
    assert dev.key_points_false == 0
    assert dev.captions >= 20  # of 21; 21 measured


def test_page_furniture_stays_out(dev: Any) -> None:
    assert dev.furniture_kept <= 6  # of 59; 4 measured
    assert dev.headings_false <= 7  # 5 measured (time labels)


def test_quotes_and_speakers(dev: Any) -> None:
    assert dev.quotes_found >= 115  # of 123; 118 measured
    assert dev.quotes_extra == 0
    assert dev.speakers >= 106  # of 123; 110 measured


@pytest.fixture(scope="module")
def heldout() -> Any:
    scorer = _scorer()
    return scorer.score_set(scorer.HERE / "heldout")


def test_the_held_out_articles(heldout: Any) -> None:
    assert heldout.titles == heldout.files  # 16 of 16
    assert heldout.key_points >= 37  # of 39; 39 measured
    assert heldout.furniture_kept <= 2  # of 46; 0 measured
    assert heldout.quotes_found >= 81  # of 83; 83 measured
    assert heldout.speakers >= 79  # of 83; 82 measured


def test_the_second_held_out_set_in_the_reference_layout() -> None:
    scored = load_benchmark("text_accuracy")
    second = scored.score_set(scored.HERE / "heldout2")
    assert (second.titles, second.key_points, second.headings) == (14, 35, 27)
    assert second.captions >= 26  # of 28; 28 measured
    assert second.quotes_found >= 66 and second.quotes_extra == 0  # of 70; 68 measured
    assert second.speakers >= 65  # of 70; 68 measured

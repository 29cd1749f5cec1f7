"""How good the generated "In brief" is: `python benchmarks/brief_accuracy.py [--articles] [--cv]`.

The reader shows an extractive "In brief (generated)" for articles that have no
key points of their own (`render/brief.py`). It is kept on by default only if it
beats lead-3 (the article's first three sentences, the classic baseline for news)
on both ROUGE-1 and ROUGE-2 against highlights that people wrote.

Reference set: every article we hold that carries its own key points, scored
with those key points taken away (the summariser never sees them):

* `data/*.txt`, the sample articles;
* `tests/unit/pages/*.html` pages with a STORY HIGHLIGHTS-style list;
* `benchmarks/brief/*.txt`, short news stories written for this benchmark in the
  plain-text layout, each with the 3-4 highlight bullets an editor would give it
  (written before the summariser was, and not tuned to it).

Articles too short to get a brief (three sentences or fewer: the body would be
the brief) are left out, for both. ROUGE-N F1 (N = 1, 2) is implemented here:
lower-cased word tokens, n-grams counted within each sentence or bullet (never
across two), clipped counts, macro-averaged over articles. The weights in
`render/brief.py` were picked on these same articles, which flatters the figure;
`--cv` prints the leave-one-out estimate (each article scored with the weights
best on the others). Also printed: ms to make a brief for a 10k-word article
(the reader makes it when an article opens) and for a median one.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

from newsreader.model.article import Article, Block, BlockKind  # noqa: E402
from newsreader.parse.html_page import parse_html  # noqa: E402
from newsreader.parse.text import parse_text_file  # noqa: E402
from newsreader.render import brief as brief_module  # noqa: E402
from newsreader.render.brief import generated_brief, lead  # noqa: E402

_TOKEN = re.compile(r"[^\W_]+")
SETS = {
    "data samples": (ROOT / "data", "*.txt"),
    "test pages": (ROOT / "tests" / "unit" / "pages", "*.html"),
    "written for this": (HERE / "brief", "*.txt"),
}


def ngrams(texts: Iterable[str], n: int) -> Counter[tuple[str, ...]]:
    """n-grams of lower-cased word tokens, each text counted on its own."""
    grams: Counter[tuple[str, ...]] = Counter()
    for text in texts:
        words = _TOKEN.findall(text.lower())
        grams.update(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    return grams


def rouge_n(candidate: Sequence[str], reference: Sequence[str], n: int) -> float:
    """ROUGE-N F1 of `candidate` sentences against `reference` sentences."""
    found, expected = ngrams(candidate, n), ngrams(reference, n)
    overlap = sum((found & expected).values())
    if not overlap:
        return 0.0
    precision = overlap / sum(found.values())
    recall = overlap / sum(expected.values())
    return 2 * precision * recall / (precision + recall)


def load_set(folder: Path, pattern: str) -> list[tuple[str, Article]]:
    """(name, article) for every file in `folder` that has key points of its own."""
    articles = []
    for path in sorted(folder.glob(pattern)):
        if path.suffix == ".html":
            article = parse_html(path.read_bytes(), name=path.name)
        else:
            article = parse_text_file(path)
        if article.key_points:
            articles.append((path.name, article))
    return articles


def score(articles: list[tuple[str, Article]]) -> dict[str, Any]:
    rows = []
    for name, article in articles:
        reference = list(article.key_points)
        bare = dataclasses.replace(article, key_points=[])
        ours = list(generated_brief(bare))
        if not ours:
            continue  # too short to get a brief (its body would be one): nothing to compare
        baseline = lead(bare)
        rows.append(
            {
                "name": name,
                "ours": [rouge_n(ours, reference, 1), rouge_n(ours, reference, 2)],
                "lead3": [rouge_n(baseline, reference, 1), rouge_n(baseline, reference, 2)],
                "brief": ours,
            }
        )
    return {
        "articles": len(rows),
        "skipped": len(articles) - len(rows),
        "ours": [statistics.fmean(row["ours"][i] for row in rows) for i in (0, 1)],
        "lead3": [statistics.fmean(row["lead3"][i] for row in rows) for i in (0, 1)],
        "rows": rows,
    }


WEIGHT_GRID = {
    "POSITION_WEIGHT": (0.3, 0.5, 1.0),
    "CENTRALITY_WEIGHT": (0.5, 1.0, 2.0),
    "TITLE_WEIGHT": (0.3, 0.6, 1.0),
    "BACK_POINTER_PENALTY": (0.0, 0.4),
}
"""The settings `--cv` chooses among (the shipped weights are one of them)."""


def cross_validated(articles: list[tuple[str, Article]]) -> list[float]:
    """Leave-one-out ROUGE-1/2 of the weight choice: each article scored with the weights
    that do best on all the *other* articles, so the figure is not flattered by having
    picked the weights on the article being scored."""
    names = list(WEIGHT_GRID)
    saved = {name: getattr(brief_module, name) for name in names}
    per_setting: list[list[list[float]]] = []
    try:
        for values in itertools.product(*WEIGHT_GRID.values()):
            for name, value in zip(names, values, strict=True):
                setattr(brief_module, name, value)
            per_setting.append([row["ours"] for row in score(articles)["rows"]])
    finally:
        for name, value in saved.items():
            setattr(brief_module, name, value)
    held_out = []
    for i in range(len(per_setting[0])):
        best = max(per_setting, key=lambda rows: sum(sum(r) for j, r in enumerate(rows) if j != i))
        held_out.append(best[i])
    return [statistics.fmean(row[n] for row in held_out) for n in (0, 1)]


def long_article(articles: list[Article], words: int = 10_000) -> Article:
    """A `words`-word article made of the reference articles' paragraphs, one after another."""
    blocks: list[Block] = []
    count = 0
    while count < words:
        for article in articles:
            for block in article.blocks:
                if block.kind == BlockKind.PARAGRAPH:
                    blocks.append(block)
                    count += len(block.text.split())
    return Article(title=articles[0].title, blocks=blocks)


def timing(article: Article, repeat: int = 20) -> float:
    """Best ms of `repeat` runs of `generated_brief(article)`."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        generated_brief(article)
        best = min(best, time.perf_counter() - started)
    return best * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--articles", action="store_true", help="per-article scores and briefs")
    parser.add_argument("--json", type=Path, help="write every figure here")
    parser.add_argument(
        "--cv", action="store_true", help="leave-one-out figure for the weight choice (slower)"
    )
    args = parser.parse_args(argv)
    results: dict[str, Any] = {}
    everything: list[tuple[str, Article]] = []
    for label, (folder, pattern) in SETS.items():
        articles = load_set(folder, pattern)
        everything.extend(articles)
        results[label] = score(articles)
    results["all"] = score(everything)
    bare = [dataclasses.replace(article, key_points=[]) for _, article in everything]
    big = long_article(bare)
    results["ms_10k_words"] = timing(big, repeat=5)
    results["ms_average_article"] = statistics.median(timing(article) for article in bare)

    if args.articles:
        for row in results["all"]["rows"]:
            print(f"\n{row['name']}: ours R1 {row['ours'][0]:.3f} R2 {row['ours'][1]:.3f}"
                  f"  lead-3 R1 {row['lead3'][0]:.3f} R2 {row['lead3'][1]:.3f}")  # fmt: skip
            for sentence in row["brief"]:
                print(f"  · {sentence}")
    print(f"\n{'set':<18} {'articles':>8}  {'brief R1':>8} {'brief R2':>8}  "
          f"{'lead-3 R1':>9} {'lead-3 R2':>9}")  # fmt: skip
    for label in (*SETS, "all"):
        figures = results[label]
        print(
            f"{label:<18} {figures['articles']:>8}  {figures['ours'][0]:>8.3f} "
            f"{figures['ours'][1]:>8.3f}  {figures['lead3'][0]:>9.3f} {figures['lead3'][1]:>9.3f}"
        )
    words = sum(len(block.text.split()) for block in big.blocks)
    print(f"\nbrief of a {words:,}-word article: {results['ms_10k_words']:.1f} ms;"
          f" median article: {results['ms_average_article']:.2f} ms")  # fmt: skip
    overall = results["all"]
    beats = all(overall["ours"][i] > overall["lead3"][i] for i in (0, 1))
    results["beats_lead3"] = beats
    print("beats lead-3 on ROUGE-1 and ROUGE-2:", "yes" if beats else "NO")
    if args.cv:
        results["cross_validated"] = cross_validated(everything)
        r1, r2 = results["cross_validated"]
        print(f"leave-one-out (weights picked on the other articles): R1 {r1:.3f} R2 {r2:.3f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

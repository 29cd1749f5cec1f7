"""How well newsreader reads real pages: `python benchmarks/accuracy.py [--pages] [--quotes]`.

Scores the reader view on Mozilla Readability's test pages
(`../shared/corpus/readability-dev/`, each a saved `source.html` and Readability's
`expected.html`) next to two baselines run on the same pages in the same run:

* trafilatura with default settings (a project dependency);
* readability-lxml, which is NOT a project dependency: install it for the
  benchmark only with `pip install readability-lxml` (its section is skipped,
  with a message, when it is absent).

Measures, printed as a table (and `--json` for a machine-readable copy):

* body: bag-of-words token precision / recall / F1 of an extractor's text
  against the text of `expected.html`, per page (`--pages`) and as a mean;
  ours is scored on key points + blocks + caption credits. Tokens are
  lower-cased word runs, with every CJK character a token of its own (those
  scripts put no spaces between words). Real-world pages and Readability's
  synthetic fixtures (lorem ipsum, tiny hand-made pages) are reported apart:
  the fixtures test one trick each and would flatter any mean;
* key points: exact matches against `gold/key_points.json` (pages that carry a
  summary list, with its items) and false key points (pages without one that
  get some anyway);
* metadata: pages whose URL / published date / site name we give, out of the
  pages that carry one (`gold/metadata.json`, written by hand from the pages);
* speed: milliseconds per page for each extractor (median, this machine);
* quotes: `quote_scores()` is the hook for pull-quote precision / recall /
  speaker accuracy against gold annotations in `benchmarks/gold/` (`--quotes`);
  it belongs to whoever owns `parse/quotes.py`.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "readability-dev"
GOLD = HERE / "gold"

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+")
_SYNTHETIC_BYTES = 4096
"""Pages smaller than this are Readability's hand-made fixtures, not saved web pages."""


def tokens(text: str) -> Counter[str]:
    """Lower-cased word tokens, one per CJK character."""
    return Counter(_TOKEN.findall(text.lower()))


def prf(found: Counter[str], expected: Counter[str]) -> tuple[float, float, float]:
    """Bag-of-words precision, recall and F1 of `found` against `expected`."""
    common = sum((found & expected).values())
    if not common:
        return 0.0, 0.0, 0.0
    precision = common / sum(found.values())
    recall = common / sum(expected.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def is_synthetic(page: Path) -> bool:
    """Readability's fixtures: lorem ipsum or a page too small to be a saved article."""
    data = (page / "source.html").read_bytes()
    return len(data) < _SYNTHETIC_BYTES or b"lorem ipsum" in data.lower()


def html_text(html: str | bytes) -> str:
    """The visible text of an HTML document or fragment (for expected.html and baselines)."""
    import lxml.html

    if not html.strip():
        return ""
    doc = lxml.html.document_fromstring(html)
    for element in doc.iter("script", "style", "head"):
        element.drop_tree()
    return " ".join(doc.itertext())


# -- extractors: page bytes -> text ---------------------------------------------------------


def ours(data: bytes, name: str) -> tuple[str, Any]:
    """newsreader's reader view: (scored text, the Article)."""
    from newsreader.parse.html_page import parse_html

    article = parse_html(data, name=name)
    parts = list(article.key_points)
    for block in article.blocks:
        parts.append(block.text)
        if block.credit:
            parts.append(block.credit)
    return "\n".join(parts), article


def trafilatura_default(data: bytes, name: str) -> tuple[str, Any]:
    """trafilatura.extract with default settings (its own charset detection)."""
    import trafilatura

    return trafilatura.extract(data) or "", None


def readability_lxml(data: bytes, name: str) -> tuple[str, Any]:
    """readability-lxml's `Document.summary()` (its own charset detection)."""
    from readability import Document

    return html_text(Document(data).summary(html_partial=True)), None


def _have_readability() -> bool:
    try:
        import readability  # noqa: F401
    except ImportError:
        return False
    return True


# -- scoring ----------------------------------------------------------------------------------


@dataclass
class PageScore:
    """One extractor on one page."""

    page: str
    synthetic: bool
    precision: float
    recall: float
    f1: float
    ms: float
    words: int
    expected_words: int
    error: str | None = None


@dataclass
class Run:
    """One extractor over the corpus."""

    name: str
    pages: list[PageScore] = field(default_factory=list)
    articles: dict[str, Any] = field(default_factory=dict)

    def mean(self, *, synthetic: bool, key: str = "f1") -> float:
        values = [getattr(p, key) for p in self.pages if p.synthetic is synthetic]
        return statistics.fmean(values) if values else 0.0

    def worst(self, *, synthetic: bool) -> PageScore | None:
        pages = [p for p in self.pages if p.synthetic is synthetic]
        return min(pages, key=lambda p: p.f1) if pages else None

    def median_ms(self) -> float:
        return statistics.median(p.ms for p in self.pages) if self.pages else 0.0


def corpus_pages(corpus: Path = CORPUS) -> list[Path]:
    """Every folder of the corpus holding a source.html and an expected.html."""
    return sorted(
        page
        for page in corpus.iterdir()
        if (page / "source.html").is_file() and (page / "expected.html").is_file()
    )


def run_extractor(
    name: str,
    extract: Callable[[bytes, str], tuple[str, Any]],
    pages: list[Path],
    repeat: int = 1,
) -> Run:
    """Score `extract` on every page; the fastest of `repeat` timings counts."""
    run = Run(name)
    for page in pages:
        data = (page / "source.html").read_bytes()
        expected = tokens(html_text((page / "expected.html").read_text("utf-8", "replace")))
        error = None
        best = float("inf")
        text, article = "", None
        for _ in range(repeat):
            start = time.perf_counter()
            try:
                text, article = extract(data, str(page / "source.html"))
            except Exception as exc:  # a failure scores 0 on the page, it does not stop the run
                text, article, error = "", None, f"{type(exc).__name__}: {exc}"
            best = min(best, time.perf_counter() - start)
        found = tokens(text)
        p, r, f = prf(found, expected)
        run.pages.append(
            PageScore(
                page.name,
                is_synthetic(page),
                p,
                r,
                f,
                best * 1000,
                sum(found.values()),
                sum(expected.values()),
                error,
            )
        )
        run.articles[page.name] = article
    return run


def _load_gold(name: str) -> dict[str, Any]:
    path = GOLD / name
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def key_point_scores(run: Run) -> dict[str, Any]:
    """Exact key-point matches on pages with a summary list; false key points on the rest."""
    gold = {k: v for k, v in _load_gold("key_points.json").items() if not k.startswith("_")}
    matched = expected = found_on_gold = 0
    false_pages: list[str] = []
    without = 0
    for page, article in run.articles.items():
        points = list(article.key_points) if article is not None else []
        if page in gold:
            wanted = [" ".join(p.split()) for p in gold[page]]
            expected += len(wanted)
            found_on_gold += len(points)
            got = {" ".join(p.split()) for p in points}
            matched += sum(1 for point in wanted if point in got)
        else:
            without += 1
            if points:
                false_pages.append(page)
    return {
        "pages_with_list": len(gold),
        "expected_points": expected,
        "exact_matches": matched,
        "points_found_on_those_pages": found_on_gold,
        "pages_without_list": without,
        "false_key_point_pages": false_pages,
    }


def metadata_scores(run: Run) -> dict[str, Any]:
    """Of the real pages that carry a URL / date / site name, how many we give (and right)."""
    gold = {k: v for k, v in _load_gold("metadata.json").items() if not k.startswith("_")}
    result: dict[str, Any] = {}
    for key in ("url", "date", "site"):
        has = [page for page, meta in gold.items() if meta.get(key)]
        given = right = 0
        for page in has:
            article = run.articles.get(page)
            if article is None:
                continue
            value = {
                "url": article.url,
                "date": article.published.date().isoformat() if article.published else None,
                "site": article.source,
            }[key]
            if value:
                given += 1
                right += value == gold[page][key]
        result[key] = {"pages": len(has), "given": given, "right": right}
    return result


def quote_scores() -> dict[str, Any] | None:
    """Pull-quote precision / recall / speaker accuracy against `benchmarks/gold/` quotes.

    Scored by `benchmarks/quotes_accuracy.py` (None, and the table says so, without it).
    """
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from quotes_accuracy import quote_scores as scores

    return scores()


# -- report -----------------------------------------------------------------------------------


def _row(cells: list[str], widths: list[int]) -> str:
    return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"


def table(rows: list[list[str]]) -> str:
    """A Markdown table (the README pastes it as is)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [_row(rows[0], widths), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    lines += [_row(row, widths) for row in rows[1:]]
    return "\n".join(lines)


def report(runs: list[Run], *, pages: bool, quotes: bool) -> dict[str, Any]:
    """Print the tables; return everything as a dict (for `--json`)."""
    first = runs[0]
    n_real = sum(1 for p in first.pages if not p.synthetic)
    n_syn = len(first.pages) - n_real
    if pages:
        header = ["page", *(f"{run.name} F1" for run in runs), "words (ours/expected)"]
        rows = [header]
        for index, page in enumerate(first.pages):
            label = page.page + (" (synthetic)" if page.synthetic else "")
            scores = [f"{run.pages[index].f1:.3f}" for run in runs]
            rows.append([label, *scores, f"{page.words}/{page.expected_words}"])
        print(table(rows), end="\n\n")
        for run in runs:
            for page in run.pages:
                if page.error:
                    print(f"{run.name} failed on {page.page}: {page.error}")

    rows = [["measure", *(run.name for run in runs)]]
    groups = ((False, f"real-world pages ({n_real})"), (True, f"fixtures ({n_syn})"))
    for synthetic, label in groups:
        for key in ("f1", "precision", "recall"):
            means = [f"{run.mean(synthetic=synthetic, key=key):.3f}" for run in runs]
            rows.append([f"body {key}, {label}", *means])
    worst = [run.worst(synthetic=False) for run in runs]
    rows.append(["worst real page", *(f"{w.f1:.2f} {w.page}" if w else "-" for w in worst)])
    below = [sum(1 for p in run.pages if not p.synthetic and p.f1 < 0.5) for run in runs]
    rows.append(["real pages under F1 0.5", *(str(b) for b in below)])
    rows.append(["ms per page (median)", *(f"{run.median_ms():.1f}" for run in runs)])

    points = key_point_scores(first)
    meta = metadata_scores(first)
    na = ["-"] * (len(runs) - 1)
    rows.append(
        [
            "key points: exact matches",
            f"{points['exact_matches']}/{points['expected_points']}"
            f" on {points['pages_with_list']} pages",
            *na,
        ]
    )
    rows.append(
        [
            "false key points (pages)",
            f"{len(points['false_key_point_pages'])}/{points['pages_without_list']}",
            *na,
        ]
    )
    for key, label in (("url", "URL"), ("date", "date"), ("site", "site name")):
        m = meta[key]
        figure = f"{m['given']} ({m['right']})/{m['pages']}"
        rows.append([f"metadata: {label} given (right)", figure, *na])
    result: dict[str, Any] = {
        "runs": {run.name: [vars(p) for p in run.pages] for run in runs},
        "key_points": points,
        "metadata": meta,
    }
    if quotes:
        scores = quote_scores()
        if scores is None:
            rows.append(["quotes", "no scorer yet (quote_scores() is a stub)", *na])
        else:
            for key, value in scores.items():
                rows.append([f"quotes: {key}", str(value), *na])
            result["quotes"] = scores
    print(table(rows))
    if points["false_key_point_pages"]:
        print("\nfalse key points on:", ", ".join(points["false_key_point_pages"]))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--pages", action="store_true", help="per-page F1 table")
    parser.add_argument("--quotes", action="store_true", help="quote figures (quote_scores())")
    parser.add_argument("--ours-only", action="store_true", help="skip the baselines")
    parser.add_argument("--repeat", type=int, default=3, help="timings per page (best counts)")
    parser.add_argument("--only", help="a regular expression: pages whose name matches")
    parser.add_argument("--json", type=Path, help="write every figure here")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    pages = corpus_pages(args.corpus)
    if args.only:
        pages = [page for page in pages if re.search(args.only, page.name)]
    ours(b"<p>warm up the imports</p>", "warm-up")
    runs = [run_extractor("newsreader", ours, pages, args.repeat)]
    if not args.ours_only:
        runs.append(run_extractor("trafilatura (defaults)", trafilatura_default, pages, 1))
        if _have_readability():
            runs.append(run_extractor("readability-lxml", readability_lxml, pages, 1))
        else:
            print("readability-lxml is not installed: `pip install readability-lxml` to compare\n")
    result = report(runs, pages=args.pages, quotes=args.quotes)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How well newsreader reads plain-text dumps: `python benchmarks/text_accuracy.py [--misses]`.

The plain-text layout (a scraped page as lines: headline, bullet key points,
body, captions around a photo credit, subheadings, quotations) has no public
test set, so these are our own: fictional articles written for the purpose,
each with a hand-made expected reading beside it (`text_layouts/<set>/expected/
<name>.json`: title, key points, headings, captions with credits, the furniture
lines that must not show, and every direct quotation with its speaker).

Two sets, reported apart:

* `dev`: 29 articles in many layouts (bylines, stamps, share and newsletter
  lines, key points under a label, numbered or glued to the lede, credits in
  several languages' spellings, British, French, Spanish, German, Italian and
  Portuguese quotation conventions). The parser was tuned on them, so their
  figures flatter it;
* `heldout`: articles written afterwards by someone who had not seen the
  parser or the dev set, measured as they came: the honest figure.

Scoring is strict and per item: a title or key point must match exactly
(whitespace and edge quotation marks aside); a caption needs its text and its
credit; a quotation is found when its first words match, and its speaker must
then be exactly the expected name (or description). A furniture line counts as
kept when it shows anywhere: title, key points or body.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from newsreader.model.article import Article, BlockKind
from newsreader.parse.text import parse_text_file

HERE = Path(__file__).parent / "text_layouts"
SETS = ("dev", "heldout", "heldout2")


def _norm(text: str | None) -> str:
    text = " ".join(unicodedata.normalize("NFC", text or "").split())
    return text.strip(" \"'“”‘’«»„‚").rstrip(",;:").strip()


def _loose(text: str) -> str:
    return re.sub(r"[^\w]+", " ", _norm(text).lower()).strip()


@dataclass
class Score:
    """Counts over a set of articles, and what was missed (for `--misses`)."""

    files: int = 0
    titles: int = 0
    key_points: int = 0
    key_points_expected: int = 0
    key_points_false: int = 0
    headings: int = 0
    headings_expected: int = 0
    headings_false: int = 0
    captions: int = 0
    captions_expected: int = 0
    furniture_kept: int = 0
    furniture_expected: int = 0
    quotes_found: int = 0
    quotes_expected: int = 0
    quotes_extra: int = 0
    speakers: int = 0
    misses: list[str] = field(default_factory=list)

    def rows(self) -> list[tuple[str, str]]:
        return [
            ("articles", str(self.files)),
            ("titles right", f"{self.titles}/{self.files}"),
            ("key points right", f"{self.key_points}/{self.key_points_expected}"),
            ("false key points", str(self.key_points_false)),
            ("subheadings found", f"{self.headings}/{self.headings_expected}"),
            ("false subheadings", str(self.headings_false)),
            ("captions with credit", f"{self.captions}/{self.captions_expected}"),
            ("furniture lines shown", f"{self.furniture_kept}/{self.furniture_expected}"),
            ("quotes found", f"{self.quotes_found}/{self.quotes_expected}"),
            ("quotes not in the gold", str(self.quotes_extra)),
            ("speakers right", f"{self.speakers}/{self.quotes_expected}"),
        ]


def score_article(article: Article, expected: dict, score: Score, name: str) -> None:
    """Add one article's reading to `score`."""
    miss = score.misses.append
    score.files += 1
    if _norm(article.title) == _norm(expected["title"]):
        score.titles += 1
    else:
        miss(f"{name}: title {article.title!r}, expected {expected['title']!r}")
    got_points = [_norm(point) for point in article.key_points]
    want_points = [_norm(point) for point in expected.get("key_points", [])]
    score.key_points_expected += len(want_points)
    score.key_points += sum(point in got_points for point in want_points)
    score.key_points_false += sum(point not in want_points for point in got_points)
    if got_points != want_points:
        miss(f"{name}: key points {got_points}, expected {want_points}")
    blocks = article.blocks
    headings = [_norm(b.text) for b in blocks if b.kind is BlockKind.HEADING]
    want_headings = [_norm(heading) for heading in expected.get("headings", [])]
    score.headings_expected += len(want_headings)
    score.headings += sum(heading in headings for heading in want_headings)
    false_headings = [heading for heading in headings if heading not in want_headings]
    score.headings_false += len(false_headings)
    for heading in false_headings:
        miss(f"{name}: false subheading {heading!r}")
    captions = [(_norm(b.text), _norm(b.credit)) for b in blocks if b.kind is BlockKind.CAPTION]
    for caption in expected.get("captions", []):
        score.captions_expected += 1
        if (_norm(caption["text"]), _norm(caption["credit"])) in captions:
            score.captions += 1
        else:
            miss(f"{name}: caption {caption}, got {captions}")
    shown = [_norm(article.title), *got_points, *(_norm(b.text) for b in blocks)]
    shown += [_norm(b.credit) for b in blocks if b.credit]
    for line in expected.get("furniture", []):
        score.furniture_expected += 1
        if any(_norm(line) in text for text in shown):
            score.furniture_kept += 1
            miss(f"{name}: furniture shown {line!r}")
    _score_quotes(article, expected.get("quotes", []), score, name)


def _score_quotes(article: Article, wanted: list[dict], score: Score, name: str) -> None:
    found = list(article.quotes)
    used: set[int] = set()
    score.quotes_expected += len(wanted)
    for quote in wanted:
        text = _loose(quote["text"])
        match = next(
            (
                number
                for number, candidate in enumerate(found)
                if number not in used and _same_start(_loose(candidate.text), text)
            ),
            None,
        )
        if match is None:
            score.misses.append(f"{name}: quote missed {quote['text'][:70]!r}")
            continue
        used.add(match)
        score.quotes_found += 1
        if (found[match].speaker or None) == (quote["speaker"] or None):
            score.speakers += 1
        else:
            score.misses.append(
                f"{name}: speaker {found[match].speaker!r}, expected {quote['speaker']!r}"
                f" for {quote['text'][:50]!r}"
            )
    score.quotes_extra += len(found) - len(used)
    for number, quote in enumerate(found):
        if number not in used:
            score.misses.append(f"{name}: quote not in the gold {quote.text[:70]!r}")


def _same_start(found: str, wanted: str) -> bool:
    return found[:30] == wanted[:30] or (len(found) > 20 and found[:40] in wanted)


def score_set(directory: Path) -> Score:
    score = Score()
    for path in sorted(directory.glob("*.txt")):
        expected_path = directory / "expected" / f"{path.stem}.json"
        if expected_path.exists():
            expected = json.loads(expected_path.read_text(encoding="utf-8"))
            score_article(parse_text_file(path), expected, score, path.stem)
    return score


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every miss")
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    args = parser.parse_args(argv)
    scores = {name: score_set(HERE / name) for name in SETS if (HERE / name).is_dir()}
    if args.json:
        print(json.dumps({name: dict(score.rows()) for name, score in scores.items()}, indent=2))
        return 0
    names = list(scores)
    table = [("measure", *names)]
    for index, (label, _) in enumerate(next(iter(scores.values())).rows()):
        table.append((label, *(scores[name].rows()[index][1] for name in names)))
    widths = [max(len(row[column]) for row in table) for column in range(len(table[0]))]
    for number, row in enumerate(table):
        print("| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |")
        if number == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    if args.misses:
        for name, score in scores.items():
            print(f"\n{name}:")
            for line in score.misses:
                print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())

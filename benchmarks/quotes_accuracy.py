"""Pull quotes against hand-made gold: `python benchmarks/quotes_accuracy.py [--misses]`.

The gold (`benchmarks/gold/<page>.json`) lists every direct quotation of a page
of the dev corpus (`../shared/corpus/readability-dev/<page>/`) with its speaker's
full name. Quotes marked `optional` (partial quotations of a report, a few
words of a speech run into the writer's sentence) are neither required nor
counted against us when found; `ambiguous` speakers are not scored.

Each page is read twice:

* `page`: `parse_html` on `source.html`, as a user gets it (body extraction
  errors count too);
* `expected`: the paragraphs of Readability's `expected.html` through
  `extract_quotes` alone, so quote attribution is measured apart from body
  extraction.

Matching is strict: a found quote matches a gold quote when most of its words
(60 %) are in the gold one and it covers at least half of it or starts as it
does (a quotation spanning paragraphs is reported once, by its first part).
Each gold quote matches at most once, so a quotation reported twice costs
precision.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
GOLD = ROOT / "gold"
CORPUS = ROOT.parent.parent / "shared" / "corpus" / "readability-dev"

_WORD = re.compile(r"\w+")
_IN_GOLD = 0.6
_COVER = 0.5
_SAME_START = 4


@dataclass(slots=True)
class Found:
    """One quote as the reader reports it."""

    text: str
    speaker: str | None


@dataclass(slots=True)
class Tally:
    """Counts for one reading mode over all pages."""

    found: int = 0
    matched: int = 0
    gold: int = 0
    recalled: int = 0
    speaker_scored: int = 0
    speaker_right: int = 0
    junk_names: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)
    wrong_speaker: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def figures(self) -> dict[str, Any]:
        precision = self.matched / self.found if self.found else 1.0
        recall = self.recalled / self.gold if self.gold else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        speaker = self.speaker_right / self.speaker_scored if self.speaker_scored else 1.0
        return {
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "f1": round(f1, 3),
            "speaker": round(speaker, 3),
            "found": self.found,
            "gold": self.gold,
            "junk names": len(self.junk_names),
        }


def tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def matches(found: str, gold: str) -> bool:
    """Strict overlap: the found words are mostly gold words, and cover or start the gold."""
    f, g = tokens(found), tokens(gold)
    if not f or not g:
        return False
    common = sum((Counter(f) & Counter(g)).values())
    if common < _IN_GOLD * len(f):
        return False
    return common >= _COVER * len(g) or f[:_SAME_START] == g[:_SAME_START]


def same_speaker(found: str | None, gold: str) -> bool:
    """Same person: equal names (case, dots and a leading article aside)."""
    if not found:
        return False

    def norm(name: str) -> str:
        words = tokens(name)
        if words and words[0] in ("the", "a", "an", "el", "la", "o", "un", "una"):
            words = words[1:]
        return " ".join(words)

    return norm(found) == norm(gold)


_JUNK = re.compile(
    r"\b(?:Says|Said|Enter|Both|Warming|Galaxy|Meanwhile|However|But|And|The|In|On)\b"
)


def junk_in_name(name: str) -> bool:
    """A word that is never part of a person's name (a verb, a sentence word)."""
    return bool(_JUNK.search(name)) and not name.lower().startswith(("the ", "a ", "an "))


def score_page(found: list[Found], gold: list[dict[str, Any]], tally: Tally, page: str) -> None:
    """Add one page's counts to `tally`."""
    used: set[int] = set()
    for quote in found:
        hit = next(
            (
                i
                for i, entry in enumerate(gold)
                if i not in used and matches(quote.text, entry["text"])
            ),
            None,
        )
        if quote.speaker and junk_in_name(quote.speaker):
            tally.junk_names.append(f"{page}: {quote.speaker}")
        if hit is None:
            tally.found += 1
            tally.false.append(f"{page}: {quote.text[:70]!r} ({quote.speaker})")
            continue
        used.add(hit)
        entry = gold[hit]
        if entry["optional"]:
            continue  # neither a hit nor a false one
        tally.found += 1
        tally.matched += 1
        if not entry["ambiguous"]:
            tally.speaker_scored += 1
            if same_speaker(quote.speaker, entry["speaker"]):
                tally.speaker_right += 1
            else:
                tally.wrong_speaker.append(f"{page}: {quote.speaker} ≠ {entry['speaker']}")
    for i, entry in enumerate(gold):
        if entry["optional"]:
            continue
        tally.gold += 1
        if i in used:
            tally.recalled += 1
        else:
            tally.misses.append(f"{page}: {entry['text'][:70]!r} ({entry['speaker']})")


def read_page(directory: Path) -> list[Found]:
    from newsreader.parse.html_page import parse_html

    article = parse_html((directory / "source.html").read_bytes(), name=directory.name)
    return [Found(q.text, q.speaker) for q in article.quotes]


def read_expected(directory: Path) -> list[Found]:
    import lxml.html

    from newsreader.model.article import Block, BlockKind
    from newsreader.parse.quotes import extract_quotes

    raw = (directory / "expected.html").read_bytes().decode("utf-8", "replace")
    doc = lxml.html.fromstring(raw)
    blocks = [
        Block(BlockKind.PARAGRAPH, " ".join(element.text_content().split()))
        for element in doc.iter("p", "li", "blockquote")
    ]
    _, quotes = extract_quotes([block for block in blocks if block.text])
    return [Found(q.text, q.speaker) for q in quotes]


MODES: dict[str, Callable[[Path], list[Found]]] = {"page": read_page, "expected": read_expected}


def gold_pages(gold_dir: Path = GOLD) -> Iterable[dict[str, Any]]:
    """Pages annotated for quotes (other gold files in the folder hold other figures)."""
    for path in sorted(gold_dir.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "quotes" in data and "page" in data:
            yield data


def run(corpus: Path = CORPUS, modes: Iterable[str] = MODES) -> dict[str, Tally]:
    """Score every gold page in each reading mode."""
    tallies: dict[str, Tally] = {}
    pages = list(gold_pages())
    for mode in modes:
        tally = tallies[mode] = Tally()
        for gold in pages:
            directory = corpus / gold["page"]
            started = time.perf_counter()
            found = MODES[mode](directory)
            tally.seconds += time.perf_counter() - started
            score_page(found, gold["quotes"], tally, gold["page"])
    return tallies


def quote_scores(corpus: Path = CORPUS) -> dict[str, Any] | None:
    """The figures `benchmarks/accuracy.py` prints (None without the corpus)."""
    if not corpus.is_dir():
        return None
    tallies = run(corpus)
    out: dict[str, Any] = {}
    for mode, tally in tallies.items():
        fig = tally.figures()
        out[f"{mode}: P / R / F1"] = f"{fig['precision']} / {fig['recall']} / {fig['f1']}"
        out[f"{mode}: speaker right"] = fig["speaker"]
        out[f"{mode}: junk in a name"] = fig["junk names"]
    out["gold quotes (pages)"] = f"{tallies['page'].gold} ({len(list(gold_pages()))})"
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--misses", action="store_true", help="list misses and false quotes")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    for mode, tally in run(args.corpus).items():
        fig = tally.figures()
        print(f"{mode:9} " + "  ".join(f"{k} {v}" for k, v in fig.items()))
        if args.misses:
            for label, items in (
                ("missed", tally.misses),
                ("false", tally.false),
                ("wrong speaker", tally.wrong_speaker),
                ("junk", tally.junk_names),
            ):
                for item in items:
                    print(f"    {label}: {item}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A generated "In brief": at most three sentences taken from an article that has no key points.

Why: most feed items come without the bullet summary a news story may open
with, so the reader has nothing to skim. This picks sentences the article
itself wrote — nothing is rephrased, so nothing can be made up — and the
reader shows them as generated, apart from any key points of the article's
own (an article with key points gets no brief at all).

How it chooses (extractive, no model, pure Python):

* candidates are the sentences of the body's paragraphs (headings, captions
  and quote blocks are not prose about the story), from the first
  `MAX_CANDIDATE_WORDS` words — news puts what matters first, and it keeps
  the cost flat however long the article is;
* each sentence scores for its *position* (earlier is better, the lead most),
  its *centrality* (cosine of its TF-IDF vector to the whole text's, so a
  sentence about what the article is about beats an aside) and its overlap
  with the *title*;
* it loses points for what reads badly out of context: mostly a quotation,
  a question, very short or very long, or opening with a word that points
  back at a sentence the reader will not see ("He", "But", "This");
* the best are taken greedily, skipping any too like one already taken, and
  shown in article order.

`benchmarks/brief_accuracy.py` scores this against articles' own highlights
beside a lead-3 baseline (the first three sentences); the README's "How well
it reads" has the figures.

No Textual and no Rich: `render.layout` calls it when it lays an article out
(the reader builds its lines once per opened article, and a resize re-wraps
them without laying out again). It is computed when shown rather than stored
at import: it costs a few ms on a 10k-word article (`brief_accuracy.py`
prints the figure), nothing for the many articles never opened, and needs no
re-import when it improves.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import TYPE_CHECKING

from newsreader.model.article import BlockKind

if TYPE_CHECKING:
    from newsreader.model.article import Article

MAX_SENTENCES = 3
MAX_CANDIDATE_WORDS = 2500
"""Only sentences within the first this many body words are candidates (and shape the centroid)."""
MIN_WORDS = 8
MAX_WORDS = 45
MIN_BODY_WORDS = 60
"""An article shorter than this is already brief: it gets none."""

POSITION_WEIGHT = 0.5
CENTRALITY_WEIGHT = 2.0
TITLE_WEIGHT = 1.0
BACK_POINTER_PENALTY = 0.4
"""The weights were picked on the brief benchmark's reference articles (`--cv` there
says how well such a choice holds on an article it was not picked on)."""
REDUNDANCY = 0.5
"""A sentence sharing more than this share of its content words with a chosen one is skipped."""


def _word_set(words: str) -> frozenset[str]:
    """A set of words written as one spaced string (long lists read better that way)."""
    return frozenset(words.split())


_ABBREVIATIONS = _word_set(
    "mr mrs ms dr prof st mt jr sr gen col lt sgt capt gov sen rep rev hon no vs etc inc ltd co"
    " corp dept univ jan feb mar apr jun jul aug sep sept oct nov dec fig approx est"
    " a.m p.m u.s u.k e.g i.e"
)
"""Words whose full stop does not end a sentence (lower case, without the final dot)."""

_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[^\s\"'“‘(\[])")
"""A candidate end: terminal punctuation, closing marks, space, then the next sentence's start."""
_LAST_WORD = re.compile(r"(\S+)[.!?…][\"'”’)\]]*$")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_QUOTED = re.compile(r"[\"“”„«»]([^\"“”„«»]*)[\"“”„«»]")
_QUOTE_MARKS = frozenset("\"“”„«»'‘")

_STOPWORDS = _word_set(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own said same says she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves
    told say one two new last year years"""
)

_BACK_POINTERS = _word_set(
    """he she it they him her them his its their this that these those but and or so yet also
    however meanwhile still instead then there such both"""
)
"""Opening words that lean on the sentence before (which the reader of the brief will not see)."""


def split_sentences(text: str) -> list[str]:
    """`text` cut into sentences; a full stop after an abbreviation or an initial is not an end."""
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_BREAK.finditer(text):
        piece = text[start : match.start()].rstrip()
        last = _LAST_WORD.search(piece)
        if last is not None and piece.endswith((".", '."', ".”", ".’", ".'")):
            word = last.group(1).lstrip("\"'“‘(").lower()
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue  # "Dr. Vik", "Dana F. Besecker": the sentence goes on
            if re.fullmatch(r"(?:[a-z]\.)+[a-z]", word):
                continue  # "U.S." and friends
        sentences.append(text[start : match.end()].strip())
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return [sentence for sentence in sentences if sentence]


def content_words(text: str) -> list[str]:
    """Lower-cased words without stop words: what sentences are compared on."""
    return [word for word in _WORD.findall(text.lower()) if word not in _STOPWORDS]


def candidate_sentences(article: Article, limit: int = MAX_CANDIDATE_WORDS) -> list[str]:
    """The body's prose sentences in article order, up to about `limit` words."""
    sentences: list[str] = []
    words = 0
    for block in article.blocks:
        if block.kind != BlockKind.PARAGRAPH:
            continue
        for sentence in split_sentences(block.text):
            sentences.append(sentence)
            words += sentence.count(" ") + 1
        if words >= limit:
            break
    return sentences


def lead(article: Article, count: int = MAX_SENTENCES) -> list[str]:
    """The first `count` sentences of the body: the baseline any brief has to beat."""
    return candidate_sentences(article, limit=200)[:count]


def _quoted_share(sentence: str) -> float:
    inside = sum(len(part) for part in _QUOTED.findall(sentence))
    return inside / max(1, len(sentence))


def _penalty(sentence: str, size: int) -> float:
    """How badly `sentence` reads on its own, from 0 (fine) up."""
    penalty = 0.0
    if size < MIN_WORDS:
        penalty += 1.0
    elif size > MAX_WORDS:
        penalty += 0.5
    if sentence.rstrip("\"'”’)").endswith("?"):
        penalty += 0.8
    share = _quoted_share(sentence)
    if sentence[:1] in _QUOTE_MARKS or share > 0.5:
        penalty += 0.6 + share
    first = _WORD.match(sentence)
    if first is not None and first.group(0).lower() in _BACK_POINTERS:
        penalty += BACK_POINTER_PENALTY
    return penalty


def _cosine(left: dict[str, float], right: dict[str, float], right_norm: float) -> float:
    if not left or right_norm == 0.0:
        return 0.0
    dot = sum(weight * right.get(word, 0.0) for word, weight in left.items())
    norm = math.sqrt(sum(weight * weight for weight in left.values()))
    return dot / (norm * right_norm) if norm else 0.0


def generated_brief(article: Article, count: int = MAX_SENTENCES) -> tuple[str, ...]:
    """Up to `count` sentences from the article, in its order; () when it has key points.

    Also () for an article too short to need one or with fewer sentences
    than the brief would hold (its body would be the brief).
    """
    if article.key_points or count <= 0:
        return ()
    sentences = candidate_sentences(article)
    if len(sentences) <= count:
        return ()
    bags = [Counter(content_words(sentence)) for sentence in sentences]
    if sum(sentence.count(" ") + 1 for sentence in sentences) < MIN_BODY_WORDS:
        return ()
    frequency: Counter[str] = Counter()
    for bag in bags:
        frequency.update(bag.keys())
    total = len(bags)
    idf = {word: math.log((1 + total) / (1 + seen)) + 1.0 for word, seen in frequency.items()}
    vectors = [{word: n * idf[word] for word, n in bag.items()} for bag in bags]
    centroid: dict[str, float] = {}
    for vector in vectors:
        for word, weight in vector.items():
            centroid[word] = centroid.get(word, 0.0) + weight
    centroid_norm = math.sqrt(sum(weight * weight for weight in centroid.values()))
    title = set(content_words(article.title))
    scores: list[float] = []
    for index, sentence in enumerate(sentences):
        bag = bags[index]
        position = 1.0 / math.sqrt(1.0 + index)
        centrality = _cosine(vectors[index], centroid, centroid_norm)
        overlap = len(title & bag.keys()) / len(title) if title else 0.0
        score = POSITION_WEIGHT * position + CENTRALITY_WEIGHT * centrality
        score += TITLE_WEIGHT * overlap
        scores.append(score - _penalty(sentence, sentence.count(" ") + 1))

    chosen: list[int] = []
    for index in sorted(range(total), key=lambda number: (-scores[number], number)):
        words = bags[index].keys()
        if not words:
            continue
        if any(
            len(words & bags[other].keys()) / min(len(words), len(bags[other])) > REDUNDANCY
            for other in chosen
        ):
            continue
        chosen.append(index)
        if len(chosen) == count:
            break
    return tuple(sentences[index] for index in sorted(chosen))

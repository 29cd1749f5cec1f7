"""Synthetic articles and feeds for the benchmarks, reproducible from a seed.

Words follow a Zipf-like distribution over a made-up vocabulary, so a "common
term" matches a large share of the library (like "government" in real news)
and a "rare term" a handful of articles, which is what search cost depends on.
"""

from __future__ import annotations

import html
import random
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from newsreader.model.article import Article, Block, BlockKind, Quote

SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "su",
    "ta",
    "ri",
    "vo",
    "pe",
    "da",
    "lu",
    "si",
    "mo",
    "ra",
    "ve",
    "ni",
    "ko",
    "ba",
    "te",
    "fu",
]
COMMON_TERM = "government"
RARE_TERM = "quixotic"


def vocabulary(size: int = 6000, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    ordered = sorted(words)
    rng.shuffle(ordered)
    ordered[3] = COMMON_TERM  # rank 4: in most articles
    return ordered


class Writer:
    """Makes sentences with Zipf-distributed words."""

    def __init__(self, seed: int = 1) -> None:
        self.rng = random.Random(seed)
        self.words = vocabulary()
        self.weights = [1.0 / (rank + 1) for rank in range(len(self.words))]
        self._cum: list[float] = []
        total = 0.0
        for weight in self.weights:
            total += weight
            self._cum.append(total)

    def sentence(self, length: int) -> str:
        picks = self.rng.choices(self.words, cum_weights=self._cum, k=length)
        return picks[0].capitalize() + " " + " ".join(picks[1:]) + "."

    def paragraph(self, words: int) -> str:
        out: list[str] = []
        remaining = words
        while remaining > 0:
            n = min(remaining, self.rng.randint(8, 22))
            out.append(self.sentence(max(n, 2)))
            remaining -= n
        return " ".join(out)


def articles(count: int, *, words: int = 120, seed: int = 1) -> Iterator[Article]:
    """`count` small structured articles, one minute apart, newest last."""
    writer = Writer(seed)
    base = datetime(2020, 1, 1, tzinfo=UTC)
    for i in range(count):
        body = writer.paragraph(words)
        if i % 5000 == 17:
            body += f" A {RARE_TERM} plan emerged."
        quote = writer.sentence(9)
        yield Article(
            title=writer.sentence(7)[:-1] + f" {i}",
            key_points=[writer.sentence(10)],
            blocks=[
                Block(BlockKind.PARAGRAPH, body),
                Block(BlockKind.QUOTE, quote, speaker="Ada Quill"),
            ],
            quotes=[Quote(quote, "Ada Quill", 1, 0, len(quote))],
            source=f"Source {i % 25}",
            published=base + timedelta(minutes=i),
        )


def long_article(words: int, *, seed: int = 3) -> Article:
    """One article of about `words` words, with key points, headings and quotes."""
    writer = Writer(seed)
    blocks: list[Block] = []
    quotes: list[Quote] = []
    written = 0
    while written < words:
        if len(blocks) % 12 == 0:
            blocks.append(Block(BlockKind.HEADING, writer.sentence(4)[:-1]))
        if len(blocks) % 9 == 4:
            text = writer.sentence(14)
            quotes.append(Quote(text, "Ada Quill", len(blocks), 0, len(text)))
            blocks.append(Block(BlockKind.QUOTE, text, speaker="Ada Quill"))
        blocks.append(Block(BlockKind.PARAGRAPH, writer.paragraph(90)))
        written += 90
    return Article(
        title=f"A {words:,}-word article",
        key_points=[writer.sentence(12) for _ in range(3)],
        blocks=blocks,
        quotes=quotes,
        source="Benchmarks",
        published=datetime(2030, 1, 1, tzinfo=UTC),
    )


def text_file(i: int, writer: Writer) -> str:
    """A plain-text article in the layout the parser reads."""
    return (
        f"×\n\n{writer.sentence(8)[:-1]} number {i}\n\n"
        f"  • {writer.sentence(12)}\n  • {writer.sentence(10)}\n\n"
        f"{writer.paragraph(120)}\n\n"
        f'"{writer.sentence(12)[:-1]}," Ada Quill said.\n\n'
        f"{writer.paragraph(150)}\n\nA short subheading\n\n{writer.paragraph(120)}\n"
    )


def atom_feed(feed: int, items: int, writer: Writer) -> bytes:
    entries = []
    for j in range(items):
        entries.append(
            f"<entry><id>urn:bench:{feed}:{j}</id><title>{writer.sentence(7)}</title>"
            f'<link href="https://feed{feed}.example/{j}"/>'
            f"<updated>2026-01-{1 + j % 28:02d}T10:00:00Z</updated>"
            f'<content type="html">&lt;p&gt;{writer.paragraph(80)}&lt;/p&gt;</content></entry>'
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<feed xmlns="http://www.w3.org/2005/Atom"><title>Feed {feed}</title>'
        f"<id>urn:bench:{feed}</id><updated>2026-01-01T00:00:00Z</updated>"
        + "".join(entries)
        + "</feed>"
    ).encode()


def article_feed(feed: int, items: int, articles: list[str]) -> bytes:
    """An RSS 2.0 feed of full articles: each item's `content:encoded` is one of
    `articles` (real pages' cleaned HTML, taken in turn), with a short plain summary.

    Why beside `atom_feed`: its one-paragraph entries cost a parser almost nothing
    but the XML, while full-content feeds (many blogs and papers) carry whole
    articles of headings, lists, figures, links and quotations in every item.
    """
    entries = []
    for j in range(items):
        article = articles[(feed * items + j) % len(articles)]
        summary = " ".join(re.sub(r"<[^>]*>", " ", article).split())[:300]
        entries.append(
            f"<item><title>Feed {feed} article {j}</title>"
            f"<link>https://feed{feed}.example/articles/{j}</link>"
            f'<guid isPermaLink="false">bench-{feed}-{j}</guid>'
            f"<pubDate>{(1 + j % 28):02d} Jan 2026 10:00:00 +0000</pubDate>"
            f"<description>{html.escape(summary)}</description>"
            f"<content:encoded>{html.escape(article)}</content:encoded></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>Feed {feed}</title><link>https://feed{feed}.example/</link>"
        + "".join(entries)
        + "</channel></rss>"
    ).encode()

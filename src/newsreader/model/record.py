"""An article reduced to the values the library writes for it.

The store is one SQLite writer, so everything an insert needs that is not SQL
(sanitising every field, the content hash, the JSON of the body) is worked out
here, where it can run anywhere: import
workers build records in parallel and hand the writer nothing but SQL to run.
A record is also a flat tuple of strings, which passes between processes about
fifteen times faster than the `Article` it was built from. The text the
full-text index sees is read back from the stored content (`search_fields`).

Nothing here does I/O or imports SQLite.
"""

from __future__ import annotations

import json
from datetime import UTC
from typing import NamedTuple

from newsreader.model.article import Article, Block, Quote
from newsreader.sanitize import clean_line, clean_text, has_unsafe
from newsreader.urls import is_safe_web_url

LEFT_OUT = "*"
"""What `Library.entry_digests` gives for an entry the user deleted: a refresh leaves it out
whatever it says, since the library never stores it again (not a digest: those are hex)."""


class ArticleRecord(NamedTuple):
    """The columns of one article's rows, sanitised; build it with `record_for`."""

    title: str
    title_key: str
    content_hash: str
    guid: str | None
    source: str
    url: str | None
    published: str | None
    """ISO 8601, as given by the source (None when it gave no date)."""
    published_ts: float | None
    """`published` as a Unix time for sorting; None when absent or out of range."""
    words: int
    content: str
    """Key points, blocks and quotes as JSON: what the reader shows (and the search index
    reads, `search_fields`)."""
    links: str | None = None
    """The article's links as JSON `[[text, url], ...]`; None when it has none."""
    enclosures: str | None = None
    """Its enclosures as JSON `[{"url", "type", "length"}, ...]`; None when it has none."""
    author: str | None = None
    """The feed entry's author (one line), for filters; None when it names none."""
    entry_digest: str | None = None
    """The digest of the feed entry it was made from (`parse.feed.entry_digest`): a refresh
    that gets an entry with the digest stored skips making it again. None for files."""


def record_for(article: Article, *, entry_digest: str | None = None) -> ArticleRecord:
    """Everything the store writes for `article`, its text sanitised once more.

    Parsers already sanitise, but this is the last step before text is stored
    and later shown, and callers (benchmarks, future importers) may build
    Articles by hand. `entry_digest` is the feed entry's it was made from, if known.
    """
    # Defence in depth, on purpose: the trust boundary is `parse/`'s output (see
    # `sanitize`); this second pass is a no-op scan for parsed articles and catches the rest.
    article = _clean_article(article)
    return ArticleRecord(
        title=article.title,
        title_key=_title_key(article.title),
        content_hash=article.content_hash(),
        guid=article.guid,
        source=article.source,
        url=article.url,
        published=article.published.isoformat() if article.published else None,
        published_ts=_timestamp(article),
        words=article.words,
        content=_encode_content(article),
        links=_encode_links(article),
        enclosures=_encode_enclosures(article),
        author=(clean_line(article.author)[:500] or None) if article.author else None,
        entry_digest=entry_digest,
    )


_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
"""`json.dumps(..., ensure_ascii=False, separators=(",", ":"))` without building an encoder
for every call, as `dumps` does whenever it is given options."""


def _encode_links(article: Article) -> str | None:
    links = [[text, url] for text, url in article.links if is_safe_web_url(url)]
    return _JSON.encode(links) if links else None


def _encode_enclosures(article: Article) -> str | None:
    enclosures = [item.to_dict() for item in article.enclosures if is_safe_web_url(item.url)]
    return _JSON.encode(enclosures) if enclosures else None


def _title_key(title: str) -> str:
    """Sort key for title order: case- and accent-insensitive enough for a list."""
    return title.casefold().lstrip("\"'“‘([ ")


def _encode_content(article: Article) -> str:
    spelled = _spell_content(article)
    if spelled is not None:
        return spelled
    return _JSON.encode(
        {
            "key_points": article.key_points,
            "blocks": [block.to_dict() for block in article.blocks],
            "quotes": [quote.to_dict() for quote in article.quotes],
        }
    )


_ENCODE_STRING = json.encoder.encode_basestring
"""How `json` writes a string when `ensure_ascii=False` (the C speedup where it is built)."""


def _string(text: str) -> str:
    """`_ENCODE_STRING(text)` for text `_clean_article` has passed: its only control
    characters can be tab and newline, so text without those, `"` and `\\` needs no escape
    (`json` escapes nothing else), and four substring scans are far cheaper than its own."""
    if '"' in text or "\\" in text or "\n" in text or "\t" in text:
        return _ENCODE_STRING(text)
    return f'"{text}"'


def _spell_content(article: Article) -> str | None:
    """`_JSON.encode` of the content dict of a `_clean_article` result, written out directly;
    None for an odd value.

    Why: `JSONEncoder.encode` builds its C encoder on every call, which cost more
    than encoding a typical entry. Only the plain shapes are spelled here (lists of
    exact `str`, `Block` and `Quote`, `int` offsets); anything else, a subclass or
    a value of another type, returns None and takes the encoder's path, so the
    text is always exactly what it would write.
    """
    points, blocks, quotes = article.key_points, article.blocks, article.quotes
    if type(points) is not list or type(blocks) is not list or type(quotes) is not list:
        return None
    string = _string
    parts = ['{"key_points":[']
    for number, point in enumerate(points):
        if type(point) is not str:
            return None
        parts.append(string(point) if not number else "," + string(point))
    parts.append('],"blocks":[')
    for number, block in enumerate(blocks):
        text, credit, speaker = block.text, block.credit, block.speaker
        if type(block) is not Block or type(text) is not str:
            return None
        parts.append('{"kind":' if not number else ',{"kind":')
        parts += (_ENCODE_STRING(str(block.kind)), ',"text":', string(text))
        if credit is not None:
            if type(credit) is not str:
                return None
            parts += (',"credit":', string(credit))
        if speaker is not None:
            if type(speaker) is not str:
                return None
            parts += (',"speaker":', string(speaker))
        parts.append("}")
    parts.append('],"quotes":[')
    for number, quote in enumerate(quotes):
        text, speaker, at = quote.text, quote.speaker, quote.block
        start, end = quote.start, quote.end
        if type(quote) is not Quote or type(text) is not str:
            return None
        if type(at) is not int or type(start) is not int or type(end) is not int:
            return None
        if speaker is not None and type(speaker) is not str:
            return None
        parts += (
            '{"text":' if not number else ',{"text":',
            string(text),
            ',"speaker":',
            "null" if speaker is None else string(speaker),
            f',"block":{at},"start":{start},"end":{end}}}',
        )
    parts.append("]}")
    return "".join(parts)


def _clean_article(article: Article) -> Article:
    """`article` with every text field sanitised (itself when already clean, the usual case).

    One scan over every field finds the usual case cheaply.
    """
    fields = [article.title, article.source, article.guid or "", *article.key_points]
    for block in article.blocks:
        fields += (block.text, block.credit or "", block.speaker or "")
    for pull in article.quotes:
        fields += (pull.text, pull.speaker or "")
    for text, _url in article.links:
        fields.append(text)
    for enclosure in article.enclosures:
        fields.append(enclosure.type)
    title = article.title
    one_line = title.strip() and title == " ".join(title.split())
    if one_line and not has_unsafe("".join(fields)):
        return article
    blocks = [
        Block(
            kind=block.kind,
            text=clean_text(block.text),
            credit=clean_line(block.credit) if block.credit else None,
            speaker=clean_line(block.speaker) if block.speaker else None,
        )
        for block in article.blocks
    ]
    quotes = [
        Quote(
            text=clean_text(quote.text),
            speaker=clean_line(quote.speaker) if quote.speaker else None,
            block=quote.block,
            start=quote.start,
            end=quote.end,
        )
        for quote in article.quotes
    ]
    return Article(
        title=clean_line(article.title) or "(untitled)",
        blocks=blocks,
        key_points=[clean_line(point) for point in article.key_points if clean_line(point)],
        quotes=quotes,
        source=clean_line(article.source),
        url=article.url,
        published=article.published,
        guid=clean_line(article.guid) if article.guid else None,
        links=[(clean_line(text), url) for text, url in article.links],
        enclosures=[item._replace(type=clean_line(item.type)) for item in article.enclosures],
        author=article.author,
    )


def search_fields(title: str, content: str) -> tuple[str, str, str, str]:
    """The full-text index's columns of a stored article, from its title and content JSON.

    Why from the JSON: the index is built after the articles are stored
    (`store.search_index`), from what the library holds; filters read the same.
    The columns are the title, the key points one per line, the body as
    `Article.body_text` (each block's text and credit a paragraph each), and each
    quote after its speaker. Content that is not the JSON `record_for` writes
    gives its title alone, never an error.
    """
    try:
        data = json.loads(content)
    except ValueError:
        return title, "", "", ""
    if not isinstance(data, dict):
        return title, "", "", ""
    points = data.get("key_points") or []
    parts: list[str] = []
    for block in data.get("blocks") or []:
        if isinstance(block, dict):
            parts.append(str(block.get("text") or ""))
            if block.get("credit"):
                parts.append(str(block["credit"]))
    quotes = "\n".join(
        f"{quote.get('speaker')}: {quote.get('text') or ''}"
        if quote.get("speaker")
        else str(quote.get("text") or "")
        for quote in data.get("quotes") or []
        if isinstance(quote, dict)
    )
    return title, "\n".join(str(point) for point in points), "\n\n".join(parts), quotes


def filtered_text(content: str) -> str:
    """What a filter's `content` matches in a stored article: its key points, then its body."""
    _title, key_points, body, _quotes = search_fields("", content)
    return f"{key_points}\n{body}"


def _timestamp(article: Article) -> float | None:
    if article.published is None:
        return None
    published = article.published
    if published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    try:
        return published.timestamp()
    except (OverflowError, OSError, ValueError):
        return None

"""The `e` use case: replace a feed summary by the article from its web page.

Lives here rather than in the reader screen so the screen never reaches the
network or a parser itself; a future `newsreader fetch ID` would call the same
function. The page is stored with `Library.replace_content`, so it reads
offline later.
"""

from __future__ import annotations

import re

from newsreader.errors import NewsreaderError
from newsreader.model.article import Article, BlockKind
from newsreader.store import Library, StoredArticle
from newsreader.urls import is_safe_web_url

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
"""Media types worth extracting an article from; anything else is refused unread."""
UNTYPED = frozenset({"", "text/plain"})
"""Types servers send for anything (no header, a default): decided by sniffing the bytes."""
MIN_SHARE = 0.5
"""A page with less than this share of the stored text's words is worse than what we hold."""

_BINARY_MAGIC = (
    b"%PDF",
    b"PK\x03\x04",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"ID3",
    b"OggS",
    b"\x1f\x8b",
    b"RIFF",
    b"fLaC",
    b"\x7fELF",
)
"""Starts of files that are never a page (PDF, zip, images, audio, gzip, executables)."""
_MARKUP = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|title|p|div|article|main|section|h[1-6])[\s>/]",
    re.IGNORECASE,
)
_SNIFF_BYTES = 4096


class FullTextError(Exception):
    """Why the full article could not be fetched: "HTTP 404 Not Found", "timed out …".

    Not a `NewsreaderError`: the message is the reason alone, for a caller that
    already names the URL, and the caller decides how to show it.
    """


def fetch_full_article(library: Library, stored: StoredArticle) -> StoredArticle:
    """Fetch `stored`'s web page, extract the article, store it as the full text.

    Blocking (call it from a thread worker). The stored title and source are
    kept, the stored date where the page has none; the link and the entry's
    identity (guid, read state, bookmark) never change. Raises `FullTextError`
    when the link is not a web page or its text would be worse than the stored
    text; the stored article is then left exactly as it was.
    """
    # Imported here: httpx and the HTML parser are heavy and only `e` needs them.
    from newsreader.fetch import fetch_one
    from newsreader.parse.html_page import parse_html

    original = stored.article
    url = original.url
    if not url or not is_safe_web_url(url):
        raise FullTextError("no http(s) link to fetch")
    result = fetch_one(url)
    if result.error:
        raise FullTextError(result.error)
    if not result.body:
        raise FullTextError("the server sent an empty page")
    refuse_non_html(result.body, result.content_type)
    try:
        page = parse_html(result.body, name=url, url=result.url, content_type=result.content_type)
    except NewsreaderError as exc:
        reason = str(exc)
        raise FullTextError(reason.removeprefix(f"{url}: ")) from None
    # The list's title and source stay as the feed gave them (a page without
    # a headline gets its first words as a title, and no site name its host).
    page.title = original.title or page.title
    page.source = original.source or page.source
    # The feed entry's date is when the story was published to the user; a
    # page's own date (often "updated at") would move it in the list.
    page.published = original.published or page.published
    page.url = url
    page.guid = original.guid
    refuse_worse(page, original)
    try:
        library.replace_content(stored.id, page, full_text=True)
        return library.get(stored.id)
    except NewsreaderError as exc:
        raise FullTextError(f"could not store it: {exc}") from None


def media_type(content_type: str | None) -> str:
    """`text/html; charset=utf-8` -> `text/html` (lower case, "" when absent)."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def refuse_non_html(body: bytes, content_type: str | None) -> None:
    """Raise `FullTextError` unless `body` is an HTML page, by its type and its bytes.

    Why both: a server's type may be missing or wrong (`text/plain` for
    everything), and a download link (a PDF, `application/octet-stream`) once
    became thousands of "words" of mojibake stored over the feed's text.
    """
    kind = media_type(content_type)
    if kind not in HTML_TYPES and kind not in UNTYPED:
        raise FullTextError(f"not a web page (the server says it is {kind}): kept the feed's text")
    head = body[:_SNIFF_BYTES]
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(_BINARY_MAGIC) or b"\x00" in head:
        raise FullTextError("not a web page (the link is a binary file): kept the feed's text")
    if _MARKUP.search(head) is None:
        raise FullTextError("not a web page (no HTML markup in it): kept the feed's text")


def refuse_worse(page: Article, original: Article) -> None:
    """Raise `FullTextError` when `page` would replace `original` by less text.

    The point of `e` is more of the story; a cookie wall, a paywall teaser or
    a page of links extracted as the article would lose what the feed gave.
    """
    if not any(block.kind is BlockKind.PARAGRAPH and block.text for block in page.blocks):
        raise FullTextError("the page has no paragraphs of text: kept the feed's text")
    held = original.words
    found = page.words
    if held and found < held * MIN_SHARE:
        raise FullTextError(
            f"the page has {found:,} words, far fewer than the {held:,} already stored:"
            " kept the feed's text"
        )

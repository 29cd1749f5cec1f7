"""The `e` use case: replace a feed summary by the article from its web page.

Lives here rather than in the reader screen so the screen never reaches the
network or a parser itself; a future `newsreader fetch ID` would call the same
function. The page is stored with `Library.replace_content`, so it reads
offline later.
"""

from __future__ import annotations

from newsreader.errors import NewsreaderError
from newsreader.store import Library, StoredArticle
from newsreader.urls import is_safe_web_url


class FullTextError(Exception):
    """Why the full article could not be fetched: "HTTP 404 Not Found", "timed out …".

    Not a `NewsreaderError`: the message is the reason alone, for a caller that
    already names the URL, and the caller decides how to show it.
    """


def fetch_full_article(library: Library, stored: StoredArticle) -> StoredArticle:
    """Fetch `stored`'s web page, extract the article, store it as the full text.

    Blocking (call it from a thread worker). The stored title and source are
    kept, the stored date where the page has none; the link and the entry's
    identity (guid, read state, bookmark) never change. Raises `FullTextError`.
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
    try:
        page = parse_html(result.body, name=url, url=result.url, content_type=result.content_type)
    except NewsreaderError as exc:
        reason = str(exc)
        raise FullTextError(reason.removeprefix(f"{url}: ")) from None
    # The list's title and source stay as the feed gave them (a page without
    # a headline gets its first words as a title, and no site name its host).
    page.title = original.title or page.title
    page.source = original.source or page.source
    page.published = page.published or original.published
    page.url = url
    page.guid = original.guid
    try:
        library.replace_content(stored.id, page, full_text=True)
        return library.get(stored.id)
    except NewsreaderError as exc:
        raise FullTextError(f"could not store it: {exc}") from None

"""Articles and list rows as Rich `Text` for the terminal (`newsreader show`, `list`, `search`).

Every piece of article text is appended as plain data with a style, never
parsed as markup, so `[@click=…]` or `[bold]` in a headline prints literally.
The text was sanitised at the store, so no escape sequence can be in it.
What is drawn comes from `render.layout`; this module only styles it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from newsreader.render.layout import (
    BRIEF_LABEL,
    BlockQuote,
    Brief,
    Caption,
    Heading,
    KeyPoints,
    Link,
    Links,
    Media,
    Meta,
    Paragraph,
    PullQuotes,
    Title,
    stored_layout,
)

if TYPE_CHECKING:
    from rich.text import Text

    from newsreader.model.library import ArticleRow, StoredArticle

TITLE = "bold"
META = "dim"
FLAGS = "yellow"
KEY_POINTS_LABEL = "bold cyan"
KEY_POINT = "cyan"
HEADING = "bold underline"
CAPTION = "dim italic"
QUOTE_BAR = "magenta"
QUOTE = "italic magenta"
SPEAKER = "bold magenta"
BRIEF_LABEL_STYLE = "bold yellow"
BRIEF = "italic"
MATCH = "bold reverse"


def article_text(stored: StoredArticle, *, brief: bool = False) -> Text:
    """The whole article as one Rich `Text` (key points and quotes highlighted).

    With `brief`, an article without key points gets the generated brief,
    labelled and styled apart from key points.
    """
    from rich.text import Text

    out = Text()
    for element in stored_layout(stored, brief=brief):
        if isinstance(element, Paragraph):
            out.append("\n")
            para = Text(element.text)
            for span in element.quotes:
                para.stylize(QUOTE, span.start, span.end)
            out.append_text(para)
            out.append("\n")
        elif isinstance(element, Heading):
            out.append("\n")
            out.append(element.text + "\n", style=HEADING)
        elif isinstance(element, Caption):
            out.append("\n")
            out.append(element.text, style=CAPTION)
            if element.credit:
                out.append(f"  ({element.credit})", style=META)
            out.append("\n")
        elif isinstance(element, BlockQuote):
            out.append("\n")
            out.append("▌ ", style=QUOTE_BAR)
            out.append(element.text + "\n", style=QUOTE)
            if element.speaker:
                out.append(f"  — {element.speaker}\n", style=SPEAKER)
        elif isinstance(element, Title):
            out.append(element.text + "\n", style=TITLE)
        elif isinstance(element, Meta):
            out.append(element.text, style=META)
            flags = ("● unread  " if element.unread else "") + (
                "★ bookmarked" if element.bookmarked else ""
            )
            if flags:
                out.append("  " + flags, style=FLAGS)
            out.append("\n")
        elif isinstance(element, Link):
            out.append(element.url + "\n", style=META)
        elif isinstance(element, Media):
            for url, label in element.items:
                out.append(f"▶ {label}  {url}\n", style=META)
        elif isinstance(element, Links):
            out.append("\nLinks\n", style=KEY_POINTS_LABEL)
            for number, (text, url) in enumerate(element.links, start=1):
                out.append(f"  [{number}] ", style=KEY_POINTS_LABEL)
                out.append(text, style=KEY_POINT)
                out.append(f"  {url}\n", style=META)
        elif isinstance(element, KeyPoints):
            out.append("\nKey points\n", style=KEY_POINTS_LABEL)
            for point in element.points:
                out.append("  • ", style=KEY_POINTS_LABEL)
                out.append(point + "\n", style=KEY_POINT)
        elif isinstance(element, Brief):
            out.append(f"\n{BRIEF_LABEL}\n", style=BRIEF_LABEL_STYLE)
            for sentence in element.sentences:
                out.append("  · ", style=BRIEF_LABEL_STYLE)
                out.append(sentence + "\n", style=BRIEF)
        elif isinstance(element, PullQuotes):
            out.append("\nPull quotes\n", style=KEY_POINTS_LABEL)
            for quote in element.quotes:
                out.append("  “" + quote.text + "”", style=QUOTE)
                out.append(f" — {quote.speaker or 'unattributed'}\n", style=SPEAKER)
    return out


def row_text(row: ArticleRow, *, width: int = 100) -> Text:
    """One line of `newsreader list`: id, unread dot, bookmark star, date, title, source."""
    from rich.text import Text

    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(f"{row.id:>6} ", style=META)
    line.append("●" if not row.read else " ", style="cyan")
    line.append("★" if row.bookmarked else " ", style="yellow")
    date = row.published.strftime("%Y-%m-%d") if row.published else "          "
    line.append(f" {date}  ", style=META)
    line.append(row.title, style="bold" if not row.read else "")
    if row.source:
        line.append(f"  ({row.source})", style=META)
    line.truncate(width, overflow="ellipsis")
    return line


def snippet_text(snippet: str, highlights: Iterable[tuple[int, int]]) -> Text:
    """A search hit's snippet, dim, with the matched words in reverse video."""
    from rich.text import Text

    text = Text(snippet, style=META)
    for start, end in highlights:
        text.stylize(MATCH, start, end)
    return text

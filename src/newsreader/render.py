"""Turn a stored article into Rich `Text` for the terminal (`newsreader show`).

Every piece of article text is appended as plain data with a style, never
parsed as markup, so `[@click=…]` or `[bold]` in a headline prints literally.
The text was sanitised at the store, so no escape sequence can be in it.
Also renders Markdown for `export --format markdown`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from newsreader.model.article import BlockKind, Quote

if TYPE_CHECKING:
    from rich.text import Text

    from newsreader.store import ArticleRow, StoredArticle

TITLE = "bold"
META = "dim"
KEY_POINTS_LABEL = "bold cyan"
KEY_POINT = "cyan"
HEADING = "bold underline"
CAPTION = "dim italic"
QUOTE_BAR = "magenta"
QUOTE = "italic magenta"
SPEAKER = "bold magenta"
MATCH = "bold reverse"


def _quotes_by_block(quotes: Iterable[Quote]) -> dict[int, list[Quote]]:
    grouped: dict[int, list[Quote]] = {}
    for quote in quotes:
        grouped.setdefault(quote.block, []).append(quote)
    return grouped


def article_text(stored: StoredArticle) -> Text:
    """The whole article as one Rich `Text` (key points and quotes highlighted)."""
    from rich.text import Text

    article = stored.article
    out = Text()
    flags = ("● unread  " if not stored.read else "") + (
        "★ bookmarked" if stored.bookmarked else ""
    )
    out.append(article.title + "\n", style=TITLE)
    out.append(article.meta_line(), style=META)
    if flags:
        out.append("  " + flags, style="yellow")
    out.append("\n")
    if article.url:
        out.append(article.url + "\n", style=META)
    if article.key_points:
        out.append("\nKey points\n", style=KEY_POINTS_LABEL)
        for point in article.key_points:
            out.append("  • ", style=KEY_POINTS_LABEL)
            out.append(point + "\n", style=KEY_POINT)
    quotes = _quotes_by_block(article.quotes)
    for index, block in enumerate(article.blocks):
        out.append("\n")
        if block.kind == BlockKind.HEADING:
            out.append(block.text + "\n", style=HEADING)
        elif block.kind == BlockKind.CAPTION:
            out.append(block.text, style=CAPTION)
            if block.credit:
                out.append(f"  ({block.credit})", style=META)
            out.append("\n")
        elif block.kind == BlockKind.QUOTE:
            out.append("▌ ", style=QUOTE_BAR)
            out.append(block.text + "\n", style=QUOTE)
            if block.speaker:
                out.append(f"  — {block.speaker}\n", style=SPEAKER)
        else:
            para = Text(block.text)
            for quote in quotes.get(index, []):
                if 0 <= quote.start < quote.end <= len(block.text):
                    para.stylize(QUOTE, quote.start, quote.end)
            out.append_text(para)
            out.append("\n")
    if article.quotes:
        out.append("\nPull quotes\n", style=KEY_POINTS_LABEL)
        for quote in article.quotes:
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
    from rich.text import Text

    text = Text(snippet, style=META)
    for start, end in highlights:
        text.stylize(MATCH, start, end)
    return text


def _md_escape(text: str) -> str:
    """Escape characters Markdown would treat as syntax at the start of a line or inline."""
    out = []
    for ch in text:
        if ch in "\\`*_[]<>#|":
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def article_markdown(stored: StoredArticle) -> str:
    """One article as Markdown, for `export --format markdown`."""
    article = stored.article
    lines = [f"# {_md_escape(article.title)}", "", f"*{_md_escape(article.meta_line())}*"]
    if article.url:
        lines += ["", f"<{article.url}>"]
    if article.key_points:
        lines += ["", "**Key points**", ""]
        lines += [f"- {_md_escape(point)}" for point in article.key_points]
    for block in article.blocks:
        lines.append("")
        text = _md_escape(block.text).replace("\n", " ")
        if block.kind == BlockKind.HEADING:
            lines.append(f"## {text}")
        elif block.kind == BlockKind.CAPTION:
            credit = f" ({_md_escape(block.credit)})" if block.credit else ""
            lines.append(f"*{text}*{credit}")
        elif block.kind == BlockKind.QUOTE:
            lines.append(f"> {text}")
            if block.speaker:
                lines.append(f">\n> — {_md_escape(block.speaker)}")
        else:
            lines.append(text)
    return "\n".join(lines) + "\n"

"""Articles as Markdown, for `newsreader export --format markdown`.

What is written comes from `render.layout`; this module only spells it in
Markdown, escaping every character Markdown would read as syntax. Like the
Markdown export always did, it leaves out the library state and the pull
quotes (they are in the body already).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsreader.render.layout import (
    BlockQuote,
    Caption,
    Heading,
    KeyPoints,
    Link,
    Meta,
    Paragraph,
    Title,
    article_layout,
)

if TYPE_CHECKING:
    from newsreader.model.library import StoredArticle

_SYNTAX = frozenset("\\`*_[]<>#|")


def md_escape(text: str) -> str:
    """Escape characters Markdown would treat as syntax at the start of a line or inline."""
    return "".join("\\" + ch if ch in _SYNTAX else ch for ch in text)


def article_markdown(stored: StoredArticle) -> str:
    """One article as Markdown."""
    lines: list[str] = []
    for element in article_layout(stored.article):
        if isinstance(element, Title):
            lines.append(f"# {md_escape(element.text)}")
        elif isinstance(element, Meta):
            lines += ["", f"*{md_escape(element.text)}*"]
        elif isinstance(element, Link):
            lines += ["", f"<{element.url}>"]
        elif isinstance(element, KeyPoints):
            lines += ["", "**Key points**", ""]
            lines += [f"- {md_escape(point)}" for point in element.points]
        elif isinstance(element, Heading | Paragraph | Caption | BlockQuote):
            lines.append("")
            text = md_escape(element.text).replace("\n", " ")
            if isinstance(element, Heading):
                lines.append(f"## {text}")
            elif isinstance(element, Caption):
                credit = f" ({md_escape(element.credit)})" if element.credit else ""
                lines.append(f"*{text}*{credit}")
            elif isinstance(element, BlockQuote):
                lines.append(f"> {text}")
                if element.speaker:
                    lines.append(f">\n> — {md_escape(element.speaker)}")
            else:
                lines.append(text)
    return "\n".join(lines) + "\n"

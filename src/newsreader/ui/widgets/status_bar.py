"""One-line bars above the list and the reader.

Built from `Text` with styles from component classes (so themes apply) and
never from markup: titles and sources shown here are untrusted.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.widgets import Static

FILTER_LABELS: dict[str, str] = {"all": "All", "unread": "Unread", "bookmarked": "Bookmarked"}


class FilterBar(Static):
    """`All 120 · Unread 37 · Bookmarked 4` with the active filter marked, or the search state."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "filter-bar--active",
        "filter-bar--inactive",
        "filter-bar--position",
    }

    def show_filters(self, active: str, counts: dict[str, int], position: str = "") -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        for i, (name, label) in enumerate(FILTER_LABELS.items()):
            if i:
                text.append(" · ", self.get_component_rich_style("filter-bar--inactive"))
            style = "filter-bar--active" if name == active else "filter-bar--inactive"
            text.append(f" {label} {counts.get(name, 0)} ", self.get_component_rich_style(style))
        if position:
            text.append("   ")
            text.append(position, self.get_component_rich_style("filter-bar--position"))
        self.plain = text.plain
        self.update(text)

    def show_search(self, query: str, hits: int | None) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" Search ", self.get_component_rich_style("filter-bar--active"))
        text.append(" ")
        if not query:
            text.append("type to search titles, key points, quotes and text")
        elif hits is None:
            text.append("searching…")
        else:
            text.append(
                f"{hits} hit{'s' if hits != 1 else ''}" + (" (best 50)" if hits >= 50 else "")
            )
        text.append("   escape clears", self.get_component_rich_style("filter-bar--inactive"))
        self.plain = text.plain
        self.update(text)

    plain = ""
    """The bar's current text (tests)."""


class ReaderBar(Static):
    """Source and the article's state (bookmarked, read) above the reader."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "filter-bar--active",
        "filter-bar--inactive",
        "reader-bar--mark",
    }

    plain = ""

    def show_state(self, source: str, read: bool, bookmarked: bool) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" ‹ ", self.get_component_rich_style("filter-bar--inactive"))
        text.append(source or "article", self.get_component_rich_style("filter-bar--active"))
        text.append("   ")
        mark = self.get_component_rich_style("reader-bar--mark")
        text.append("★ bookmarked" if bookmarked else "☆ not bookmarked", mark)
        text.append("  ·  ")
        text.append("read" if read else "● unread", mark)
        self.plain = text.plain
        self.update(text)

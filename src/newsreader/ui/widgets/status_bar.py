"""One-line bars above the list and the reader.

Built from `Text` with styles from component classes (so themes apply) and
never from markup: titles and sources shown here are untrusted.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from newsreader.model.library import Filter

FILTER_LABELS: dict[Filter, str] = {"all": "All", "unread": "Unread", "bookmarked": "Bookmarked"}


class FilterBar(Static):
    """`All 120 · Unread 37 · Bookmarked 4` with the active filter marked, or the search state."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "filter-bar--active",
        "filter-bar--inactive",
        "filter-bar--position",
        "filter-bar--scope",
        "filter-bar--error",
    }

    def show_filters(
        self,
        active: str,
        counts: dict[str, int],
        position: str = "",
        *,
        scope: str = "",
        failing: bool = False,
        note: str = "",
    ) -> None:
        """`scope` ("Feed: Harbour Gazette") leads when the sidebar narrowed the list.

        `note` ("offline — 12 changes waiting") ends the bar, marked like an error.
        """
        text = Text(no_wrap=True, overflow="ellipsis")
        if scope:
            text.append(f" {scope} ", self.get_component_rich_style("filter-bar--scope"))
            if failing:
                text.append(" ! ", self.get_component_rich_style("filter-bar--error"))
            text.append(" ")
        for i, (name, label) in enumerate(FILTER_LABELS.items()):
            if i:
                text.append(" · ", self.get_component_rich_style("filter-bar--inactive"))
            style = "filter-bar--active" if name == active else "filter-bar--inactive"
            text.append(f" {label} {counts.get(name, 0)} ", self.get_component_rich_style(style))
        if position:
            text.append("   ")
            text.append(position, self.get_component_rich_style("filter-bar--position"))
        if note:
            text.append("   ")
            text.append(f" {note} ", self.get_component_rich_style("filter-bar--error"))
        self.update(text, layout=False)  # fixed 1-line bar: no relayout per key press

    search_scope = ""
    """The feed or folder a library search is narrowed to ("" for the whole library)."""

    def show_search(self, query: str, hits: int | None) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        label = f" Search in {self.search_scope} " if self.search_scope else " Search "
        text.append(label, self.get_component_rich_style("filter-bar--active"))
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
        self.update(text, layout=False)  # fixed 1-line bar: no relayout per key press


class ReaderBar(Static):
    """Source and the article's state (bookmarked, read) above the reader."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "filter-bar--active",
        "filter-bar--inactive",
        "reader-bar--mark",
    }

    def show_state(self, source: str, read: bool, bookmarked: bool, busy: str = "") -> None:
        """`busy` ("Fetching full article…") is appended while a fetch runs."""
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" ‹ ", self.get_component_rich_style("filter-bar--inactive"))
        text.append(source or "article", self.get_component_rich_style("filter-bar--active"))
        text.append("   ")
        mark = self.get_component_rich_style("reader-bar--mark")
        text.append("★ bookmarked" if bookmarked else "☆ not bookmarked", mark)
        text.append("  ·  ")
        text.append("read" if read else "● unread", mark)
        if busy:
            text.append("  ·  ")
            text.append(busy, self.get_component_rich_style("filter-bar--active"))
        self.update(text, layout=False)  # fixed 1-line bar: no relayout per key press


class RefreshBar(Horizontal):
    """`Refreshing 12/50 · Harbour Gazette` and a progress bar; hidden between refreshes."""

    def __init__(self, *, id: str | None = None) -> None:
        # Imported here: the bar is built on the first refresh, and importing the
        # progress bar module at the top would tax every start-up.
        from textual.widgets import ProgressBar

        super().__init__(id=id)
        # Held directly so the bar works the moment it is mounted lazily, before compose.
        self._text = Static(id="refresh-label")
        self._progress = ProgressBar(
            total=1, show_percentage=False, show_eta=False, id="refresh-progress"
        )

    def compose(self) -> ComposeResult:
        yield self._text
        yield self._progress

    @property
    def running(self) -> bool:
        return self.has_class("-visible")

    def start(self, total: int) -> None:
        self.add_class("-visible")
        self._progress.update(total=max(1, total), progress=0)
        self._label(f"Refreshing 0/{total}…")

    def step(self, done: int, total: int, title: str) -> None:
        self._progress.update(total=max(1, total), progress=done)
        self._label(f"Refreshing {done}/{total}" + (f" · {title}" if title else ""))

    def show_progress(self, label: str, done: int = 0, total: int | None = None) -> None:
        """Another background job's progress (a sync): `label`, and the bar when `total` is known.

        Without a total the bar pulses (Textual's indeterminate progress).
        """
        self.add_class("-visible")
        self._progress.update(total=max(1, total) if total else None, progress=done)
        self._label(label)

    def stop(self) -> None:
        self.remove_class("-visible")
        self._label("")

    def _label(self, value: str) -> None:
        self._text.update(Text(value, no_wrap=True, end=""))

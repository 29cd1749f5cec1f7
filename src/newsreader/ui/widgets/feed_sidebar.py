"""The feeds sidebar: "All articles", then folders (a feed's tags, nested) and feeds.

Short by nature (a few hundred subscriptions at most), so an `OptionList` is
fine here; the article list itself stays virtual. Every prompt is built from
`Text`, never markup: feed titles and errors come from strangers.

Which entry filters the list is a `FeedScope`; the list screen stores it with
`Library.set_state` and turns it into a `ListQuery`.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal, NamedTuple

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from newsreader.model.library import Feed
from newsreader.ui.folders import folder_label, folder_tree, in_folder
from newsreader.ui.keys import bindings

ScopeKind = Literal["all", "folder", "feed"]


class FeedScope(NamedTuple):
    """What the article list is narrowed to: everything, one folder, or one feed."""

    kind: ScopeKind = "all"
    feed_id: int | None = None
    folder: str | None = None
    label: str = "All articles"
    feed_ids: tuple[int, ...] = ()
    """The folder's feeds (empty for the other kinds)."""
    error: str | None = None
    """The feed's last refresh error (a folder: the first failing feed's)."""

    @property
    def option_id(self) -> str:
        if self.kind == "feed":
            return f"feed:{self.feed_id}"
        if self.kind == "folder":
            return f"folder:{self.folder}"
        return "all"

    def to_state(self) -> dict[str, Any] | None:
        if self.kind == "feed":
            return {"feed": self.feed_id}
        if self.kind == "folder":
            return {"folder": self.folder}
        return None


ALL = FeedScope()


def feed_title(feed: Feed) -> str:
    return feed.title or feed.url


def feed_scope(feed: Feed) -> FeedScope:
    return FeedScope("feed", feed_id=feed.id, label=feed_title(feed), error=feed.last_error)


def folder_scope(name: str, feeds: list[Feed]) -> FeedScope:
    """A folder (`ui.folders`: its tag path): every feed at or below it."""
    members = [feed for feed in feeds if in_folder(feed, name)]
    error = next((f"{feed_title(f)}: {f.last_error}" for f in members if f.last_error), None)
    return FeedScope(
        "folder",
        folder=name,
        label=folder_label(name),
        feed_ids=tuple(f.id for f in members),
        error=error,
    )


def resolve_scope(value: object, feeds: list[Feed]) -> FeedScope:
    """A stored (or stale) scope checked against today's feeds; anything unknown is ALL."""
    if isinstance(value, FeedScope):
        value = value.to_state()
    if not isinstance(value, dict):
        return ALL
    feed_id = value.get("feed")
    if isinstance(feed_id, int):
        for feed in feeds:
            if feed.id == feed_id:
                return feed_scope(feed)
        return ALL
    folder = value.get("folder")
    if isinstance(folder, str) and any(in_folder(feed, folder) for feed in feeds):
        return folder_scope(folder, feeds)
    return ALL


class Entry(NamedTuple):
    scope: FeedScope
    depth: int
    unread: int


def sidebar_entries(feeds: list[Feed], all_unread: int) -> list[Entry]:
    """All articles, folders A→Z (sub-folders, then their feeds), then feeds without one."""
    entries = [Entry(ALL, 0, all_unread)]
    for node in folder_tree(feeds):
        if node.feed is not None:
            entries.append(Entry(feed_scope(node.feed), node.depth, node.feed.unread))
        elif node.folder is not None:
            scope = folder_scope(node.folder, feeds)
            members = set(scope.feed_ids)
            unread = sum(feed.unread for feed in feeds if feed.id in members)
            entries.append(Entry(scope, node.depth, unread))
    return entries


class FeedList(OptionList):
    """The sidebar's list; j/k/g/G move, enter selects (table in `keys.py`)."""

    BINDINGS = bindings("sidebar")

    def action_refresh_selected(self) -> None:
        parent = self.parent
        if isinstance(parent, FeedSidebar):
            parent.request_refresh()

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "feed-list--active",
        "feed-list--count",
        "feed-list--error",
        "feed-list--folder",
    }


class FeedSidebar(Vertical):
    """`FeedList` plus a status line with the highlighted feed's last error."""

    class Selected(Message):
        """The user picked an entry (enter or click)."""

        def __init__(self, scope: FeedScope) -> None:
            super().__init__()
            self.scope = scope

    class RefreshRequested(Message):
        """`r` on the sidebar: refresh these feeds (empty: every subscription).

        It bubbles up to the app, which runs every refresh."""

        def __init__(self, feed_ids: tuple[int, ...]) -> None:
            super().__init__()
            self.feed_ids = feed_ids

    DEFAULT_WIDTH = 30

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entries: list[Entry] = []
        self.active: FeedScope = ALL

    def compose(self) -> ComposeResult:
        yield FeedList(id="feed-list", compact=True)
        yield Static(id="feed-status")

    @property
    def feed_list(self) -> FeedList:
        return self.query_one(FeedList)

    def show_feeds(self, feeds: list[Feed], all_unread: int, active: FeedScope) -> None:
        """(Re)fill the list, keeping the highlighted entry where it was."""
        self.active = active
        entries = sidebar_entries(feeds, all_unread)
        listing = self.feed_list
        old_ids = [entry.scope.option_id for entry in self.entries]
        new_ids = [entry.scope.option_id for entry in entries]
        highlighted = listing.highlighted_option
        keep = highlighted.id if highlighted is not None else active.option_id
        self.entries = entries
        if old_ids == new_ids:
            for index, entry in enumerate(entries):
                listing.replace_option_prompt_at_index(index, self._prompt(entry))
        else:
            listing.set_options(
                Option(self._prompt(entry), id=entry.scope.option_id) for entry in entries
            )
            index = new_ids.index(keep) if keep in new_ids else 0
            listing.highlighted = index
        self._show_status()

    def on_resize(self) -> None:
        if self.entries:
            for index, entry in enumerate(self.entries):
                self.feed_list.replace_option_prompt_at_index(index, self._prompt(entry))

    def _width(self) -> int:
        width = self.feed_list.scrollable_content_region.width
        return width if width > 8 else self.DEFAULT_WIDTH - 2

    def _prompt(self, entry: Entry) -> Text:
        """`  ! Harbour Gazette      7`: indent, failure mark, title, unread count at the right."""
        listing = self.feed_list
        width = self._width()
        scope = entry.scope
        active = scope.option_id == self.active.option_id
        title_style: Style | None = None
        if active:
            title_style = listing.get_component_rich_style("feed-list--active", partial=True)
        elif scope.kind == "folder":
            title_style = listing.get_component_rich_style("feed-list--folder", partial=True)
        count = ""
        if scope.kind == "folder":
            count = f"({entry.unread})"
        elif entry.unread:
            count = str(entry.unread)
        mark = "! " if scope.kind == "feed" and scope.error else ""
        room = max(3, width - 2 * entry.depth - cell_len(mark) - cell_len(count) - 1)
        title = Text(scope.label, style=title_style or "", no_wrap=True, end="")
        title.truncate(room, overflow="ellipsis", pad=True)
        text = Text(no_wrap=True, end="")
        text.append("  " * entry.depth)
        if mark:
            text.append(mark, listing.get_component_rich_style("feed-list--error", partial=True))
        text.append_text(title)
        text.append(" ")
        text.append(count, listing.get_component_rich_style("feed-list--count", partial=True))
        return text

    def request_refresh(self) -> None:
        """Ask for the highlighted feed (a folder: its feeds; "All articles": all) to refresh."""
        scope = self.highlighted_scope or ALL
        if scope.kind == "feed" and scope.feed_id is not None:
            ids: tuple[int, ...] = (scope.feed_id,)
        else:
            ids = scope.feed_ids
        if scope.kind == "folder" and not ids:
            return
        self.post_message(self.RefreshRequested(ids))

    @property
    def highlighted_scope(self) -> FeedScope | None:
        index = self.feed_list.highlighted
        if index is None or not 0 <= index < len(self.entries):
            return None
        return self.entries[index].scope

    def highlight(self, scope: FeedScope) -> None:
        ids = [entry.scope.option_id for entry in self.entries]
        if scope.option_id in ids:
            self.feed_list.highlighted = ids.index(scope.option_id)

    def _show_status(self) -> None:
        """The highlighted feed's last error under the list (and as the list's tooltip)."""
        scope = self.highlighted_scope
        status = self.query_one("#feed-status", Static)
        error = scope.error if scope is not None and scope.kind == "feed" else None
        if error:
            status.update(Text(f"! {error}", no_wrap=False))
            status.add_class("-error")
        else:
            status.update("")
            status.remove_class("-error")
        self.feed_list.tooltip = Text(error) if error else None

    @on(OptionList.OptionHighlighted, "#feed-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._show_status()

    @on(OptionList.OptionSelected, "#feed-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.entries):
            self.post_message(self.Selected(self.entries[event.option_index].scope))

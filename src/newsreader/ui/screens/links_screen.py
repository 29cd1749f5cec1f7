"""A numbered pick list of an article's links (or its enclosures): a digit opens one.

`l` in the reader opens it over the article; `l` then `3` opens link 3 at
once, as the reader's numbered "Links" list promises. Labels and URLs are
strangers' text, so every line is built from `Text`, never markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from newsreader.ui.keys import Scope, bindings


class LinksScreen(ModalScreen[int | None]):
    """Dismisses with the chosen item's index (0-based), or None."""

    KEY_SCOPE: ClassVar[Scope] = "modal"
    BINDINGS: ClassVar[list[BindingType]] = bindings("modal")
    DEFAULT_CSS = """
    LinksScreen { align: center middle; background: $background 60%; }
    #links-dialog {
        width: 90%; max-width: 110; height: auto; max-height: 80%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    #links-title { text-style: bold; color: $text-accent; height: 1; }
    #links-hint { color: $text-muted; height: 1; }
    #links-list { height: auto; max-height: 30; border: none; padding: 0; }
    """

    def __init__(self, title: str, items: Sequence[tuple[str, str]]) -> None:
        super().__init__(id="links-screen")
        self.title_text = title
        self.items = list(items)
        self.typed = ""
        """Digits typed so far: `1` then `2` opens link 12 when there are 12 or more."""

    def compose(self) -> ComposeResult:
        options: list[Option] = []
        for number, (label, url) in enumerate(self.items, start=1):
            prompt = Text(no_wrap=True, overflow="ellipsis")
            prompt.append(f"{number:>2}  ", "bold")
            prompt.append(label)
            prompt.append(f"  {url}", "dim")
            options.append(Option(prompt, id=str(number - 1)))
        with Vertical(id="links-dialog"):
            yield Static(Text(f"{self.title_text} · {len(self.items)}"), id="links-title")
            yield OptionList(*options, id="links-list")
            yield Static(Text("1-9 or enter open · escape close"), id="links-hint")

    def on_mount(self) -> None:
        listing = self.query_one(OptionList)
        listing.focus()
        if self.items:
            listing.highlighted = 0

    def on_key(self, event: events.Key) -> None:
        if not (event.character and event.character.isdigit()):
            return
        event.stop()
        event.prevent_default()
        typed = (self.typed + event.character).lstrip("0")
        if not typed:
            return
        number = int(typed)
        if number > len(self.items):
            self.typed = ""
            self.notify(f"No link {number}: there are {len(self.items)}", timeout=2)
            return
        if number * 10 > len(self.items):
            self.dismiss(number - 1)  # no longer number can follow: open it now
            return
        self.typed = typed
        self.query_one(OptionList).highlighted = number - 1

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(int(event.option.id))

    def action_close(self) -> None:
        self.dismiss(None)

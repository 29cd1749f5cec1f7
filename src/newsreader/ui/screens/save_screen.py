"""The small dialog `w` opens in the reader: where to save the article as Markdown.

It only asks for the path (prefilled with `~/<slug>.md`); the reader writes the
file through `services.save_article` and says where it went or why it did not.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from newsreader.ui.keys import Scope, bindings


class SaveScreen(ModalScreen[str | None]):
    """Dismisses with the path typed (enter), or None (escape)."""

    KEY_SCOPE: ClassVar[Scope] = "modal"
    BINDINGS: ClassVar[list[BindingType]] = bindings("modal")
    DEFAULT_CSS = """
    SaveScreen { align: center middle; background: $background 60%; }
    #save-dialog {
        width: 90%; max-width: 100; height: auto;
        border: round $accent; background: $surface; padding: 0 1;
    }
    #save-title { text-style: bold; color: $text-accent; height: 1; }
    #save-hint { color: $text-muted; height: 1; }
    #save-path { border: none; height: 1; padding: 0; }
    """

    def __init__(self, default: str) -> None:
        super().__init__(id="save-screen")
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="save-dialog"):
            yield Static(Text("Save the article as Markdown to:"), id="save-title")
            yield Input(self.default, id="save-path", select_on_focus=False)
            yield Static(Text("enter saves · escape cancels"), id="save-hint")

    @on(Input.Submitted, "#save-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_close(self) -> None:
        self.dismiss(None)

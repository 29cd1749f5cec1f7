"""A yes / no question before something that cannot be undone (deleting an article).

`y` answers yes; `n`, escape and `q` answer no, so a stray key never deletes.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from newsreader.ui.keys import Scope, bindings


class ConfirmScreen(ModalScreen[bool]):
    """Dismissed with True for yes, False for no."""

    KEY_SCOPE: ClassVar[Scope] = "confirm"
    BINDINGS: ClassVar[list[BindingType]] = bindings("confirm")
    DEFAULT_CSS = """
    ConfirmScreen {
        align: center middle;
    }
    #confirm-dialog {
        width: auto;
        max-width: 80%;
        height: auto;
        padding: 1 2;
        border: round $error;
        background: $surface;
    }
    #confirm-hint {
        color: $text-muted;
        margin-top: 1;
    }
    """

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Static(Text(self.question, style="bold"), id="confirm-question")
            if self.detail:
                yield Static(Text(self.detail), id="confirm-detail")
            yield Static(Text("y: yes    n / escape: no"), id="confirm-hint")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)

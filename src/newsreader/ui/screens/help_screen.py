"""Every key, printed from `newsreader.ui.keys.KEYS` so help cannot drift from the bindings.

The keys shown are the live ones: the user's `[keys]` from config.toml where set.
"""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from newsreader.ui.keys import KEYS, SCOPE_TITLES, Scope, bindings, shown_keys


def help_table() -> Table:
    """Keys grouped by where they work, in table order."""
    table = Table.grid(padding=(0, 2))
    table.add_column(justify="right", style="bold", no_wrap=True)
    table.add_column()
    seen_titles: list[str] = []
    for spec in KEYS:
        title = SCOPE_TITLES[spec.scope]
        if title not in seen_titles:
            if seen_titles:
                table.add_row("", "")
            seen_titles.append(title)
            table.add_row("", Text(title, style="bold underline"))
        table.add_row(Text(shown_keys(spec)), Text(spec.description))
    table.add_row("", "")
    table.add_row(
        "",
        Text("Mouse: click selects, click again or double-click opens, the wheel scrolls.", "dim"),
    )
    return table


class HelpScreen(ModalScreen[None]):
    KEY_SCOPE: ClassVar[Scope] = "modal"
    CSS_PATH = "../dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = bindings("modal")

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            yield Static(Text("newsreader · keys"), id="help-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(help_table(), id="help-table")
            yield Static(Text("escape or ? closes"), id="help-hint")

    def action_close(self) -> None:
        self.dismiss(None)

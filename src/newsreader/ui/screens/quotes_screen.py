"""The pull quotes of one article, grouped by speaker; enter jumps to one."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from newsreader.model.article import Article
from newsreader.ui.keys import Scope, bindings

UNATTRIBUTED = "Unattributed"


def group_quotes(article: Article) -> list[tuple[str, list[int]]]:
    """Quote indexes per speaker, speakers in order of first appearance."""
    groups: dict[str, list[int]] = {}
    for index, quote in enumerate(article.quotes):
        groups.setdefault(quote.speaker or UNATTRIBUTED, []).append(index)
    return list(groups.items())


class QuotesScreen(ModalScreen[int | None]):
    """Dismisses with the chosen quote's index into `Article.quotes`, or None."""

    KEY_SCOPE: ClassVar[Scope] = "modal"
    CSS_PATH = "../dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = bindings("modal")

    def __init__(self, article: Article) -> None:
        super().__init__(id="quotes-screen")
        self.article = article

    def compose(self) -> ComposeResult:
        options: list[Option] = []
        for speaker, indexes in group_quotes(self.article):
            header = Text()
            header.append(speaker, "bold")
            header.append(f"  ({len(indexes)})", "dim")
            options.append(Option(header, disabled=True))
            for index in indexes:
                prompt = Text()
                prompt.append("  “")
                prompt.append(self.article.quotes[index].text)
                prompt.append("”")
                options.append(Option(prompt, id=str(index)))
        with Vertical(id="quotes-dialog"):
            yield Static(Text(f"Pull quotes · {len(self.article.quotes)}"), id="quotes-title")
            yield OptionList(*options, id="quotes-list")
            yield Static(Text("enter jump · escape close"), id="quotes-hint")

    def on_mount(self) -> None:
        listing = self.query_one(OptionList)
        listing.focus()
        for number, option in enumerate(listing.options):
            if not option.disabled:
                listing.highlighted = number
                break

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(int(event.option.id))

    def action_close(self) -> None:
        self.dismiss(None)

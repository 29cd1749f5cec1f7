"""The reader's find bar: an input docked at the bottom with an `i/N` counter.

It only reports what the user does (query changed, next, previous, done, close);
the reader screen owns the article view and decides what those mean, so the
bar stays reusable and testable on its own.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Static

from newsreader.ui.keys import bindings


class FindInput(Input):
    """Input whose ↓/↑ mean next / previous match, enter done typing, escape close.

    Enter hands the keys back to the article, as in less and vim: there `n` and
    `N` move between matches and `/` edits the query again. In the input they
    are letters of the query.
    """

    BINDINGS = bindings("find")

    def action_next(self) -> None:
        self.post_message(FindBar.Step(1))

    def action_previous(self) -> None:
        self.post_message(FindBar.Step(-1))

    def action_done(self) -> None:
        self.post_message(FindBar.Done())

    def action_close(self) -> None:
        self.post_message(FindBar.Closed())


class FindBar(Horizontal):
    """`Find: [query]   3/12`; hidden until the reader opens it."""

    class Step(Message):
        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    class Closed(Message):
        """The user pressed escape in the bar."""

    class Done(Message):
        """The user pressed enter: the query is typed, the article takes the keys."""

    counter_text = ""
    """What the counter shows (`2/5`, `no matches` or empty)."""

    def compose(self) -> ComposeResult:
        yield Static("Find", id="find-label")
        yield FindInput(placeholder="find in this article (smart case)", id="find-input")
        yield Static("", id="find-counter")

    @property
    def input(self) -> FindInput:
        return self.query_one(FindInput)

    @property
    def value(self) -> str:
        return self.input.value

    def set_counter(self, current: int, total: int) -> None:
        """Show `current/total`, or `no matches` once something was typed."""
        counter = self.query_one("#find-counter", Static)
        if not self.value:
            self.counter_text = ""
        elif total:
            self.counter_text = f"{current}/{total}"
        else:
            self.counter_text = "no matches"
        counter.update(Text(self.counter_text))
        counter.set_class(bool(self.value) and not total, "-none")

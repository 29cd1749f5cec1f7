"""The reader screen: one article, its find bar, and per-article actions."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import Footer, Input

from newsreader.errors import NewsreaderError
from newsreader.store import Library, StoredArticle
from newsreader.ui.browser import BrowserError, open_in_browser
from newsreader.ui.keys import Scope, bindings
from newsreader.ui.screens.quotes_screen import QuotesScreen
from newsreader.ui.widgets.article_view import ArticleView
from newsreader.ui.widgets.find_bar import FindBar
from newsreader.ui.widgets.status_bar import ReaderBar


class ReaderScreen(Screen[None]):
    """Shows `stored`; escape closes the find bar first, then returns to the list."""

    KEY_SCOPE: ClassVar[Scope] = "reader"
    BINDINGS: ClassVar[list[BindingType]] = bindings("reader")
    AUTO_FOCUS = "ArticleView"

    def __init__(self, library: Library, stored: StoredArticle) -> None:
        super().__init__(id="reader-screen")
        self.library = library
        self.stored = stored

    def compose(self) -> ComposeResult:
        yield ReaderBar(id="reader-bar")
        yield ArticleView(id="article-view")
        yield FindBar(id="find-bar")
        yield Footer(compact=True)

    @property
    def view(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def find_bar(self) -> FindBar:
        return self.query_one(FindBar)

    @property
    def find_open(self) -> bool:
        return self.find_bar.has_class("-visible")

    def on_mount(self) -> None:
        self.view.show(self.stored)
        self._update_bar()

    def _update_bar(self) -> None:
        self.query_one(ReaderBar).show_state(
            self.stored.article.source, self.stored.read, self.stored.bookmarked
        )

    # -- navigation -------------------------------------------------------

    def action_back(self) -> None:
        if self.find_open:
            self.close_find()
        else:
            self.dismiss()

    # -- find -------------------------------------------------------------

    def action_find(self) -> None:
        bar = self.find_bar
        bar.add_class("-visible")
        bar.input.focus()
        if bar.value:
            self.view.find(bar.value)

    def close_find(self) -> None:
        bar = self.find_bar
        bar.remove_class("-visible")
        bar.input.value = ""
        self.view.clear_find()
        self.view.focus()

    def action_find_next(self) -> None:
        self._step(1)

    def action_find_previous(self) -> None:
        self._step(-1)

    def _step(self, step: int) -> None:
        if not self.view.find_query:
            self.notify("Nothing to find yet: press / and type", timeout=2)
            return
        self.view.find_next(step)

    @on(Input.Changed, "#find-input")
    def _find_changed(self, event: Input.Changed) -> None:
        self.view.find(event.value)

    @on(FindBar.Step)
    def _find_step(self, event: FindBar.Step) -> None:
        self._step(event.step)

    @on(FindBar.Closed)
    def _find_closed(self) -> None:
        self.close_find()

    @on(ArticleView.FindChanged)
    def _find_counter(self, event: ArticleView.FindChanged) -> None:
        self.find_bar.set_counter(event.current, event.total)

    # -- article actions ---------------------------------------------------

    def action_toggle_bookmark(self) -> None:
        try:
            self.stored.bookmarked = self.library.toggle_bookmark(self.stored.id)
        except NewsreaderError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self._update_bar()
        self.notify("Bookmarked" if self.stored.bookmarked else "Bookmark removed", timeout=2)

    def action_toggle_read(self) -> None:
        try:
            self.stored.read = self.library.toggle_read(self.stored.id)
        except NewsreaderError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self._update_bar()
        self.notify("Marked read" if self.stored.read else "Marked unread", timeout=2)

    def action_quotes(self) -> None:
        article = self.stored.article
        if not article.quotes:
            self.notify("This article has no pull quotes", timeout=2)
            return
        self.app.push_screen(QuotesScreen(article), self._jump_to_quote)

    def _jump_to_quote(self, index: int | None) -> None:
        quotes = self.stored.article.quotes
        if index is None or not 0 <= index < len(quotes):
            return
        quote = quotes[index]
        self.view.scroll_to_block(quote.block, quote.start)
        self.view.focus()

    def action_open_url(self) -> None:
        url = self.stored.article.url
        if not url:
            self.notify("This article has no link", severity="warning", timeout=3)
            return
        try:
            open_in_browser(url)
        except BrowserError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.notify("Opened in the browser", timeout=2)

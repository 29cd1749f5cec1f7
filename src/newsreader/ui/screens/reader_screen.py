"""The reader screen: one article, its find bar, and per-article actions.

`e` swaps a feed summary for the article's web page (fetched and extracted in
a thread, stored with `Library.replace_content`, so it reads offline later).
"""

from __future__ import annotations

from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.geometry import Size
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input

from newsreader.errors import NewsreaderError
from newsreader.model.library import StoredArticle
from newsreader.store import Library
from newsreader.ui.browser import BrowserError, open_in_browser
from newsreader.ui.compat import (
    css_generation,
    hide_toast_rack,
    lay_out_screen,
    layout_pending,
    skip_restyle_on_resume,
    start_update_timer,
)
from newsreader.ui.host import Host
from newsreader.ui.keys import Scope, bindings, is_key
from newsreader.ui.screens.quotes_screen import QuotesScreen
from newsreader.ui.screens.reader_links import ReaderLinksMixin
from newsreader.ui.screens.reader_navigation import ReaderNavigation
from newsreader.ui.widgets.article_view import ArticleView
from newsreader.ui.widgets.find_bar import FindBar
from newsreader.ui.widgets.key_hints import KeyHints
from newsreader.ui.widgets.reader_prepare import PreparedLines
from newsreader.ui.widgets.status_bar import ReaderBar
from newsreader.ui.widgets.typeahead import forward_typeahead
from newsreader.urls import describe_url, is_safe_web_url

FETCHING = "Fetching full article…"
SETTLE_TRIES = 3
"""Off-screen layouts at most after the first, while widgets mounted by it settle."""


class FullTextDone(Message):
    """The worker finished: the new article, or the reason it failed."""

    def __init__(self, stored: StoredArticle | None, url: str, error: str | None) -> None:
        super().__init__()
        self.stored = stored
        self.url = url
        self.error = error


class ReaderScreen(ReaderNavigation, ReaderLinksMixin, Screen[None]):
    """Shows `stored`; escape closes the find bar first, then returns to the list."""

    KEY_SCOPE: ClassVar[Scope] = "reader"
    BLANK = True
    """Its children cover it: painting its background under them is wasted per open."""
    CSS_PATH = "../reader.tcss"
    BINDINGS: ClassVar[list[BindingType]] = bindings("reader")
    AUTO_FOCUS = "ArticleView"

    def __init__(self, library: Library, stored: StoredArticle, host: Host) -> None:
        super().__init__(id="reader-screen")
        self.library = library
        self.host = host
        self.stored = stored
        self.fetching = False
        self._styled_at: int | None = None
        """The app's CSS generation this screen's widgets were last styled with."""

    def compose(self) -> ComposeResult:
        yield ReaderBar(id="reader-bar")
        yield ArticleView(id="article-view")
        yield FindBar(id="find-bar")
        yield KeyHints(id="key-hints")

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
        self._styled_at = css_generation(self.app)
        self.view.show(self.stored)
        self._update_bar()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """Keep the widgets' styles when no theme or CSS change happened since they were set.

        Textual re-applies the stylesheet to every widget of a screen each time
        it is pushed (a quarter of opening an article). This screen is reused
        for every article, so that is only needed after a theme or CSS change,
        which moves the app's CSS generation. Runs before `Screen`'s handler.
        """
        generation = css_generation(self.app)
        if self._styled_at == generation:
            skip_restyle_on_resume(event)
        self._styled_at = generation

    def lay_out_off_screen(self, size: Size) -> None:
        """Lay the screen out at `size` while another screen is shown.

        Textual lays out only the current screen, and would do it (three
        times: sizes, the article's scrollbar appearing, the scrollbar's own
        size) on the first Enter. Done here, while the user reads the list,
        with the article's first screen of lines painted.
        """
        hide_toast_rack(self)  # as the first push would, after its first frame
        lay_out_screen(self, size)
        self.view.relayout_now()
        lay_out_screen(self, size)
        self.view.warm_lines()
        self.call_after_refresh(self._settle_off_screen, size, SETTLE_TRIES)

    def _settle_off_screen(self, size: Size, tries: int) -> None:
        """Leave nothing for the first frame but painting: the layout, and the update timer.

        A widget mounted by the layout (the article's scrollbar, the first
        time one is needed) finishes mounting after it and asks for another
        layout, which the first Enter would do. And the screen's update timer,
        which draws its frames, has never run while the screen was hidden:
        its first run waits a whole frame period (`compat.start_update_timer`).
        """
        if self.is_current:
            return  # shown meanwhile: Textual lays it out and paints it itself
        if layout_pending(self) and tries > 0:
            lay_out_screen(self, size)
            # Looked at again once the messages that layout sent are handled.
            self.call_after_refresh(self._settle_off_screen, size, tries - 1)
            return
        start_update_timer(self)

    def prepare(self, prepared: PreparedLines) -> bool:
        """Hold the article under the list's cursor, its lines built and painted, off screen.

        Why: wrapping a long article is most of what opening it costs; done
        while the user rests on its row, Enter finds it here (`load` keeps
        the lines of the same article) and only swaps screens. False when the
        lines were built for another width, theme or setting.
        """
        if not self.view.adopt(prepared):
            return False
        self.stored = prepared.stored
        self.fetching = False
        self._hide_find_bar()
        self._update_bar()
        return True

    def restyle_off_screen(self) -> None:
        """Apply a theme or CSS change to this screen's widgets now, while it is not shown.

        Textual restyles a screen when it is pushed; the article prepared
        off screen must be built from the new styles, and the push then
        skips the restyle (`on_screen_resume`).
        """
        generation = css_generation(self.app)
        if self._styled_at != generation:
            self.update_node_styles(animate=False)
            self._styled_at = generation

    def load(self, stored: StoredArticle) -> None:
        """Show another article in this (reused) screen, from the top, find bar closed."""
        self.stored = stored
        self.fetching = False
        self.view.show(stored)  # drops the previous article's matches too
        self._hide_find_bar()
        self.view.focus()
        self._update_bar()

    def _update_bar(self) -> None:
        self.query_one(ReaderBar).show_state(
            self.stored.article.source,
            self.stored.read,
            self.stored.bookmarked,
            FETCHING if self.fetching else self.refresh_note,
        )

    def outside_changes(self) -> None:
        """Another process changed the library: show this article's read and bookmark state."""
        try:
            read = self.library.is_read(self.stored.id)
            bookmarked = self.library.is_bookmarked(self.stored.id)
        except NewsreaderError:
            return  # removed meanwhile: the header keeps what it showed
        if (read, bookmarked) != (self.stored.read, self.stored.bookmarked):
            self.stored.read, self.stored.bookmarked = read, bookmarked
            self._update_bar()

    # -- navigation -------------------------------------------------------

    def action_back(self) -> None:
        if self.find_open:
            self.close_find()
        else:
            self.dismiss()

    # -- find -------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        """`/word` reaching the screen itself (sent on from the list right after `enter`,
        before the article view had the focus) opens the find bar and fills it."""
        if is_key(event.key, "reader", "find") and not self.find_open:
            event.stop()
            event.prevent_default()
            self.action_find()
        else:
            forward_typeahead(self, event)

    def action_find(self) -> None:
        bar = self.find_bar
        bar.add_class("-visible")
        # Shown and focused now, not at the next style update: the query typed
        # right after `/` must land in the bar, not in the article.
        bar.display = True
        self.set_focus(bar.input)
        if bar.value:
            self.view.find(bar.value)

    def close_find(self) -> None:
        self._hide_find_bar()
        self.view.clear_find()
        self.view.focus()

    def _hide_find_bar(self) -> None:
        bar = self.find_bar
        bar.remove_class("-visible")
        if bar.display:  # setting it when CSS already hides the bar costs a screen relayout
            bar.display = False
        if bar.input.value:
            bar.input.value = ""

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

    @on(FindBar.Done)
    def _find_done(self) -> None:
        """Enter: the bar stays with its query and counter; `n`/`N`/`/` now reach the screen."""
        if not self.find_bar.value:
            self.close_find()
            return
        self.view.focus()

    @on(ArticleView.FindChanged)
    def _find_counter(self, event: ArticleView.FindChanged) -> None:
        self.find_bar.set_counter(event.current, event.total)

    # -- article actions ---------------------------------------------------

    def action_toggle_bookmark(self) -> None:
        """Flip the bookmark the header shows (another process may have changed the stored one)."""
        value = not self.stored.bookmarked
        article_id = self.stored.id
        saved = self.host.writes.write(
            lambda: self.library.set_bookmarked([article_id], value),
            what="Bookmark not saved" if value else "Bookmark not removed",
            key=("bookmark", article_id),
            failed=lambda: self.host.show_stored_state(article_id),
        )
        if not saved:
            return
        self.stored.bookmarked = value
        self._update_bar()
        self.notify("Bookmarked" if self.stored.bookmarked else "Bookmark removed", timeout=2)

    def action_toggle_read(self) -> None:
        """Flip the read state the header shows (see `action_toggle_bookmark`)."""
        value = not self.stored.read
        article_id = self.stored.id
        saved = self.host.writes.write(
            lambda: self.library.set_read([article_id], value),
            what="Not marked read" if value else "Not marked unread",
            key=("read", article_id),
            failed=lambda: self.host.show_stored_state(article_id),
        )
        if not saved:
            return
        self.stored.read = value
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

    def action_save_article(self) -> None:
        """`w`: ask where (`~/<slug>.md` to start with), then write the article as Markdown."""
        from newsreader.services.save_article import default_path
        from newsreader.ui.screens.save_screen import SaveScreen

        stored = self.stored
        self.app.push_screen(
            SaveScreen(str(default_path(stored))), lambda path: self._save_to(stored, path)
        )

    def _save_to(self, stored: StoredArticle, path: str | None) -> None:
        from pathlib import Path

        from newsreader.services.save_article import save_markdown

        if path is None:
            return
        try:
            written = save_markdown(stored, Path(path))
        except NewsreaderError as exc:
            self.notify(str(exc), severity="error", markup=False, timeout=6)
            return
        self.notify(f"Saved to {written}", markup=False, timeout=4)

    def action_refresh_feeds(self) -> None:
        self.host.start_refresh()

    # -- full article ------------------------------------------------------

    def action_full_article(self) -> None:
        """`e`: replace a feed summary by the article from its web page (again if asked)."""
        url = self.stored.article.url
        if not url:
            self.notify("This article has no link to fetch", severity="warning", timeout=3)
            return
        if not is_safe_web_url(url):
            self.notify(
                f"Not fetched: {describe_url(url)} is not an http(s) link",
                severity="warning",
                markup=False,
                timeout=4,
            )
            return
        if self.fetching:
            self.notify("Already fetching the full article", timeout=2)
            return
        self.fetching = True
        self._update_bar()
        if self.stored.full_text:
            self.notify("Already the full article: fetching it again", timeout=2)
        self._full_text_worker(self.stored)

    @work(thread=True, exclusive=True, group="full-text", exit_on_error=False)
    def _full_text_worker(self, stored: StoredArticle) -> None:
        # The use case lives in services (the screen never fetches or parses itself).
        from newsreader.services.full_article import FullTextError, fetch_full_article

        url = stored.article.url or ""
        try:
            fresh = fetch_full_article(self.library, stored)
        except FullTextError as exc:
            self.post_message(FullTextDone(None, url, str(exc)))
        except Exception as exc:  # never let a page take the reader down
            self.post_message(FullTextDone(None, url, f"{type(exc).__name__}: {exc}"))
        else:
            self.post_message(FullTextDone(fresh, url, None))

    @on(FullTextDone)
    def _full_text_done(self, message: FullTextDone) -> None:
        self.fetching = False
        if message.stored is None:
            self._update_bar()
            self.notify(
                f"Could not fetch the full article from {describe_url(message.url)}:"
                f" {message.error}",
                severity="error",
                markup=False,
                timeout=8,
            )
            return
        if message.stored.id == self.stored.id:
            self.stored = message.stored
            self.view.show(self.stored, keep_scroll=True)
        self._update_bar()
        self.notify("Full article fetched and saved", timeout=2)

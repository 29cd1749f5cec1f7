"""The reader's links, enclosures and refresh note, kept apart from `reader_screen.py`.

`l` opens the numbered links of the article (a digit picks one; `$BROWSER`
first), `P` plays an enclosure with `enclosure_command` from the config, and
the reader's bar shows a running refresh. Mixed into `ReaderScreen`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from newsreader.config import DEFAULT_ENCLOSURE_COMMAND
from newsreader.render.layout import enclosure_label
from newsreader.ui.browser import BrowserError, open_enclosure, open_in_browser

if TYPE_CHECKING:
    from textual.app import App

    from newsreader.model.library import StoredArticle


class ReaderLinksMixin:
    """Actions over `self.stored`'s links and enclosures (see the module docstring)."""

    if TYPE_CHECKING:
        stored: StoredArticle

        app: App[Any]

        def notify(self, message: str, **kwargs: object) -> None: ...

        def _update_bar(self) -> None: ...

    refresh_note: str = ""
    """`Refreshing 3/10` while a refresh runs, shown in the reader's bar."""

    def show_refresh(self, note: str | None) -> None:
        """The app's refresh progress (None: it ended)."""
        self.refresh_note = note or ""
        self._update_bar()

    def action_links(self) -> None:
        """`l`: the article's links, numbered as at its end; a digit or enter opens one."""
        from newsreader.ui.screens.links_screen import LinksScreen

        links = self.stored.article.links
        if not links:
            self.notify("This article has no links", timeout=2)
            return
        self.app.push_screen(LinksScreen("Links", links), self._open_link)

    def _open_link(self, index: int | None) -> None:
        links = self.stored.article.links
        if index is None or not 0 <= index < len(links):
            return
        open_link(self, links[index][1])

    def action_play_enclosure(self) -> None:
        """`P`: play the enclosure (several: pick one) with `enclosure_command`."""
        from newsreader.ui.screens.links_screen import LinksScreen

        enclosures = self.stored.article.enclosures
        if not enclosures:
            self.notify("This article has no enclosure (podcast, video)", timeout=2)
            return
        if len(enclosures) == 1:
            self._play(0)
            return
        items = [(enclosure_label(item.type, item.length), item.url) for item in enclosures]
        self.app.push_screen(LinksScreen("Enclosures", items), self._play)

    def _play(self, index: int | None) -> None:
        enclosures = self.stored.article.enclosures
        if index is None or not 0 <= index < len(enclosures):
            return
        config = getattr(self.app, "config", None)
        command: Sequence[str] = getattr(config, "enclosure_command", DEFAULT_ENCLOSURE_COMMAND)
        try:
            argv = open_enclosure(enclosures[index].url, command)
        except BrowserError as exc:
            self.notify(str(exc), severity="error", markup=False, timeout=8)
            return
        self.notify(f"Playing with {argv[0]}", markup=False, timeout=2)


def open_link(screen: ReaderLinksMixin, url: str) -> None:
    """Open `url` in the browser, saying so; a failure's message carries the link."""
    try:
        open_in_browser(url)
    except BrowserError as exc:
        screen.notify(str(exc), severity="error", markup=False, timeout=10)
        return
    screen.notify("Opened in the browser", timeout=2)

"""What the screens need from the application, as a Protocol.

Why: the screens used to reach back into `NewsreaderApp` through
`cast("NewsreaderApp", self.app)` and `# type: ignore`, so `ui/app.py` and the
screens imported each other. Now the app hands itself to each screen as a
`Host`; the screens know only this small interface, and mypy checks at the
place the app builds a screen that the app really provides it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Sequence

    from textual.notifications import SeverityLevel
    from textual.screen import Screen

    from newsreader.config import Config
    from newsreader.model.library import StoredArticle
    from newsreader.store import Library
    from newsreader.ui.widgets.status_bar import RefreshBar
    from newsreader.ui.writes import Writes


READER = "reader"
"""The name the reader screen is installed under (one instance, reused for every article)."""


class Host(Protocol):
    """The app-wide services a screen may ask for."""

    writes: Writes
    """Every store write a screen makes, and the failures it shows (`ui/writes.py`)."""

    def show_stored_state(self, article_id: int) -> None:
        """Show an article's read and bookmark state as stored, wherever it is shown."""

    def start_refresh(self, feed_ids: Sequence[int] | None = None, *, quiet: bool = False) -> None:
        """Refresh every subscription (or `feed_ids`) in the background; progress in the bars."""

    def sync_note(self) -> str:
        """`offline — 12 changes waiting` after a failed sync (for the status bar), else ""."""

    def open_reader(self, stored: StoredArticle) -> None:
        """Show `stored` in the reader screen."""

    def prepare_reader(self, stored: StoredArticle) -> None:
        """Build the reader screen off screen, so the first article opens fast."""

    def article_highlighted(self, article_id: int | None) -> None:
        """The list's cursor moved to `article_id`: prepare it in the reader once it rests."""

    def settle_memory(self) -> None:
        """Freeze what start-up built out of the garbage collector's reach."""


class SyncedList(Protocol):
    """What the background sync updates on the list screen."""

    @property
    def refresh_bar(self) -> RefreshBar: ...

    @property
    def is_mounted(self) -> bool: ...

    def update_status(self, *, recount: bool = True) -> None: ...

    def outside_changes(self) -> None: ...


class SyncHost(Protocol):
    """What the background sync (`ui/sync_ui.py`) uses of the app: named here, not imported,
    so the app can own its sync controller without the two modules importing each other."""

    config: Config
    library: Library
    refreshing: bool

    @property
    def is_running(self) -> bool: ...

    def list_screen(self) -> SyncedList | None: ...

    def start_direct_refresh(
        self, feed_ids: Sequence[int] | None = None, *, quiet: bool = False
    ) -> None: ...

    def is_screen_installed(self, screen: Screen[object] | str) -> bool: ...

    def get_screen(self, screen: str) -> Screen[object]: ...

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None: ...

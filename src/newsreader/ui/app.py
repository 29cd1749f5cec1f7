"""The Textual application: screens, global keys, theme and command palette.

Kept small on purpose (screens live in `ui/screens/`, widgets in
`ui/widgets/`). The app owns the `Library` handed in by the CLI and the
config; everything the user changes is written immediately (store
transactions, atomic config writes), so quitting or being killed loses nothing.

Only Textual, Rich and our UI-free core are imported here: no feed or HTTP
libraries, which would slow the first paint.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.dom import DOMNode
from textual.message import Message
from textual.screen import Screen
from textual.theme import Theme

from newsreader.config import Config, load_config, save_config
from newsreader.errors import NewsreaderError
from newsreader.model.library import StoredArticle
from newsreader.store import Library
from newsreader.ui.compat import load_screen_css, start_installed_screen
from newsreader.ui.host import READER
from newsreader.ui.keymap import apply_overrides, textual_keymap
from newsreader.ui.keys import KEYS, bindings, shown_keys
from newsreader.ui.refresh_ui import RefreshUI
from newsreader.ui.screens.list_screen import ListScreen
from newsreader.ui.sync_ui import STARTUP_DELAY, SyncController
from newsreader.ui.writes import Writes

if TYPE_CHECKING:
    from textual.timer import Timer

    from newsreader.ui.screens.reader_screen import ReaderScreen
    from newsreader.ui.widgets.reader_prepare import LineRecipe, PreparedLines

PALETTE_BUILTINS = frozenset({"Theme", "Quit"})
"""Textual's own palette commands that work here (see `get_system_commands`)."""
OUTSIDE_POLL = 1.0
"""Seconds between checks for changes made by another process (a CLI `bookmark`, a refresh)."""
PREPARE_DELAY = 0.15
"""Seconds the list's cursor rests on a row before the article under it is prepared."""


class ArticlePrepared(Message):
    """Posted from the preparing thread: an article's lines, built for the reader."""

    def __init__(self, prepared: PreparedLines, key: tuple[object, ...]) -> None:
        super().__init__()
        self.prepared = prepared
        self.key = key


class NewsreaderApp(RefreshUI, App[None]):
    """Full-screen news reader over one `Library`."""

    CSS_PATH = "newsreader.tcss"
    TITLE = "newsreader"
    BINDINGS: ClassVar[list[BindingType]] = bindings("app")

    def __init__(
        self,
        library: Library,
        *,
        config: Config | None = None,
        config_path: Path | None = None,
    ) -> None:
        super().__init__()
        self.library = library
        self.writes = Writes(library, self)
        """Every write the screens make goes through it (`ui/writes.py`)."""
        self.refreshing = False
        self._refresh_seen = 0
        self._refresh_done = (0, 0)
        self.config_path = config_path
        self.config = config if config is not None else load_config(config_path)
        self._highlighted: int | None = None
        self._highlighted_at = 0.0
        self._prepare_timer: Timer | None = None
        self._prepared_key: tuple[object, ...] | None = None
        """What the reader holds off screen: article, recipe and library version."""
        self.syncer = SyncController(self)
        """`S`, and `r` and the timer with sync on: a background sync (`ui/sync_ui.py`)."""
        self._startup_warnings = list(self.config.warnings)
        # Always: the overrides live in `ui.keys` for the process, and an app
        # without a [keys] table must not inherit the last one's.
        self._startup_warnings += apply_overrides(self.config.keys)
        keymap = textual_keymap()
        if keymap:
            self.set_keymap(keymap)
        if self.config.theme in self.available_themes:
            self.theme = self.config.theme
        else:
            self._startup_warnings.append(
                f"unknown theme {self.config.theme!r} in the config; using {self.theme}"
            )

    def get_default_screen(self) -> Screen:
        return ListScreen(self.library, self)

    def on_mount(self) -> None:
        for warning in self._startup_warnings:
            self.notify(warning, severity="warning", markup=False, timeout=6)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        if self.config.refresh_minutes > 0:
            self.set_interval(self.config.refresh_minutes * 60, self._refresh_on_timer)
        if self.config.sync is not None:  # catch up with other devices, after the first paint
            self.set_timer(STARTUP_DELAY, partial(self.syncer.start, quiet=True))
        self._data_version = self.library.data_version()
        self.set_interval(OUTSIDE_POLL, self.check_outside_changes)

    def on_app_focus(self) -> None:
        """Back from another window (where the CLI may just have run): look now."""
        self.check_outside_changes()

    def check_outside_changes(self) -> None:
        """Show what another process committed since the last look; nothing when it did not.

        `PRAGMA data_version` moves only on other connections' commits, so this
        app's own writes (keys, its refresh) never trigger a reload, and an idle
        poll costs one PRAGMA and no repaint.
        """
        version = self.library.data_version()
        if version is None or version == self._data_version:
            return
        self._data_version = version
        screen = self.list_screen()
        if screen is not None:
            screen.outside_changes()
        self.article_highlighted(self._highlighted)  # its text may have changed
        if self.is_screen_installed(READER):
            from newsreader.ui.screens.reader_screen import ReaderScreen  # loaded when installed

            reader = self.get_screen(READER)
            if reader in self.screen_stack and isinstance(reader, ReaderScreen):
                reader.outside_changes()

    def settle_memory(self) -> None:
        """Put everything built so far out of the garbage collector's reach.

        Why: start-up (Textual, the screens, their styles) leaves hundreds of
        thousands of long-lived objects, and every full collection walks them
        all: one that landed in the first article opened was a third of its
        cost. Frozen objects are never scanned again. `ui/launch.py` keeps the
        collector off until this first runs (it ran dozens of times before the
        first frame otherwise); the frozen set is released when the app ends.
        """
        gc.freeze()
        gc.enable()

    def on_unmount(self) -> None:
        self.writes.close()  # queued writes land before the CLI closes the library
        gc.unfreeze()
        gc.enable()

    def show_stored_state(self, article_id: int) -> None:
        """Show an article's read and bookmark state as the store holds it (a write failed).

        The list's row, its counts, and the reader when it shows the article.
        """
        try:
            read = self.library.is_read(article_id)
            bookmarked = self.library.is_bookmarked(article_id)
        except NewsreaderError as exc:
            self.writes.read_failed(exc)
            return
        screen = self.list_screen()
        if screen is not None and screen.is_mounted:
            screen.article_list.update_row(article_id, read=read, bookmarked=bookmarked)
            screen.recount()
        if self.is_screen_installed(READER):
            from newsreader.ui.screens.reader_screen import ReaderScreen

            reader = self.get_screen(READER)
            if isinstance(reader, ReaderScreen) and reader.stored.id == article_id:
                reader.outside_changes()

    # -- screens ------------------------------------------------------------

    # The reader and help screens are imported when first used: they are not
    # on the path to the first painted list, which is what startup time is.

    def open_reader(self, stored: StoredArticle) -> None:
        """Show `stored` in the reader, built once and reused for every later article.

        Composing a screen (footer, bars, styles) costs far more than drawing
        an article; an installed screen survives being popped, so the second
        article opens at the price of its own rendering.
        """
        from newsreader.ui.screens.reader_screen import ReaderScreen

        if not self.is_screen_installed(READER):
            self.install_screen(ReaderScreen(self.library, stored, self), READER)
        else:
            reader = self.get_screen(READER)
            assert isinstance(reader, ReaderScreen)
            reader.load(stored)
        self.push_screen(READER)

    def prepare_reader(self, stored: StoredArticle) -> None:
        """Compose and mount the reader screen now, without showing it.

        Why: composing it (bars, article view, find bar, their styles) is most
        of the cost of the first Enter; done while the user looks at the list,
        the first article opens as fast as every later one. Textual starts an
        installed screen when it is first shown; `start_installed_screen` is
        the step of `push_screen` that starts it, taken early.
        """
        from newsreader.ui.screens.reader_screen import ReaderScreen

        if self.is_screen_installed(READER):
            return
        screen = ReaderScreen(self.library, stored, self)
        self.install_screen(screen, READER)
        load_screen_css(self, screen)  # its stylesheet too (pushing it would, later)
        start_installed_screen(self, READER)
        # Lay it out at the terminal's size too (off screen: Textual only
        # composites the current screen), so the first open does not wrap the
        # article twice and reflow the screen on its first resize.
        screen.call_after_refresh(lambda: screen.lay_out_off_screen(self.size))
        screen.call_after_refresh(self.settle_memory)  # the reader's widgets too

    # -- preparing the article under the cursor --------------------------------

    def article_highlighted(self, article_id: int | None) -> None:
        """The list's cursor is on `article_id`: prepare it once the cursor rests there.

        Called on every cursor move, so it only notes the time; one timer at a
        time looks again (`_prepare_highlighted`).
        """
        self._highlighted = article_id
        self._highlighted_at = time.monotonic()
        if self._prepare_timer is None and article_id is not None:
            self._prepare_timer = self.set_timer(PREPARE_DELAY, self._prepare_highlighted)

    def on_resize(self) -> None:
        """The prepared lines were wrapped for the old width."""
        self.article_highlighted(self._highlighted)

    def _idle_reader(self) -> ReaderScreen | None:
        """The reader screen when it is built and not shown (else nothing is prepared)."""
        if not self.is_screen_installed(READER):
            return None
        from newsreader.ui.screens.reader_screen import ReaderScreen

        reader = self.get_screen(READER)
        if not isinstance(reader, ReaderScreen) or not reader.is_mounted:
            return None
        if reader in self.screen_stack:
            return None
        return reader

    def _prepare_highlighted(self) -> None:
        """Fetch and wrap the article under the cursor in a thread, once the cursor rests.

        Why a thread: wrapping a long article takes long enough to delay a key
        typed meanwhile; the UI thread only takes the styles before (a thread
        must not ask Textual) and hands the lines to the reader after.
        """
        self._prepare_timer = None
        article_id = self._highlighted
        if article_id is None:
            return
        wait = self._highlighted_at + PREPARE_DELAY - time.monotonic()
        if wait > 0.005:  # moved again since: look when it has rested long enough
            self._prepare_timer = self.set_timer(wait, self._prepare_highlighted)
            return
        reader = self._idle_reader()
        if reader is None:
            return  # not built yet: `prepare_reader` builds it around the current article
        reader.restyle_off_screen()
        recipe = reader.view.line_recipe()
        if recipe is None:
            return
        key = (article_id, recipe, self._data_version)
        if key == self._prepared_key and reader.view.holds(article_id, recipe):
            return
        self._prepare_worker(article_id, recipe, key)

    @work(thread=True, exclusive=True, group="prepare-article", exit_on_error=False)
    def _prepare_worker(self, article_id: int, recipe: LineRecipe, key: tuple[object, ...]) -> None:
        from newsreader.ui.widgets.reader_prepare import build_lines

        try:
            stored = self.library.get(article_id)
        except NewsreaderError:
            return  # deleted meanwhile: Enter will say so
        self.post_message(ArticlePrepared(build_lines(stored, recipe), key))

    @on(ArticlePrepared)
    def _article_prepared(self, message: ArticlePrepared) -> None:
        """Hand the lines to the reader, unless the cursor moved or the reader is shown."""
        reader = self._idle_reader()
        if reader is None or message.prepared.stored.id != self._highlighted:
            return
        if reader.prepare(message.prepared):
            self._prepared_key = message.key
            # Once the widgets have taken in the new article: the screen is
            # then laid out and its first lines painted before Enter.
            reader.call_after_refresh(lambda: reader.lay_out_off_screen(self.size))

    def action_help(self) -> None:
        from newsreader.ui.screens.help_screen import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def list_screen(self) -> ListScreen | None:
        """The list screen (the bottom of the stack), wherever the user is now."""
        for screen in self.screen_stack:
            if isinstance(screen, ListScreen):
                return screen
        return None

    # -- sync ---------------------------------------------------------------------

    def action_sync(self) -> None:
        """`S` / "Sync now": push local changes and pull the server's, in the background."""
        self.syncer.start()

    def sync_note(self) -> str:
        """`offline — 12 changes waiting` after a failed sync, else ""."""
        return self.syncer.note()

    # -- theme ----------------------------------------------------------------

    def _theme_changed(self, theme: Theme) -> None:
        """Remember the chosen theme in the config file (atomically)."""
        self.article_highlighted(self._highlighted)  # prepared in the old theme's styles
        if theme.name == self.config.theme:
            return
        self.config.theme = theme.name
        if self.config_path is None:
            return
        try:
            save_config(self.config, self.config_path)
        except OSError as exc:
            self.notify(
                f"could not save the theme to {self.config_path}: {exc.strerror}",
                severity="warning",
                markup=False,
            )

    # -- command palette --------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's Theme and Quit, plus every action of the current screen.

        Textual's others are left out: "Screenshot" failed when users tried it,
        "Keys" opens a panel our escape bindings cannot close (`?` is the help
        here), and "Maximize" adds nothing to screens whose list or article
        already fills the terminal.
        """
        for command in super().get_system_commands(screen):
            if command.title in PALETTE_BUILTINS:
                yield command
        scope = getattr(screen, "KEY_SCOPE", None)
        for spec in KEYS:
            if not spec.palette or spec.action == "quit":
                continue
            if spec.scope == "app":
                target: DOMNode = self
            elif spec.scope == scope:
                target = screen
            else:
                continue
            yield SystemCommand(
                spec.description,
                f"key: {shown_keys(spec)}",
                partial(self._run_palette_action, target, spec.action),
            )

    async def _run_palette_action(self, target: DOMNode, action: str) -> None:
        await self.run_action(action, target)

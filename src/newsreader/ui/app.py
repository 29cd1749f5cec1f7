"""The Textual application: screens, global keys, theme and command palette.

Kept small on purpose (screens live in `ui/screens/`, widgets in
`ui/widgets/`). The app owns the `Library` handed in by the CLI and the
config; everything the user changes is written immediately (store
transactions, atomic config writes), so quitting or being killed loses nothing.

Only Textual, Rich and our UI-free core are imported here: no feed or HTTP
libraries, which would slow the first paint.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.dom import DOMNode
from textual.screen import Screen
from textual.theme import Theme

from newsreader.config import Config, load_config, save_config
from newsreader.store import Library, StoredArticle
from newsreader.ui.keys import KEYS, bindings
from newsreader.ui.screens.help_screen import HelpScreen
from newsreader.ui.screens.list_screen import ListScreen
from newsreader.ui.screens.reader_screen import ReaderScreen


class NewsreaderApp(App[None]):
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
        self.config_path = config_path
        self.config = config if config is not None else load_config(config_path)
        self._startup_warnings = list(self.config.warnings)
        if self.config.theme in self.available_themes:
            self.theme = self.config.theme
        else:
            self._startup_warnings.append(
                f"unknown theme {self.config.theme!r} in the config; using {self.theme}"
            )

    def get_default_screen(self) -> Screen:
        return ListScreen(self.library)

    def on_mount(self) -> None:
        for warning in self._startup_warnings:
            self.notify(warning, severity="warning", markup=False, timeout=6)
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    # -- screens ------------------------------------------------------------

    def open_reader(self, stored: StoredArticle) -> None:
        self.push_screen(ReaderScreen(self.library, stored))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # -- theme ----------------------------------------------------------------

    def _theme_changed(self, theme: Theme) -> None:
        """Remember the chosen theme in the config file (atomically)."""
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
        """Textual's own commands (theme, quit, keys…) plus every action of the current screen."""
        yield from super().get_system_commands(screen)
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
            keys = spec.help_keys or spec.keys
            yield SystemCommand(
                spec.description,
                f"key: {keys}",
                partial(self._run_palette_action, target, spec.action),
            )

    async def _run_palette_action(self, target: DOMNode, action: str) -> None:
        await self.run_action(action, target)


def run(library: Library, *, config_path: Path) -> None:
    """Run the UI until the user quits (called by the CLI with an open library)."""
    NewsreaderApp(library, config_path=config_path).run()

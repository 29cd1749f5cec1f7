"""The bottom line of key hints: `⏎ Open  / Search  f Filter …   ctrl+p Command palette`.

Textual's `Footer` rebuilds a widget per key every time the bindings change,
which is every screen switch and every focus change: it cost more than
drawing a 10k-word article. This is one widget that redraws one line of
`Text` from the screen's active bindings, so opening an article or the search
box costs no widget churn.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Static


class KeyHints(Static):
    """Shown bindings of the focused chain, then the command palette key on the right."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-hints--key", "key-hints--description"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._targets: list[tuple[int, int, DOMNode, str]] = []
        """(first cell, end cell, node, action) of each hint on the line, for clicks."""

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._redraw()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def on_resize(self) -> None:
        self._redraw()

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if screen is self.screen:
            self._redraw()

    def _redraw(self) -> None:
        key_style = self.get_component_rich_style("key-hints--key")
        text_style = self.get_component_rich_style("key-hints--description")
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        seen: set[str] = set()
        self._targets = []
        for node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen or not enabled:
                continue
            seen.add(binding.action)
            start = line.cell_len
            line.append(f" {self.app.get_key_display(binding)} ", key_style)
            line.append(f"{binding.description} ", text_style)
            self._targets.append((start, line.cell_len, node, binding.action))
        palette = Text.assemble(
            (" ctrl+p ", key_style), ("Command palette ", text_style), no_wrap=True, end=""
        )
        width = self.size.width
        gap = width - line.cell_len - palette.cell_len
        if width and gap >= 1:
            line.append(" " * gap)
            start = line.cell_len
            line.append_text(palette)
            self._targets.append((start, line.cell_len, self.app, "command_palette"))
        self.update(line, layout=False)

    async def on_click(self, event: events.Click) -> None:
        """A click on a hint runs its action, as Textual's footer did."""
        for start, end, node, action in self._targets:
            if start <= event.x < end:
                event.stop()
                await self.app.run_action(action, node)
                return

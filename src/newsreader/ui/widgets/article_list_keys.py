"""The article list's own key handling: Enter and the moves run in the order typed.

Why a module of its own: Textual runs a key's binding only once the key has
bubbled up to the app, after the keys typed next were handled, so a burst
typed during start (`j j enter`) or `enter /word` would act out of order.
The list runs Enter and its moves itself, at once; everything else (`/`
opening the search at once included) goes on as Textual would.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Protocol, cast

from newsreader.ui.keys import is_key
from newsreader.ui.widgets.typeahead import open_box_or_forward

if TYPE_CHECKING:
    from textual import events
    from textual.widget import Widget


class _KeyedList(Protocol):
    """What the mixin uses of `ArticleList`, named here so neither module imports the other."""

    @property
    def screen(self) -> Any: ...

    @property
    def app(self) -> Any: ...

    def action_open(self) -> None: ...


class ListKeys:
    """`on_key` and `move_now` of `ArticleList` (mixed in ahead of the scroll view)."""

    MOVES: ClassVar[tuple[str, ...]] = (
        "cursor_down",
        "cursor_up",
        "cursor_first",
        "cursor_last",
        "page_down",
        "page_up",
    )
    """The `list-nav` actions `on_key` runs itself, so a burst's moves come before its Enter."""

    def on_key(self, event: events.Key) -> None:
        widget = cast("_KeyedList", self)
        if is_key(event.key, "list", "open") and widget.screen is widget.app.screen:
            # Here, not only through the binding: bindings run after the keys
            # typed next have been handled, and `enter /word` must find "word"
            # in the article, not search the library.
            event.stop()
            event.prevent_default()
            widget.action_open()
            return
        if self.move_now(event):
            return
        open_box = getattr(widget.screen, "action_search", lambda: None)
        open_box_or_forward(cast("Widget", self), event, open_box)

    def move_now(self, event: events.Key) -> bool:
        """Run a move key here, in the order typed, not through its binding.

        Keys typed during start-up arrive in one burst, all queued on the list
        before the first one's binding runs (bindings run once a key has
        bubbled up to the app), while Enter opens at once (above): `j j enter`
        opened the first row. Not while keys go to a search box being opened.
        The list screen calls it too, for keys that reached it before the list
        had the focus. True when the key was a move and ran.
        """
        widget = cast("_KeyedList", self)
        screen = widget.screen
        if screen is not widget.app.screen or screen.focused is not self:
            return False
        if getattr(screen, "typeahead", None) is not None:
            return False
        for action in self.MOVES:
            if is_key(event.key, "list-nav", action):
                event.stop()
                event.prevent_default()
                getattr(self, f"action_{action}")()
                return True
        return False

"""Keys typed right after `/` reach the search or find box, not the list or article.

Textual forwards a key to the widget focused when the app reads it, and runs
bindings only once the key has bubbled up to the app. Typing `/stone` quickly
queues all six keys on the article view before the `/` binding has moved the
focus, so `stone` was lost and `o`, `n`, `e` ran reader commands (open in the
browser, next match, fetch the page). So the widget itself opens the box on
`/`, synchronously, and hands any printable key that arrives while an `Input`
holds the focus over to it. A screen whose box is still being mounted keeps
those keys in its `typeahead` list until the box exists.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

from newsreader.ui.keys import is_key


def open_box_or_forward(widget: Widget, event: events.Key, open_box: Callable[[], None]) -> None:
    """`on_key` body for the list and the article view: `/` opens the box at once."""
    if follow_current_screen(widget, event):
        return
    if getattr(widget.screen, "KEY_SCOPE", None) == "list":
        opens = is_key(event.key, "list", "search")  # the user's key for it, `/` by default
    else:
        opens = is_key(event.key, "reader", "find")
    if opens and widget.screen.focused is widget:
        event.stop()
        event.prevent_default()
        open_box()
        return
    forward_typeahead(widget, event)


def follow_current_screen(node: Widget, event: events.Key) -> bool:
    """Send a key on to the screen now shown if `node`'s screen is no longer it.

    `enter /word` typed at once queues all six keys on the list; `enter`
    opens the reader, and the rest belong to it. They go to the screen
    itself, whose `on_key` opens its box on `/` and fills it; other keys go
    on from there to the bindings of whatever has the focus.
    """
    screen = node if isinstance(node, Screen) else node.screen
    current = node.app.screen
    if screen is current:
        return False
    current.post_message(events.Key(event.key, event.character))
    event.stop()
    event.prevent_default()
    return True


def forward_typeahead(widget: Widget, event: events.Key) -> bool:
    """If `event` was meant for the focused input, insert it there; True when handled."""
    if not event.is_printable or event.character is None:
        return False
    focused = widget.screen.focused
    if focused is widget or not isinstance(focused, Input):
        pending = getattr(widget.screen, "typeahead", None)
        if not isinstance(pending, list):
            return False
        pending.append(event.character)  # the box is still being mounted
    else:
        focused.insert_text_at_cursor(event.character)
    event.stop()
    event.prevent_default()
    return True

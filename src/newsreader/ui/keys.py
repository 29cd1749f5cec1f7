"""Every key binding of the UI, in one table.

Screens and widgets build their `BINDINGS` from this table, the help screen
prints it and the command palette offers its actions, so the three can never
disagree. The key names are a contract: tests and the README rely on them.

The user remaps keys in `config.toml`'s `[keys]` table (`ui/keymap.py` checks
them): the app applies them once at start through Textual's keymap, every
binding carrying the id `<scope>.<action>`, and the help screen, the palette
and the few `on_key` handlers that act on a key before its binding (`/`,
`enter`) all ask this module which keys an action has now.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, NamedTuple

from textual.binding import Binding, BindingType
from textual.keys import format_key

Scope = Literal[
    "app",  # everywhere
    "list",  # the article list screen
    "list-nav",  # movement inside the article list widget
    "sidebar",  # the feeds sidebar of the list screen
    "reader",  # the reader screen
    "reader-nav",  # scrolling inside the article view
    "find",  # the find bar's input
    "search",  # the library search input
    "modal",  # help / quotes dialogs
    "confirm",  # a yes / no question (delete)
]


class KeySpec(NamedTuple):
    """One binding: keys (comma separated), the action, and how help describes it."""

    keys: str
    action: str
    description: str
    scope: Scope
    help_keys: str = ""
    """How the help screen shows the keys (defaults to `keys`)."""
    show: bool = False
    """Shown in the footer."""
    palette: bool = False
    """Offered in the command palette."""
    priority: bool = False
    footer: str = ""
    """Short label for the footer (defaults to `description`)."""


KEYS: tuple[KeySpec, ...] = (
    # -- anywhere ---------------------------------------------------------
    KeySpec(
        "question_mark",
        "help",
        "Help: every key",
        "app",
        "?",
        show=True,
        palette=True,
        footer="Help",
    ),
    KeySpec("ctrl+p", "command_palette", "Command palette", "app", "ctrl+p"),
    KeySpec(
        "q",
        "quit",
        "Quit (from the list; in the reader and dialogs q goes back)",
        "app",
        show=True,
        palette=True,
        footer="Quit",
    ),
    KeySpec(
        "S", "sync", "Sync now with the feed server ([sync] in config.toml)", "app", palette=True
    ),
    # -- list -------------------------------------------------------------
    KeySpec("j,down", "cursor_down", "Next article", "list-nav", "j / ↓"),
    KeySpec("k,up", "cursor_up", "Previous article", "list-nav", "k / ↑"),
    KeySpec("g,home", "cursor_first", "First article", "list-nav", "g / home"),
    KeySpec("G,end", "cursor_last", "Last article", "list-nav", "G / end"),
    KeySpec("pagedown,space", "page_down", "Page down", "list-nav", "PgDn / space"),
    KeySpec("pageup", "page_up", "Page up", "list-nav", "PgUp"),
    KeySpec("enter", "open", "Open the article (marks it read)", "list", show=True, footer="Open"),
    KeySpec(
        "slash",
        "search",
        "Search the library",
        "list",
        "/",
        show=True,
        palette=True,
        footer="Search",
    ),
    KeySpec(
        "f",
        "cycle_filter",
        "Filter: all → unread → bookmarked",
        "list",
        show=True,
        palette=True,
        footer="Filter",
    ),
    KeySpec(
        "b",
        "toggle_bookmark",
        "Toggle bookmark",
        "list",
        show=True,
        palette=True,
        footer="Bookmark",
    ),
    KeySpec(
        "m", "toggle_read", "Toggle read / unread", "list", show=True, palette=True, footer="Read"
    ),
    KeySpec("escape", "clear_search", "Clear the search", "list", show=False),
    KeySpec("r", "refresh_feeds", "Refresh every subscription", "list", palette=True),
    KeySpec("s", "toggle_sidebar", "Show / hide the feeds sidebar", "list", palette=True),
    KeySpec("tab", "switch_focus", "Move between the feeds sidebar and the list", "list"),
    KeySpec(
        "A",
        "mark_scope_read",
        "Mark every article listed read (feed or folder, filter, search)",
        "list",
        palette=True,
    ),
    KeySpec("C", "mark_all_read", "Mark every article in the library read", "list", palette=True),
    KeySpec("u", "undo_mark_read", "Undo the last A / C", "list", palette=True),
    KeySpec(
        "D",
        "delete_article",
        "Delete the article (asks first; a refresh does not bring it back)",
        "list",
        palette=True,
    ),
    # -- feeds sidebar ----------------------------------------------------
    KeySpec("j,down", "cursor_down", "Next feed or folder", "sidebar", "j / ↓"),
    KeySpec("k,up", "cursor_up", "Previous feed or folder", "sidebar", "k / ↑"),
    KeySpec("g,home", "first", "First entry (all articles)", "sidebar", "g / home"),
    KeySpec("G,end", "last", "Last feed", "sidebar", "G / end"),
    KeySpec("enter", "select", "Show only this feed or folder", "sidebar"),
    KeySpec("r", "refresh_selected", "Refresh this feed (a folder: its feeds)", "sidebar"),
    # -- library search input ---------------------------------------------
    KeySpec("escape", "close", "Clear the search", "search"),
    KeySpec("down", "to_results", "Move into the results", "search", "↓"),
    # -- reader -----------------------------------------------------------
    KeySpec("j,down", "scroll_down", "Scroll down", "reader-nav", "j / ↓"),
    KeySpec("k,up", "scroll_up", "Scroll up", "reader-nav", "k / ↑"),
    KeySpec("g,home", "scroll_home", "Top", "reader-nav", "g / home"),
    KeySpec("G,end", "scroll_end", "Bottom", "reader-nav", "G / end"),
    KeySpec("pagedown,space", "page_down", "Page down", "reader-nav", "PgDn / space"),
    KeySpec("pageup", "page_up", "Page up", "reader-nav", "PgUp"),
    KeySpec(
        "escape,q",
        "back",
        "Back to the list (closes find first)",
        "reader",
        "escape / q",
        show=True,
        footer="Back",
    ),
    KeySpec(
        "slash",
        "find",
        "Find in this article",
        "reader",
        "/",
        show=True,
        palette=True,
        footer="Find",
    ),
    KeySpec("J", "next_article", "Next article in the list (marks read)", "reader", palette=True),
    KeySpec("K", "previous_article", "Previous article in the list", "reader", palette=True),
    KeySpec("n", "next_unread", "Next unread article (while no find is active)", "reader"),
    KeySpec("p", "previous_unread", "Previous unread article", "reader", palette=True),
    KeySpec("n", "find_next", "Next match", "reader", palette=True),
    KeySpec("N", "find_previous", "Previous match", "reader", palette=True),
    KeySpec(
        "Q", "quotes", "Pull quotes by speaker", "reader", show=True, palette=True, footer="Quotes"
    ),
    KeySpec(
        "o", "open_url", "Open in the browser", "reader", show=True, palette=True, footer="Browser"
    ),
    KeySpec(
        "l",
        "links",
        "Links in the article: a digit opens link N ($BROWSER first)",
        "reader",
        palette=True,
    ),
    KeySpec("P", "play_enclosure", "Play the enclosure (podcast, video)", "reader", palette=True),
    KeySpec(
        "b",
        "toggle_bookmark",
        "Toggle bookmark",
        "reader",
        show=True,
        palette=True,
        footer="Bookmark",
    ),
    KeySpec("m", "toggle_read", "Toggle read / unread", "reader", palette=True),
    KeySpec(
        "e",
        "full_article",
        "Fetch the full article from its web page",
        "reader",
        palette=True,
    ),
    KeySpec("r", "refresh_feeds", "Refresh every subscription", "reader", palette=True),
    KeySpec("w", "save_article", "Save the article to a Markdown file", "reader", palette=True),
    # -- find bar input ---------------------------------------------------
    KeySpec("enter", "done", "Done typing: back to the article (n / N move, / edits)", "find"),
    KeySpec("down", "next", "Next match", "find", "↓"),
    KeySpec("up", "previous", "Previous match", "find", "↑"),
    KeySpec("escape", "close", "Close the find bar", "find"),
    # -- dialogs ----------------------------------------------------------
    KeySpec("escape,question_mark,q", "close", "Close", "modal", "escape / q"),
    KeySpec("y", "confirm", "Yes: do it", "confirm"),
    KeySpec("n,escape,q", "cancel", "No: leave it as it is", "confirm", "n / escape"),
)

SCOPE_TITLES: dict[str, str] = {
    "app": "Anywhere",
    "list": "Article list",
    "list-nav": "Article list",
    "sidebar": "Feeds sidebar (s in the list, tab to focus it)",
    "search": "Library search (/ in the list)",
    "reader": "Reader",
    "reader-nav": "Reader",
    "find": "Find bar (/ in the reader)",
    "modal": "Dialogs (help, quotes)",
    "confirm": "Questions (delete)",
}


def bindings(*scopes: Scope) -> list[BindingType]:
    """Textual bindings for the given scopes, in table order.

    Typed as Textual types `BINDINGS`, so a class can assign the result directly.
    """
    return [
        Binding(
            spec.keys,
            spec.action,
            spec.footer or spec.description,
            show=spec.show,
            tooltip=spec.description,
            key_display=spec.help_keys or None,
            priority=spec.priority,
            id=binding_id(spec),
        )
        for spec in KEYS
        if spec.scope in scopes
    ]


# -- the keys live now (the table's, or the user's from `ui/keymap.py`) -----------

_DEFAULTS: dict[tuple[str, str], tuple[str, ...]] = {
    (spec.scope, spec.action): tuple(key.strip() for key in spec.keys.split(",")) for spec in KEYS
}
"""(scope, action) -> the table's keys: `is_key` runs on every key press."""

_active: dict[tuple[str, str], tuple[str, ...]] = {}
"""(scope, action) -> the user's keys (Textual key names), for the bindings remapped."""


def binding_id(spec: KeySpec) -> str:
    """The Textual binding id: unique, as one action may sit in several scopes."""
    return f"{spec.scope}.{spec.action}"


def default_keys(spec: KeySpec) -> tuple[str, ...]:
    return tuple(key.strip() for key in spec.keys.split(","))


def keys_of(spec: KeySpec) -> tuple[str, ...]:
    """The keys `spec` answers to now: the user's, else the table's."""
    return _active.get((spec.scope, spec.action)) or default_keys(spec)


def is_key(key: str, scope: Scope, action: str) -> bool:
    """Whether `key` runs `action` in `scope` now (for `on_key` handlers that act early)."""
    found = _active.get((scope, action)) or _DEFAULTS.get((scope, action), ())
    return key in found


def shown_keys(spec: KeySpec) -> str:
    """How help and the palette show the keys: `j / ↓`, or the user's own."""
    found = _active.get((spec.scope, spec.action))
    if found is None:
        return spec.help_keys or spec.keys
    return " / ".join(key_display(key) for key in found)


def key_display(key: str) -> str:
    *modifiers, base = key.split("+")
    return "+".join([*modifiers, format_key(base)])


def remapped() -> Mapping[tuple[str, str], tuple[str, ...]]:
    """(scope, action) -> the user's keys, for the bindings remapped (read-only)."""
    return _active


def use_remapped(wanted: Mapping[tuple[str, str], tuple[str, ...]]) -> None:
    """Make `wanted` the live remapped keys, in place of any before (`keymap.apply_overrides`)."""
    _active.clear()
    _active.update(wanted)

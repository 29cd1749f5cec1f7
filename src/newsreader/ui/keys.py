"""Every key binding of the UI, in one table.

Screens and widgets build their `BINDINGS` from this table, the help screen
prints it and the command palette offers its actions, so the three can never
disagree. The key names are a contract: tests and the README rely on them.

The user remaps keys in `config.toml`'s `[keys]` table (see `resolve_overrides`):
the app applies them once at start (`apply_overrides`) through Textual's keymap,
every binding carrying the id `<scope>.<action>`, and the help screen, the
palette and the few `on_key` handlers that act on a key before its binding
(`/`, `enter`) all ask this module which keys an action has now.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from typing import Literal, NamedTuple

from textual.binding import Binding, BindingType
from textual.keys import Keys, format_key

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


# -- the user's keys ([keys] in config.toml) ----------------------------------

SCREENS: tuple[tuple[str, tuple[Scope, ...]], ...] = (
    ("the article list", ("app", "list", "list-nav")),
    ("the feeds sidebar", ("app", "list", "sidebar")),
    ("the library search", ("app", "list", "search")),
    ("the reader", ("app", "reader", "reader-nav")),
    ("the find bar", ("app", "reader", "find")),
    ("dialogs", ("app", "modal")),
    ("the delete question", ("app", "confirm")),
)
"""Scopes whose bindings are live at the same time: a key may mean one thing in each."""

_MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
_NAMED_KEYS = frozenset(
    key.value for key in Keys if "+" not in key.value and not key.value.startswith("<")
)

_DEFAULTS: dict[tuple[str, str], tuple[str, ...]] = {
    (spec.scope, spec.action): tuple(key.strip() for key in spec.keys.split(",")) for spec in KEYS
}
"""(scope, action) -> the table's keys: `is_key` runs on every key press."""

_active: dict[tuple[str, str], tuple[str, ...]] = {}
"""(scope, action) -> the user's keys (Textual key names), for the bindings remapped."""


def config_name(spec: KeySpec) -> str:
    """The name `[keys]` in config.toml uses: the action, without `toggle_`."""
    return spec.action.removeprefix("toggle_")


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


def normalise_key(text: str) -> str | None:
    """A key as the user writes it (`B`, `?`, `ctrl+n`, `f5`) as Textual names it; None if bad."""
    text = text.strip()
    if len(text) == 1:
        return _character_key(text)
    *modifiers, base = text.split("+")
    if not base or any(part.lower() not in _MODIFIERS for part in modifiers):
        return None
    if len(base) == 1:
        name = _character_key(base)
    elif base.lower() in _NAMED_KEYS:
        name = base.lower()
    else:  # a character's name, as Textual writes some: question_mark, slash
        try:
            char = unicodedata.lookup(base.replace("_", " "))
        except KeyError:
            return None
        if not char.isascii():  # 🍌 has a name too; keys are named after punctuation
            return None
        name = _character_key(char)
    if name is None:
        return None
    return "+".join([*(part.lower() for part in modifiers), name])


def _character_key(char: str) -> str | None:
    if not char.isprintable():
        return None
    if char == " ":
        return "space"
    if char.isalnum():
        return char
    try:
        return unicodedata.name(char).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return None


def resolve_overrides(
    raw: Mapping[str, Sequence[str]],
) -> tuple[dict[tuple[str, str], tuple[str, ...]], list[str]]:
    """The user's `[keys]` as (scope, action) -> keys, and a warning for each entry refused.

    `raw` maps a name (`bookmark`, every scope that has it) or `scope.name`
    (`reader.bookmark`, that scope only) to keys. An unknown name, a key that
    is not one, or a key that would take one already doing something else on
    the same screen is refused with a warning naming it; that action keeps its
    default keys. Keys that share a key in the table (`n` in the reader) may.
    """
    warnings: list[str] = []
    wanted: dict[tuple[str, str], tuple[str, ...]] = {}
    given: dict[tuple[str, str], str] = {}
    for name, values in raw.items():
        scope, _, bare = name.rpartition(".")
        specs = [
            spec
            for spec in KEYS
            if config_name(spec) == bare and (not scope or spec.scope == scope)
        ]
        if not specs:
            warnings.append(f"[keys] {name}: no such action; see the README for the names")
            continue
        keys: list[str] = []
        for value in values:
            key = normalise_key(value)
            if key is None:
                warnings.append(f"[keys] {name}: {value!r} is not a key; keeping the default")
                break
            if key not in keys:
                keys.append(key)
        else:
            if not keys:
                warnings.append(f"[keys] {name}: no keys given; keeping the default")
                continue
            for spec in specs:
                if not scope and (spec.scope, spec.action) in given:
                    continue  # `reader.bookmark` wins over `bookmark` for the reader
                wanted[(spec.scope, spec.action)] = tuple(keys)
                given[(spec.scope, spec.action)] = name
    while clash := _first_clash(wanted):
        moved, other, key, screen = clash
        warnings.append(
            f"[keys] {given[moved]}: {key_display(key)} is already {config_name_of(other)}"
            f" in {screen}; keeping the default"
        )
        for pair in [p for p in wanted if given[p] == given[moved]]:
            del wanted[pair]
    return wanted, warnings


def config_name_of(pair: tuple[str, str]) -> str:
    return pair[1].removeprefix("toggle_")


def _first_clash(
    wanted: Mapping[tuple[str, str], tuple[str, ...]],
) -> tuple[tuple[str, str], tuple[str, str], str, str] | None:
    """(moved, other, key, screen): a key the user moved onto another action's key."""
    for screen, scopes in SCREENS:
        now: dict[str, set[tuple[str, str]]] = {}
        before: dict[str, set[tuple[str, str]]] = {}
        for spec in KEYS:
            if spec.scope not in scopes:
                continue
            pair = (spec.scope, spec.action)
            for key in wanted.get(pair) or default_keys(spec):
                now.setdefault(key, set()).add(pair)
            for key in default_keys(spec):
                before.setdefault(key, set()).add(pair)
        for key, pairs in now.items():
            moved = sorted(pair for pair in pairs - before.get(key, set()) if pair in wanted)
            if not moved:
                continue
            name = config_name_of(moved[0])
            other = next((p for p in sorted(pairs) if config_name_of(p) != name), None)
            if other is not None:
                return moved[0], other, key, screen
    return None


def apply_overrides(raw: Mapping[str, Sequence[str]]) -> list[str]:
    """Make the user's keys the live ones (the app calls this once, at start); the warnings."""
    wanted, warnings = resolve_overrides(raw)
    _active.clear()
    _active.update(wanted)
    return warnings


def textual_keymap() -> dict[str, str]:
    """The keymap for `App.set_keymap`: every remapped binding, and its neighbours.

    Textual's keymap drops every binding on a remapped binding's old keys, so
    a binding sharing one of them in the same scope (`n`: next unread and next
    match) is given again, with its own keys.
    """
    touched: set[tuple[str, str]] = set(_active)
    for scope, action in _active:
        moved = {
            key
            for spec in KEYS
            if (spec.scope, spec.action) == (scope, action)
            for key in (*default_keys(spec), *_active[(scope, action)])
        }
        for spec in KEYS:
            if spec.scope == scope and moved & set(keys_of(spec)):
                touched.add((spec.scope, spec.action))
    return {
        binding_id(spec): ",".join(keys_of(spec))
        for spec in KEYS
        if (spec.scope, spec.action) in touched
    }

"""The user's own keys (`[keys]` in config.toml): checked, applied, handed to Textual.

Why a module of its own: the binding table (`ui/keys.py`) is what every
screen reads on every key press; turning what a user typed into Textual key
names, refusing names, non-keys and keys that would take one already doing
something else on the same screen, and building Textual's keymap run once,
at start. `apply_overrides` makes the accepted keys the live ones in
`ui/keys.py`, which the help screen, the palette and `is_key` then follow.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence

from textual.keys import Keys

from newsreader.ui.keys import (
    KEYS,
    KeySpec,
    Scope,
    binding_id,
    default_keys,
    key_display,
    keys_of,
    remapped,
    use_remapped,
)

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


def config_name(spec: KeySpec) -> str:
    """The name `[keys]` in config.toml uses: the action, without `toggle_`."""
    return spec.action.removeprefix("toggle_")


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
    use_remapped(wanted)
    return warnings


def textual_keymap() -> dict[str, str]:
    """The keymap for `App.set_keymap`: every remapped binding, and its neighbours.

    Textual's keymap drops every binding on a remapped binding's old keys, so
    a binding sharing one of them in the same scope (`n`: next unread and next
    match) is given again, with its own keys.
    """
    active = remapped()
    touched: set[tuple[str, str]] = set(active)
    for scope, action in active:
        moved = {
            key
            for spec in KEYS
            if (spec.scope, spec.action) == (scope, action)
            for key in (*default_keys(spec), *active[(scope, action)])
        }
        for spec in KEYS:
            if spec.scope == scope and moved & set(keys_of(spec)):
                touched.add((spec.scope, spec.action))
    return {
        binding_id(spec): ",".join(keys_of(spec))
        for spec in KEYS
        if (spec.scope, spec.action) in touched
    }

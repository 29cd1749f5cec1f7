"""Lists as items, and whether a lead list reads like a story's key points.

Why a module of its own: a nested list's items must each stay their own
(not run into their parent's text), read without recursion so hostile
nesting cannot overflow, and a page's menus and contents lists must not be
taken for a summary; `html_blocks` and `html_page` both ask these questions.
"""

from __future__ import annotations

import copy
from typing import Any

from newsreader.parse.html_tree import remove_keep_tail, squash, tag_name, text_of

LISTS = frozenset({"ul", "ol", "list", "dl"})
_LIST_ITEMS = frozenset({"li", "item", "dd", "dt"})
_MAX_ITEMS = 500


def list_items(element: Any) -> list[str]:
    """The items of a list, a nested list's items each its own (not run into their parent's).

    An item's own text comes first, then its sub-items in order; iterative, so
    hostile nesting cannot recurse.
    """
    items: list[str] = []
    pending = [child for child in reversed(element) if tag_name(child) in _LIST_ITEMS]
    while pending and len(items) < _MAX_ITEMS:
        item = pending.pop()
        nested = [sub for sub in item.iter(*LISTS) if _outermost_below(sub, item)]
        if not nested:
            text = squash(text_of(item))
        else:
            clone = copy.deepcopy(item)
            for sub in [sub for sub in clone.iter(*LISTS) if _outermost_below(sub, clone)]:
                remove_keep_tail(sub)
            text = squash(text_of(clone))
            for sub in reversed(nested):
                pending.extend(child for child in reversed(sub) if tag_name(child) in _LIST_ITEMS)
        if text:
            items.append(text)
    return items


def _outermost_below(sub: Any, top: Any) -> bool:
    """True when `sub` is a list inside `top` with no other list between them."""
    if sub is top:
        return False
    for ancestor in sub.iterancestors():
        if ancestor is top:
            return True
        if tag_name(ancestor) in LISTS:
            return False
    return False


_KEY_POINT_MIN_WORDS = 4
"""Words in a summary point, at least (one fewer is allowed); five on average."""
_KEY_POINT_MAX_ITEMS = 8


def looks_like_key_points(items: list[str]) -> bool:
    """Whether a list reads like a story's summary: a few items, each a sentence-sized point.

    Menus, contents lists and sidebars of headlines are many short items; a
    summary is two to eight points of several words each.
    """
    if not 1 <= len(items) <= _KEY_POINT_MAX_ITEMS:
        return False
    words = [len(item.split()) for item in items]
    return min(words) >= _KEY_POINT_MIN_WORDS - 1 and sum(words) / len(words) >= 5

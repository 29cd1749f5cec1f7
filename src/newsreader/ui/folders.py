"""The sidebar's folder tree from the feeds' tags, shared by the sidebar and the pre-paint.

A feed's tags are its folder path (`import` of OPML gives a feed in News/Local
the tags ["News", "Local"], and the OPML export nests them back), so the
sidebar shows every tag of a feed as one level of folders: News, inside it
Local, inside that the feed. A folder holds every feed at or below it.

Plain values and the standard library only: the pre-painted first screen
(`ui/prepaint.py`, drawn before Textual loads) must lay the sidebar out exactly
as the `FeedSidebar` widget will.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from newsreader.model.library import Feed

SEP = "\x1f"
"""Joins a nested folder's path into one name (a control character never in a tag:
tags are cleaned like titles). A top-level folder's name is just its tag."""


class Node(NamedTuple):
    """One line of the tree: a folder (its path joined by `SEP`) or a feed, and its depth."""

    depth: int
    folder: str | None = None
    feed: Feed | None = None


def tag_path(feed: Feed) -> tuple[str, ...]:
    """The feed's folder path: its tags, blank ones left out."""
    return tuple(tag for tag in feed.tags if tag.strip())


def in_folder(feed: Feed, folder: str) -> bool:
    parts = tuple(folder.split(SEP))
    return tag_path(feed)[: len(parts)] == parts


def folder_label(folder: str) -> str:
    """What the sidebar shows for a folder: the last tag of its path."""
    return folder.rsplit(SEP, 1)[-1]


def folder_tree(feeds: Sequence[Feed]) -> list[Node]:
    """Folders A→Z, each followed by its sub-folders then its own feeds; then loose feeds.

    Feeds keep the order they come in (by title, from the store).
    """
    children: dict[tuple[str, ...], set[str]] = {(): set()}
    members: dict[tuple[str, ...], list[Feed]] = {(): []}
    for feed in feeds:
        path = tag_path(feed)
        for depth in range(len(path)):
            children.setdefault(path[:depth], set()).add(path[depth])
            children.setdefault(path[: depth + 1], set())
        members.setdefault(path, []).append(feed)
    nodes: list[Node] = []
    # Iterative: an OPML file nested thousands of folders deep gives a path that long.
    stack: list[tuple[str, ...] | Node] = [*_sorted_children((), children)]
    while stack:
        item = stack.pop()
        if isinstance(item, Node):
            nodes.append(item)
            continue
        nodes.append(Node(len(item) - 1, folder=SEP.join(item)))
        feeds_here = [Node(len(item), feed=feed) for feed in members.get(item, ())]
        stack.extend(reversed(feeds_here))
        stack.extend(_sorted_children(item, children))
    nodes.extend(Node(0, feed=feed) for feed in members[()])
    return nodes


def _sorted_children(
    path: tuple[str, ...], children: dict[tuple[str, ...], set[str]]
) -> list[tuple[str, ...]]:
    """The sub-folders of `path`, Z→A: popped from a stack, they come out A→Z."""
    names = sorted(children.get(path, ()), key=lambda n: (n.casefold(), n), reverse=True)
    return [(*path, name) for name in names]

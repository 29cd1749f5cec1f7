"""SQLite's errors in words a user can act on, SQLite's own words kept.

Why a module of its own: both the open (`db`, `open_modes`) and every write
turn SQLite's terse messages ("database or disk is full", "file is not a
database") into what happened and what to do, and must agree on which
errors mean a damaged file, which is moved aside rather than opened again.
"""

from __future__ import annotations

import sqlite3


def is_corruption(exc: sqlite3.Error) -> bool:
    """Whether SQLite's error means the file is damaged or not a database at all."""
    message = str(exc)
    return "not a database" in message or "malformed" in message


def describe_error(exc: sqlite3.Error) -> str:
    """SQLite's error in words a user can act on, SQLite's own words kept."""
    message = str(exc)
    if is_corruption(exc):
        return "not a newsreader library or corrupt (SQLite says: " + message + ")"
    if "readonly" in message or "read-only" in message:
        return "library is read-only (" + message + ")"
    if "disk" in message and "full" in message:
        return "disk full, nothing was written (" + message + ")"
    if "locked" in message or "busy" in message:
        return "library is busy in another process, try again (" + message + ")"
    return message

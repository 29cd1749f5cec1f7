"""Opening the library for one command run.

Its own module so that every command module can open the library without
importing `cli.main` (which imports them): no import circle in `cli/`.
"""

from __future__ import annotations

import argparse

from newsreader.cli.output import warn
from newsreader.errors import CorruptLibraryError, NewsreaderError
from newsreader.model.filters import Rules
from newsreader.paths import config_dir, config_path, data_dir, database_path
from newsreader.store import Library, quarantine_library


def open_library(args: argparse.Namespace) -> Library:
    """The library for this run; a corrupt or foreign file there is never overwritten.

    Without `--new-library` the user gets the file's name and the way out; with
    it, the file is renamed aside (kept) and a fresh library starts. A library
    that opened read-only for a reason the user may not know (a full disk) says
    so on stderr, once, and the command goes on reading.
    """
    path = database_path(data_dir(args.data_dir))

    def upgrading(old: int, new: int) -> None:
        warn(f"{path}: upgrading the library (schema {old} to {new}); big ones take a while")

    try:
        library = Library(path, on_upgrade=upgrading)
    except CorruptLibraryError as exc:
        if not getattr(args, "new_library", False):
            raise NewsreaderError(
                f"{exc}. The file was left untouched; run again with --new-library to move it"
                " aside and start a fresh library"
            ) from None
        try:
            moved = quarantine_library(path)
        except OSError as error:  # read-only media: it cannot be moved, nor a library made
            raise NewsreaderError(
                f"{path}: not a usable library, and it cannot be moved aside"
                f" ({error.strerror}); the file was left untouched"
            ) from None
        warn(f"{path}: not a usable library, moved aside to {moved}; starting a fresh library")
        library = Library(path)
    if library.notice:
        warn(f"{path}: {library.notice}")
    library.use_rules(config_rules)  # read when an article is first stored, not before
    return library


def config_rules() -> Rules:
    """The filters and retention of config.toml; its warnings are shown by `filter` and the UI."""
    from newsreader.config import load_config

    return load_config(config_path(config_dir())).rules()

"""`newsreader` with no command: open the reader (Textual loads only here)."""

from __future__ import annotations

import argparse

from newsreader.cli.context import open_library
from newsreader.cli.output import EXIT_OK
from newsreader.paths import config_dir, config_path, samples_dir


def cmd_tui(args: argparse.Namespace) -> int:
    """Open the reader; a library that never had any articles gets the bundled samples.

    Only the reader does this, once per library (remembered in its settings);
    CLI subcommands never add samples.
    """
    library = open_library(args)
    try:
        # A read-only library can neither take the samples nor remember the offer.
        offer = not library.read_only and library.is_empty()
        if offer and not library.get_state("samples.offered"):
            from newsreader.services.importer import import_paths

            import_paths(library, [samples_dir()], skip=frozenset({"opml"}))
            library.set_state("samples.offered", True)
        from newsreader.ui.launch import run  # turns the collector off for start-up

        status = run(library, config_path=config_path(config_dir()))
    finally:
        library.close()
    return status or EXIT_OK

"""Start the UI: the one place the garbage collector is turned off for start-up.

Why a module of its own: importing Textual and building the first screen
allocate so much that the collector ran dozens of times before the first
frame. It must be off *before* `newsreader.ui.app` (and so Textual) is
imported, so this module imports nothing of Textual at load time; the app
turns the collector back on once the first frame is out
(`NewsreaderApp.settle_memory`).
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from newsreader.store import Library


def run(library: Library, *, config_path: Path) -> None:
    """Run the UI until the user quits (called by the CLI with an open library)."""
    gc.disable()
    try:
        from newsreader.ui.app import NewsreaderApp

        NewsreaderApp(library, config_path=config_path).run()
    finally:
        gc.enable()

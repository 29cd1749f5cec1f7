"""Start the UI: paint the list at once, then hand the terminal to Textual.

Why a module of its own: importing Textual and building the first screen
take longer than a user should wait for the list. So, before Textual is
imported, `ui/prepaint.py` draws the list's first screen straight from the
library (when it can reproduce it exactly), and Textual then takes the
screen over without clearing it and shows its own frames from the first one
that holds the list's rows (`compat.prepainted_driver`).

It is also the one place the garbage collector is turned off for start-up:
importing Textual and building the first screen allocate so much that the
collector ran dozens of times before the first frame. It must be off
*before* `newsreader.ui.app` (and so Textual) is imported; the app turns it
back on once the first frame is out (`NewsreaderApp.settle_memory`).
"""

from __future__ import annotations

import contextlib
import gc
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from newsreader.store import Library


def run(library: Library, *, config_path: Path) -> int:
    """Run the UI until the user quits (called by the CLI with an open library).

    Returns the exit status: Textual's, non-zero when the app ended on an
    error (it prints the traceback itself and returns instead of raising).
    """
    gc.disable()
    from newsreader.ui.prepaint import prepaint

    painted = prepaint(library, config_path)
    try:
        from newsreader.ui.app import NewsreaderApp

        app = NewsreaderApp(library, config_path=config_path)
        if painted is not None:
            from newsreader.ui.compat import prepainted_driver

            app.driver_class, show_frames = prepainted_driver(painted)
            settle_memory = app.settle_memory

            def settle_and_show() -> None:
                """The list screen's first settle: its rows are drawn, frames may go out."""
                show_frames()
                settle_memory()

            app.settle_memory = settle_and_show  # type: ignore[method-assign]
        app.run()
        return app.return_code or 0
    finally:
        if painted is not None:
            with contextlib.suppress(Exception):  # the terminal is gone: nothing to put back
                painted.restore()
        gc.enable()

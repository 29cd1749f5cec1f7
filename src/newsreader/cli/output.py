"""What a command hands back: its stdout document, its one-line errors, its exit status.

One place for these so every command prints JSON the same way (one document,
UTF-8 kept, indented) and every failure the same way (`newsreader: error: …`).
Rich is imported only by `console`, so commands that print JSON never load it.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsreader.errors import NewsreaderError

if TYPE_CHECKING:
    from rich.console import Console

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_INTERRUPTED = 130
"""Ctrl-C: 128 + SIGINT, as a shell reports a process the signal ended."""


def console(*, stderr: bool = False) -> Console:
    """A Rich console that prints data literally: no markup, emoji codes or highlighting."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, markup=False, emoji=False, soft_wrap=False)


def print_json(document: Any) -> None:
    """The one JSON document a `--json` command prints on stdout."""
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def print_line(text: str) -> None:
    """One plain line on stdout, for output that scripts may still cut columns from."""
    sys.stdout.write(text + "\n")


def error(message: str) -> None:
    """The one-line report of a failure the user can fix (the exit status says it failed)."""
    sys.stderr.write(f"newsreader: error: {message}\n")


def warn(message: str) -> None:
    """A one-line note on stderr about something that went through anyway."""
    sys.stderr.write(f"newsreader: warning: {message}\n")


def note(message: str) -> None:
    """A plain line on stderr for the person at the terminal, keeping stdout for data."""
    sys.stderr.write(message + "\n")


def write_output(text: str, output: str | None) -> None:
    """Write to stdout, or atomically to a file so a crash never leaves half an export."""
    if output is None:
        sys.stdout.write(text)
        return
    target = Path(output).expanduser()
    temp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        with open(temp, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise NewsreaderError(f"{target}: cannot write ({exc.strerror})") from None

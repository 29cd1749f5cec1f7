"""What a command hands back: its stdout document, its one-line errors, its exit status.

One place for these so every command prints JSON the same way (one document,
indented, always valid UTF-8) and every failure the same way (`newsreader:
error: …`). Everything a person reads goes through `display`: paths and
arguments are user-given and may carry escape sequences or undecodable bytes,
just like article text. Rich is imported only by `console`, so commands that
print JSON never load it.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import os
import re
import stat
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from newsreader.errors import NewsreaderError
from newsreader.sanitize import clean_text

if TYPE_CHECKING:
    from rich.console import Console

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
"""Ctrl-C: 128 + SIGINT, as a shell reports a process the signal ended."""

MAX_INT = 2**63 - 1
"""The largest number SQLite stores: no ID is larger, and a larger limit cannot be bound.
Every number argument is checked against it (past it, SQLite raises `OverflowError`)."""

STDOUT = "-"
"""`-o -`: the conventional name for standard output."""


class OutputError(NewsreaderError):
    """Standard output could not be written (a full disk, `> /dev/full`, an I/O error)."""


class OutputClosed(Exception):
    """Whoever read standard output went away (`| head`): stop quietly, it is not an error.

    Deliberately not a `BrokenPipeError`: Rich catches that itself and exits with status 1.
    """


# -- showing user-given text -------------------------------------------------------------

_SURROGATES = re.compile("[\ud800-\udfff]")


def _decoded(text: str) -> str:
    """`text` with undecodable bytes (surrogate escapes from argv or a file name) as U+FFFD."""
    if not _SURROGATES.search(text):
        return text
    try:
        return os.fsencode(text).decode(sys.getfilesystemencoding(), "replace")
    except UnicodeError:  # a lone surrogate that no byte stands for
        return _SURROGATES.sub("\ufffd", text)


def display(text: object) -> str:
    """One line of user-given or remote text as a terminal may show it.

    The same cleaning as article text (no escape sequences, controls or bidi
    overrides, so a file name cannot clear the screen, set the title or write
    the clipboard); bytes that are not valid in the file-system encoding show
    as U+FFFD instead of failing a strict stdout; a newline becomes a space so
    an error stays one line.
    """
    return clean_text(_decoded(str(text))).replace("\n", " ")


# -- stdout ------------------------------------------------------------------------------


class _GuardedStdout:
    """The current `sys.stdout`, with its failures as `OutputError` / `OutputClosed`.

    Rich writes through this too, so a full disk under a table is one error line.
    """

    def write(self, text: str) -> int:
        try:
            return sys.stdout.write(text)
        except OSError as exc:
            raise _output_failure(exc) from None

    def flush(self) -> None:
        try:
            sys.stdout.flush()
        except OSError as exc:
            raise _output_failure(exc) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(sys.stdout, name)


def _output_failure(exc: OSError) -> Exception:
    if isinstance(exc, BrokenPipeError):
        return OutputClosed()
    return OutputError(f"standard output: {exc.strerror or exc}")


stdout: TextIO = _GuardedStdout()  # type: ignore[assignment]
"""Where commands print: `sys.stdout`, raising `OutputError` or `OutputClosed` on failure."""


def flush_stdout() -> None:
    """Flush now, so a write error surfaces while it can still be reported, not at exit."""
    stdout.flush()


def discard_stdout() -> None:
    """Point stdout at the null device so the flush at interpreter exit cannot fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def console(*, stderr: bool = False) -> Console:
    """A Rich console that prints data literally: no markup, emoji codes or highlighting."""
    from rich.console import Console

    return Console(
        file=None if stderr else stdout,
        stderr=stderr,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=False,
    )


_TERMINAL_UNSAFE = re.compile(
    "[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff\ufff9-\ufffb\ud800-\udfff]"
)
"""What JSON may hold raw but a terminal must not see raw: C1 controls, bidi and
zero-width characters, and lone surrogates (which are not UTF-8 at all).
`json.dumps` already escapes C0 controls such as ESC."""


def print_json(document: Any) -> None:
    """The one JSON document a `--json` command prints on stdout.

    Text stays readable UTF-8 where stdout is UTF-8 (ASCII otherwise); the
    characters above are written as `\\uXXXX` escapes, so the output is valid
    UTF-8 and safe on a terminal while a JSON reader still gets the exact value
    back (a file name's undecodable bytes included).
    """
    text = json.dumps(document, ensure_ascii=not _utf8(sys.stdout), indent=2)
    text = _TERMINAL_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    stdout.write(text + "\n")


def _utf8(stream: TextIO) -> bool:
    encoding = getattr(stream, "encoding", None)
    try:
        return encoding is not None and codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


def print_line(text: str) -> None:
    """One plain line on stdout, for output that scripts may still cut columns from."""
    stdout.write(display(text) + "\n")


def error(message: str) -> None:
    """The one-line report of a failure the user can fix (the exit status says it failed)."""
    sys.stderr.write(f"newsreader: error: {display(message)}\n")


def warn(message: str) -> None:
    """A one-line note on stderr about something that went through anyway."""
    sys.stderr.write(f"newsreader: warning: {display(message)}\n")


def note(message: str) -> None:
    """A plain line on stderr for the person at the terminal, keeping stdout for data."""
    sys.stderr.write(display(message) + "\n")


# -- -o FILE -----------------------------------------------------------------------------


def write_output(text: str | Iterable[str], output: str | None) -> None:
    """Write `text` (or its pieces, as they come) to stdout (no `-o`, or `-o -`) or to the
    file `output` names.

    A regular file (or a new one) is replaced atomically, so a crash never
    leaves half an export; through a symlink, the file it points to is the one
    replaced. Anything else, a FIFO or a device such as `/dev/null`, is opened
    and written to: renaming over it would put a regular file in its place.
    Pieces let a large export stream instead of being built whole first; a
    failure while they are produced leaves no file behind.
    """
    if output is None or output == STDOUT:
        for piece in _pieces(text):
            stdout.write(piece)
        return
    if not output:
        raise NewsreaderError("-o needs a file name (or - for standard output)")
    target = Path(output).expanduser()
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise NewsreaderError(f"{target}: cannot write ({exc.strerror})") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise NewsreaderError(f"{target}: is a directory")
    if mode is not None and not stat.S_ISREG(mode):
        _write_in_place(text, target)
    else:
        _replace_atomically(text, Path(os.path.realpath(target)), shown=target)


def _pieces(text: str | Iterable[str]) -> Iterable[str]:
    return (text,) if isinstance(text, str) else text


def _write_in_place(text: str | Iterable[str], target: Path) -> None:
    """Write to a FIFO or device as `cat > target` would (blocks until a FIFO has a reader)."""
    try:
        with open(target, "w", encoding="utf-8") as handle:
            handle.writelines(_pieces(text))
    except OSError as exc:
        raise NewsreaderError(f"{target}: cannot write ({exc.strerror})") from None


def _replace_atomically(text: str | Iterable[str], target: Path, *, shown: Path) -> None:
    temp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        with open(temp, "w", encoding="utf-8") as handle:
            handle.writelines(_pieces(text))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException as exc:  # the pieces' producer may fail too, or Ctrl-C
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise NewsreaderError(f"{shown}: cannot write ({exc.strerror})") from None
        raise


def plural(count: int, noun: str, many: str | None = None) -> str:
    """`1 new article`, `2 new articles`: every count a person reads agrees with its noun."""
    return f"{count} {noun if count == 1 else many or noun + 's'}"

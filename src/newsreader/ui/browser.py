"""Open a link in the user's browser, or an enclosure in their player, safely.

Links come from strangers. Only `is_safe_web_url` URLs are opened, and they are
passed as one argv element (no shell, no `os.system`, no `webbrowser`, which
may try several commands), detached from our terminal.

The browser is `$BROWSER` when set (the convention: a `:`-separated list of
commands tried in turn, each split into words without a shell, `%s` replaced
by the URL, else the URL appended), then `xdg-open` (`open` on macOS), then
`sensible-browser`.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence

from newsreader.urls import describe_url, is_safe_web_url


class BrowserError(Exception):
    """The URL was refused or no opener exists; the message is shown to the user."""


def opener_command() -> str | None:
    """Path of the platform's URL opener, or None when there is none."""
    for name in ("open" if sys.platform == "darwin" else "xdg-open", "sensible-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def browser_commands(url: str, environ: Mapping[str, str] | None = None) -> list[list[str]]:
    """Every argv that may open `url`, in the order they are tried.

    `$BROWSER` entries come first; a `%s` in one is replaced by the URL (`%%`
    is a literal `%`), otherwise the URL is its last argument. Entries whose
    program is not installed are left out.
    """
    env = os.environ if environ is None else environ
    commands: list[list[str]] = []
    for entry in env.get("BROWSER", "").split(os.pathsep):
        try:
            words = shlex.split(entry)
        except ValueError:
            continue
        if not words or shutil.which(words[0]) is None:
            continue
        if any("%s" in word for word in words):
            argv = [_substitute(word, url) for word in words]
        else:
            argv = [*words, url]
        commands.append(argv)
    opener = opener_command()
    if opener is not None:
        commands.append([opener, url])
    return commands


def _substitute(word: str, url: str) -> str:
    return word.replace("%%", "\0").replace("%s", url).replace("\0", "%")


def open_in_browser(url: object) -> list[str]:
    """Start the browser on `url`; returns the argv used. Raises `BrowserError`.

    When nothing can open it the message holds the link, so the user can copy it.
    """
    if not is_safe_web_url(url):
        raise BrowserError(f"not opening {describe_url(url, 80)}: only http(s) links are opened")
    assert isinstance(url, str)
    failures: list[str] = []
    for argv in browser_commands(url):
        try:
            spawn(argv)
        except OSError as exc:
            failures.append(f"{argv[0]}: {exc.strerror}")
            continue
        return argv
    why = "; ".join(failures) or "set $BROWSER, or install xdg-open or sensible-browser"
    raise BrowserError(f"no browser could open the link ({why}): {url}")


def open_enclosure(url: object, command: Sequence[str]) -> list[str]:
    """Start the configured player (`enclosure_command`) on an http(s) enclosure URL."""
    if not is_safe_web_url(url):
        raise BrowserError(f"not playing {describe_url(url, 80)}: only http(s) media is opened")
    assert isinstance(url, str)
    if not command:
        raise BrowserError(f"no enclosure_command configured: {url}")
    if any("{url}" in part for part in command):
        argv = [part.replace("{url}", url) for part in command]
    else:
        argv = [*command, url]
    if shutil.which(argv[0]) is None:
        raise BrowserError(f"{argv[0]} not found (enclosure_command in config.toml): {url}")
    try:
        spawn(argv)
    except OSError as exc:
        raise BrowserError(f"could not start {argv[0]}: {exc.strerror}: {url}") from None
    return argv


def spawn(argv: list[str]) -> None:
    """Run `argv` detached from our terminal: no shell, no inherited stdio."""
    subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        shell=False,
    )

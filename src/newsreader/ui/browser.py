"""Open an article's link in the user's browser, safely.

Links come from strangers. Only `is_safe_web_url` URLs are opened, and they are
passed as one argv element to `xdg-open`/`open` (no shell, no `os.system`,
no `webbrowser`, which may try several commands), detached from our terminal.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

from newsreader.urls import describe_url, is_safe_web_url


class BrowserError(Exception):
    """The URL was refused or no opener exists; the message is shown to the user."""


def opener_command() -> str | None:
    """Path of the platform's URL opener, or None when there is none."""
    name = "open" if sys.platform == "darwin" else "xdg-open"
    return shutil.which(name)


def open_in_browser(url: object) -> list[str]:
    """Start the browser on `url`; returns the argv used. Raises `BrowserError`."""
    if not is_safe_web_url(url):
        raise BrowserError(f"not opening {describe_url(url, 80)}: only http(s) links are opened")
    assert isinstance(url, str)
    opener = opener_command()
    if opener is None:
        raise BrowserError("no browser opener found (xdg-open or open); copy the link instead")
    argv = [opener, url]
    try:
        subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            shell=False,
        )
    except OSError as exc:
        raise BrowserError(f"could not start {opener}: {exc.strerror}") from None
    return argv

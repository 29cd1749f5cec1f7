"""The end-to-end fixture: the installed app in a private tmux server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from support import Tmux


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    """A private tmux server whose programs see a config dir under `tmp_path` and a
    256-colour terminal; killed, with its session, after the test."""
    env = dict(os.environ)
    env["NEWSREADER_CONFIG_DIR"] = str(tmp_path / "config")
    env["TERM"] = "xterm-256color"
    env.pop("TMUX", None)  # inside tmux, the client would talk to the user's server
    server = Tmux(env)
    yield server
    server.kill()

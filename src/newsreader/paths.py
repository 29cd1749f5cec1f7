"""Every directory newsreader uses, computed in one place.

Precedence: an explicit `--data-dir`, then `NEWSREADER_DATA_DIR`, then the
platform's user data dir (platformdirs). Config likewise with
`NEWSREADER_CONFIG_DIR`. Nothing is created at import time; callers ask for a
directory to exist only when they are about to write in it.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

APP_NAME = "newsreader"
DATA_ENV = "NEWSREADER_DATA_DIR"
CONFIG_ENV = "NEWSREADER_CONFIG_DIR"
DATABASE_NAME = "library.sqlite3"
CONFIG_NAME = "config.toml"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Where the library lives."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env).expanduser()
    return Path(user_data_dir(APP_NAME, appauthor=False))


def config_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Where `config.toml` lives."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env).expanduser()
    return Path(user_config_dir(APP_NAME, appauthor=False))


def database_path(data: Path) -> Path:
    return data / DATABASE_NAME


def config_path(config: Path) -> Path:
    return config / CONFIG_NAME


def samples_dir() -> Path:
    """The bundled sample articles: `newsreader/samples` in a wheel, `data/` in a checkout."""
    packaged = Path(str(resources.files("newsreader"))) / "samples"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "data"
    return checkout

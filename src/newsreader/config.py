"""User settings for the terminal UI, read from `config.toml`.

The file lives in the config directory (`NEWSREADER_CONFIG_DIR`, else the
platform's user config dir, see `newsreader.paths`). Every key is optional;
a missing file means all defaults. Example::

    # ~/.config/newsreader/config.toml
    theme = "nord"        # any Textual theme name; ctrl+p → "Theme" changes and saves it

Keys:

* ``theme`` (string, default ``"textual-dark"``): the colour theme. Pick one
  from the command palette (``ctrl+p``, then "Theme"); the choice is saved here.
* ``refresh_minutes`` (integer, default 30, 0 = off): refresh every
  subscription this often while the reader is open.
* ``enclosure_command`` (list of strings, default ``["mpv", "{url}"]``): the
  program that plays an enclosure (podcast, video), as an argv list: run
  without a shell, ``{url}`` replaced by the enclosure's http(s) URL (appended
  when no element holds it).
* ``brief`` (boolean, default true): articles without key points of their
  own get an "In brief (generated)" panel of up to three of their sentences
  in the reader and ``newsreader show``; ``false`` switches it off.
* ``[sync]`` (table, default none): sync with a feed server. ``service``
  (``"miniflux"``, ``"greader"`` or ``"ttrss"``), ``url`` (http or https),
  ``username``, and ``password_command`` (run as an argv list split by shell
  rules, never through a shell; its first output line is the password). The
  password itself is never stored here: without ``password_command``, it is
  read from ``NEWSREADER_SYNC_PASSWORD``.
* ``[keys]`` (table, default none): remapped keys, action name → a key or a
  list of keys (``bookmark = "B"``, ``next_article = ["J", "ctrl+n"]``); a
  name applies in every screen that has it, ``reader.bookmark`` (a sub-table)
  only there. Only the shape is checked here; the names and keys are checked
  by ``newsreader.ui.keys``, which knows the bindings.
* ``[[filter]]`` (tables, default none): a killfile. ``feed`` (part of the
  feed's URL or title), ``title``, ``author``, ``content`` (each a regex, or a
  list of words) and ``words`` (words in the title or text); every key given
  must match. ``action`` is ``"hide"`` (the default: never listed, counted or
  found) or ``"read"``. A filter with an invalid regex is a warning naming it;
  the others apply. See ``newsreader.model.filters``.
* ``keep_articles`` / ``keep_days`` (integers, default 0 = keep everything):
  retention, per feed, after each refresh and by ``newsreader prune``;
  bookmarked articles are always kept.

A file that is not valid TOML, an unknown key or a value of the wrong type
never stops the app: the offending part falls back to its default and a
warning says what was ignored. The file is rewritten atomically (temp file,
fsync, ``os.replace``) so a crash mid-save cannot leave half a file.

This module must not import Textual: the CLI reads the config too and has to
stay fast; whether a theme name exists is checked by the UI, which knows the
installed themes.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from newsreader.model.filters import Rules, parse_filters

DEFAULT_THEME = "textual-dark"
DEFAULT_REFRESH_MINUTES = 30
MAX_REFRESH_MINUTES = 7 * 24 * 60
DEFAULT_ENCLOSURE_COMMAND = ("mpv", "{url}")
SYNC_SERVICES = ("miniflux", "greader", "ttrss")
DEFAULT_BRIEF = True
MAX_KEEP = 10_000_000
"""Largest `keep_articles` / `keep_days` (SQLite's integers take more; a typo, not a plan)."""


@dataclass(frozen=True, slots=True)
class SyncSettings:
    """The `[sync]` table: which server, where, as whom; never the password itself."""

    service: str
    url: str
    username: str
    password_command: str | None = None


@dataclass(slots=True)
class Config:
    """Settings the UI honours; `warnings` collects what `load_config` ignored."""

    theme: str = DEFAULT_THEME
    refresh_minutes: int = DEFAULT_REFRESH_MINUTES
    enclosure_command: tuple[str, ...] = DEFAULT_ENCLOSURE_COMMAND
    brief: bool = DEFAULT_BRIEF
    sync: SyncSettings | None = None
    keys: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """`[keys]`: action name (or `scope.name`) -> keys, as written; see `ui.keys`."""
    keep_articles: int = 0
    keep_days: int = 0
    filter: tuple[dict[str, Any], ...] = ()
    """The `[[filter]]` tables as written (saved back as they are); `rules` compiles them."""
    warnings: list[str] = field(default_factory=list, compare=False, repr=False)

    def rules(self) -> Rules:
        """The filters (compiled; bad ones left out, as `load_config` warned) and retention."""
        return Rules(
            filters=parse_filters(list(self.filter), "config", []),
            keep_articles=self.keep_articles,
            keep_days=self.keep_days,
        )


_KNOWN = {f.name: f for f in fields(Config) if f.name != "warnings"}


def load_config(path: Path | None) -> Config:
    """Read `path` into a `Config`; problems become warnings and defaults, never errors."""
    config = Config()
    if path is None:
        return config
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return config
    except OSError as exc:
        config.warnings.append(f"{path}: cannot read config ({exc.strerror}); using defaults")
        return config
    import tomllib  # here, not at the top: most start-ups have no config file to read

    try:
        data = tomllib.loads(raw.decode("utf-8", "replace"))
    except tomllib.TOMLDecodeError as exc:
        config.warnings.append(f"{path}: not valid TOML ({exc}); using defaults")
        return config
    for key, value in data.items():
        if key not in _KNOWN:
            config.warnings.append(f"{path}: unknown setting {key!r} ignored")
            continue
        if key == "theme":
            if isinstance(value, str) and value.strip() and len(value) <= 100:
                config.theme = value.strip()
            else:
                config.warnings.append(f"{path}: theme must be a theme name; using default")
        elif key == "refresh_minutes":
            if (
                isinstance(value, int)
                and not isinstance(value, bool)
                and (0 <= value <= MAX_REFRESH_MINUTES)
            ):
                config.refresh_minutes = value
            else:
                config.warnings.append(
                    f"{path}: refresh_minutes must be a whole number of minutes from 0 (off)"
                    f" to {MAX_REFRESH_MINUTES}; using {DEFAULT_REFRESH_MINUTES}"
                )
        elif key == "enclosure_command":
            if (
                isinstance(value, list)
                and value
                and len(value) <= 64
                and all(isinstance(part, str) and part and "\x00" not in part for part in value)
            ):
                config.enclosure_command = tuple(value)
            else:
                config.warnings.append(
                    f"{path}: enclosure_command must be a list of strings like"
                    ' ["mpv", "{url}"]; using the default'
                )
        elif key == "brief":
            if isinstance(value, bool):
                config.brief = value
            else:
                config.warnings.append(
                    f"{path}: brief must be true or false; using {str(DEFAULT_BRIEF).lower()}"
                )
        elif key == "sync":
            config.sync = _sync_settings(value, path, config.warnings)
        elif key == "keys":
            config.keys = _key_settings(value, path, config.warnings)
        elif key in ("keep_articles", "keep_days"):
            if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_KEEP:
                setattr(config, key, value)
            else:
                config.warnings.append(
                    f"{path}: {key} must be a whole number from 0 (keep all) to {MAX_KEEP};"
                    " keeping everything"
                )
        elif key == "filter":
            parse_filters(value, str(path), config.warnings)
            if isinstance(value, list):
                config.filter = tuple(table for table in value if isinstance(table, dict))
    return config


def _key_settings(value: object, path: Path, warnings: list[str]) -> dict[str, tuple[str, ...]]:
    """The `[keys]` table flattened to name -> keys (`[keys.reader]` gives `reader.name`)."""
    if not isinstance(value, dict):
        warnings.append(f"{path}: [keys] must be a table of action = key; using the default keys")
        return {}
    found: dict[str, tuple[str, ...]] = {}
    entries = list(value.items())
    while entries:
        name, keys = entries.pop(0)
        if isinstance(keys, dict) and "." not in name:  # [keys.reader]: that screen only
            entries.extend((f"{name}.{inner}", inner_keys) for inner, inner_keys in keys.items())
            continue
        if isinstance(keys, str):
            keys = [keys]
        if (
            isinstance(keys, list)
            and 0 < len(keys) <= 16
            and all(isinstance(key, str) and 0 < len(key) <= 40 for key in keys)
        ):
            found[name] = tuple(keys)
        else:
            warnings.append(
                f"{path}: [keys] {name} must be a key or a list of keys like"
                ' ["J", "ctrl+n"]; keeping the default'
            )
    return found


def _sync_settings(value: object, path: Path, warnings: list[str]) -> SyncSettings | None:
    """The `[sync]` table, or None (sync off) with a warning saying what was wrong."""
    if not isinstance(value, dict):
        warnings.append(f"{path}: [sync] must be a table; sync is off")
        return None
    known = {"service", "url", "username", "password_command"}
    for extra in sorted(set(value) - known):
        warnings.append(f"{path}: unknown [sync] setting {extra!r} ignored")
    if "password" in value:
        warnings.append(
            f"{path}: [sync] password is not read from the config file;"
            " use password_command or NEWSREADER_SYNC_PASSWORD"
        )
    service, url = value.get("service"), value.get("url")
    username, command = value.get("username", ""), value.get("password_command")
    problem = None
    if service not in SYNC_SERVICES:
        problem = "service must be one of " + ", ".join(SYNC_SERVICES)
    elif not isinstance(url, str) or not url.startswith(("http://", "https://")) or len(url) > 2000:
        problem = "url must be the server's http(s) address"
    elif not isinstance(username, str) or "\x00" in username or len(username) > 500:
        problem = "username must be a string"
    elif command is not None and (
        not isinstance(command, str) or not command.strip() or "\x00" in command
    ):
        problem = "password_command must be a command line (a string)"
    if problem is not None:
        warnings.append(f"{path}: [sync] {problem}; sync is off")
        return None
    assert isinstance(service, str) and isinstance(url, str) and isinstance(username, str)
    return SyncSettings(service, url.strip(), username, command if command else None)


def _toml_string(value: str) -> str:
    """A TOML basic string: escape backslash, quote and control characters."""
    out = []
    for char in value:
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def dumps_config(config: Config) -> str:
    """The TOML text `save_config` writes: the theme, and every other key the user changed."""
    text = f"theme = {_toml_string(config.theme)}\n"
    if config.refresh_minutes != DEFAULT_REFRESH_MINUTES:
        text += f"refresh_minutes = {config.refresh_minutes}\n"
    if config.enclosure_command != DEFAULT_ENCLOSURE_COMMAND:
        parts = ", ".join(_toml_string(part) for part in config.enclosure_command)
        text += f"enclosure_command = [{parts}]\n"
    if config.brief != DEFAULT_BRIEF:
        text += f"brief = {str(config.brief).lower()}\n"
    for name in ("keep_articles", "keep_days"):
        if getattr(config, name):
            text += f"{name} = {getattr(config, name)}\n"
    if config.sync is not None:
        sync = config.sync
        text += f"\n[sync]\nservice = {_toml_string(sync.service)}\n"
        text += f"url = {_toml_string(sync.url)}\nusername = {_toml_string(sync.username)}\n"
        if sync.password_command:
            text += f"password_command = {_toml_string(sync.password_command)}\n"
    if config.keys:
        text += "\n[keys]\n"
        for name, keys in config.keys.items():
            dotted = ".".join(_toml_string(part) for part in name.split("."))
            text += f"{dotted} = [{', '.join(_toml_string(key) for key in keys)}]\n"
    for table in config.filter:
        text += "\n[[filter]]\n"
        for name, value in table.items():
            written = _toml_value(value)
            if written is not None:
                text += f"{_toml_string(name)} = {written}\n"
    return text


def _toml_value(value: object) -> str | None:
    """A filter's value as TOML (strings, lists of strings, numbers, booleans); None otherwise."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return "[" + ", ".join(_toml_string(item) for item in value) + "]"
    return None


def save_config(config: Config, path: Path) -> None:
    """Write `config` to `path` atomically: temp file in the same dir, fsync, replace."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(prefix=".config-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(dumps_config(config))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

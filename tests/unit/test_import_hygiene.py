"""The core stays UI-free and lean: proven in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys

CORE = [
    "newsreader.model.article",
    "newsreader.parse",
    "newsreader.parse.text",
    "newsreader.parse.quotes",
    "newsreader.store",
    "newsreader.paths",
    "newsreader.sanitize",
    "newsreader.services.importer",
    "newsreader.services.refresh",
    "newsreader.config",
]
HEAVY = ["textual", "feedparser", "trafilatura", "httpx", "lxml"]


def loaded_after_importing(modules: list[str]) -> set[str]:
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout))


def test_core_does_not_load_textual_or_heavy_parsers() -> None:
    loaded = loaded_after_importing(CORE)
    leaked = sorted(name for name in loaded if name.split(".")[0] in HEAVY)
    assert not leaked, f"core modules pulled in {leaked[:10]}"


def test_cli_module_is_lean() -> None:
    loaded = loaded_after_importing(["newsreader.cli.main"])
    leaked = sorted({name.split(".")[0] for name in loaded} & {*HEAVY, "rich"})
    assert not leaked, leaked


def test_ui_startup_does_not_load_network_or_parsers() -> None:
    loaded = loaded_after_importing(["newsreader.ui.app"])
    assert "textual" in loaded
    leaked = sorted(
        {name.split(".")[0] for name in loaded} & {"feedparser", "trafilatura", "httpx"}
    )
    assert not leaked, leaked

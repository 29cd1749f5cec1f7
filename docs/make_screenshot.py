"""Regenerate docs/screenshot.svg: the reader on the test suite's feature article.

Run from the repository root: `python docs/make_screenshot.py`. Uses the same
deterministic data as the snapshot tests (tests/ui_support.py), so the image
only changes when the UI does.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from ui_support import build_library  # noqa: E402

from newsreader.ui.app import NewsreaderApp  # noqa: E402


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        library = build_library(Path(tmp) / "library.sqlite3", fillers=12)
        app = NewsreaderApp(library)
        async with app.run_test(size=(110, 36)) as pilot:
            await pilot.press("enter", "slash", *"stone")
            await pilot.pause()
            app.save_screenshot(filename="screenshot.svg", path=str(ROOT / "docs"))
        library.close()


if __name__ == "__main__":
    asyncio.run(main())

"""Save one article as a Markdown file (`w` in the reader).

The text is what `newsreader export --format markdown` writes for the article
(`render.markdown`), so a saved article and an export read the same. The file
is written atomically (temp file in the same directory, fsync, `os.replace`):
a crash never leaves half a file, and an existing file is either the old one
or the new one. A path naming something that is not a regular file (a
directory, a FIFO, a device) is refused rather than replaced: renaming over
it would put a regular file in its place. Through a symlink, the file it
points to is the one replaced.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from pathlib import Path

from newsreader.errors import NewsreaderError
from newsreader.model.library import StoredArticle

_NOT_WORD = re.compile(r"[^\w]+")
MAX_SLUG = 80


def slug(title: str, fallback: str = "article") -> str:
    """`Storm closes harbour!` -> `storm-closes-harbour`: a file name safe on any system."""
    text = _NOT_WORD.sub("-", title.casefold()).strip("-_")
    text = text[:MAX_SLUG].rstrip("-_")
    return text or fallback


def default_path(stored: StoredArticle, directory: Path | None = None) -> Path:
    """`~/<slug>.md` (the home directory when it exists, else `directory`, else here)."""
    home = Path.home()
    folder = home if home.is_dir() else directory or Path.cwd()
    return folder / f"{slug(stored.article.title, f'article-{stored.id}')}.md"


def save_markdown(stored: StoredArticle, path: Path) -> Path:
    """Write `stored` as Markdown to `path` (`~` expanded); the path written.

    Raises `NewsreaderError` with a one-line reason when it cannot.
    """
    from newsreader.render.markdown import article_markdown

    target = path.expanduser()
    if not target.name or str(path).endswith(os.sep):
        raise NewsreaderError(f"{path}: needs a file name")
    try:
        mode: int | None = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise NewsreaderError(f"{target}: cannot write ({exc.strerror})") from None
    if mode is not None and not stat.S_ISREG(mode):
        what = "a directory" if stat.S_ISDIR(mode) else "not a regular file"
        raise NewsreaderError(f"{target}: {what}; not overwritten")
    real = Path(os.path.realpath(target))
    if not real.parent.is_dir():
        raise NewsreaderError(f"{real.parent}: no such directory")
    text = article_markdown(stored)
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
    except OSError as exc:
        raise NewsreaderError(f"{target}: cannot write ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:  # keep the permissions of the file it replaces
            os.chmod(temp, stat.S_IMODE(mode))
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, real)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise NewsreaderError(f"{target}: cannot write ({exc.strerror})") from None
    return target

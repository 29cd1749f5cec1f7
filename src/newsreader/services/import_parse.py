"""One file parsed into its kind and items, without storing anything.

Runs in the importer's worker processes as well as in the main one, so the
outcome (`Parsed`) is plain values, cheap to pickle, and a broken file is an
error message, never an exception.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, NamedTuple

from newsreader.errors import NewsreaderError, ParseError
from newsreader.model.record import record_for
from newsreader.services.import_files import MAX_FILE_BYTES, read_capped
from newsreader.services.import_kinds import Kind, sniff_kind


def parse_file(path: Path, *, skip: frozenset[Kind] = frozenset()) -> tuple[Kind, Any, list[str]]:
    """Parse one file without storing it: (kind, articles or subscriptions, warnings)."""
    data = read_capped(path, MAX_FILE_BYTES)
    if not data.strip():
        raise ParseError(f"{path}: empty file")
    kind = sniff_kind(data[:4096], path.suffix.lower())
    if kind in skip:
        return kind, [], []
    name = str(path)
    if kind == "backup":
        from newsreader.services.restore import parse_backup

        backup, warnings = parse_backup(data, name=name)
        return kind, [backup], warnings
    if kind == "text":
        from newsreader.parse.text import decode_text, parse_text
        from newsreader.services.restore import refuse_markdown_export

        text, warnings = decode_text(data, name=name)
        refuse_markdown_export(text, name)
        try:
            article = parse_text(text, source=_source_for(path))
        except ParseError:  # it names the source (the folder): say which file
            raise ParseError(f"{name}: no words to read") from None
        article.warnings[:0] = warnings
        return kind, [article], list(article.warnings)
    if kind == "html":
        from newsreader.parse.html_page import parse_html

        article = parse_html(data, name=name)
        if not article.source:
            article.source = _source_for(path)
        return kind, [article], list(article.warnings)
    if kind == "feed":
        from newsreader.parse.feed import parse_feed

        feed = parse_feed(data, name=name)
        return kind, feed.entries, list(feed.warnings)
    from newsreader.parse.opml import parse_opml

    subscriptions, warnings = parse_opml(data, name=name)
    return kind, subscriptions, warnings


SAMPLES_SOURCE = "newsreader samples"


def _source_for(path: Path) -> str:
    """Plain files carry no publication name; the folder they sit in is the best hint.

    The bundled samples say what they are rather than "data" or "samples".
    """
    folder = _resolved(str(path.parent))
    if folder == _samples_folder():
        return SAMPLES_SOURCE
    return folder.name or path.name


@functools.lru_cache(maxsize=256)
def _resolved(folder: str) -> Path:
    """A folder's real path, once per folder: resolving it again for every file was a
    noticeable share of parsing."""
    return Path(folder).resolve()


@functools.cache
def _samples_folder() -> Path:
    from newsreader.paths import samples_dir

    return samples_dir().resolve()


class Parsed(NamedTuple):
    """One file's outcome as a worker sends it back: plain values, cheap to pickle.

    Articles arrive as `ArticleRecord`s, ready for the store, so the single
    writer process runs SQL and little else.
    """

    kind: Kind | None
    items: list[Any]
    warnings: list[str]
    error: str | None = None


def parse_one(name: str, skip: frozenset[Kind]) -> Parsed:
    """Parse one file into its kind and items; never raises (runs in workers too)."""
    path = Path(name)
    try:
        kind, items, warnings = parse_file(path, skip=skip)
        if kind not in ("opml", "backup"):
            items = [record_for(article) for article in items]
    except NewsreaderError as exc:
        return Parsed(None, [], [], str(exc))
    except RecursionError:
        return Parsed(None, [], [], f"{path}: document nested too deeply to read")
    except MemoryError:
        return Parsed(None, [], [], f"{path}: document too large to read")
    except Exception as exc:  # a parser's own bug must cost this file, not the import
        return Parsed(None, [], [], f"{path}: could not read it ({type(exc).__name__})")
    return Parsed(kind, items, warnings)

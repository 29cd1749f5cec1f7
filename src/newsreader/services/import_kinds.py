"""What a file to import is: decided by its content first, its suffix second.

Feed files lie about their extension (a `.php` or `.txt` holding RSS, an
`.xml` holding a web page), so the first bytes are sniffed before the suffix
is believed; the suffixes also say which files a folder walk picks up.
"""

from __future__ import annotations

from typing import Literal

from newsreader.parse.jsonfeed import looks_like_json_feed
from newsreader.services.restore import looks_like_backup

Kind = Literal["text", "html", "feed", "opml", "backup"]

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
FEED_SUFFIXES = {".xml", ".rss", ".atom", ".rdf"}
OPML_SUFFIXES = {".opml"}
BACKUP_SUFFIXES = {".json"}
"""A JSON export read back (`services.restore`); other JSON files are reported, not skipped."""
KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | FEED_SUFFIXES | OPML_SUFFIXES | BACKUP_SUFFIXES


def sniff_kind(head: bytes, suffix: str) -> Kind:
    """Decide what a file is from its first bytes, falling back on its suffix."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"\xff\xfe") or start.startswith(b"\xfe\xff"):
        start = head.decode("utf-16", "ignore").encode("utf-8", "ignore").lstrip().lower()
    if looks_like_json_feed(start):  # before the backup check: both are .json
        return "feed"
    if looks_like_backup(start, suffix):
        return "backup"
    if b"<opml" in start[:2048]:
        return "opml"
    if start.startswith(b"<?xml") or start.startswith(b"<rss") or start.startswith(b"<feed"):
        if b"<html" in start[:2048] and b"<rss" not in start[:2048]:
            return "html"
        return "feed" if suffix not in OPML_SUFFIXES else "opml"
    if start.startswith(b"<!doctype html") or start.startswith(b"<html"):
        return "html"
    if start.startswith(b"<!doctype") and (b"<rss" in start or b"<feed" in start):
        return "feed"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in FEED_SUFFIXES:
        return "feed"
    if suffix in OPML_SUFFIXES:
        return "opml"
    return "text"

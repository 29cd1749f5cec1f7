"""Make untrusted text safe to store and to show; where that happens.

Article and feed text is written by strangers. Escape sequences (CSI, OSC 52
clipboard writes, OSC 0 title changes), 8-bit C1 controls and bidi overrides
would reach the terminal unchanged through Rich and Textual, so they are
removed before anything is stored. Tab and newline survive; CRLF and lone CR
become newlines. Zero-width characters used to hide or spoof text go too.

The trust boundary is the output of `parse/`: an `Article` (or subscription)
leaving a parser is clean, every field of it. Each parser cleans once, where
its input is still whole, and then only cuts and joins clean text (which stays
clean):

- plain text (`parse.text`, a feed's text/plain body in `parse.html_blocks`):
  the whole text, before it is split into paragraphs;
- HTML (`parse.html_tree`): the markup before lxml tokenises it (escape
  sequences go whole), then the parsed tree's text once (character references
  such as `&#27;` only decode there);
- feed and OPML fields (`parse.feed`, `parse.opml`): each value feedparser or
  the XML parser hands back, as it is read.

One pass runs later on purpose: `model.record` cleans every field again right
before storing, as defence in depth, because Articles are also built outside
`parse/` (benchmarks, tests, future importers) and a parser bug must still not
reach the terminal. It costs one fast scan when the text is already clean.
"""

from __future__ import annotations

import re

_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")
"""Line breaks to normalise before stripping (NEL U+0085 is C1 but means newline)."""

_UNSAFE = re.compile(
    "["
    "\x00-\x08\x0b-\x1f\x7f"  # C0 except tab and newline, and DEL
    "\x80-\x9f"  # C1 (includes 8-bit CSI 0x9b)
    "\u061c\u200e\u200f"  # Arabic letter mark, LRM, RLM
    "\u202a-\u202e"  # bidi embeddings and overrides
    "\u2066-\u2069"  # bidi isolates
    "\u200b-\u200d\u2060\ufeff"  # zero-width space/joiners, word joiner, BOM
    "\ufff9-\ufffb"  # interlinear annotation controls
    "\ud800-\udfff"  # lone surrogates (undecodable bytes, e.g. in argv): SQLite cannot store them
    "]"
)
"""Every character that may never be stored."""

_OSC = re.compile(r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?")
_CSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
_OTHER_ESC = re.compile(r"\x1b[@-Z\\-_]")
"""Whole escape sequences are dropped, not just their ESC, so no payload is left behind."""


def clean_text(text: str) -> str:
    """Return `text` with escape sequences and control/bidi/zero-width characters removed."""
    if not text:
        return ""
    if all_printable(text):
        return text
    text = _NEWLINES.sub("\n", text)
    if "\x1b" in text:
        text = _OSC.sub("", text)
        text = _CSI.sub("", text)
        text = _OTHER_ESC.sub("", text)
    return _UNSAFE.sub("", text)


def clean_line(text: str) -> str:
    """Like `clean_text`, for one-line fields (titles, names): whitespace runs become one space."""
    return " ".join(clean_text(text).split())


def has_unsafe(text: str) -> bool:
    """True when `text` holds anything `clean_text` would remove (used by tests and guards)."""
    if all_printable(text):
        return False
    return bool(_UNSAFE.search(text)) or "\r" in text


_ASCII_UNPRINTABLE = bytes([*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F])
"""The ASCII characters `str.isprintable` refuses, tab and newline aside."""


def all_printable(text: str) -> bool:
    """Fast path: nothing to clean when every character but tab/newline is printable.

    Every character `clean_text` removes or rewrites (controls, bidi and
    zero-width format characters, line/paragraph separators, surrogates) is
    non-printable to `str.isprintable`, which scans in C; most article text
    passes and skips the regular expressions, a fraction of their cost.
    ASCII text (most of it) is checked as bytes instead: deleting the few
    unprintable ASCII characters is several times cheaper than asking
    `isprintable` about each character, and gives the same answer.
    """
    if text.isascii():
        data = text.encode("ascii")
        return len(data.translate(None, _ASCII_UNPRINTABLE)) == len(data)
    if text.isprintable():  # no tab or newline either: no copies to make
        return True
    return text.replace("\n", "").replace("\t", "").isprintable()

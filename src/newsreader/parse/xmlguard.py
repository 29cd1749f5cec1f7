"""Refuse hostile XML before any XML parser sees it.

feedparser and the standard library's expat are not a safety boundary: a
110 KB "quadratic blowup" document (one 50 KB entity referenced thousands of
times) grew to ~1 GB in feedparser's loose parser, and billion-laughs and XXE
payloads depend on parser versions and flags we do not control. Real feeds and
OPML files never need to declare entities, so any document whose prolog holds a
DOCTYPE internal subset with `<!ENTITY` is refused outright, along with
oversized documents and obvious binaries (an image saved as `.xml`).

The scan is a few bytes-level `find`/regex calls over the prolog only (the part
before the root element), so it costs microseconds even on a 10 MB document and
never flags a blog post that merely *mentions* `<!ENTITY` in its content.
"""

from __future__ import annotations

import codecs
import re

from newsreader.errors import ParseError
from newsreader.limits import MAX_DOCUMENT_BYTES
from newsreader.parse.decode import check_size

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"%PDF-", "a PDF document"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
)
"""Leading bytes of binary formats people save with a `.xml`/`.rss` name by mistake."""

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
_FIRST_ELEMENT = re.compile(rb"<\w")
"""feedparser treats everything before the first `<\\w` as the prolog; so do we."""
_SUBSET_END = re.compile(rb"\]\s*>")
_HEAD_BYTES = 64 * 1024
"""The DOCTYPE is always looked for in at least this much of the document."""


def check_xml(data: bytes, *, name: str, max_bytes: int = MAX_DOCUMENT_BYTES) -> None:
    """Raise `ParseError` unless `data` could safely be handed to an XML parser.

    Refuses, in this order: documents over `max_bytes`; empty or binary data
    (image/archive magic, NUL bytes); documents whose prolog declares entities
    (billion laughs, quadratic blowup, XXE). UTF-16/UTF-32 documents are
    transcoded first so their prolog can be scanned as bytes too.
    """
    check_size(data, name=name, max_bytes=max_bytes)
    if not data.strip():
        raise ParseError(f"{name}: not XML (the document is empty)")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise ParseError(f"{name}: not XML (it looks like {what})")
    text = _as_utf8(data)
    if text is None or b"\x00" in text:
        raise ParseError(f"{name}: not XML (it contains binary data)")
    unusual = _unusual_encoding(data) if text is data else None
    # Decoded leniently: feedparser reads these too, so the scan must see what it sees;
    # and the bytes as they are, in case it gives the declaration up and reads them so.
    decoded = data.decode(unusual, errors="replace").encode("utf-8") if unusual else b""
    if _declares_entities(text) or (unusual and _declares_entities(decoded)):
        raise ParseError(
            f"{name}: refused, the document declares XML entities "
            "(possible entity-expansion attack)"
        )


def _as_utf8(data: bytes) -> bytes | None:
    """The document as UTF-8-ish bytes for scanning; None if a wide encoding does not decode.

    Only wide encodings (which put NUL bytes between ASCII characters) are
    transcoded; everything else is scanned as is, since the markup we look for
    is ASCII in every byte-oriented encoding.
    """
    encoding = _wide_encoding(data)
    if encoding is None:
        return data
    try:
        return data.decode(encoding).encode("utf-8")
    except (UnicodeDecodeError, LookupError):
        return None


_EBCDIC_XML = b"\x4c\x6f\xa7\x94"
"""`<?xm` in EBCDIC (cp037, cp500, cp1140 and their kin agree on these four)."""
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")
_ASCII = bytes(range(0x20, 0x7F))
"""Printable ASCII: a codec that decodes it to itself spells markup as the scan expects."""


def _unusual_encoding(data: bytes) -> str | None:
    """The declared encoding when it does not spell markup in ASCII bytes, else None.

    Why: feedparser honours the XML declaration, and in UTF-7 (`+ADw-!ENTITY`)
    or EBCDIC (`encoding="cp037"`, itself written in EBCDIC) a DOCTYPE with
    entities has none of the bytes the scan looks for. Such a document is
    decoded as feedparser would decode it and scanned as text.
    """
    if data.startswith(_EBCDIC_XML):
        head = data[:256].decode("cp037", errors="replace").encode("ascii", errors="replace")
        declared = _DECLARED.match(head)
        name = declared.group(1).decode("ascii") if declared else "cp037"
        return name if _known(name) else "cp037"
    declared = _DECLARED.match(data[3:259] if data.startswith(b"\xef\xbb\xbf") else data[:256])
    if declared is None:
        return None
    name = declared.group(1).decode("ascii")
    if not _known(name):
        return None
    try:
        transparent = _ASCII.decode(name) == _ASCII.decode("ascii")
    except (UnicodeError, LookupError):
        transparent = False
    return None if transparent else name


def _known(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def _wide_encoding(data: bytes) -> str | None:
    """Name the UTF-16/32 variant from the BOM or the `<?` pattern, else None.

    Not `decode`'s BOM table: this only widens bytes for a scan, and must also
    recognise BOM-less wide XML by the NUL bytes around its `<?`.
    """
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if data.startswith(b"<\x00\x00\x00"):
        return "utf-32-le"
    if data.startswith(b"\x00\x00\x00<"):
        return "utf-32-be"
    if data.startswith(b"<\x00"):
        return "utf-16-le"
    if data.startswith(b"\x00<"):
        return "utf-16-be"
    return None


def _declares_entities(data: bytes) -> bool:
    """True when a DOCTYPE near the start carries an internal subset with `<!ENTITY`.

    The DOCTYPE is looked for in the prolog, whose end is found three ways,
    the latest winning: a strict walk over XML declaration, PIs, comments and
    DOCTYPE (so `<!-- <a> -->` cannot hide a DOCTYPE after it); feedparser's
    own rule, the first `<\\w` (so junk before the DOCTYPE, which sends
    feedparser to its loose parser, cannot hide it); and at least the first
    64 KB. A DOCTYPE without an internal subset (`<!DOCTYPE rss PUBLIC ...>`,
    as RSS 0.91 uses) cannot declare entities and passes. With a subset, any
    `<!ENTITY` after it refuses the document: finding the subset's true end
    would need a real DTD parser, and comments inside it can fake `]>`.
    """
    walked = _walk_prolog(data)
    first = _FIRST_ELEMENT.search(data)
    loose_end = first.start() if first else len(data)
    end = max(walked, loose_end, _HEAD_BYTES)
    doctype = _DOCTYPE.search(data, 0, end)
    while doctype is not None:
        gt = data.find(b">", doctype.end())
        bracket = data.find(b"[", doctype.end())
        if bracket >= 0 and (gt < 0 or bracket < gt):
            return _ENTITY.search(data, bracket) is not None
        doctype = _DOCTYPE.search(data, doctype.end(), end)
    return False


def _walk_prolog(data: bytes) -> int:
    """Offset just past the prolog of a well-formed document (best effort, linear)."""
    pos = 0
    size = len(data)
    if data.startswith(b"\xef\xbb\xbf"):
        pos = 3
    while pos < size:
        while pos < size and data[pos] in b" \t\r\n":
            pos += 1
        if data.startswith(b"<?", pos):
            end = data.find(b"?>", pos + 2)
            if end < 0:
                return size
            pos = end + 2
        elif data.startswith(b"<!--", pos):
            end = data.find(b"-->", pos + 4)
            if end < 0:
                return size
            pos = end + 3
        elif data[pos : pos + 9].upper() == b"<!DOCTYPE":
            pos = _doctype_end(data, pos + 9)
        else:
            return pos
    return size


def _doctype_end(data: bytes, pos: int) -> int:
    """Offset just past a DOCTYPE whose keyword ended at `pos` (end of data if unterminated)."""
    gt = data.find(b">", pos)
    bracket = data.find(b"[", pos)
    if bracket < 0 or (0 <= gt < bracket):
        return len(data) if gt < 0 else gt + 1
    close = _SUBSET_END.search(data, bracket)
    return len(data) if close is None else close.end()

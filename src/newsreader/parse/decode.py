"""Bytes to text for every parser: one size cap, one byte-order-mark table, one charset order.

Plain-text dumps and web pages arrive as bytes from files and downloads, written
by every kind of tool. They are decoded here, in this order, so each parser
treats them alike:

1. the size cap (`limits.MAX_DOCUMENT_BYTES`), before any other work;
2. a byte-order mark, which cannot lie;
3. for text files only, a binary check, so a stray `.png` never becomes an
   "article" of mojibake;
4. UTF-8, when the bytes are valid UTF-8 and not plain ASCII: the bytes are
   trusted over a declaration, because pages are re-saved as UTF-8 with their
   old `<meta charset=gb2312>` left in place far more often than a legacy
   encoding happens to form valid multi-byte UTF-8 (HTML5's sniffing puts the
   same weight on the bytes);
5. the charsets the document declares (an HTTP `Content-Type`, a `<meta charset>`),
   in that order, when Python knows them, under the names browsers give them
   (`gb2312` is read as its superset GB18030, `iso-8859-1` as cp1252);
6. strict UTF-8 (plain ASCII);
7. cp1252, which decodes any byte and gets curly quotes and `é` right for the
   pages Windows tools save, with a warning saying so.

Feeds and OPML are decoded by their XML parsers, which honour the XML
declaration; they share only the size cap (through `xmlguard`).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable

from newsreader.errors import ParseError
from newsreader.limits import MAX_DOCUMENT_BYTES, format_mb

BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
"""Byte-order marks and the codec that reads what follows them."""

_SNIFF_BYTES = 8192
"""How much of a document the binary check and the `<meta charset>` search look at."""

_MAGIC = (b"\x89PNG\r\n\x1a\n", b"%PDF-", b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b")
"""PNG, PDF, ZIP (and so docx/epub), empty ZIP, GZIP: common wrong files to import."""

_CONTROL_BYTES = bytes(sorted(set(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1B}))
"""C0 bytes that real text never holds in bulk (tab, newlines, form feed and ESC excluded)."""

_MAX_CONTROL_RATIO = 0.3

WHATWG_ALIASES = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "l1": "cp1252",
    "us-ascii": "cp1252", "ascii": "cp1252", "iso-8859-9": "cp1254", "latin5": "cp1254",
    "tis-620": "cp874", "iso-8859-11": "cp874", "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949", "shift_jis": "cp932", "sjis": "cp932", "x-sjis": "cp932",
    "big5": "big5hkscs",
}  # fmt: skip
"""Labels browsers read as a superset encoding (the WHATWG Encoding Standard's table)."""

_HTTP_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def too_large(name: str, size: int, max_bytes: int = MAX_DOCUMENT_BYTES) -> ParseError:
    """The one message for a document over the cap (from its bytes or its file size)."""
    return ParseError(
        f"{name}: document is {format_mb(size)} MB, over the {format_mb(max_bytes)} MB limit"
    )


def check_size(data: bytes, *, name: str, max_bytes: int = MAX_DOCUMENT_BYTES) -> None:
    """Raise `ParseError` when `data` is over `max_bytes` (checked before any other work)."""
    if len(data) > max_bytes:
        raise too_large(name, len(data), max_bytes)


def decode_document(
    data: bytes,
    *,
    name: str,
    declared: Iterable[str | None] = (),
    refuse_binary: bool = False,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> tuple[str, list[str]]:
    """Decode `data` in the order the module docstring gives: (text, warnings).

    `declared` lists charsets the document names, most authoritative first
    (unknown names are skipped). `refuse_binary` is for text files, which have
    no markup to tell a wrong file by. Raises `ParseError` (naming `name`) for
    oversized or, when asked, binary data.
    """
    check_size(data, name=name, max_bytes=max_bytes)
    for bom, codec in BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace"), []
    if refuse_binary and looks_binary(data):
        raise ParseError(f"{name}: binary file, not text")
    utf8 = _strict_utf8(data)
    if utf8 is not None and not utf8.isascii():
        return utf8, []
    for label in declared:
        if not label:
            continue
        encoding = WHATWG_ALIASES.get(label.strip().lower(), label.strip())
        try:
            codecs.lookup(encoding)
        except LookupError:
            continue
        return data.decode(encoding, errors="replace"), []
    if utf8 is not None:
        return utf8, []
    return data.decode("cp1252", errors="replace"), [f"{name}: not valid UTF-8, decoded as cp1252"]


def _strict_utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def http_charset(content_type: str | None) -> str | None:
    """The `charset=` of an HTTP `Content-Type` header, if it names one."""
    match = _HTTP_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def meta_charset(data: bytes) -> str | None:
    """The charset a page's `<meta>` declares near its start, if any."""
    match = _META_CHARSET.search(data[:_SNIFF_BYTES])
    return match.group(1).decode("ascii", "replace") if match else None


def looks_binary(data: bytes) -> bool:
    """True for known binary magics, NUL bytes, or text drowned in control bytes."""
    if data.startswith(_MAGIC):
        return True
    head = data[:_SNIFF_BYTES]
    if b"\x00" in head:
        return True
    if not head:
        return False
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls / len(head) > _MAX_CONTROL_RATIO

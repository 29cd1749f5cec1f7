"""Content-Encoding undone here, layer by layer, with every layer's output bounded.

httpx inflates each chunk without limit before a caller could count it: two
stacked gzip layers fit a gigabyte in two kilobytes. So the client reads the
raw body and this module decodes it, each stage (the raw bytes included)
capped at the document size limit.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

from newsreader.fetch.reasons import Failure, too_large

# Only codings decodable here with a bounded output; brotli and zstd are not dependencies.
ACCEPT_ENCODING = "gzip, deflate"
_CODINGS = {"gzip": "gzip", "x-gzip": "gzip", "deflate": "deflate"}
# Two layers already cover every honest server; more is only ever an amplifier.
_MAX_CODINGS = 2
_TOKEN = re.compile(r"[a-z0-9][a-z0-9._+-]{0,31}")


class _Layer:
    """Undoes one gzip or deflate coding with its total output bounded by `limit` (+1).

    `max_length` stops zlib at the budget, so a bomb costs at most the cap in
    memory and the time to inflate it, whatever its ratio. Like httpx, bytes
    after the end of the compressed stream are ignored, and "deflate" falls
    back to raw deflate for servers that omit the zlib header.
    """

    def __init__(self, coding: str, limit: int) -> None:
        self._coding = coding
        self._limit = limit
        self._produced = 0
        self._started = False
        wbits = zlib.MAX_WBITS | 16 if coding == "gzip" else zlib.MAX_WBITS
        self._inflater = zlib.decompressobj(wbits)

    def feed(self, data: bytes) -> list[bytes]:
        pieces: list[bytes] = []
        while data and not self._inflater.eof:
            try:
                piece = self._inflater.decompress(data, self._limit - self._produced + 1)
            except zlib.error:
                if self._coding != "deflate" or self._started:
                    raise
                self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                self._started = True
                continue
            self._started = True
            self._count(piece, pieces)
            data = self._inflater.unconsumed_tail
        return pieces

    def flush(self) -> list[bytes]:
        pieces: list[bytes] = []
        self._count(self._inflater.flush(), pieces)
        return pieces

    def _count(self, piece: bytes, pieces: list[bytes]) -> None:
        self._produced += len(piece)
        if self._produced > self._limit:
            raise Failure(too_large(self._limit))
        if piece:
            pieces.append(piece)


class BoundedDecoder:
    """Raw body bytes in, decoded bytes out, each stage (raw included) capped at `limit`."""

    def __init__(self, codings: Sequence[str], limit: int) -> None:
        names: list[str] = []
        for value in codings:
            token = value.strip().lower()
            if token in ("", "identity"):
                continue
            if token not in _CODINGS:
                shown = f" {token}" if _TOKEN.fullmatch(token) else ""
                raise Failure(f"unsupported Content-Encoding{shown}")
            names.append(_CODINGS[token])
        if len(names) > _MAX_CODINGS:
            raise Failure(
                f"too many stacked Content-Encodings ({len(names)}, at most {_MAX_CODINGS})"
            )
        self._limit = limit
        self._raw = 0
        # Codings are listed in the order they were applied, so they are undone last first.
        self._layers = [_Layer(name, limit) for name in reversed(names)]

    def feed(self, raw: bytes) -> list[bytes]:
        self._raw += len(raw)
        if self._raw > self._limit:
            raise Failure(too_large(self._limit))
        pieces = [raw]
        for layer in self._layers:
            pieces = [out for piece in pieces for out in layer.feed(piece)]
        return pieces

    def flush(self) -> list[bytes]:
        pieces: list[bytes] = []
        for layer in self._layers:
            pieces = [out for piece in pieces for out in layer.feed(piece)] + layer.flush()
        return pieces

"""PDFs that would do something by themselves when opened (JavaScript, a
launch of another program, an action on opening) are refused. The file is
scanned in chunks, and the object streams that hold objects compressed are
unpacked in small steps and scanned too, within a budget."""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from typing import IO

from .file_refusals import CHUNK_BYTES, PDF_ACTIVE, PDF_UNCHECKABLE, FileRefused

# The names that make a PDF do something by itself, and how to say so.
_PDF_ACTIVE = {
    b"JS": "JavaScript",
    b"JavaScript": "JavaScript",
    b"Launch": "an action that starts another program",
    b"OpenAction": "an action that runs when it is opened",
    b"AA": "actions that run when it is opened or used",
}
# A name token, or the keywords that start a stream and end an object.
_PDF_TOKEN = re.compile(
    rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]*)|(?<![A-Za-z])(stream)(?:\r\n|\n|\r)|(endobj)"
)
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# Bytes kept from one chunk to the next: longer than any name worth knowing
# (the longest, /OpenAction, is 31 bytes with every letter #-escaped).
_PDF_OVERLAP = 1024
_PDF_CONTEXT = 16
# Object streams hold objects compressed; their unpacked bytes are scanned too,
# up to this much in all, and up to so many streams (a real PDF has a few
# dozen, each holding a hundred or so objects).
PDF_OBJECT_STREAMS_MAX_BYTES = 64 * 1024 * 1024
PDF_OBJECT_STREAMS_MAX = 10_000


def _decode_name(raw: bytes) -> bytes:
    return _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)


class _PdfScanner:
    """Finds active names in a PDF's bytes fed in chunks, and where its object
    streams start."""

    def __init__(self) -> None:
        self.buffer = b""
        self.buffer_offset = 0
        self.skip = 0
        self.in_object_stream_object = False
        self.object_streams: list[int] = []

    def feed(self, chunk: bytes, *, last: bool = False) -> None:
        self.buffer += chunk
        limit = len(self.buffer) if last else len(self.buffer) - _PDF_OVERLAP
        if limit <= self.skip:
            return
        for match in _PDF_TOKEN.finditer(self.buffer, self.skip):
            if match.start() >= limit:
                break
            name, stream, endobj = match.groups()
            if endobj:
                self.in_object_stream_object = False
            elif stream:
                if self.in_object_stream_object:
                    if len(self.object_streams) >= PDF_OBJECT_STREAMS_MAX:
                        raise FileRefused(PDF_UNCHECKABLE)
                    self.object_streams.append(self.buffer_offset + match.end())
                    self.in_object_stream_object = False
            elif name is not None:
                self._name(
                    _decode_name(name), self.buffer[match.end() : match.end() + 64]
                )
        keep_from = max(0, limit - _PDF_CONTEXT)
        self.buffer_offset += keep_from
        self.buffer = self.buffer[keep_from:]
        self.skip = limit - keep_from

    def _name(self, name: bytes, after: bytes) -> None:
        if name == b"ObjStm":
            self.in_object_stream_object = True
        elif name == b"OpenAction" and after.lstrip()[:1] == b"[":
            # Opening at a page (a destination) is not an action: LibreOffice
            # and LaTeX write one into most PDFs.
            return
        elif name in _PDF_ACTIVE:
            raise FileRefused(PDF_ACTIVE.format(what=_PDF_ACTIVE[name]))


def _chunks(file: IO[bytes]) -> Iterator[bytes]:
    while chunk := file.read(CHUNK_BYTES):
        yield chunk


def check_pdf(file: IO[bytes]) -> None:
    """Refuse a PDF naming JavaScript, a launch or an action on opening, in its
    own bytes or in the object streams that hold objects compressed."""
    file.seek(0)
    scanner = _PdfScanner()
    for chunk in _chunks(file):
        scanner.feed(chunk)
    scanner.feed(b"", last=True)
    budget = PDF_OBJECT_STREAMS_MAX_BYTES
    for offset in scanner.object_streams:
        file.seek(offset)
        inner = _PdfScanner()
        budget -= _inflate_into(file, inner, budget)
        inner.feed(b"", last=True)


def _inflate_into(file: IO[bytes], scanner: _PdfScanner, budget: int) -> int:
    """Unpack one Flate stream into ``scanner`` in small steps; the bytes it
    unpacked. One that does not unpack cannot be checked, so it is refused."""
    inflater = zlib.decompressobj()
    produced = 0
    try:
        while not inflater.eof:
            data = inflater.unconsumed_tail or file.read(CHUNK_BYTES)
            if not data:
                break
            output = inflater.decompress(data, CHUNK_BYTES)
            produced += len(output)
            if produced > budget:
                raise FileRefused(PDF_UNCHECKABLE)
            scanner.feed(output)
    except zlib.error as error:
        raise FileRefused(PDF_UNCHECKABLE) from error
    if not inflater.eof:
        raise FileRefused(PDF_UNCHECKABLE)
    return produced

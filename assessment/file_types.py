"""What an uploaded evidence file really is, read from its content.

Everything is read through bounded reads: an archive (DOCX, XLSX and ODT are
ZIP archives) is judged from its central directory alone before any part of it
is unpacked; its parts are then unpacked in small steps, only to check that
none holds more than it declares, and only a few small ones are kept to be
read, each with a byte cap. A PDF is scanned in chunks (``pdf_actions``). No
file is ever held whole in memory, so a small upload cannot cost the server
more than a few megabytes, whatever it claims to unpack to.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO

from .file_refusals import CHUNK_BYTES, MACROS, NOT_ALLOWED, FileRefused
from .pdf_actions import check_pdf


@dataclass(frozen=True)
class FileType:
    label: str
    extension: str
    content_type: str
    # Other extensions people give files of this type, kept when they upload one.
    aliases: tuple[str, ...] = ()

    @property
    def extensions(self) -> tuple[str, ...]:
        return (self.extension, *self.aliases)


PDF = FileType("PDF", ".pdf", "application/pdf")
PNG = FileType("PNG image", ".png", "image/png")
JPEG = FileType("JPEG image", ".jpg", "image/jpeg", aliases=(".jpeg",))
DOCX = FileType(
    "Word document",
    ".docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
XLSX = FileType(
    "Excel spreadsheet",
    ".xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
ODT = FileType("OpenDocument text", ".odt", "application/vnd.oasis.opendocument.text")

ALLOWED = (PDF, PNG, JPEG, DOCX, XLSX, ODT)

# A part compressed further than the ratio limit is refused only when it would
# unpack to more than this: a tiny part compresses to almost nothing, and only
# a large one can flood the reader.
RATIO_FLOOR_BYTES = 1024 * 1024
# The central directory of a real document holds about a hundred bytes for each
# part; this leaves room for long names while keeping the read small.
CENTRAL_DIRECTORY_MAX_BYTES = 1024 * 1024
MEMBER_NAME_MAX_BYTES = 1024
# The small parts read to tell the type and find macros.
MIMETYPE_READ_MAX = 256
XML_READ_MAX = 256 * 1024


@dataclass(frozen=True)
class ArchiveLimits:
    """Bounds on what an archive declares in its central directory."""

    max_unpacked_bytes: int
    max_members: int
    max_ratio: int


def inspect_file(file: IO[bytes], *, limits: ArchiveLimits) -> FileType:
    """The allowed type the content matches, after checking that it carries no
    code that would run when opened; FileRefused says why not. The name is
    never trusted."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            check_pdf(file)
            return PDF
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return PNG
        if head.startswith(b"\xff\xd8\xff"):
            return JPEG
        if head.startswith(b"PK\x03\x04"):
            return _office_type(file, limits)
    finally:
        file.seek(0)
    raise FileRefused(NOT_ALLOWED)


def file_type_for(content_type: str) -> FileType | None:
    """The allowed type with this content type, if any."""
    return next((t for t in ALLOWED if t.content_type == content_type), None)


def name_for(original: str, file_type: FileType) -> str:
    """The user's file name with the extension of the type its content is: a
    PDF named ``notes.html`` becomes ``notes.pdf``."""
    stem, dot, extension = original.rpartition(".")
    if not dot or not stem:
        stem = original
    elif f".{extension.lower()}" in file_type.extensions:
        return f"{stem}.{extension}"
    return f"{stem or 'evidence'}{file_type.extension}"


# ZIP archives --------------------------------------------------------------

_END = struct.Struct("<IHHHHIIH")
_END_SIGNATURE = 0x06054B50
_ZIP64_LOCATOR = struct.Struct("<IIQI")
_ZIP64_LOCATOR_SIGNATURE = 0x07064B50
_ZIP64_END = struct.Struct("<IQHHIIQQQQ")
_ZIP64_END_SIGNATURE = 0x06064B50
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_CENTRAL_SIGNATURE = 0x02014B50
_LOCAL = struct.Struct("<IHHHHHIIIHH")
_LOCAL_SIGNATURE = 0x04034B50
_MAX32 = 0xFFFFFFFF
_MAX16 = 0xFFFF
_STORED_OR_DEFLATED = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


@dataclass(frozen=True)
class _Member:
    name: str
    method: int
    compressed: int
    unpacked: int
    offset: int


def _size_of(file: IO[bytes]) -> int:
    file.seek(0, 2)
    return file.tell()


def _read_exactly(file: IO[bytes], offset: int, length: int) -> bytes:
    file.seek(offset)
    data = file.read(length)
    if len(data) != length:
        raise FileRefused(NOT_ALLOWED)
    return data


def _central_directory(file: IO[bytes]) -> tuple[int, int, int]:
    """The declared member count, size and offset of the central directory,
    from the end records (the last 64 KB of the file at most)."""
    size = _size_of(file)
    tail_start = max(0, size - _END.size - _MAX16)
    tail = _read_exactly(file, tail_start, size - tail_start)
    at = tail.rfind(struct.pack("<I", _END_SIGNATURE))
    if at < 0 or at + _END.size > len(tail):
        raise FileRefused(NOT_ALLOWED)
    (_, disk, cd_disk, disk_entries, entries, cd_size, cd_offset, _) = _END.unpack(
        tail[at : at + _END.size]
    )
    end_offset = tail_start + at
    if _MAX16 in (entries, disk_entries) or _MAX32 in (cd_size, cd_offset):
        locator_at = end_offset - _ZIP64_LOCATOR.size
        if locator_at < 0:
            raise FileRefused(NOT_ALLOWED)
        signature, _, zip64_end_offset, disks = _ZIP64_LOCATOR.unpack(
            _read_exactly(file, locator_at, _ZIP64_LOCATOR.size)
        )
        if signature != _ZIP64_LOCATOR_SIGNATURE or disks > 1:
            raise FileRefused(NOT_ALLOWED)
        if zip64_end_offset + _ZIP64_END.size > locator_at:
            raise FileRefused(NOT_ALLOWED)
        (
            signature,
            _,
            _,
            _,
            disk,
            cd_disk,
            disk_entries,
            entries,
            cd_size,
            cd_offset,
        ) = _ZIP64_END.unpack(_read_exactly(file, zip64_end_offset, _ZIP64_END.size))
        if signature != _ZIP64_END_SIGNATURE:
            raise FileRefused(NOT_ALLOWED)
        end_offset = zip64_end_offset
    if disk or cd_disk or disk_entries != entries:
        raise FileRefused(NOT_ALLOWED)  # split over several disks
    if cd_offset + cd_size > end_offset:
        raise FileRefused(NOT_ALLOWED)
    return entries, cd_size, cd_offset


def _zip64_sizes(
    extra: bytes, unpacked: int, compressed: int, offset: int
) -> tuple[int, int, int]:
    """The 64-bit values of the fields saturated at 0xFFFFFFFF, in the order the
    ZIP format lists them in the extra field."""
    position = 0
    while position + 4 <= len(extra):
        kind, length = struct.unpack_from("<HH", extra, position)
        body = extra[position + 4 : position + 4 + length]
        position += 4 + length
        if kind != 1:
            continue
        values = [unpacked, compressed, offset]
        taken = 0
        for index, value in enumerate(values):
            if value == _MAX32:
                if taken + 8 > len(body):
                    raise FileRefused(NOT_ALLOWED)
                values[index] = struct.unpack_from("<Q", body, taken)[0]
                taken += 8
        return values[0], values[1], values[2]
    raise FileRefused(NOT_ALLOWED)


def check_archive(file: IO[bytes], *, limits: ArchiveLimits) -> list[str]:
    """The member names of a ZIP archive, read from its central directory alone
    and refused (FileRefused) before anything is unpacked when it declares more
    members, more unpacked bytes or a higher compression ratio than ``limits``
    allow, or when its parts overlap, are encrypted or use an unusual method.
    Then each part is unpacked in small steps and thrown away, to refuse one
    that holds more than it declares."""
    entries, cd_size, cd_offset = _central_directory(file)
    too_many = FileRefused(
        f"The selected file has more than {limits.max_members:,} parts inside it, "
        "so it cannot be checked"
    )
    if entries > limits.max_members or cd_size > CENTRAL_DIRECTORY_MAX_BYTES:
        raise too_many
    too_big = FileRefused(
        "The selected file must be smaller than "
        f"{_megabytes(limits.max_unpacked_bytes)} when opened"
    )
    members: list[_Member] = []
    names: set[str] = set()
    unpacked_total = 0
    position = cd_offset
    while position < cd_offset + cd_size:
        header = _read_exactly(file, position, _CENTRAL.size)
        (
            signature,
            _,
            _,
            flags,
            method,
            _,
            _,
            _,
            compressed,
            unpacked,
            name_length,
            extra_length,
            comment_length,
            _,
            _,
            _,
            offset,
        ) = _CENTRAL.unpack(header)
        if signature != _CENTRAL_SIGNATURE or name_length > MEMBER_NAME_MAX_BYTES:
            raise FileRefused(NOT_ALLOWED)
        if len(members) >= limits.max_members:
            raise too_many
        if flags & 0x1 or method not in _STORED_OR_DEFLATED:
            raise FileRefused(NOT_ALLOWED)  # encrypted, or not how Office packs
        raw_name = file.read(name_length)
        extra = file.read(extra_length)
        if len(raw_name) != name_length or len(extra) != extra_length:
            raise FileRefused(NOT_ALLOWED)
        if _MAX32 in (unpacked, compressed, offset):
            unpacked, compressed, offset = _zip64_sizes(
                extra, unpacked, compressed, offset
            )
        name = raw_name.decode("utf-8" if flags & 0x800 else "cp437", "replace")
        if name in names:
            raise FileRefused(NOT_ALLOWED)  # two parts under one name
        unpacked_total += unpacked
        if unpacked_total > limits.max_unpacked_bytes:
            raise too_big
        if (
            unpacked > RATIO_FLOOR_BYTES
            and unpacked > max(compressed, 1) * limits.max_ratio
        ):
            raise FileRefused(
                "The selected file is compressed far more than a real document "
                "would be, so it cannot be checked"
            )
        names.add(name)
        members.append(_Member(name, method, compressed, unpacked, offset))
        position += _CENTRAL.size + name_length + extra_length + comment_length
    if len(members) != entries or position != cd_offset + cd_size:
        raise FileRefused(NOT_ALLOWED)
    _check_no_overlap(members, cd_offset)
    for member in members:
        _check_unpacks_as_declared(file, member, cd_offset)
    return [member.name for member in members]


def _check_no_overlap(members: list[_Member], cd_offset: int) -> None:
    """Every part's bytes lie apart, before the central directory: parts that
    share bytes are how the densest zip bombs are made."""
    end = 0
    for member in sorted(members, key=lambda m: m.offset):
        if member.offset < end:
            raise FileRefused(NOT_ALLOWED)
        end = member.offset + _LOCAL.size + member.compressed
    if end > cd_offset:
        raise FileRefused(NOT_ALLOWED)


def _check_unpacks_as_declared(
    file: IO[bytes], member: _Member, cd_offset: int
) -> None:
    """Refuse a part whose data unpacks to more (or less) than the central
    directory says: it is unpacked in small steps, never kept, and stopped as
    soon as it passes its declared size, so the bounds above hold for whoever
    opens the file later, not only for what the directory claims."""
    signature, _, _, _, _, _, _, _, _, name_length, extra_length = _LOCAL.unpack(
        _read_exactly(file, member.offset, _LOCAL.size)
    )
    start = member.offset + _LOCAL.size + name_length + extra_length
    if signature != _LOCAL_SIGNATURE or start + member.compressed > cd_offset:
        raise FileRefused(NOT_ALLOWED)
    if member.method == zipfile.ZIP_STORED:
        if member.compressed != member.unpacked:
            raise FileRefused(NOT_ALLOWED)
        return
    file.seek(start)
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    left = member.compressed
    produced = 0
    try:
        while not inflater.eof:
            data = inflater.unconsumed_tail
            if not data:
                data = file.read(min(CHUNK_BYTES, left))
                left -= len(data)
                if not data:
                    break
            produced += len(inflater.decompress(data, CHUNK_BYTES))
            if produced > member.unpacked:
                raise FileRefused(NOT_ALLOWED)
    except zlib.error as error:
        raise FileRefused(NOT_ALLOWED) from error
    if not inflater.eof or produced != member.unpacked:
        raise FileRefused(NOT_ALLOWED)


def _read_member(archive: zipfile.ZipFile, name: str, cap: int) -> bytes:
    """At most ``cap`` bytes of one part, read in small steps; a part that is
    longer is refused rather than read on."""
    data = bytearray()
    with archive.open(name) as member:
        while len(data) <= cap:
            chunk = member.read(min(CHUNK_BYTES, cap + 1 - len(data)))
            if not chunk:
                break
            data += chunk
    if len(data) > cap:
        raise FileRefused(NOT_ALLOWED)
    return bytes(data)


def _member_contains(
    archive: zipfile.ZipFile, name: str, needles: tuple[bytes, ...]
) -> bool:
    """Whether one part holds any of ``needles``, read in chunks."""
    overlap = max(len(needle) for needle in needles) - 1
    tail = b""
    with archive.open(name) as member:
        while chunk := member.read(CHUNK_BYTES):
            window = tail + chunk.lower()
            if any(needle in window for needle in needles):
                return True
            tail = window[-overlap:]
    return False


_OOXML_CODE_TYPES = (b"macroenabled", b"vbaproject", b"macrosheet", b"activex")
_ODF_SCRIPT_FOLDERS = ("basic/", "scripts/")
_ODF_PATH = re.compile(rb'manifest:full-path="([^"]*)"')
_ODF_MEDIA_TYPE = re.compile(rb'manifest:media-type="([^"]*)"')
# An event in an ODF document that calls a macro, including the application's own.
_ODF_SCRIPT_CALLS = (b"vnd.sun.star.script:", b"script:event-listener")


def _office_type(file: IO[bytes], limits: ArchiveLimits) -> FileType:
    names = check_archive(file, limits=limits)
    lowered = {name.lower() for name in names}
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            if "mimetype" in names:
                mimetype = _read_member(archive, "mimetype", MIMETYPE_READ_MAX)
                if mimetype.strip() != ODT.content_type.encode():
                    raise FileRefused(NOT_ALLOWED)
                _check_odf_scripts(archive, names, lowered)
                return ODT
            if "[Content_Types].xml" in names:
                content_types = _read_member(
                    archive, "[Content_Types].xml", XML_READ_MAX
                ).lower()
                if any(kind in content_types for kind in _OOXML_CODE_TYPES) or any(
                    name.endswith(("vbaproject.bin", "vbadata.xml"))
                    or name.startswith("xl/macrosheets/")
                    or "/activex/" in name
                    for name in lowered
                ):
                    raise FileRefused(MACROS)
                if "word/document.xml" in names:
                    return DOCX
                if "xl/workbook.xml" in names:
                    return XLSX
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        NotImplementedError,
        ValueError,
        OSError,
    ) as error:
        raise FileRefused(NOT_ALLOWED) from error
    raise FileRefused(NOT_ALLOWED)


def _check_odf_scripts(
    archive: zipfile.ZipFile, names: list[str], lowered: set[str]
) -> None:
    """Refuse an ODF document with Basic or script folders, a manifest listing
    them, or events that call a macro."""
    if any(name.startswith(_ODF_SCRIPT_FOLDERS) for name in lowered):
        raise FileRefused(MACROS)
    if "META-INF/manifest.xml" in names:
        manifest = _read_member(archive, "META-INF/manifest.xml", XML_READ_MAX)
        paths = [p.lower() for p in _ODF_PATH.findall(manifest)]
        media_types = [m.lower() for m in _ODF_MEDIA_TYPE.findall(manifest)]
        if any(p.startswith((b"basic/", b"scripts/")) for p in paths) or any(
            b"script" in m or b"basic" in m for m in media_types
        ):
            raise FileRefused(MACROS)
    for part in ("content.xml", "styles.xml"):
        if part in names and _member_contains(archive, part, _ODF_SCRIPT_CALLS):
            raise FileRefused(MACROS)


def _megabytes(limit: int) -> str:
    megabyte = 1024 * 1024
    if limit % megabyte == 0:
        return f"{limit // megabyte} MB"
    return f"{limit:,} bytes"

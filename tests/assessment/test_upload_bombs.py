"""Archives judged from their central directory before anything is unpacked:
a small upload that claims to unpack to a gigabyte costs the server a few
megabytes at most, and is refused, whether checked directly or uploaded
through the dimension page."""

from __future__ import annotations

import contextlib
import functools
import os
import struct
import tracemalloc
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessment import evidence
from assessment.evidence import AttachmentRefused, check_upload
from assessment.file_types import ArchiveLimits, FileRefused, check_archive
from assessment.models import EvidenceFile

from .helpers import answer, indicator_url, snapshot
from .test_attachments import CONTENT_TYPES, REFUSED_TYPE, upload_to_d11

MEGABYTE = 1024 * 1024
GIGABYTE = 1024 * MEGABYTE
# What the check may use for itself, whatever the archive claims.
CHECK_MEMORY_MAX = 3 * MEGABYTE
TOO_BIG = "The selected file must be smaller than 100 MB when opened"
TOO_DENSE = (
    "The selected file is compressed far more than a real document would be, "
    "so it cannot be checked"
)
TOO_MANY = (
    "The selected file has more than 1,000 parts inside it, so it cannot be checked"
)
ODT_TYPE = b"application/vnd.oasis.opendocument.text"


@dataclass
class Part:
    """One member of a hand-built archive: its stored bytes and what the
    central directory says about them (which may be a lie)."""

    name: str
    stored: bytes
    unpacked: int
    crc: int = 0
    deflated: bool = True
    offset: int | None = None  # where the central directory says it starts
    zip64: bool = False  # sizes in a ZIP64 extra field, as for parts over 4 GiB


def deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def part(name: str, data: bytes) -> Part:
    """An honest deflated member."""
    return Part(name, deflate(data), len(data), zlib.crc32(data))


def build_zip(parts: list[Part], *, zip64: bool = False) -> bytes:
    """A ZIP archive written byte by byte, so that its central directory can say
    whatever a test needs; with ``zip64`` its end records are the ZIP64 ones."""
    body = b""
    central = b""
    for item in parts:
        name = item.name.encode()
        method = 8 if item.deflated else 0
        offset = len(body)
        body += struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,
            20,
            0,
            method,
            0,
            0x21,
            item.crc,
            len(item.stored),
            item.unpacked,
            len(name),
            0,
        )
        body += name + item.stored
        extra = (
            struct.pack("<HHQQ", 1, 16, item.unpacked, len(item.stored))
            if item.zip64
            else b""
        )
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            45 if item.zip64 else 20,
            45 if item.zip64 else 20,
            0,
            method,
            0,
            0x21,
            item.crc,
            0xFFFFFFFF if item.zip64 else len(item.stored),
            0xFFFFFFFF if item.zip64 else item.unpacked,
            len(name),
            len(extra),
            0,
            0,
            0,
            0,
            offset if item.offset is None else item.offset,
        )
        central += name + extra
    if zip64:
        zip64_end = struct.pack(
            "<IQHHIIQQQQ",
            0x06064B50,
            44,
            45,
            45,
            0,
            0,
            len(parts),
            len(parts),
            len(central),
            len(body),
        )
        locator = struct.pack("<IIQI", 0x07064B50, 0, len(body) + len(central), 1)
        end = struct.pack(
            "<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0
        )
        return body + central + zip64_end + locator + end
    end = struct.pack(
        "<IHHHHIIH",
        0x06054B50,
        0,
        0,
        len(parts),
        len(parts),
        len(central),
        len(body),
        0,
    )
    return body + central + end


@functools.cache
def zeros_deflated(megabytes: int) -> tuple[bytes, int]:
    """So many MiB of zero bytes deflated at about 1,000 to 1, and their CRC:
    one compressed megabyte repeated, each flushed to a byte boundary."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    megabyte = packer.compress(bytes(MEGABYTE)) + packer.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    zeros = bytes(MEGABYTE)
    for _ in range(megabytes):
        crc = zlib.crc32(zeros, crc)
    return megabyte * megabytes + b"\x03\x00", crc


def gigabyte_of_zeros() -> tuple[bytes, int]:
    return zeros_deflated(1024)


def odt_bomb() -> bytes:
    """An ODT whose ``mimetype`` unpacks to 1 GiB."""
    stored, crc = gigabyte_of_zeros()
    return build_zip([Part("mimetype", stored, GIGABYTE, crc)])


def docx_bomb() -> bytes:
    """A DOCX whose document unpacks to 1 GiB."""
    stored, crc = gigabyte_of_zeros()
    return build_zip(
        [
            part("[Content_Types].xml", CONTENT_TYPES),
            Part("word/document.xml", stored, GIGABYTE, crc),
        ]
    )


def lying_bomb() -> bytes:
    """An ODT whose central directory says ``mimetype`` holds 39 bytes while
    its data unpacks to 1 GiB."""
    stored, crc = gigabyte_of_zeros()
    return build_zip([Part("mimetype", stored, len(ODT_TYPE), crc)])


def lying_docx_bomb() -> bytes:
    """A DOCX whose central directory says its document holds 13 bytes while
    its data unpacks to 1 GiB: a bomb for whoever downloads it."""
    stored, crc = gigabyte_of_zeros()
    return build_zip(
        [
            part("[Content_Types].xml", CONTENT_TYPES),
            Part("word/document.xml", stored, len(b"<w:document/>"), crc),
        ]
    )


def peak_memory(action: Callable[[], object]) -> int:
    """The most memory ``action`` held at once beyond what was held before."""
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        with contextlib.suppress(AttachmentRefused):
            action()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - before


def test_the_bombs_are_real():
    """About 1 MB each, and the first megabyte of the member really unpacks to
    zeros at over 1,000 to 1."""
    stored, _ = gigabyte_of_zeros()
    for bomb in (odt_bomb(), docx_bomb(), lying_bomb(), lying_docx_bomb()):
        assert 0.9 * MEGABYTE < len(bomb) < 1.2 * MEGABYTE
    inflater = zlib.decompressobj(-15)
    assert inflater.decompress(stored[:1100], MEGABYTE) == bytes(MEGABYTE)


@pytest.mark.parametrize(
    ("bomb", "message"),
    [
        (odt_bomb, TOO_BIG),
        (docx_bomb, TOO_BIG),
        (lying_bomb, REFUSED_TYPE),
        (lying_docx_bomb, REFUSED_TYPE),
    ],
)
def test_check_refuses_a_bomb_in_a_few_megabytes(bomb, message):
    upload = SimpleUploadedFile("notes.docx", bomb())

    used = peak_memory(lambda: check_upload(upload))

    assert used < CHECK_MEMORY_MAX, f"{used:,} bytes"
    with pytest.raises(AttachmentRefused, match=message):
        check_upload(upload)


@pytest.mark.parametrize("bomb", [odt_bomb, docx_bomb, lying_bomb, lying_docx_bomb])
def test_bomb_uploaded_through_the_dimension_page(
    client_as, return_a, monkeypatch, bomb
):
    """The page shows the error, nothing is saved, and the check inside the
    request used a few megabytes."""
    content = bomb()
    client = client_as("manager_a")
    before = snapshot(return_a)
    used: list[int] = []
    check = evidence.check_upload

    def measured(upload):
        tracemalloc.reset_peak()
        start, _ = tracemalloc.get_traced_memory()
        try:
            return check(upload)
        finally:
            used.append(tracemalloc.get_traced_memory()[1] - start)

    monkeypatch.setattr(evidence, "check_upload", measured)
    client.get(indicator_url(return_a, "D1.1"))  # templates and imports loaded first
    tracemalloc.start()
    try:
        response = upload_to_d11(client, return_a, "notes.odt", content, score=4)
        _, request_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert response.status_code == 200
    errors = response.context["form"].errors[
        f"attachment-{answer(return_a, 'D1.1').pk}"
    ]
    assert errors[0] in (TOO_BIG, REFUSED_TYPE)
    assert errors[0] in response.content.decode()
    assert used and max(used) < CHECK_MEMORY_MAX, used
    # The whole request, the 1 MB upload itself included, stays small too.
    assert request_peak < 16 * MEGABYTE, f"{request_peak:,} bytes"
    assert snapshot(return_a) == before
    assert not EvidenceFile.objects.exists()


LIMITS = ArchiveLimits(
    max_unpacked_bytes=100 * MEGABYTE, max_members=1000, max_ratio=100
)


def test_more_members_than_allowed_are_refused_from_the_directory():
    parts = [part(f"word/part{n}.xml", b"<x/>") for n in range(1001)]
    archive = build_zip([part("[Content_Types].xml", CONTENT_TYPES), *parts])
    with pytest.raises(FileRefused, match=TOO_MANY):
        check_archive(SimpleUploadedFile("many.docx", archive), limits=LIMITS)
    upload = SimpleUploadedFile("many.docx", archive)
    with pytest.raises(AttachmentRefused, match=TOO_MANY):
        check_upload(upload)


def test_a_thousand_members_are_accepted():
    parts = [part(f"word/part{n}.xml", b"<x/>") for n in range(997)]
    archive = build_zip(
        [
            part("[Content_Types].xml", CONTENT_TYPES),
            part("word/document.xml", b"<w:document/>"),
            *parts,
            part("docProps/app.xml", b"<Properties/>"),
        ]
    )
    assert check_upload(SimpleUploadedFile("big.docx", archive)).extension == ".docx"


def test_declared_sizes_over_the_total_are_refused(settings):
    """Each part honest and barely compressible, but together too big."""
    settings.ATTACHMENT_ARCHIVE_MAX_UNPACKED_BYTES = 2 * MEGABYTE
    noise = os.urandom(MEGABYTE + 1)  # does not compress
    archive = build_zip(
        [
            part("[Content_Types].xml", CONTENT_TYPES),
            part("word/document.xml", b"<w:document/>"),
            part("word/media/a.bin", noise),
            part("word/media/b.bin", noise[::-1]),
        ]
    )
    with pytest.raises(AttachmentRefused, match="smaller than 2 MB when opened"):
        check_upload(SimpleUploadedFile("photos.docx", archive))


def test_a_dense_part_is_refused_even_under_the_total():
    """50 MB of zeros compress to about 50 KB: 1,000 to 1."""
    stored, crc = zeros_deflated(50)
    archive = build_zip(
        [
            part("[Content_Types].xml", CONTENT_TYPES),
            Part("word/document.xml", stored, 50 * MEGABYTE, crc),
        ]
    )
    assert len(archive) < 100_000
    with pytest.raises(AttachmentRefused, match=TOO_DENSE):
        check_upload(SimpleUploadedFile("dense.docx", archive))


def test_a_small_dense_part_is_accepted():
    """Under a megabyte unpacked, any ratio is harmless: a page of blank
    spreadsheet rows compresses that well."""
    archive = build_zip(
        [
            part("[Content_Types].xml", CONTENT_TYPES),
            part("word/document.xml", bytes(MEGABYTE)),
        ]
    )
    assert check_upload(SimpleUploadedFile("blank.docx", archive)).extension == ".docx"


def test_overlapping_parts_are_refused():
    """Two directory entries pointing at one part's bytes, as the densest zip
    bombs are made."""
    content_types = part("[Content_Types].xml", CONTENT_TYPES)
    document = part("word/document.xml", b"<w:document/>")
    copy = part("word/document.xml", b"<w:document/>")
    copy.name = "word/copy.xml"
    copy.offset = 0
    archive = build_zip([content_types, document, copy])
    with pytest.raises(AttachmentRefused, match=REFUSED_TYPE):
        check_upload(SimpleUploadedFile("overlap.docx", archive))


@pytest.mark.parametrize(
    "damage",
    [
        lambda zip_: zip_[:-22],  # no end record
        lambda zip_: zip_[:-6] + struct.pack("<I", 0) + zip_[-2:],  # wrong offset
        lambda zip_: (
            zip_[:-10] + struct.pack("<I", 10**6) + zip_[-6:]
        ),  # huge directory
    ],
)
def test_a_damaged_directory_is_refused(damage):
    archive = build_zip(
        [
            part("[Content_Types].xml", CONTENT_TYPES),
            part("word/document.xml", b"<w:document/>"),
        ]
    )
    assert check_upload(SimpleUploadedFile("ok.docx", archive)).extension == ".docx"
    with pytest.raises(AttachmentRefused):
        check_upload(SimpleUploadedFile("damaged.docx", damage(archive)))


def test_a_member_read_stops_at_its_cap():
    """A ``mimetype`` honestly declared at 50 KB is read no further than its
    first few hundred bytes."""
    archive = build_zip([part("mimetype", ODT_TYPE + b" " * 50_000)])
    used = peak_memory(lambda: check_upload(SimpleUploadedFile("a.odt", archive)))
    assert used < 200_000
    with pytest.raises(AttachmentRefused, match=REFUSED_TYPE):
        check_upload(SimpleUploadedFile("a.odt", archive))


def zip64_docx(document: Part) -> bytes:
    return build_zip([part("[Content_Types].xml", CONTENT_TYPES), document], zip64=True)


def test_zip64_records_are_read():
    """Some writers use ZIP64 records even for small files: they are read the
    same way, and their bounds hold the same."""
    honest = part("word/document.xml", b"<w:document/>")
    honest.zip64 = True
    assert check_upload(SimpleUploadedFile("a.docx", zip64_docx(honest))).extension == (
        ".docx"
    )
    stored, crc = gigabyte_of_zeros()
    bomb = Part("word/document.xml", stored, GIGABYTE, crc, zip64=True)
    with pytest.raises(AttachmentRefused, match=TOO_BIG):
        check_upload(SimpleUploadedFile("b.docx", zip64_docx(bomb)))
    many = [part(f"word/part{n}.xml", b"<x/>") for n in range(1001)]
    archive = build_zip([part("[Content_Types].xml", CONTENT_TYPES), *many], zip64=True)
    with pytest.raises(AttachmentRefused, match=TOO_MANY):
        check_upload(SimpleUploadedFile("c.docx", archive))

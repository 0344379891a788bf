"""The parts of a ZIP-based file a user uploads (XLSX, ODS), opened only once
its central directory shows nothing that would flood the reader, and read in
bounded steps. Each caller says how a refusal is raised (its own error type)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

Refuse = Callable[[str], Exception]

UNREADABLE = "The selected file cannot be opened as a spreadsheet"
ENCRYPTED = "The selected file is encrypted: save it without a password"


def open_archive(
    content: bytes,
    *,
    max_members: int,
    max_unpacked_bytes: int,
    too_big: str,
    refuse: Refuse,
) -> zipfile.ZipFile:
    """The ZIP archive, refused (``refuse(message)`` raised) when it cannot be
    opened, has too many parts or unpacks to too much (``too_big``), or is
    encrypted."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise refuse(UNREADABLE) from error
    if (
        len(members) > max_members
        or sum(m.file_size for m in members) > max_unpacked_bytes
    ):
        raise refuse(too_big)
    if any(m.flag_bits & 0x1 for m in members):
        raise refuse(ENCRYPTED)
    return archive


def read_member(
    archive: zipfile.ZipFile, name: str, cap: int, *, refuse: Refuse
) -> bytes | None:
    """At most ``cap`` bytes of the part ``name``; None when there is no such
    part."""
    try:
        with archive.open(name) as member:
            return member.read(cap)
    except KeyError:
        return None
    except (zipfile.BadZipFile, NotImplementedError, OSError, ValueError) as error:
        raise refuse(UNREADABLE) from error

"""What an uploaded evidence file really is, read from its content."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO


@dataclass(frozen=True)
class FileType:
    label: str
    extension: str
    content_type: str


PDF = FileType("PDF", ".pdf", "application/pdf")
PNG = FileType("PNG image", ".png", "image/png")
JPEG = FileType("JPEG image", ".jpg", "image/jpeg")
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

ALLOWED_LABEL = "PDF, DOCX, XLSX, ODT, PNG or JPEG"


def detect_file_type(file: IO[bytes]) -> FileType | None:
    """The allowed type the content matches, or None. The name is never trusted."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _office_type(file)
    return None


def _office_type(file: IO[bytes]) -> FileType | None:
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return ODT if mimetype == ODT.content_type else None
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return DOCX
                if "xl/workbook.xml" in names:
                    return XLSX
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        file.seek(0)
    return None

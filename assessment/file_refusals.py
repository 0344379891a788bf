"""Why an evidence file is refused, in words for the person who chose it,
and the size of the steps files are read in."""

from __future__ import annotations

# Files are read this much at a time, never whole.
CHUNK_BYTES = 64 * 1024

ALLOWED_LABEL = "PDF, DOCX, XLSX, ODT, PNG or JPEG"

NOT_ALLOWED = f"The selected file must be a {ALLOWED_LABEL}"
MACROS = (
    "The selected file contains macros or other code that would run on the "
    "reader’s computer. Save it again without macros (as a .docx, .xlsx or .odt "
    "file) and upload that"
)
PDF_ACTIVE = (
    "The selected PDF contains {what}, which could run on the reader’s computer. "
    "Print or export it to a new PDF without it and upload that"
)
PDF_UNCHECKABLE = (
    "The selected PDF is encrypted or packed in a way that cannot be checked. "
    "Save it again without a password or restrictions and upload that"
)


class FileRefused(Exception):
    """Why a file is not accepted, in words for the person who chose it."""

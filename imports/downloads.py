"""The template files: each kind's header row and one example row, as CSV,
XLSX or ODS, written by tablib."""

from __future__ import annotations

from dataclasses import dataclass

import tablib

from partnerships.models import LearningPartnership

from .cells import FORMULA_STARTS
from .columns import SPECS
from .models import FileFormat, Kind


@dataclass(frozen=True)
class Download:
    content: bytes
    content_type: str
    file_name: str


CONTENT_TYPES = {
    FileFormat.CSV: "text/csv; charset=utf-8",
    FileFormat.XLSX: (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    FileFormat.ODS: "application/vnd.oasis.opendocument.spreadsheet",
}


def _as_text(value: str) -> str:
    """Kept as text by a spreadsheet: one starting like a formula gets the
    apostrophe spreadsheets use for that (the import drops it again)."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def template_file(*, kind: str, file_format: str) -> Download:
    """The template of one kind of file, in one format. Its example row names
    a partnership in the service where it needs one, so that it imports."""
    spec = SPECS[kind]
    example = dict(spec.example)
    if kind in (Kind.MEMBERS, Kind.USERS):
        name = (
            LearningPartnership.objects.order_by("name")
            .values_list("name", flat=True)
            .first()
        )
        if name:
            column = "partnership" if kind == Kind.MEMBERS else "partnerships"
            example[column] = name
    dataset = tablib.Dataset(
        [_as_text(example.get(name, "")) for name in spec.names],
        headers=spec.names,
        title=str(spec.kind.label),
    )
    content = dataset.export(str(file_format))
    if isinstance(content, str):
        content = content.encode("utf-8")
    return Download(
        content=content,
        content_type=CONTENT_TYPES[FileFormat(file_format)],
        file_name=f"{kind}.{file_format}",
    )

"""Files to upload: the same rows written as CSV, XLSX or ODS."""

from __future__ import annotations

import re
from typing import Any

import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

FORMATS = ["csv", "xlsx", "ods"]


def spreadsheet(file_format: str, rows: list[list[Any]], name: str = "") -> bytes:
    """The rows (the first is the header row) as a file of the format."""
    dataset = tablib.Dataset(*rows[1:], headers=rows[0], title="Rows")
    content = dataset.export(file_format)
    return content.encode("utf-8") if isinstance(content, str) else content


def upload_file(
    file_format: str, rows: list[list[Any]], name: str | None = None
) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name or f"records.{file_format}", spreadsheet(file_format, rows)
    )


def upload(client: Client, kind: str, file: SimpleUploadedFile) -> Any:
    return client.post("/imports/", {"kind": kind, "file": file})


def preview_of(client: Client, kind: str, file: SimpleUploadedFile) -> Any:
    """Upload the file and open its preview."""
    response = upload(client, kind, file)
    assert response.status_code == 302, _errors(response)
    return client.get(response["Location"])


def confirm(client: Client, preview_response: Any) -> Any:
    upload_pk = preview_response.context["upload"].pk
    fingerprint = preview_response.context["preview"].fingerprint
    return client.post(
        f"/imports/uploads/{upload_pk}/confirm/", {"fingerprint": fingerprint}
    )


def _errors(response: Any) -> Any:
    form = getattr(response, "context", None) and response.context.get("form")
    return form.errors if form is not None else response.status_code


def text(response: Any) -> str:
    """The page's text without tags, on single spaces."""
    content = response.content.decode()
    content = re.sub(r"<[^>]+>", " ", content)
    return re.sub(r"\s+", " ", content)

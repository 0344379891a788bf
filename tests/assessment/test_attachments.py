"""Evidence files: accepted by what they contain, never by their name; served
only to users who may see the return; removed with their stored content."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from assessment.evidence import AttachmentRefused, check_upload, evidence_upload
from assessment.models import EvidenceFile, EvidenceLink
from config.settings import base

from .helpers import answer, form_data, indicator_url, snapshot

REFUSED_TYPE = "The selected file must be a PDF, DOCX, XLSX, ODT, PNG or JPEG"


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            kind = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=kind)
    return buffer.getvalue()


def png() -> bytes:
    """A real 1 by 1 pixel PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
DOCX = zip_of(
    {"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": b"<w:document/>"}
)
XLSX = zip_of({"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": b"<workbook/>"})
ODT = zip_of(
    {
        "mimetype": b"application/vnd.oasis.opendocument.text",
        "content.xml": b"<office:document-content/>",
    }
)

ACCEPTED = [
    ("minutes.pdf", PDF, "application/pdf", ".pdf"),
    ("chart.png", png(), "image/png", ".png"),
    ("photo.jpeg", JPEG, "image/jpeg", ".jpg"),
    (
        "plan.docx",
        DOCX,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
    ),
    (
        "figures.xlsx",
        XLSX,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".xlsx",
    ),
    ("notes.odt", ODT, "application/vnd.oasis.opendocument.text", ".odt"),
]

REFUSED = [
    (
        "windows.pdf",
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64,
    ),
    ("linux.pdf", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64),
    ("archive.docx", zip_of({"readme.txt": b"Not an office file"})),
    ("half.docx", zip_of({"[Content_Types].xml": CONTENT_TYPES})),
    (
        "sheet.odt",
        zip_of({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
    ),
    ("broken.xlsx", b"PK\x03\x04 this is not really a zip"),
    ("page.html", b"<html><body>Evidence</body></html>"),
]


def upload_to_d11(client, return_record, name, content, **changes):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    return client.post(
        indicator_url(return_record, "D1.1"),
        form_data(
            [answer(return_record, "D1.1")],
            {"D1.1": {"attachment": upload, **changes}},
        ),
    )


def stored_files(return_record) -> list[str]:
    storage = storages["attachments"]
    folder = f"evidence/{return_record.partnership_id}"
    return storage.listdir(folder)[1] if storage.exists(folder) else []


@pytest.mark.parametrize(("name", "content", "content_type", "extension"), ACCEPTED)
def test_accepted_file_is_kept_and_downloadable(
    client_as, return_a, name, content, content_type, extension
):
    client = client_as("manager_a")

    response = upload_to_d11(client, return_a, name, content, score=3)

    assert response.status_code == 302
    link = EvidenceLink.objects.get()
    assert link.answer == answer(return_a, "D1.1")
    attachment = EvidenceFile.objects.get()
    assert link.evidence_file == attachment
    assert attachment.partnership == return_a.partnership
    assert attachment.title == name
    assert attachment.original_name == name
    assert attachment.content_type == content_type
    assert attachment.size == len(content)
    assert attachment.uploaded_by.username == "manager_a"
    assert attachment.file.name.startswith(f"evidence/{return_a.partnership_id}/")
    assert attachment.file.name.endswith(extension)
    assert answer(return_a, "D1.1").score == 3  # the answers were saved too

    # A draft's files are its managers' and administrators' (officers' once
    # submitted: tests/assessment/test_drafts_private.py).
    for reader in ["manager_a", "admin"]:
        download = client_as(reader).get(f"/attachments/{attachment.pk}/")
        assert download.status_code == 200, reader
        assert b"".join(download.streaming_content) == content
        assert download["Content-Disposition"] == f'attachment; filename="{name}"'
        assert download["Content-Type"] == content_type


def test_attachment_is_listed_on_the_dimension_page(client_as, return_a):
    client = client_as("manager_a")
    upload_to_d11(client, return_a, "minutes.pdf", PDF)
    link = EvidenceLink.objects.get()
    html = client.get(indicator_url(return_a, "D1.1")).content.decode()
    assert f'href="/attachments/{link.evidence_file_id}/">minutes.pdf</a>' in html
    assert f"/returns/{return_a.pk}/attachments/{link.pk}/remove/" in html


@pytest.fixture
def attachment(return_a, manager_a) -> EvidenceLink:
    return evidence_upload(
        answer=answer(return_a, "D1.1"),
        upload=SimpleUploadedFile("minutes.pdf", PDF),
        user=manager_a,
    )


@pytest.mark.parametrize(
    "name", ["manager_b", "officer_elsewhere", "go_elsewhere", "no_role"]
)
def test_download_is_not_found_outside_scope(client_as, attachment, name):
    url = f"/attachments/{attachment.evidence_file_id}/"
    assert client_as(name).get(url).status_code == 404


def test_download_needs_sign_in(anonymous, attachment):
    url = f"/attachments/{attachment.evidence_file_id}/"
    response = anonymous.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_download_of_a_missing_file_is_not_found(client_as, attachment):
    stored = attachment.evidence_file.file
    stored.storage.delete(stored.name)
    url = f"/attachments/{attachment.evidence_file_id}/"
    assert client_as("manager_a").get(url).status_code == 404


@pytest.mark.parametrize(("name", "content"), REFUSED)
def test_refused_file_saves_nothing(client_as, return_a, name, content):
    before = snapshot(return_a)

    response = upload_to_d11(
        client_as("manager_a"), return_a, name, content, score=4, evidence="Typed"
    )

    assert response.status_code == 200
    assert response.context["form"].errors[
        f"attachment-{answer(return_a, 'D1.1').pk}"
    ] == [REFUSED_TYPE]
    assert REFUSED_TYPE in response.content.decode()
    assert snapshot(return_a) == before
    assert not EvidenceFile.objects.exists()
    assert stored_files(return_a) == []


def test_file_over_the_limit_is_refused(client_as, return_a, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    before = snapshot(return_a)
    content = PDF + b"0" * (1024 * 1024 + 1 - len(PDF))

    response = upload_to_d11(
        client_as("manager_a"), return_a, "big.pdf", content, score=2
    )

    assert response.status_code == 200
    assert "The selected file must be smaller than 1 MB" in response.content.decode()
    assert snapshot(return_a) == before
    assert not EvidenceFile.objects.exists()


def test_file_at_the_limit_is_accepted(client_as, return_a, settings):
    settings.ATTACHMENT_MAX_BYTES = 2048
    content = PDF + b"0" * (2048 - len(PDF))
    response = upload_to_d11(client_as("manager_a"), return_a, "full.pdf", content)
    assert response.status_code == 302
    assert EvidenceFile.objects.get().size == 2048


def test_the_limit_is_10_mb_by_default():
    assert base.ATTACHMENT_MAX_BYTES == 10 * 1024 * 1024
    assert settings.ATTACHMENT_MAX_BYTES == 10 * 1024 * 1024
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024))
    with pytest.raises(AttachmentRefused, match="must be smaller than 10 MB"):
        check_upload(big)
    exactly = SimpleUploadedFile("ok.pdf", b"%PDF-1.4\n".ljust(10 * 1024 * 1024, b"0"))
    assert check_upload(exactly).content_type == "application/pdf"


def test_small_limit_is_worded_sensibly(settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(AttachmentRefused) as caught:
        check_upload(SimpleUploadedFile("big.pdf", PDF.ljust(1025, b"0")))
    assert "0 MB" not in str(caught.value)


def test_refused_file_with_another_error_saves_nothing(client_as, return_a):
    before = snapshot(return_a)
    response = upload_to_d11(
        client_as("manager_a"), return_a, "minutes.pdf", PDF, evidence="e" * 5001
    )
    assert response.status_code == 200
    assert snapshot(return_a) == before
    assert not EvidenceFile.objects.exists()


def test_remove_attachment_keeps_the_file_in_the_library(
    client_as, return_a, attachment
):
    client = client_as("manager_a")
    url = f"/returns/{return_a.pk}/attachments/{attachment.pk}/remove/"
    stored = attachment.evidence_file.file.name
    assert storages["attachments"].exists(stored)

    page = client.get(url)
    assert page.status_code == 200
    assert "Remove minutes.pdf from D1.1?" in page.content.decode()

    response = client.post(url)

    assert response.status_code == 302
    assert response["Location"] == indicator_url(return_a, "D1.1")
    assert not EvidenceLink.objects.exists()
    assert EvidenceFile.objects.get().pk == attachment.evidence_file_id
    assert storages["attachments"].exists(stored)
    html = client.get(indicator_url(return_a, "D1.1")).content.decode()
    assert f"/attachments/{attachment.evidence_file_id}/" not in html


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("officer_a", 403),
        ("go_a", 403),
        ("manager_b", 404),
        ("officer_elsewhere", 404),
        ("no_role", 404),
    ],
)
def test_remove_attachment_refused(client_as, return_a, attachment, name, status):
    url = f"/returns/{return_a.pk}/attachments/{attachment.pk}/remove/"
    client = client_as(name)
    assert client.get(url).status_code == status
    assert client.post(url).status_code == status
    assert EvidenceLink.objects.filter(pk=attachment.pk).exists()
    assert storages["attachments"].exists(attachment.evidence_file.file.name)


def test_remove_through_another_return_is_not_found(
    client_as, return_a, attachment, partnership_a, period_2002, manager_a
):
    from assessment.services import return_start

    other = return_start(partnership=partnership_a, period=period_2002, user=manager_a)
    url = f"/returns/{other.pk}/attachments/{attachment.pk}/remove/"
    assert client_as("manager_a").post(url).status_code == 404
    assert EvidenceLink.objects.filter(pk=attachment.pk).exists()


@pytest.mark.parametrize(
    "failure",
    [
        OSError(28, "No space left on device"),
        PermissionError(13, "Permission denied"),
    ],
)
def test_a_file_the_storage_refuses_leaves_the_answers_saved_and_says_so(
    client_as, return_a, monkeypatch, failure
):
    """Disk full or an unwritable media folder: the answer text is kept, no
    attachment row points at a missing file, and the page says what happened."""

    def refuse(*args, **kwargs):
        raise failure

    monkeypatch.setattr(storages["attachments"], "_save", refuse)
    client = client_as("manager_a")

    response = upload_to_d11(
        client, return_a, "minutes.pdf", PDF, score=3, evidence="Minutes of May"
    )

    assert response.status_code == 302
    assert response["Location"] == indicator_url(return_a, "D1.1")
    saved = answer(return_a, "D1.1")
    assert (saved.score, saved.evidence) == (3, "Minutes of May")
    assert not EvidenceFile.objects.exists()
    page = client.get(response["Location"])
    assert "Your answer was saved, but “minutes.pdf” could not be stored" in (page.text)
    assert "file storage is full or cannot be written to" in page.text

"""Evidence files that would run code on a reader's computer are refused with a
reason on the dimension page: Office files with macros, ODF documents with
scripts, PDFs with JavaScript, a launch or an action on opening. Whatever is
accepted is stored and served as the type its content is, never as its name
says."""

from __future__ import annotations

import io
import zlib

import openpyxl
import pytest
import weasyprint
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter
from pypdf.actions import JavaScript

from assessment import pdf_actions
from assessment.evidence import AttachmentRefused, check_upload, evidence_upload
from assessment.file_refusals import CHUNK_BYTES
from assessment.models import EvidenceFile

from .helpers import answer, indicator_url, snapshot
from .test_attachments import (
    CONTENT_TYPES,
    DOCX,
    ODT,
    PDF,
    XLSX,
    stored_files,
    upload_to_d11,
    zip_of,
)

MACROS = (
    "The selected file contains macros or other code that would run on the "
    "reader’s computer"
)
JAVASCRIPT = "The selected PDF contains JavaScript, which could run"
LAUNCH = "The selected PDF contains an action that starts another program"
OPEN_ACTION = "The selected PDF contains an action that runs when it is opened"
AA = "The selected PDF contains actions that run when it is opened or used"
UNCHECKABLE = "The selected PDF is encrypted or packed in a way that cannot be checked"
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def content_types(*overrides: bytes) -> bytes:
    return (
        b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
        b'package/2006/content-types">'
        + b"".join(
            b'<Override PartName="%s" ContentType="%s"/>' % pair
            for pair in zip(overrides[::2], overrides[1::2], strict=True)
        )
        + b"</Types>"
    )


def odt_with(members: dict[str, bytes]) -> bytes:
    return zip_of({"mimetype": ODT_MIMETYPE, "content.xml": b"<c/>", **members})


def manifest(*paths: tuple[str, str]) -> bytes:
    return (
        b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:'
        b'xmlns:manifest:1.0">'
        + b"".join(
            f'<manifest:file-entry manifest:full-path="{path}" '
            f'manifest:media-type="{kind}"/>'.encode()
            for path, kind in paths
        )
        + b"</manifest:manifest>"
    )


def pdf_with(body: bytes) -> bytes:
    return b"%PDF-1.4\n" + body + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def object_stream(objects: bytes, *, packed: bytes | None = None) -> bytes:
    """A PDF whose catalog sits compressed in an object stream, out of sight of
    a scan of the file's own bytes."""
    data = zlib.compress(objects) if packed is None else packed
    return pdf_with(
        b"1 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>"
        b"\nstream\n%s\nendstream\nendobj" % (len(data), data)
    )


def pypdf_file(javascript: str | None = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if javascript:
        writer.add_open_action(JavaScript(javascript))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def spreadsheet() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["Members", 12])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def image(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (0, 112, 60)).save(buffer, kind)
    return buffer.getvalue()


def straddling(name: bytes) -> bytes:
    """A PDF with ``name`` split across the boundary of two scanned chunks."""
    head = b"%PDF-1.4\n"
    padding = b"x" * (CHUNK_BYTES - len(head) - len(name) // 2)
    return head + padding + b" " + name + b" (alert) " + b"y" * 100


REFUSED = [
    # Office files with macros
    (
        "vba.docx",
        zip_of(
            {
                "[Content_Types].xml": CONTENT_TYPES,
                "word/document.xml": b"<w:document/>",
                "word/vbaProject.bin": b"\xd0\xcf\x11\xe0",
            }
        ),
        MACROS,
    ),
    (
        "renamed.docx",
        zip_of(
            {
                "[Content_Types].xml": content_types(
                    b"/word/document.xml",
                    b"application/vnd.ms-word.document.macroEnabled.main+xml",
                ),
                "word/document.xml": b"<w:document/>",
            }
        ),
        MACROS,
    ),
    (
        "figures.xlsx",
        zip_of(
            {
                "[Content_Types].xml": content_types(
                    b"/xl/workbook.xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                ),
                "xl/workbook.xml": b"<workbook/>",
            }
        ),
        MACROS,
    ),
    (
        "excel4.xlsx",
        zip_of(
            {
                "[Content_Types].xml": CONTENT_TYPES,
                "xl/workbook.xml": b"<workbook/>",
                "xl/macrosheets/sheet1.xml": b"<xm:macrosheet/>",
            }
        ),
        MACROS,
    ),
    # ODF documents with scripts
    ("basic.odt", odt_with({"Basic/Standard/Module1.xml": b"<script/>"}), MACROS),
    ("python.odt", odt_with({"Scripts/python/run.py": b"import os"}), MACROS),
    (
        "manifest.odt",
        odt_with(
            {
                "META-INF/manifest.xml": manifest(
                    ("/", "application/vnd.oasis.opendocument.text"),
                    ("Basic/Standard/Module1.xml", "text/xml"),
                )
            }
        ),
        MACROS,
    ),
    (
        "event.odt",
        odt_with(
            {
                "content.xml": b"<office:document-content><office:event-listeners>"
                b'<script:event-listener script:language="ooo:script" '
                b'xlink:href="vnd.sun.star.script:Tools.Misc.Run?language=Basic&amp;'
                b'location=application"/></office:event-listeners>'
                b"</office:document-content>"
            }
        ),
        MACROS,
    ),
    # PDFs that act by themselves
    (
        "javascript.pdf",
        pdf_with(b"1 0 obj << /Type /Catalog /Names << /JavaScript 2 0 R >> >> endobj"),
        JAVASCRIPT,
    ),
    (
        "js.pdf",
        pdf_with(b"2 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj"),
        JAVASCRIPT,
    ),
    (
        "escaped.pdf",
        pdf_with(b"2 0 obj << /S /J#61vaScript /J#53 (x) >> endobj"),
        JAVASCRIPT,
    ),
    ("all-escaped.pdf", pdf_with(b"2 0 obj << /#4A#53 (x) >> endobj"), JAVASCRIPT),
    ("pypdf.pdf", pypdf_file("app.alert('evidence')"), JAVASCRIPT),
    ("launch.pdf", pdf_with(b"2 0 obj << /S /Launch /F (calc.exe) >> endobj"), LAUNCH),
    ("launch-escaped.pdf", pdf_with(b"2 0 obj << /S /L#61unch >> endobj"), LAUNCH),
    (
        "open.pdf",
        pdf_with(b"1 0 obj << /Type /Catalog /OpenAction 5 0 R >> endobj"),
        OPEN_ACTION,
    ),
    (
        "open-uri.pdf",
        pdf_with(b"1 0 obj << /OpenAction << /S /URI /URI (http://x) >> >> endobj"),
        OPEN_ACTION,
    ),
    ("aa.pdf", pdf_with(b"3 0 obj << /Type /Page /AA << /O 6 0 R >> >> endobj"), AA),
    ("split.pdf", straddling(b"/JavaScript"), JAVASCRIPT),
    ("split-escaped.pdf", straddling(b"/J#61v#61Script"), JAVASCRIPT),
    (
        "hidden.pdf",
        object_stream(b"2 0 << /Type /Catalog /Names << /JavaScript 3 0 R >> >>"),
        JAVASCRIPT,
    ),
    (
        "encrypted.pdf",
        object_stream(b"", packed=b"\x8f\x12 encrypted bytes, not a Flate stream"),
        UNCHECKABLE,
    ),
]

ACCEPTED = [
    ("plain.docx", DOCX, ".docx"),
    ("plain.xlsx", XLSX, ".xlsx"),
    ("openpyxl.xlsx", spreadsheet(), ".xlsx"),
    ("plain.odt", ODT, ".odt"),
    (
        "manifest.odt",
        odt_with(
            {
                "META-INF/manifest.xml": manifest(
                    ("/", "application/vnd.oasis.opendocument.text"),
                    ("content.xml", "text/xml"),
                    ("Pictures/basically.png", "image/png"),
                )
            }
        ),
        ".odt",
    ),
    ("plain.pdf", PDF, ".pdf"),
    ("pypdf.pdf", pypdf_file(), ".pdf"),
    ("weasyprint.pdf", weasyprint.HTML(string="<h1>Minutes</h1>").write_pdf(), ".pdf"),
    (
        "destination.pdf",
        pdf_with(b"1 0 obj << /Type /Catalog /OpenAction [3 0 R /Fit] >> endobj"),
        ".pdf",
    ),
    (
        "quartz.pdf",
        pdf_with(b"4 0 obj << /AAPL:Keywords [(x)] /JSON 1 >> endobj"),
        ".pdf",
    ),
    ("packed.pdf", object_stream(b"2 0 << /Type /Catalog /Pages 3 0 R >>"), ".pdf"),
    ("long.pdf", straddling(b"/Author") * 3, ".pdf"),
    ("photo.png", image("PNG"), ".png"),
    ("photo.jpg", image("JPEG"), ".jpg"),
]


@pytest.mark.parametrize(("name", "content", "message"), REFUSED)
def test_file_with_code_is_refused(name, content, message):
    with pytest.raises(AttachmentRefused, match=message.replace("(", r"\(")):
        check_upload(SimpleUploadedFile(name, content))


def test_the_hidden_javascript_is_only_in_the_object_stream():
    hidden = dict((name, content) for name, content, _ in REFUSED)["hidden.pdf"]
    assert b"JavaScript" not in hidden


@pytest.mark.parametrize(("name", "content", "extension"), ACCEPTED)
def test_ordinary_file_is_accepted(name, content, extension):
    assert check_upload(SimpleUploadedFile(name, content)).extension == extension


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [REFUSED[0], REFUSED[1], REFUSED[4], REFUSED[8], REFUSED[10], REFUSED[14]],
)
def test_refusal_is_shown_on_the_dimension_page(
    client_as, return_a, name, content, message
):
    before = snapshot(return_a)

    response = upload_to_d11(
        client_as("manager_a"), return_a, name, content, score=4, evidence="Typed"
    )

    assert response.status_code == 200
    field = f"attachment-{answer(return_a, 'D1.1').pk}"
    assert response.context["form"].errors[field][0].startswith(message)
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html
    assert f'href="#id_{field}"' in html
    assert message in html
    assert "Typed" in html  # what was typed is still on the page
    assert snapshot(return_a) == before
    assert not EvidenceFile.objects.exists()
    assert stored_files(return_a) == []


POLYGLOT = (
    b"%PDF-1.4\n%<html><body><script>document.write(document.cookie)</script>\n"
    b"1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


def test_polyglot_named_html_is_stored_and_served_as_pdf(client_as, return_a):
    client = client_as("manager_a")

    response = upload_to_d11(client, return_a, "minutes.html", POLYGLOT, score=3)

    assert response.status_code == 302
    attachment = EvidenceFile.objects.get()
    assert attachment.original_name == "minutes.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.file.name.endswith(".pdf")
    page = client.get(indicator_url(return_a, "D1.1")).content.decode()
    assert f'href="/attachments/{attachment.pk}/">minutes.pdf</a>' in page
    assert "minutes.html" not in page
    # The return is a draft: its files are its managers' (and administrators').
    assert (
        client_as("officer_a").get(f"/attachments/{attachment.pk}/").status_code == 404
    )
    for reader in ["manager_a", "admin"]:
        download = client_as(reader).get(f"/attachments/{attachment.pk}/")
        assert download.status_code == 200
        assert download["Content-Type"] == "application/pdf"
        assert download["Content-Disposition"] == 'attachment; filename="minutes.pdf"'
        assert download["X-Content-Type-Options"] == "nosniff"
        assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert b"".join(download.streaming_content) == POLYGLOT


@pytest.mark.parametrize(
    ("uploaded", "kept"),
    [
        ("minutes.html", "minutes.pdf"),
        ("minutes.PDF", "minutes.PDF"),
        ("minutes", "minutes.pdf"),
        ("minutes.final.svg", "minutes.final.pdf"),
        ("../../etc/passwd.exe", "passwd.pdf"),
    ],
)
def test_kept_name_has_the_extension_of_the_content(
    return_a, manager_a, uploaded, kept
):
    attachment = evidence_upload(
        answer=answer(return_a, "D1.1"),
        upload=SimpleUploadedFile(uploaded, PDF),
        user=manager_a,
    ).evidence_file
    assert attachment.original_name == kept
    assert attachment.file.name.endswith(".pdf")


def test_a_file_kept_under_its_old_name_is_served_under_its_type(
    client_as, return_a, manager_a
):
    """Files kept before names followed their content are served right too."""
    attachment = evidence_upload(
        answer=answer(return_a, "D1.1"),
        upload=SimpleUploadedFile("chart.png", image("PNG")),
        user=manager_a,
    ).evidence_file
    EvidenceFile.objects.filter(pk=attachment.pk).update(original_name="chart.html")

    download = client_as("manager_a").get(f"/attachments/{attachment.pk}/")

    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"] == 'attachment; filename="chart.png"'


def test_too_many_or_too_large_object_streams_cannot_be_checked(monkeypatch):
    """The unpacking of object streams is bounded too."""
    packed = object_stream(b"2 0 << /Type /Catalog /Pages 3 0 R >>" + b" " * 5000)
    assert check_upload(SimpleUploadedFile("packed.pdf", packed)).extension == ".pdf"
    two = packed + packed[len(b"%PDF-1.4\n") :]
    assert check_upload(SimpleUploadedFile("two.pdf", two)).extension == ".pdf"
    monkeypatch.setattr(pdf_actions, "PDF_OBJECT_STREAMS_MAX", 1)
    with pytest.raises(AttachmentRefused, match=UNCHECKABLE):
        check_upload(SimpleUploadedFile("two.pdf", two))
    monkeypatch.setattr(pdf_actions, "PDF_OBJECT_STREAMS_MAX", 10)
    monkeypatch.setattr(pdf_actions, "PDF_OBJECT_STREAMS_MAX_BYTES", 4096)
    with pytest.raises(AttachmentRefused, match=UNCHECKABLE):
        check_upload(SimpleUploadedFile("packed.pdf", packed))

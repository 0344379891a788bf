"""The regional summary PDF: same figures as the page, same scoping. It is
made in the background (the immediate backend in tests: made by the time the
request answers)."""

from __future__ import annotations

import io
import re

from django.test import Client
from pypdf import PdfReader

from reports.models import SummaryDocument
from reports.selectors import DashboardFilters, regional_dashboard


def _text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def summary_pdf(client: Client, data: dict[str, str]) -> bytes:
    """Ask for the summary as the dashboard's button does, then download it."""
    response = client.post("/dashboard/summary/", data)
    document = SummaryDocument.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] in (
        f"/summaries/{document.pk}/",
        f"/summaries/{document.pk}/download/",
    )
    download = client.get(f"/summaries/{document.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    return b"".join(download.streaming_content)


def test_regional_pdf_has_every_partnership_and_the_key_figures(
    region_set, client_as, go_a, period_2003
):
    data = regional_dashboard(user=go_a, period=period_2003, filters=DashboardFilters())

    content = summary_pdf(client_as("go_a"), {"period": "2003-04"})

    assert content.startswith(b"%PDF")
    text = _text(content)
    for name in ("Aire", "Calder", "Derwent", "Esk"):
        assert name in text
    assert "Tees" not in text  # another region
    # The same key figures as the page.
    assert data.learning_arm_share is not None
    assert f"learning arm of an LSP {data.learning_arm_share:.0f}%" in text
    assert f"lead agency on learning {data.lead_agency_share:.0f}%" in text
    assert "Barriers, impact and added value named" in text
    funding = next(r for r in data.categories.rows if r.code == "funding_streams")
    assert f"Funding streams {funding.any.count} {funding.any.share_text}" in text
    assert "Annex: relationships with LSPs" in text
    reader = PdfReader(io.BytesIO(content))
    assert "Yorkshire and the Humber" in str(reader.metadata.title)


def test_regional_pdf_follows_the_filters(region_set, client_as):
    content = summary_pdf(
        client_as("go_a"), {"period": "2003-04", "structure_model": "shire"}
    )

    text = _text(content)
    assert "Calder" in text and "Derwent" in text
    assert "Aire" not in text and "Esk" not in text


def test_regional_pdf_is_for_the_same_people_as_the_page(region_set, client_as):
    assert client_as("manager_a").post("/dashboard/summary/").status_code == 403
    response = Client().post("/dashboard/summary/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    # Asking changes something: never by GET.
    assert client_as("go_a").get("/dashboard/summary/").status_code == 405
    assert not SummaryDocument.objects.exists()


def test_regional_pdf_has_the_counts_and_dimension_names(region_set, client_as):
    text = _text(summary_pdf(client_as("go_a"), {"period": "2003-04"}))
    for caption in (
        "Stage of development with LSPs",
        "Host organisation",
        "Coterminous with the local LSC",
        "Local agreement with the local LSC",
        "GO rating of engagement with regeneration",
    ):
        assert caption in text
    # Aire's MOU: one of the five partnerships.
    assert "Memorandum of understanding signed 1 20%" in text
    assert "Internal partnership arrangements (D1)" in text
    assert "Selected (median)" not in text
    assert "…" not in text

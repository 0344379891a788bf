"""The regional summary PDF: same figures as the page, same scoping."""

from __future__ import annotations

import io
import re

from django.test import Client
from pypdf import PdfReader

from reports.selectors import DashboardFilters, regional_dashboard


def _text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_regional_pdf_has_every_partnership_and_the_key_figures(
    region_set, client_as, go_a, period_2003
):
    data = regional_dashboard(user=go_a, period=period_2003, filters=DashboardFilters())

    response = client_as("go_a").get("/dashboard/summary.pdf", {"period": "2003-04"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = _text(response.content)
    for name in ("Aire", "Calder", "Derwent", "Esk"):
        assert name in text
    assert "Tees" not in text  # another region
    # The same key figures as the page.
    assert data.learning_arm_share is not None
    assert f"learning arm of an LSP {data.learning_arm_share:.0f}%" in text
    assert f"lead agency on learning {data.lead_agency_share:.0f}%" in text
    for barrier, times in data.barriers:
        assert f"{barrier} ({times})" in text
    assert "Annex: relationships with LSPs" in text
    reader = PdfReader(io.BytesIO(response.content))
    assert "Yorkshire and the Humber" in str(reader.metadata.title)


def test_regional_pdf_is_for_the_same_people_as_the_page(region_set, client_as):
    assert client_as("manager_a").get("/dashboard/summary.pdf").status_code == 403
    response = Client().get("/dashboard/summary.pdf")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")

"""Answers "not applicable" are left out of every figure, on a hand-built
framework and two returns: the dimension's mean of [3, N/A, 1] is 2 (never
2.67 from an agreed score stored on the N/A answer before it was N/A), and
N/A is shown as such on the pages, the PDF, the exports and the API."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.utils import timezone

from api.services import token_create
from assessment.figures import figures_refresh
from assessment.models import Answer, Return, ScoreFigure
from assessment.selectors import return_summary
from assessment.services import answer_save, return_start
from indicators.models import Period
from indicators.services import framework_import
from partnerships.models import StructureModel
from reports.audit import AUDIT_HEADERS, audit_rows
from reports.selectors import DashboardFilters, regional_dashboard
from reports.trends import regional_trends
from tests.factories import LearningPartnershipFactory, LLSCRelationshipFactory
from tests.plans.helpers import pdf_text

pytestmark = pytest.mark.django_db

FRAMEWORK = """\
name: Three statements
version: 1
status: published
periods: ["2003-04"]
description: A framework for the figures.
score_levels:
  - {value: 1, label: Early, descriptor: Little.}
  - {value: 2, label: Developing, descriptor: Some.}
  - {value: 3, label: Significant, descriptor: Much.}
  - {value: 4, label: Advanced, descriptor: All.}
dimensions:
  - code: D1
    title: First
    description: The first.
    indicators:
      - {code: D1.1, statement: One.}
      - {code: D1.2, statement: Two., may_be_not_applicable: true}
      - {code: D1.3, statement: Three.}
  - code: D2
    title: Second
    description: The second.
    indicators:
      - {code: D2.1, statement: Four.}
"""
REASON = "One LSP only: no district structures to link."


@pytest.fixture
def figures(region_a, llsc_a, manager_a, partnership_a, admin):
    """Partnership A (region A): D1 self 3, N/A, 1 and agreed 3, N/A, 1
    (with a stale agreed 4 left on the N/A answer), D2 2; another
    partnership of region A: D1 4, 4, 4 and D2 4. Both submitted."""
    framework_import(text=FRAMEWORK)
    period = Period.objects.get(code="2003-04")
    mine = return_start(partnership=partnership_a, period=period, user=manager_a)
    scores = {"D1.1": 3, "D1.3": 1, "D2.1": 2}
    for code, score in scores.items():
        Answer.objects.filter(return_record=mine, indicator__code=code).update(
            score=score, agreed_score=score
        )
    na = Answer.objects.get(return_record=mine, indicator__code="D1.2")
    answer_save(
        return_record=mine,
        answer=na,
        values={
            "score": None,
            "evidence": "",
            "barriers": "",
            "planned_action": "",
            "not_applicable": True,
            "not_applicable_reason": REASON,
        },
        version=na.version,
        user=manager_a,
    )
    Answer.objects.filter(pk=na.pk).update(agreed_score=4)
    other_partnership = LearningPartnershipFactory(
        name="Other Partnership",
        region=region_a,
        structure_model=StructureModel.SHIRE,
    )
    LLSCRelationshipFactory(partnership=other_partnership, llsc=llsc_a)
    other = return_start(partnership=other_partnership, period=period, user=admin)
    Answer.objects.filter(return_record=other).update(score=4)
    Return.objects.filter(pk__in=[mine.pk, other.pk]).update(
        status="accepted", submitted_at=timezone.now()
    )
    figures_refresh(period=period)
    return Return.objects.get(pk=mine.pk), period


def test_return_summary_leaves_not_applicable_out(figures):
    mine, _ = figures
    d1, d2 = return_summary(return_record=mine)
    assert (d1.self_score, d1.agreed_score) == (2.0, 2.0)
    assert d1.moderation_gap == 0.0
    assert d1.missing == []
    assert d2.self_score == 2.0


def test_regional_view_means_and_medians_leave_it_out(figures, go_a):
    _, period = figures
    data = regional_dashboard(user=go_a, period=period, filters=DashboardFilters())
    rows = {row.partnership.name: row for row in data.rows}
    mine = rows["Alpha Learning"]
    assert mine.self_scores == {"D1": 2.0, "D2": 2.0}
    assert mine.agreed_scores == {"D1": 2.0, "D2": 2.0}
    assert mine.overall == 2.0
    # Medians of 2 and 4.
    assert data.regional_median == {"D1": 3.0, "D2": 3.0}
    assert data.national_median == {"D1": 3.0, "D2": 3.0}


def test_kept_figures_and_trend_leave_it_out(figures, go_a):
    d1 = ScoreFigure.objects.get(region__isnull=True, dimension__code="D1")
    # 3 + 1 of partnership A, 4 + 4 + 4 of the other: N/A's stale 4 is not there.
    assert (d1.score_total, d1.score_count, d1.median) == (16, 5, 3.0)
    periods, series = regional_trends(user=go_a, filters=DashboardFilters())
    assert periods == ["2003-04"]
    assert series["D1"] == [3.2]


def test_document_and_pdf_show_not_applicable(figures, client_as):
    mine, _ = figures
    client = client_as("officer_a")
    page = " ".join(
        client.get(f"/returns/{mine.pk}/document/").content.decode().split()
    )
    assert "N/A</strong> (not applicable, left out of the means)" in page
    assert REASON in page
    assert "N/A, accepted as not applicable" in page
    assert "2.00" in page
    pdf = client.get(f"/returns/{mine.pk}/pdf/")
    text = pdf_text(b"".join(pdf.streaming_content) if pdf.streaming else pdf.content)
    assert "N/A (not applicable, left out of the means)" in text
    assert REASON in text


def test_csv_export_shows_not_applicable_with_its_reason(figures, client_as):
    response = client_as("go_a").get("/dashboard/scores.csv?period=2003-04")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    header = rows[0]
    row = next(r for r in rows if r[0] == "Alpha Learning" and r[5] == "D1.2")
    assert row[header.index("Self score")] == "N/A"
    assert row[header.index("Agreed score")] == "N/A"
    assert row[header.index("Why not applicable")] == REASON
    scored = next(r for r in rows if r[0] == "Alpha Learning" and r[5] == "D1.1")
    assert scored[header.index("Why not applicable")] == ""


def test_api_answers_and_scores(figures, manager_a):
    mine, _ = figures
    client = Client(
        HTTP_AUTHORIZATION=f"Bearer {token_create(user=manager_a, name='t').secret}"
    )
    answers = client.get(f"/api/v1/returns/{mine.pk}/answers").json()
    items = answers["items"] if isinstance(answers, dict) else answers
    na = next(a for a in items if a["indicator_code"] == "D1.2")
    assert na["not_applicable"] is True
    assert na["not_applicable_reason"] == REASON
    assert na["score"] is None
    scores = client.get(f"/api/v1/returns/{mine.pk}/scores").json()
    d1 = next(d for d in scores["dimensions"] if d["code"] == "D1")
    assert (d1["self_mean"], d1["agreed_mean"], d1["scored"]) == (2.0, 2.0, 2)
    assert scores["overall"] == 2.0


def test_audit_trail_shows_not_applicable_with_its_reason(figures, admin):
    _, period = figures
    rows = list(audit_rows(user=admin, period=period, region=None))
    headers = AUDIT_HEADERS
    saved = [r for r in rows if r[headers.index("Indicator")] == "D1.2"]
    assert len(saved) == 1
    row = saved[0]
    assert row[headers.index("New score")] == "N/A"
    assert row[headers.index("Stage of the new score")] in (None, "")
    assert row[headers.index("Reason or comment")] == REASON
    assert "Not applicable" in row[headers.index("Fields changed")]

"""The regional and national views count the categories the partnerships
ticked: on hand-built returns, the share of partnerships (with a submitted
return) naming each category, by dimension, with the change in share points
since the previous period; on the page, its PDF's template, the downloads
and the API.

The fixture, in Yorkshire and the Humber (go_a's region), four partnerships
with a submitted 2003-04 return:
- Aire: funding streams on D1.1 and D1.2, the local LSC on D2.1;
- Brent: funding streams on D2.3, learners (impact) on D1.1;
- Colne and Don: nothing ticked.
In 2002-03, the same four submitted and only Aire named funding streams (on
D3.1). Derwent's 2003-04 draft ticks funding streams: never counted. In the
North East, Tees's submitted return names funding streams: counted for
England, not for the region."""

from __future__ import annotations

import csv
import io

import pytest

from reports.selectors import DashboardFilters, regional_dashboard
from tests.dashboard.conftest import make_return
from tests.factories import LearningPartnershipFactory, region
from tests.spreadsheets import ods_sheets, xlsx_sheets


@pytest.fixture
def ticked(go_a, period_2002, period_2003):
    yh, ne = region("YH"), region("NE")
    names = ["Aire", "Brent", "Colne", "Don"]
    this_year = {
        "Aire": {"funding_streams": ["D1.1", "D1.2"], "llsc": ["D2.1"]},
        "Brent": {"funding_streams": ["D2.3"], "learners": ["D1.1"]},
    }
    last_year = {"Aire": {"funding_streams": ["D3.1"]}}
    for name in names:
        partnership = LearningPartnershipFactory(name=f"{name} Partnership", region=yh)
        make_return(
            partnership,
            period_2003,
            self_scores={"D1": 2},
            categories=this_year.get(name),
            barriers={"Our own words": ["D1.1"]} if name == "Aire" else None,
        )
        make_return(
            partnership, period_2002, status="accepted", categories=last_year.get(name)
        )
    derwent = LearningPartnershipFactory(name="Derwent Partnership", region=yh)
    make_return(
        derwent, period_2003, status="draft", categories={"funding_streams": ["D1.1"]}
    )
    tees = LearningPartnershipFactory(name="Tees Partnership", region=ne)
    make_return(tees, period_2003, categories={"funding_streams": ["D4.1"]})


def _counts(user, period):
    data = regional_dashboard(
        user=user,
        period=period,
        filters=DashboardFilters(region=None, llsc=None),
    )
    return {row.code: row for row in data.categories.rows}, data.categories


def test_shares_and_change_in_the_region(ticked, go_a, period_2003):
    rows, counts = _counts(go_a, period_2003)
    assert counts.partnerships == 4
    assert counts.previous_partnerships == 4
    funding = rows["funding_streams"]
    assert (funding.any.count, funding.any.share) == (2, 50.0)
    assert funding.any.previous_share == 25.0
    assert funding.any.change == 25.0
    assert funding.any.change_text == "+25 points"
    # By dimension: Aire in D1, Brent in D2; last year Aire in D3 only.
    assert (funding.cells["D1"].count, funding.cells["D1"].share) == (1, 25.0)
    assert funding.cells["D1"].change == 25.0
    assert funding.cells["D2"].share == 25.0
    assert funding.cells["D3"].share == 0.0
    assert funding.cells["D3"].change == -25.0
    assert funding.cells["D3"].change_text == "−25 points"
    assert rows["llsc"].any.share == 25.0
    assert rows["learners"].any.share == 25.0
    assert rows["competition"].any.count == 0
    assert rows["competition"].any.change_text == "no change"
    # Every category of the lists is shown, barriers first.
    assert [label for label, _ in counts.by_kind()] == [
        "Barriers",
        "Impact",
        "Added value",
    ]


def test_england_counts_every_region(ticked, admin, period_2003):
    rows, counts = _counts(admin, period_2003)
    # Tees joins: 3 of 5 name funding streams; last year 1 of 4.
    assert counts.partnerships == 5
    assert rows["funding_streams"].any.share == 60.0
    assert rows["funding_streams"].any.change == 35.0
    assert rows["funding_streams"].cells["D4"].count == 1


def test_the_regional_view_shows_the_shares(ticked, client_as):
    html = client_as("go_a").get("/dashboard/?period=2003-04").text
    section = html.split('id="categories"')[1]
    assert "Most common barriers" not in html
    assert "Of the 4 partnerships shown with a submitted return" in section
    funding = section.split("Funding streams")[1].split("</tr>")[0]
    cells = [
        cell.split(">", 1)[1].split("<")[0]
        for cell in funding.split('<td class="govuk-table__cell')[1:]
    ]
    # Partnerships, share, change, then D1..D4.
    assert cells[:4] == ["2", "50%", "+25 points", "25%"]
    # The free text is not counted on the view.
    assert "Our own words" not in section


def test_the_regional_pdf_template_shows_the_shares(ticked, go_a, period_2003):
    from django.template.loader import render_to_string

    data = regional_dashboard(
        user=go_a, period=period_2003, filters=DashboardFilters(region=None, llsc=None)
    )
    html = render_to_string(
        "reports/includes/categories.html", {"data": data, "pdf": True}
    )
    assert "Funding streams" in html
    assert "+25 points" in html


def test_spreadsheets_have_a_categories_sheet(ticked, client_as):
    client = client_as("go_a")
    for url, read in (
        ("/dashboard/scores.xlsx?period=2003-04", xlsx_sheets),
        ("/dashboard/scores.ods?period=2003-04", ods_sheets),
    ):
        response = client.get(url)
        sheets = read(b"".join(response.streaming_content))
        rows = sheets["Categories"]
        assert rows[0][:8] == [
            "List",
            "Category",
            "Code",
            "Partnerships naming it",
            "Of partnerships with a submitted return",
            "Share (%)",
            "Previous share (%)",
            "Change since 2002-03 (points)",
        ]
        funding = next(row for row in rows if row[2] == "funding_streams")
        assert funding[:8] == [
            "Barriers",
            "Funding streams",
            "funding_streams",
            2,
            4,
            50,
            25,
            25,
        ]
        scores = sheets["Scores"]
        assert scores[0][-1] == "Categories ticked"
        aire_d11 = next(
            row for row in scores if row[0] == "Aire Partnership" and row[5] == "D1.1"
        )
        assert aire_d11[-1] == "Funding streams"


def test_csv_rows_carry_the_categories_ticked(ticked, client_as):
    response = client_as("go_a").get("/dashboard/scores.csv?period=2003-04")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][-1] == "Categories ticked"
    brent = {row[5]: row[-1] for row in rows if row[0] == "Brent Partnership"}
    assert brent["D1.1"] == "On learners"
    assert brent["D2.3"] == "Funding streams"
    assert brent["D1.2"] == ""


def test_the_api_gives_the_counts_and_the_answers_categories(ticked, go_a):
    from django.test import Client

    from api.services import token_create
    from assessment.models import Return

    secret = token_create(user=go_a, name="reports").secret
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    figures = api.get("/api/v1/regional/", {"period": "2003-04"}).json()
    assert figures["categories_counted"] == 4
    funding = next(c for c in figures["categories"] if c["code"] == "funding_streams")
    assert funding["kind"] == "barriers"
    assert funding["any_dimension"] == {
        "partnerships": 2,
        "share": 50.0,
        "previous_share": 25.0,
        "change": 25.0,
    }
    assert funding["by_dimension"]["D2"]["partnerships"] == 1
    brent = Return.objects.get(
        partnership__name="Brent Partnership", period__code="2003-04"
    )
    answers = api.get(f"/api/v1/returns/{brent.pk}/answers").json()
    by_code = {a["indicator_code"]: a["categories"] for a in answers}
    assert by_code["D1.1"] == [
        {"kind": "impact", "code": "learners", "name": "On learners"}
    ]
    assert by_code["D1.2"] == []

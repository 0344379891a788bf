"""The regional view as people read it: dimension names over labelled self
and agreed columns, each row's links to its return, plan and GO rating (as the
user may follow them), overdue returns shown and filtered, and the counts the
studies report; the page of one partnership."""

from __future__ import annotations

import datetime
import re
from itertools import pairwise

import pytest

from partnerships.models import HostType, LLSCRelationship
from plans.models import DevelopmentPlan
from reports.models import SummaryDocument
from tests.plans.helpers import table, text

from .test_pages import heatmap_rows
from .test_regional_pdf import _text, summary_pdf

URL = "/dashboard/"


@pytest.fixture
def deadline_passed(region_set, period_2003):
    period_2003.submission_deadline = datetime.date(2004, 5, 31)
    period_2003.save()
    return period_2003


def _row_html(response, name: str) -> str:
    body = response.content.decode()
    return body.split(f"{name}</a>", 1)[1].split("</tr>", 1)[0]


def test_dimension_names_head_self_and_agreed_columns(client_as, region_set):
    response = client_as("go_a").get(URL)
    body = response.content.decode()
    assert (
        '<th scope="colgroup" colspan="2" class="govuk-table__header '
        'app-heatmap__dimension"><span class="govuk-!-font-size-14">Internal '
        'partnership arrangements <span class="govuk-!-font-weight-regular">(D1)'
        "</span></span></th>"
    ) in body
    rows = table(response, "Scores of each partnership in 2003-04")
    assert rows[0][2:6] == [
        "Internal partnership arrangements (D1)",
        "Developing demand for learning in regeneration areas (D2)",
        "Facilitating and supporting the delivery of learning for regeneration (D3)",
        "Influencing regeneration policy and agencies (D4)",
    ]
    assert rows[1] == [
        f"{which} score, D{n}" for n in range(1, 5) for which in ("Self", "Agreed")
    ]
    assert (
        body.count(
            '<th scope="col" class="govuk-table__header govuk-table__header'
            '--numeric">Self<span'
        )
        == 4
    )
    page = text(response)
    assert "Selected (median)" not in page
    assert "Median of the selected partnerships" in page
    # The medians' table names the dimensions too.
    medians = table(response, "Median of the partnerships' dimension scores")
    assert medians[1] == ["Internal partnership arrangements (D1)", "2.00", "3.00"]
    assert "…" not in body


def test_a_go_officer_links_to_the_return_plan_and_rating(client_as, region_set):
    plan = DevelopmentPlan.objects.create(
        partnership=region_set.aire,
        period=region_set.aire_2003.period,
        source_return=region_set.aire_2003,
    )
    response = client_as("go_a").get(URL)
    aire = _row_html(response, "Aire Partnership")
    assert f'href="/returns/{region_set.aire_2003.pk}/document/"' in aire
    assert f'href="/plans/{plan.pk}/"' in aire
    assert f'href="/partnerships/{region_set.aire.pk}/ratings/2003-04/"' in aire
    assert "Change rating" in aire  # rated 4 already
    calder = _row_html(response, "Calder Partnership")
    assert f'href="/returns/{region_set.calder_2003.pk}/document/"' in calder
    assert "/plans/" not in calder  # no plan
    assert ">Rate<" in calder
    assert "/review/" not in calder  # GO officers do not review
    # Derwent's draft is its managers': no link to its contents.
    derwent = _row_html(response, "Derwent Partnership")
    assert f"/returns/{region_set.derwent_2003.pk}/" not in derwent
    # Each link says whose it is, for a screen reader's list of links: named
    # by its own word and the row header's link ("Return Aire Partnership").
    pk = region_set.aire.pk
    assert f'id="r{pk}" aria-labelledby="r{pk} n{pk}">Return</a>' in aire
    assert f'id="n{pk}">Aire Partnership</a>' in response.content.decode()
    # The links go where they say, for this user.
    client = client_as("go_a")
    assert (
        client.get(f"/returns/{region_set.aire_2003.pk}/document/").status_code == 200
    )
    assert client.get(f"/plans/{plan.pk}/").status_code == 200
    rating = f"/partnerships/{region_set.aire.pk}/ratings/2003-04/"
    assert client.get(rating).status_code == 200


def test_an_llsc_officer_links_to_the_review_not_the_rating(client_as, region_set):
    response = client_as("officer_a").get(URL)
    calder = _row_html(response, "Calder Partnership")
    review = f"/returns/{region_set.calder_2003.pk}/review/"
    assert f'href="{review}"' in calder
    assert "/ratings/" not in response.content.decode()
    # Aire's return is accepted: its document, no review.
    aire = _row_html(response, "Aire Partnership")
    assert "/review/" not in aire
    assert f'href="/returns/{region_set.aire_2003.pk}/document/"' in aire
    assert client_as("officer_a").get(review).status_code == 200


def test_overdue_rows_are_marked_and_filtered(client_as, region_set, deadline_passed):
    response = client_as("go_a").get(URL)
    rows = {row[0]: row for row in heatmap_rows(response)}
    assert rows["Esk Partnership"][1] == "Not started Overdue"
    assert rows["Alpha Learning"][1] == "Not started Overdue"
    assert rows["Derwent Partnership"][1] == "Draft Overdue"
    assert rows["Calder Partnership"][1] == "Submitted"
    assert rows["Aire Partnership"][1] == "Accepted"
    assert "3 overdue: not submitted by 31 May 2004" in text(response)
    assert 'href="/dashboard/?period=2003-04&amp;status=overdue"' in (
        response.content.decode()
    )

    overdue = client_as("go_a").get(URL + "?status=overdue")
    assert [row[0] for row in heatmap_rows(overdue)] == [
        "Alpha Learning",
        "Derwent Partnership",
        "Esk Partnership",
    ]
    # The filter offers every status others link to.
    form = overdue.context["form"]
    assert [value for value, _ in form.fields["status"].choices] == [
        "",
        "not_started",
        "draft",
        "submitted",
        "in_review",
        "returned",
        "accepted",
        "overdue",
    ]


def test_nothing_is_overdue_before_the_deadline(client_as, region_set, period_2003):
    period_2003.submission_deadline = datetime.date.today() + datetime.timedelta(1)
    period_2003.save()
    response = client_as("go_a").get(URL)
    assert "Overdue</strong>" not in response.content.decode()
    assert "0 overdue" in text(response)
    assert heatmap_rows(client_as("go_a").get(URL + "?status=overdue")) == []


def test_the_counts_the_studies_report(client_as, region_set):
    LLSCRelationship.objects.filter(partnership=region_set.aire).update(
        is_coterminous=True
    )
    region_set.aire.host_type = HostType.FE_COLLEGE
    region_set.aire.save()
    type(region_set.aire).objects.filter(
        pk__in=[region_set.calder.pk, region_set.derwent.pk]
    ).update(host_type=HostType.LOCAL_AUTHORITY)
    type(region_set.aire).objects.filter(
        name__in=["Esk Partnership", "Alpha Learning"]
    ).update(host_type=HostType.UNIVERSITY)

    response = client_as("go_a").get(URL)

    # Five partnerships: Aire, Alpha, Calder, Derwent, Esk.
    def counts(caption: str) -> list[list[str]]:
        return table(response, caption)[1:]

    assert counts("Stage of development with LSPs") == [
        ["Aligning with LSPs", "2", "40%"],
        ["Own structures linking into LSPs", "1", "20%"],
        ["LSP-funded projects led by the partnership", "1", "20%"],
    ]
    assert counts("Host organisation") == [
        ["Local authority", "2", "40%"],
        ["FE college", "1", "20%"],
        ["University", "2", "40%"],
    ]
    assert counts("Coterminous with the local LSC") == [
        ["Coterminous with its local LSC", "1", "20%"],
        ["Not coterminous", "4", "80%"],
        ["No local LSC recorded", "0", "0%"],
    ]
    assert counts("Local agreement with the local LSC") == [
        ["Memorandum of understanding signed", "1", "20%"],
        ["Concordat signed", "1", "20%"],
        ["In discussion", "0", "0%"],
        ["No agreement", "3", "60%"],
        ["No local LSC recorded", "0", "0%"],
    ]
    ratings = counts("GO rating of engagement with regeneration")
    assert [row[1:] for row in ratings] == [
        ["0", "0%"],
        ["1", "20%"],  # Aire, rated 4
        ["0", "0%"],
        ["0", "0%"],
        ["0", "0%"],
        ["4", "80%"],
    ]
    assert ratings[1][0].startswith("4: effectively engaged")
    assert ratings[-1][0] == "Not rated for this period"
    assert counts("Structure model")[0] == ["Unitary", "2", "40%"]


def test_the_partnership_page_links_and_heading_order(client_as, region_set):
    plan = DevelopmentPlan.objects.create(
        partnership=region_set.aire, period=region_set.aire_2003.period
    )
    response = client_as("go_a").get(
        f"/dashboard/partnerships/{region_set.aire.pk}/?period=2003-04"
    )
    assert response.status_code == 200
    body = response.content.decode()
    levels = [int(n) for n in re.findall(r"<h([1-6])\b", body)]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in pairwise(levels)), levels
    assert f'href="/returns/{region_set.aire_2003.pk}/document/"' in body
    assert f'href="/plans/{plan.pk}/"' in body
    assert f'href="/partnerships/{region_set.aire.pk}/ratings/2003-04/"' in body
    page = text(response)
    assert "GO rating for 2003-04: 4: effectively engaged" in page
    assert "Local agreement: memorandum of understanding signed" in page
    assert "LSP recognition: formal learning arm" in page
    assert "The development plan for 2003-04 has no priorities yet." in page
    scores = table(response, "Scores by dimension")
    assert scores[1] == [
        "Internal partnership arrangements (D1)",
        "2.29",
        "1.00",
        "2.00",
    ]
    # A draft's page says so, with no link to what its managers keep.
    derwent = client_as("go_a").get(f"/dashboard/partnerships/{region_set.derwent.pk}/")
    assert "is a draft: its managers' until they submit it" in text(derwent)
    assert "No score" in text(derwent)
    assert f"/returns/{region_set.derwent_2003.pk}/" not in derwent.content.decode()


def test_the_filter_form_submits_to_the_page(client_as, region_set):
    body = client_as("go_a").get(URL).content.decode()
    assert 'action=""' not in body
    assert '<form method="get" action="/dashboard/"' in body


def test_downloads_name_the_period_shown(client_as, region_set):
    body = client_as("go_a").get(URL + "?status=submitted").content.decode()
    assert 'href="/dashboard/scores.xlsx?status=submitted&amp;period=2003-04"' in body
    assert 'href="/dashboard/scores.csv?status=submitted&amp;period=2003-04"' in body


def test_a_summary_of_the_overdue(client_as, region_set, deadline_passed):
    client = client_as("go_a")
    content = summary_pdf(client, {"period": "2003-04", "status": "overdue"})
    document = SummaryDocument.objects.latest("pk")
    page = text(client.get(f"/summaries/{document.pk}/"))
    assert "Return status: Overdue (not submitted by the deadline)" in page
    pdf = _text(content)
    assert "Esk Partnership" in pdf
    assert "Aire Partnership" not in pdf
    assert "Overdue (not submitted by 31 May 2004) 3" in pdf

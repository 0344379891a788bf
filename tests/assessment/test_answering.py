"""One indicator to a page: the dimension's page lists its indicators, each
indicator's page saves its answer and goes on; the officer's review shown where
the manager fixes a returned return; forms that warn before work is lost."""

from __future__ import annotations

import re

import pytest
from django.urls import Resolver404, resolve
from django.utils import timezone

from assessment.models import Answer, Return

from .helpers import answer, dimension_url, indicator_url, post_answer


def returned(return_record: Return) -> None:
    """The return as an LLSC officer sends it back: agreed scores on D1, a
    comment on D1.2 only."""
    Return.objects.filter(pk=return_record.pk).update(
        status=Return.Status.RETURNED, submitted_at=timezone.now()
    )
    Answer.objects.filter(
        return_record=return_record, indicator__dimension__code="D1"
    ).update(score=3, agreed_score=2)
    Answer.objects.filter(return_record=return_record, indicator__code="D1.2").update(
        officer_comment="The minutes of May do not show the colleges.\nAdd them."
    )


def test_the_dimension_page_is_a_contents_list_of_its_indicators(client_as, return_a):
    html = client_as("manager_a").get(dimension_url(return_a, "D1")).text

    links = re.findall(r'class="govuk-link govuk-task-list__link" href="([^"]+)"', html)
    assert links == [indicator_url(return_a, f"D1.{n}") for n in range(1, 8)]
    # The check answers page's Change links land on the indicator's row.
    assert 'id="indicator-D1.3"' in html
    assert "You have completed 0 of 7 indicators." in html
    assert re.search(
        rf'href="{indicator_url(return_a, "D1.1")}" role="button"[^>]*>Start', html
    )
    # The page holds no form: there is nothing on it to lose.
    assert "<form" not in html.split('id="main-content"')[1]


def test_save_and_continue_walks_the_indicators_then_shows_the_dimension(
    client_as, return_a
):
    client = client_as("manager_a")
    for n in range(1, 7):
        response = post_answer(client, return_a, f"D1.{n}", {"score": 2})
        assert response["Location"] == indicator_url(return_a, f"D1.{n + 1}")
    response = post_answer(client, return_a, "D1.7", {"score": 2})
    assert response["Location"] == dimension_url(return_a, "D1")


def test_save_and_come_back_later_says_what_was_saved(client_as, return_a):
    client = client_as("manager_a")
    response = post_answer(
        client, return_a, "D1.4", {"evidence": "Minutes of May"}, action="later"
    )
    assert response["Location"] == f"/returns/{return_a.pk}/"
    page = client.get(response["Location"])
    assert "Your answer to D1.4 has been saved. You can come back to it later." in (
        page.text
    )
    d14 = answer(return_a, "D1.4")
    assert (d14.evidence, d14.score, d14.version) == ("Minutes of May", None, 2)
    html = client.get(dimension_url(return_a, "D1")).text
    assert re.search(r'id="indicator-D1.4-status">\s*<strong[^>]*>In progress', html)


def test_the_indicator_page_says_where_it_stands(client_as, return_a):
    response = client_as("manager_a").get(indicator_url(return_a, "D1.3"))
    html = response.text
    assert "indicator 3 of 7" in html
    assert f'href="{dimension_url(return_a, "D1")}" class="govuk-back-link"' in html
    assert "Save and continue" in html
    assert "Save and come back later" in html
    # The character counts and the file upload are there, one of each a field.
    assert html.count('data-module="govuk-character-count"') == 3
    assert html.count('type="file"') == 1
    assert "app-officer-review" not in html


def test_a_returned_return_shows_the_officers_review_on_each_indicator(
    client_as, return_a
):
    returned(return_a)
    client = client_as("manager_a")

    response = client.get(indicator_url(return_a, "D1.2"))
    html = response.text
    review = html.split('class="govuk-inset-text app-officer-review">')[1]
    review = review.split("</dl>")[0]
    assert "The LLSC officer’s review" in review
    named = response.context["agreed_level"].named
    assert named.startswith("2 – ")
    assert f'<dd class="govuk-summary-list__value">{named}</dd>' in review
    assert "The minutes of May do not show the colleges.<br>Add them." in review
    # It sits above the fields the manager changes.
    assert html.index("app-officer-review") < html.index('name="score-')

    # An indicator with an agreed score and no comment says so.
    html = client.get(indicator_url(return_a, "D1.1")).text
    assert "app-officer-review" in html
    # An indicator the officer did not moderate has no panel.
    assert "app-officer-review" not in client.get(indicator_url(return_a, "D2.1")).text

    # The dimension's page lists the comments beside their indicators.
    html = client.get(dimension_url(return_a, "D1")).text
    assert html.count('class="govuk-task-list__hint app-officer-review"') == 7
    assert "The minutes of May do not show the colleges." in html
    assert "returned this self-assessment for revision" in html


def test_answer_forms_opt_in_to_the_unsaved_changes_warning(client_as, return_a):
    html = client_as("manager_a").get(indicator_url(return_a, "D1.1")).text
    form = re.search(r"<form [^>]*>", html.split('id="main-content"')[1])
    assert form is not None
    assert "data-warn-unsaved" in form.group(0)
    # Armed from the start only when shown again with what was not saved.
    assert 'data-warn-unsaved="from-start"' not in html
    # The script is a file of its own (no inline script under the CSP).
    assert re.search(r'<script type="module" src="[^"]*unsaved-changes[^"]*\.js"', html)


def test_an_address_that_is_no_indicator_code_is_not_found(client_as, return_a):
    """Refused by the address itself, before any query: PostgreSQL rejects a
    NUL in a query outright, which would be a server error."""
    client = client_as("manager_a")
    base = f"/returns/{return_a.pk}/dimensions/D1/"
    assert client.get(base + "D1.1/").status_code == 200
    for segment in ("%00", "D1.1%00", "x" * 13, "D1 1", "%E2%80%AE"):
        assert client.get(base + segment + "/").status_code == 404, segment
        assert client.post(base + segment + "/").status_code == 404, segment
    # The view is never reached: no address matches.
    for segment in ("\x00", "D1.1\x00", "x" * 13, "D1 1", "\u202e"):
        with pytest.raises(Resolver404):
            resolve(base + segment + "/")

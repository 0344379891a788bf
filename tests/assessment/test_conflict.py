"""Two managers on the same indicator's page: optimistic locking.

The rule (assessment/services.py, answer_save): an answer conflicts when its
stored version is not the version the form was opened at AND its stored values
differ from those posted. Then nothing is saved. A stale answer posted with
exactly the stored values is no conflict, and is not saved again. Each
indicator is saved on its own, so two managers on different indicators never
conflict.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from assessment.models import Answer
from assessment.services import AnswerConflict, answer_save

from .helpers import answer, form_data, indicator_url, snapshot


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend="partnerships.backends.PasswordBackend")
    return client


@pytest.fixture
def first(manager_a) -> Client:
    return signed_in(manager_a)


@pytest.fixture
def second(manager_a2) -> Client:
    return signed_in(manager_a2)


def conflict_panels(html: str) -> list[str]:
    """The "their version" panels, each up to the end of its list of values."""
    return re.findall(r'class="govuk-inset-text app-conflict">(.*?)</dl>', html, re.S)


def test_second_save_of_the_same_indicator_is_refused(
    first, second, return_a, manager_a
):
    opened = [answer(return_a, "D1.1")]  # both open D1.1 at version 1
    url = indicator_url(return_a, "D1.1")

    response = first.post(
        url, form_data(opened, {"D1.1": {"score": 3, "evidence": "First's evidence"}})
    )
    assert response.status_code == 302
    after_first = snapshot(return_a)

    response = second.post(
        url, form_data(opened, {"D1.1": {"score": 2, "evidence": "Second's evidence"}})
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved this indicator while you were editing it." in html
    assert "Nothing of yours has been saved yet" in html
    panels = conflict_panels(html)
    assert len(panels) == 1
    assert f"{manager_a.get_full_name()} saved this indicator" in panels[0]
    assert "First&#x27;s evidence" in panels[0]
    assert '<dd class="govuk-summary-list__value">3</dd>' in panels[0]
    conflict = response.context["conflict"]
    assert conflict.answer.indicator.code == "D1.1"
    assert conflict.fields == ["score", "evidence"]
    # The database keeps the first's answer.
    assert snapshot(return_a) == after_first
    d11 = answer(return_a, "D1.1")
    assert (d11.score, d11.evidence, d11.version) == (3, "First's evidence", 2)
    assert d11.updated_by == manager_a
    # The second's typing is kept in the form, now at the first's version, and
    # the page warns before it is left unsaved.
    assert "Second&#x27;s evidence" in html.split("app-conflict")[-1]
    assert f'name="version-{d11.pk}" value="2"' in html
    assert 'data-warn-unsaved="from-start"' in html

    # Saving again, deliberately, keeps the second's version.
    again = second.post(url, response.context["form"].data)

    assert again.status_code == 302
    d11 = answer(return_a, "D1.1")
    assert (d11.score, d11.evidence, d11.version) == (2, "Second's evidence", 3)
    assert d11.updated_by.username == "manager_a2"


def test_stale_indicator_posted_with_the_stored_values_is_no_conflict(
    first, second, return_a, manager_a
):
    """When what the second posts for D1.1 is what is stored now (both typed
    the same), the newer version alone is no conflict, and D1.1 is left as the
    first saved it."""
    opened = [answer(return_a, "D1.1")]
    url = indicator_url(return_a, "D1.1")
    first.post(url, form_data(opened, {"D1.1": {"score": 4, "evidence": "Same"}}))

    response = second.post(
        url, form_data(opened, {"D1.1": {"score": 4, "evidence": "Same"}})
    )

    assert response.status_code == 302
    d11 = answer(return_a, "D1.1")
    assert (d11.score, d11.version, d11.updated_by) == (4, 2, manager_a)


def test_different_indicators_never_conflict(first, second, return_a, manager_a):
    """Each indicator is saved on its own: the second's page of D1.2, opened
    before the first saved D1.1, saves, and D1.1 keeps the first's answer."""
    d11, d12 = answer(return_a, "D1.1"), answer(return_a, "D1.2")
    assert (
        first.post(
            indicator_url(return_a, "D1.1"), form_data([d11], {"D1.1": {"score": 2}})
        ).status_code
        == 302
    )
    assert (
        second.post(
            indicator_url(return_a, "D1.2"), form_data([d12], {"D1.2": {"score": 3}})
        ).status_code
        == 302
    )
    assert (answer(return_a, "D1.1").score, answer(return_a, "D1.1").updated_by) == (
        2,
        manager_a,
    )
    assert answer(return_a, "D1.2").score == 3


def test_a_page_posted_for_one_indicator_never_writes_another(first, return_a):
    """The fields are named after their answer: D1.2's fields posted to D1.1's
    page are ignored, and D1.1 is saved as posted (here: unchanged)."""
    d11, d12 = answer(return_a, "D1.1"), answer(return_a, "D1.2")
    data = form_data([d11, d12], {"D1.2": {"score": 4}})

    response = first.post(indicator_url(return_a, "D1.1"), data)

    assert response.status_code == 302
    assert answer(return_a, "D1.2").score is None
    assert answer(return_a, "D1.2").version == 1


def test_answer_save_raises_and_saves_nothing(return_a, manager_a, manager_a2):
    """The service itself: the same rule without the page."""
    opened = answer(return_a, "D1.3")

    def values(**changes):
        return {
            "score": opened.score,
            "evidence": opened.evidence,
            "barriers": opened.barriers,
            "planned_action": opened.planned_action,
            **changes,
        }

    unchanged = answer_save(
        return_record=return_a,
        answer=opened,
        values=values(),
        version=opened.version,
        user=manager_a,
    )
    assert unchanged.version == 1  # nothing changed: nothing saved
    saved = answer_save(
        return_record=return_a,
        answer=opened,
        values=values(barriers="Funding"),
        version=opened.version,
        user=manager_a,
    )
    assert (saved.barriers, saved.version) == ("Funding", 2)
    before = snapshot(return_a)

    with pytest.raises(AnswerConflict) as caught:
        answer_save(
            return_record=return_a,
            answer=opened,
            values=values(barriers="Time", score=2),
            version=opened.version,
            user=manager_a2,
        )

    assert [(c.answer.indicator.code, c.fields) for c in caught.value.conflicts] == [
        ("D1.3", ["score", "barriers"])
    ]
    assert caught.value.conflicts[0].answer.barriers == "Funding"
    assert snapshot(return_a) == before
    assert Answer.objects.get(pk=opened.pk).score is None

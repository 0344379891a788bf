"""Two managers on the same dimension page: optimistic locking.

The rule (assessment/services.py, dimension_save): an answer conflicts when its
stored version is not the version the form was opened at AND its stored values
differ from those posted. Then nothing at all is saved. A stale answer posted
with exactly the stored values is no conflict, and is not saved again.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from assessment.models import Answer
from assessment.services import AnswerConflict, dimension_save

from .helpers import answer, answers_of, dimension_url, form_data, snapshot


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
    opened = answers_of(return_a, "D1")  # both open D1 at version 1
    url = dimension_url(return_a, "D1")

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
    assert "Someone else saved answers on this page while you were editing it." in html
    assert "Nothing of yours has been saved yet" in html
    panels = conflict_panels(html)
    assert len(panels) == 1
    assert f"{manager_a.get_full_name()} saved this indicator" in panels[0]
    assert "First&#x27;s evidence" in panels[0]
    assert '<dd class="govuk-summary-list__value">3</dd>' in panels[0]
    conflicts = response.context["conflicts"]
    assert [c.answer.indicator.code for c in conflicts] == ["D1.1"]
    assert conflicts[0].fields == ["score", "evidence"]
    # The database keeps the first's answer.
    assert snapshot(return_a) == after_first
    d11 = answer(return_a, "D1.1")
    assert (d11.score, d11.evidence, d11.version) == (3, "First's evidence", 2)
    assert d11.updated_by == manager_a
    # The second's typing is kept in the form, now at the first's version.
    assert "Second&#x27;s evidence" in html.split("app-conflict")[-1]
    assert f'name="version-{d11.pk}" value="2"' in html

    # Saving again, deliberately, keeps the second's version.
    again = second.post(url, response.context["form"].data)

    assert again.status_code == 302
    d11 = answer(return_a, "D1.1")
    assert (d11.score, d11.evidence, d11.version) == (2, "Second's evidence", 3)
    assert d11.updated_by.username == "manager_a2"


def test_stale_unchanged_indicator_posted_as_read_is_a_conflict(
    first, second, return_a
):
    """The second changes D1.2 only, but the page also posts D1.1 as it was
    read: those old values differ from what the first saved, so D1.1 conflicts
    and neither D1.1 nor D1.2 is saved (overwriting D1.1 would lose the first's
    work)."""
    opened = answers_of(return_a, "D1")
    url = dimension_url(return_a, "D1")
    first.post(url, form_data(opened, {"D1.1": {"score": 4}}))
    after_first = snapshot(return_a)

    response = second.post(url, form_data(opened, {"D1.2": {"score": 1}}))

    assert response.status_code == 200
    assert [c.answer.indicator.code for c in response.context["conflicts"]] == ["D1.1"]
    assert response.context["conflicts"][0].fields == ["score"]
    assert snapshot(return_a) == after_first
    assert answer(return_a, "D1.2").score is None


def test_stale_indicator_posted_with_the_stored_values_is_no_conflict(
    first, second, return_a, manager_a
):
    """When what the second posts for D1.1 is what is stored now (both typed
    the same), the newer version alone is no conflict: D1.2 is saved and D1.1
    is left as the first saved it."""
    opened = answers_of(return_a, "D1")
    url = dimension_url(return_a, "D1")
    first.post(url, form_data(opened, {"D1.1": {"score": 4, "evidence": "Same"}}))

    response = second.post(
        url,
        form_data(
            opened, {"D1.1": {"score": 4, "evidence": "Same"}, "D1.2": {"score": 1}}
        ),
    )

    assert response.status_code == 302
    d11, d12 = answer(return_a, "D1.1"), answer(return_a, "D1.2")
    assert (d11.score, d11.version, d11.updated_by) == (4, 2, manager_a)
    assert (d12.score, d12.version, d12.updated_by.username) == (1, 2, "manager_a2")


def test_different_dimensions_never_conflict(first, second, return_a):
    d1, d2 = answers_of(return_a, "D1"), answers_of(return_a, "D2")
    assert (
        first.post(
            dimension_url(return_a, "D1"), form_data(d1, {"D1.1": {"score": 2}})
        ).status_code
        == 302
    )
    assert (
        second.post(
            dimension_url(return_a, "D2"), form_data(d2, {"D2.1": {"score": 3}})
        ).status_code
        == 302
    )
    assert answer(return_a, "D1.1").score == 2
    assert answer(return_a, "D2.1").score == 3


def test_dimension_save_raises_and_saves_nothing(return_a, manager_a, manager_a2):
    """The service itself: the same rule without the page."""
    dimension = return_a.framework.dimensions.get(code="D1")
    opened = answers_of(return_a, "D1")
    versions = {a.pk: a.version for a in opened}

    def values(changes):
        return {
            a.pk: {
                "score": a.score,
                "evidence": a.evidence,
                "barriers": a.barriers,
                "planned_action": a.planned_action,
                **changes.get(a.indicator.code, {}),
            }
            for a in opened
        }

    saved = dimension_save(
        return_record=return_a,
        dimension=dimension,
        values=values({"D1.3": {"barriers": "Funding"}}),
        versions=versions,
        user=manager_a,
    )
    assert [a.indicator.code for a in saved] == ["D1.3"]  # unchanged ones untouched
    before = snapshot(return_a)

    with pytest.raises(AnswerConflict) as caught:
        dimension_save(
            return_record=return_a,
            dimension=dimension,
            values=values({"D1.3": {"barriers": "Time"}, "D1.4": {"score": 2}}),
            versions=versions,
            user=manager_a2,
        )

    assert [(c.answer.indicator.code, c.fields) for c in caught.value.conflicts] == [
        ("D1.3", ["barriers"])
    ]
    assert caught.value.conflicts[0].answer.barriers == "Funding"
    assert snapshot(return_a) == before
    assert Answer.objects.get(pk=opened[3].pk).score is None

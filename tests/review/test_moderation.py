"""Moderation a dimension at a time: saving agreed scores without deciding,
coming back to them, where each dimension stands, two officers on the same
dimension, and deciding with dimensions not moderated."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied

from assessment import moderation
from assessment.models import Answer, Return, Transition
from assessment.services import AgreedScore, AnswerConflict

from .helpers import (
    AGREED_SCORES,
    SELF_SCORES,
    answers_by_code,
    check_url,
    moderate,
    moderation_data,
    moderation_url,
    review_data,
    review_url,
    signed_in,
    text,
)


def checked(html: str, answer_pk: int) -> list[str]:
    return re.findall(
        rf'name="agreed-{answer_pk}" type="radio" value="(\d+)" checked', html
    )


def states(client, return_record) -> list[tuple[str, str]]:
    page = client.get(review_url(return_record))
    return [(d.dimension.code, d.state) for d in page.context["dimensions"]]


def test_two_sittings_keep_what_was_saved(submitted_a, officer_a):
    """Save D1 and come back later; sign in again: the agreed scores, the
    comments and the gaps are there, nothing is decided."""
    first_sitting = signed_in(officer_a)
    response = first_sitting.post(
        moderation_url(submitted_a, "D1"),
        moderation_data(
            submitted_a,
            "D1",
            agreed=AGREED_SCORES,
            comments={"D1.4": "No evidence of an advanced stage."},
            action="later",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == review_url(submitted_a)
    tasks = first_sitting.get(response["Location"])
    assert "The agreed scores for D1" in text(tasks)

    second_sitting = signed_in(officer_a)
    assert states(second_sitting, submitted_a) == [
        ("D1", "Moderated"),
        ("D2", "Not started"),
        ("D3", "Not started"),
        ("D4", "Not started"),
    ]
    page = second_sitting.get(moderation_url(submitted_a, "D1"))
    html = page.content.decode()
    answers = answers_by_code(submitted_a)
    for code in ("D1.1", "D1.4", "D1.7"):
        assert checked(html, answers[code].pk) == [str(AGREED_SCORES[code])], code
    assert "No evidence of an advanced stage." in html
    # D1.4: self 4, agreed 2; the dimension: 14/7 - 16/7.
    assert "Gap (agreed − self): -2" in text(page)
    assert "Gap for D1 (mean agreed − mean self): -0.29" in text(page)
    # The other dimensions still offer the self scores, with no gap yet.
    d2 = second_sitting.get(moderation_url(submitted_a, "D2"))
    assert checked(d2.content.decode(), answers["D2.1"].pk) == ["2"]
    assert "Gap" not in text(d2)

    fresh = Return.objects.get(pk=submitted_a.pk)
    assert fresh.status == "in_review"
    assert answers["D1.4"].officer_comment == "No evidence of an advanced stage."
    assert answers["D2.1"].agreed_score is None
    steps = Transition.objects.values_list("to_status", "by__username")
    assert list(steps) == [("submitted", "manager_a"), ("in_review", "officer_a")]


def test_save_and_continue_goes_to_the_next_dimension_not_moderated(
    submitted_a, officer_a
):
    client = signed_in(officer_a)
    for code in ("D3", "D2"):
        client.post(
            moderation_url(submitted_a, code),
            moderation_data(submitted_a, code, action="later"),
        )
    submitted_a.refresh_from_db()
    # After D1: D2 and D3 are done, so D4; after D4 none is left but D1... done.
    response = client.post(
        moderation_url(submitted_a, "D1"),
        moderation_data(submitted_a, "D1", action="continue"),
    )
    assert response["Location"] == moderation_url(submitted_a, "D4")
    response = client.post(
        moderation_url(submitted_a, "D4"),
        moderation_data(submitted_a, "D4", action="continue"),
    )
    assert response["Location"] == check_url(submitted_a)
    assert {state for _, state in states(client, submitted_a)} == {"Moderated"}
    assert "Ready to decide" in text(client.get(review_url(submitted_a)))


def test_save_and_continue_wraps_to_an_earlier_dimension(submitted_a, officer_a):
    client = signed_in(officer_a)
    response = client.post(
        moderation_url(submitted_a, "D4"),
        moderation_data(submitted_a, "D4", action="continue"),
    )
    assert response["Location"] == moderation_url(submitted_a, "D1")


def test_a_dimension_part_saved_is_in_progress(submitted_a, officer_a):
    """Agreed scores saved for some of a dimension's indicators (a dimension
    the framework grew after the save, say) make it In progress."""
    client = signed_in(officer_a)
    client.post(moderation_url(submitted_a, "D1"), moderation_data(submitted_a, "D1"))
    Answer.objects.filter(return_record=submitted_a, indicator__code="D1.7").update(
        agreed_at=None
    )
    assert states(client, submitted_a)[0] == ("D1", "In progress")


def test_a_stale_save_by_a_second_officer_is_refused(
    submitted_a, officer_a, officer_a2
):
    """Both open D1; the first saves; the second's save is refused, shown the
    first officer's version, and keeps what the second typed; saving again
    keeps the second officer's version."""
    first, second = signed_in(officer_a), signed_in(officer_a2)
    stale = moderation_data(
        submitted_a,
        "D1",
        agreed={"D1.1": 4},
        comments={"D1.1": "Second officer's view"},
        action="later",
    )
    saved = first.post(
        moderation_url(submitted_a, "D1"),
        moderation_data(
            submitted_a,
            "D1",
            agreed={"D1.1": 2},
            comments={"D1.1": "First officer's view"},
        ),
    )
    assert saved.status_code == 302

    refused = second.post(moderation_url(submitted_a, "D1"), stale)
    assert refused.status_code == 200
    body = text(refused)
    assert "Another officer saved agreed scores on this page" in body
    who = officer_a.get_full_name() or officer_a.username
    assert f"{who} saved this indicator" in body
    assert (
        "Their version: Agreed score 2 – Developing Comment First officer's view"
        in (body)
    )
    html = refused.content.decode()
    d1_1 = answers_by_code(submitted_a)["D1.1"]
    assert checked(html, d1_1.pk) == ["4"]
    assert "Second officer&#x27;s view</textarea>" in html
    stored = Answer.objects.get(pk=d1_1.pk)
    assert (stored.agreed_score, stored.officer_comment) == (2, "First officer's view")

    # The page is now based on the first officer's save: saving again is a
    # deliberate choice, and is kept.
    version = re.search(rf'name="version-{d1_1.pk}" value="(\d+)"', html)
    assert version and int(version.group(1)) == stored.version
    again = dict(stale, **{f"version-{d1_1.pk}": version.group(1)})
    for answer in answers_by_code(submitted_a).values():
        if f"version-{answer.pk}" in again:
            again[f"version-{answer.pk}"] = answer.version
    assert second.post(moderation_url(submitted_a, "D1"), again).status_code == 302
    stored.refresh_from_db()
    assert (stored.agreed_score, stored.officer_comment) == (4, "Second officer's view")


def test_a_stale_save_of_the_same_values_is_no_conflict(
    submitted_a, officer_a, officer_a2
):
    data = moderation_data(submitted_a, "D2", agreed={"D2.1": 3})
    assert signed_in(officer_a).post(moderation_url(submitted_a, "D2"), data)
    response = signed_in(officer_a2).post(moderation_url(submitted_a, "D2"), data)
    assert response.status_code == 302


def test_service_refuses_a_stale_version(submitted_a, officer_a, officer_a2):
    d3 = {
        a.pk: a
        for a in Answer.objects.filter(
            return_record=submitted_a, indicator__dimension__code="D3"
        )
    }
    versions = {pk: a.version for pk, a in d3.items()}
    dimension = submitted_a.framework.dimensions.get(code="D3")
    moderation.review_scores_save(
        return_record=submitted_a,
        dimension=dimension,
        agreed={pk: AgreedScore(2, "") for pk in d3},
        versions=versions,
        user=officer_a,
    )
    with pytest.raises(AnswerConflict) as conflict:
        moderation.review_scores_save(
            return_record=submitted_a,
            dimension=dimension,
            agreed={pk: AgreedScore(4, "") for pk in d3},
            versions=versions,
            user=officer_a2,
        )
    assert len(conflict.value.conflicts) == 7
    assert set(
        Answer.objects.filter(pk__in=d3).values_list("agreed_score", flat=True)
    ) == {2}


@pytest.mark.parametrize("name", ["manager_a", "go_a"])
def test_service_checks_the_perm(submitted_a, cast, name):
    dimension = submitted_a.framework.dimensions.get(code="D1")
    with pytest.raises(PermissionDenied):
        moderation.review_scores_save(
            return_record=submitted_a,
            dimension=dimension,
            agreed={},
            versions={},
            user=cast[name],
        )
    with pytest.raises(PermissionDenied):
        moderation.review_decide(
            return_record=submitted_a,
            user=cast[name],
            overall_comment="",
            decision="accepted",
        )
    assert Return.objects.get(pk=submitted_a.pk).status == "submitted"


def test_check_page_names_dimensions_not_moderated(submitted_a, officer_a):
    client = signed_in(officer_a)
    client.post(
        moderation_url(submitted_a, "D1"),
        moderation_data(
            submitted_a, "D1", agreed=AGREED_SCORES, comments={"D1.2": "Fair."}
        ),
    )
    page = client.get(check_url(submitted_a))
    body = text(page)
    assert "3 dimensions not moderated yet: D2" in body
    assert "agreed at the score shown below: the self score" in body
    assert "Agreed 2 – Developing Self 1 – Early development; gap +1" in body
    assert "Fair." in body
    assert f'href="{moderation_url(submitted_a, "D2")}#indicator-D2.1"' in (
        page.content.decode()
    )

    submitted_a.refresh_from_db()
    decided = client.post(
        check_url(submitted_a),
        {**review_data(submitted_a), "seen_version": page.context["seen_version"]},
    )
    assert decided.status_code == 302
    stored = answers_by_code(submitted_a)
    expected = {
        code: AGREED_SCORES[code] if code.startswith("D1.") else score
        for code, score in SELF_SCORES.items()
    }
    assert {code: a.agreed_score for code, a in stored.items()} == expected
    assert stored["D1.2"].officer_comment == "Fair."
    assert Return.objects.get(pk=submitted_a.pk).status == "accepted"


def test_scores_saved_after_the_check_page_opened_stop_the_decision(
    submitted_a, officer_a, officer_a2
):
    first, second = signed_in(officer_a), signed_in(officer_a2)
    opened = first.get(check_url(submitted_a))
    second.post(
        moderation_url(submitted_a, "D4"),
        moderation_data(submitted_a, "D4", agreed={"D4.1": 1}),
    )
    submitted_a.refresh_from_db()
    response = first.post(
        check_url(submitted_a),
        {
            **review_data(submitted_a, overall="Typed overall comment"),
            "seen_version": opened.context["seen_version"],
        },
    )
    assert response.status_code == 200
    assert "Another officer saved agreed scores after you opened this page" in (
        text(response)
    )
    assert "Typed overall comment" in response.content.decode()
    assert Return.objects.get(pk=submitted_a.pk).status == "in_review"
    # Confirming again, on the page now shown, decides.
    again = first.post(
        check_url(submitted_a),
        {
            **review_data(submitted_a, overall="Typed overall comment"),
            "seen_version": response.context["seen_version"],
        },
    )
    assert again.status_code == 302
    assert answers_by_code(submitted_a)["D4.1"].agreed_score == 1


def test_a_resubmission_is_moderated_again(submitted_a, officer_a, manager_a):
    """Scores agreed at the first review are offered again, but the dimensions
    are not moderated for the new submission until saved."""
    officer = signed_in(officer_a)
    moderate(officer, submitted_a, agreed=AGREED_SCORES)
    submitted_a.refresh_from_db()
    officer.post(
        check_url(submitted_a),
        review_data(submitted_a, decision="returned", reasons="More on D2."),
    )
    assert signed_in(manager_a).post(f"/returns/{submitted_a.pk}/check/")
    submitted_a.refresh_from_db()
    assert submitted_a.status == "submitted"
    assert {state for _, state in states(officer, submitted_a)} == {"Not started"}
    page = officer.get(moderation_url(submitted_a, "D1"))
    d1_4 = answers_by_code(submitted_a)["D1.4"]
    assert checked(page.content.decode(), d1_4.pk) == [str(AGREED_SCORES["D1.4"])]
    assert "agreed at the previous review" in text(page)

"""Answering "not applicable" where the framework allows it, with a reason;
the LLSC officer accepting or rejecting it; an indicator that never applies
to a partnership's structure model left out of its return."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client

from api.services import token_create
from assessment.models import Answer, Return
from assessment.services import answer_save, return_start, return_submit
from indicators.models import Indicator
from partnerships.models import StructureModel
from tests.review.helpers import (
    SELF_SCORES,
    check_url,
    fill_answers,
    moderation_data,
    moderation_url,
    review_data,
    signed_in,
    text,
)

from .helpers import answer, dimension_url, form_data, indicator_url, post_answer

REASON = "Hull is a unitary area with one LSP: there are no district LSPs to link to."


def post_not_applicable(client, return_record, code, reason=REASON, **extra):
    item = answer(return_record, code)
    data = form_data([item])
    data[f"score-{item.pk}"] = "not_applicable"
    data[f"not_applicable_reason-{item.pk}"] = reason
    data.update(extra)
    return client.post(indicator_url(return_record, code), data)


def test_not_applicable_is_offered_only_where_the_framework_allows_it(
    return_a, client_as
):
    client = client_as("manager_a")
    allowed = client.get(indicator_url(return_a, "D4.3")).content.decode()
    assert 'value="not_applicable"' in allowed
    assert "Why it is not applicable" in allowed
    other = client.get(indicator_url(return_a, "D4.1")).content.decode()
    assert 'value="not_applicable"' not in other


def test_not_applicable_with_a_reason_completes_the_indicator(return_a, client_as):
    client = client_as("manager_a")
    fill_answers(return_a, {"D4.3": 2})
    response = post_not_applicable(client, return_a, "D4.3")
    assert response.status_code == 302
    saved = answer(return_a, "D4.3")
    assert (saved.not_applicable, saved.score) == (True, None)
    assert saved.not_applicable_reason == REASON
    page = text(client.get(dimension_url(return_a, "D4")))
    assert "Not applicable (N/A)" in page
    tasks = client.get(dimension_url(return_a, "D4")).context["tasks"]
    assert {t.answer.indicator.code: t.status for t in tasks}["D4.3"] == "Completed"
    # The page opens again on "Not applicable" with its reason.
    again = client.get(indicator_url(return_a, "D4.3")).content.decode()
    assert 'value="not_applicable" checked' in again
    assert REASON.replace(":", ":") in again


def test_a_reason_is_required(return_a, client_as):
    response = post_not_applicable(client_as("manager_a"), return_a, "D4.3", reason=" ")
    assert response.status_code == 200
    assert "Say why D4.3 is not applicable" in text(response)
    assert answer(return_a, "D4.3").not_applicable is False


def test_not_applicable_is_refused_where_the_framework_does_not_allow_it(
    return_a, client_as
):
    response = post_not_applicable(client_as("manager_a"), return_a, "D4.1")
    assert response.status_code == 200
    assert "Select a score for D4.1 from the scale" in text(response)
    stored = answer(return_a, "D4.1")
    assert (stored.not_applicable, stored.version) == (False, 1)


def test_service_refuses_not_applicable_with_a_score_or_not_offered(
    return_a, manager_a
):
    d4_3, d4_1 = answer(return_a, "D4.3"), answer(return_a, "D4.1")
    values = {"evidence": "", "barriers": "", "planned_action": ""}
    with pytest.raises(ValidationError, match="not both"):
        answer_save(
            return_record=return_a,
            answer=d4_3,
            values={
                **values,
                "score": 2,
                "not_applicable": True,
                "not_applicable_reason": REASON,
            },
            version=d4_3.version,
            user=manager_a,
        )
    with pytest.raises(ValidationError, match="cannot be answered not applicable"):
        answer_save(
            return_record=return_a,
            answer=d4_1,
            values={
                **values,
                "score": None,
                "not_applicable": True,
                "not_applicable_reason": REASON,
            },
            version=d4_1.version,
            user=manager_a,
        )
    # The database holds the rule too: not applicable has no score.
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.filter(pk=d4_3.pk).update(score=2, not_applicable=True)


def test_scoring_again_clears_not_applicable(return_a, client_as):
    client = client_as("manager_a")
    post_not_applicable(client, return_a, "D4.3")
    post_answer(client, return_a, "D4.3", {"score": 3})
    saved = answer(return_a, "D4.3")
    assert (saved.score, saved.not_applicable, saved.not_applicable_reason) == (
        3,
        False,
        "",
    )


def test_submitting_counts_not_applicable_as_complete(return_a, client_as):
    client = client_as("manager_a")
    fill_answers(return_a, {c: s for c, s in SELF_SCORES.items() if c != "D4.3"})
    post_not_applicable(client, return_a, "D4.3")
    check = client.get(f"/returns/{return_a.pk}/check/")
    assert "Why not applicable: " + REASON in text(check)
    response = client.post(f"/returns/{return_a.pk}/check/")
    assert response.status_code == 302
    assert Return.objects.get(pk=return_a.pk).status == "submitted"


@pytest.fixture
def submitted_with_na(return_a, manager_a, client_as) -> Return:
    fill_answers(return_a, {c: s for c, s in SELF_SCORES.items() if c != "D4.3"})
    post_not_applicable(client_as("manager_a"), return_a, "D4.3")
    return_submit(return_record=return_a, user=manager_a)
    return Return.objects.get(pk=return_a.pk)


def moderate_d4(client, return_record, choice: str):
    data = moderation_data(return_record, "D4")
    na = answer(return_record, "D4.3")
    del data[f"agreed-{na.pk}"]
    data[f"not_applicable-{na.pk}"] = choice
    data[f"comment-{na.pk}"] = "D4.3 applies to Hull too."
    return client.post(moderation_url(return_record, "D4"), data)


def test_officer_reads_the_reason_and_accepts(submitted_with_na, officer_a):
    client = signed_in(officer_a)
    page = client.get(moderation_url(submitted_with_na, "D4"))
    assert REASON in text(page)
    assert "The partnership says it is not applicable" in text(page)
    assert moderate_d4(client, submitted_with_na, "accept").status_code == 302
    response = client.post(check_url(submitted_with_na), review_data(submitted_with_na))
    assert response.status_code == 302
    saved = answer(submitted_with_na, "D4.3")
    assert saved.not_applicable and not saved.not_applicable_rejected
    assert saved.agreed_score is None
    assert Return.objects.get(pk=submitted_with_na.pk).status == "accepted"


def test_officer_rejects_and_the_manager_must_score_it(
    submitted_with_na, officer_a, client_as
):
    officer = signed_in(officer_a)
    assert moderate_d4(officer, submitted_with_na, "reject").status_code == 302
    assert answer(submitted_with_na, "D4.3").not_applicable_rejected
    check = officer.get(check_url(submitted_with_na))
    assert "Not accepted: score it" in text(check)
    # Accepting the return with the rejection standing is refused.
    refused = officer.post(check_url(submitted_with_na), review_data(submitted_with_na))
    assert refused.status_code == 200
    assert "You did not accept that D4.3 is not applicable" in text(refused)
    returned = officer.post(
        check_url(submitted_with_na),
        review_data(submitted_with_na, decision="returned", reasons="Score D4.3."),
    )
    assert returned.status_code == 302

    manager = client_as("manager_a")
    page = manager.get(indicator_url(submitted_with_na, "D4.3"))
    assert "Not applicable was not accepted by the LLSC officer" in text(page)
    assert 'value="not_applicable"' not in page.content.decode()
    # Not applicable again is refused, and so is resubmitting unscored.
    again = post_not_applicable(manager, submitted_with_na, "D4.3")
    assert again.status_code == 200
    assert answer(submitted_with_na, "D4.3").not_applicable_rejected
    refused_submit = manager.post(f"/returns/{submitted_with_na.pk}/check/")
    assert refused_submit.status_code == 200
    assert "1 indicator not scored" in text(refused_submit)
    assert Return.objects.get(pk=submitted_with_na.pk).status == "returned"

    post_answer(manager, submitted_with_na, "D4.3", {"score": 2})
    saved = answer(submitted_with_na, "D4.3")
    assert (saved.score, saved.not_applicable) == (2, False)
    resubmitted = manager.post(f"/returns/{submitted_with_na.pk}/check/")
    assert resubmitted.status_code == 302
    assert Return.objects.get(pk=submitted_with_na.pk).status == "submitted"


def test_indicator_for_other_structure_models_is_never_asked(
    framework,
    period_2003,
    manager_a,
    partnership_a,
    manager_b,
    partnership_b,
    client_as,
):
    Indicator.objects.filter(dimension__framework=framework, code="D4.4").update(
        applies_to=[StructureModel.SHIRE]
    )
    assert partnership_a.structure_model == StructureModel.UNITARY
    unitary = return_start(
        partnership=partnership_a, period=period_2003, user=manager_a
    )
    codes = set(unitary.answers.values_list("indicator__code", flat=True))
    assert "D4.4" not in codes
    assert len(codes) == 27
    client = client_as("manager_a")
    page = client.get(dimension_url(unitary, "D4"))
    assert "D4.4" not in text(page)
    missing = client.get(f"/returns/{unitary.pk}/dimensions/D4/D4.4/")
    assert missing.status_code == 404

    assert partnership_b.structure_model == StructureModel.SHIRE
    county = return_start(partnership=partnership_b, period=period_2003, user=manager_b)
    assert county.answers.filter(indicator__code="D4.4").exists()
    # Where it applies, it may still be answered not applicable.
    d4_4 = client_as("manager_b").get(f"/returns/{county.pk}/dimensions/D4/D4.4/")
    assert 'value="not_applicable"' in d4_4.content.decode()


def test_api_patch_answers_not_applicable(return_a, manager_a):
    client = Client(
        HTTP_AUTHORIZATION=f"Bearer {token_create(user=manager_a, name='t').secret}"
    )
    url = f"/api/v1/returns/{return_a.pk}/answers/"
    fill_answers(return_a, {"D4.3": 3})
    no_reason = client.patch(
        url + "D4.3",
        {"version": 1, "not_applicable": True},
        content_type="application/json",
    )
    assert no_reason.status_code == 422
    assert "Say why D4.3 is not applicable" in no_reason.content.decode()
    refused = client.patch(
        url + "D4.1",
        {"version": 1, "not_applicable": True, "not_applicable_reason": REASON},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert "D4.1 cannot be answered not applicable" in refused.content.decode()
    saved = client.patch(
        url + "D4.3",
        {"version": 1, "not_applicable": True, "not_applicable_reason": REASON},
        content_type="application/json",
    )
    assert saved.status_code == 200, saved.content
    body = saved.json()
    assert (body["not_applicable"], body["score"]) == (True, None)
    assert body["not_applicable_reason"] == REASON
    # A score sent later is instead of not applicable.
    scored = client.patch(
        url + "D4.3",
        {"version": body["version"], "score": 2},
        content_type="application/json",
    )
    assert (scored.json()["score"], scored.json()["not_applicable"]) == (2, False)


def test_history_shows_the_change_to_not_applicable(return_a, client_as):
    client = client_as("manager_a")
    post_not_applicable(client, return_a, "D4.3")
    page = text(client.get(f"/returns/{return_a.pk}/history/"))
    assert "Not applicable : no → yes" in page
    assert REASON in page


def test_the_reason_is_shown_as_text_everywhere(submitted_with_na, officer_a):
    hostile = '<script>alert("N/A")</script> & <b>bold</b>'
    Answer.objects.filter(
        return_record=submitted_with_na, indicator__code="D4.3"
    ).update(not_applicable_reason=hostile)
    client = signed_in(officer_a)
    for url in (
        f"/returns/{submitted_with_na.pk}/check/",
        moderation_url(submitted_with_na, "D4"),
        check_url(submitted_with_na),
        f"/returns/{submitted_with_na.pk}/document/",
    ):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "&lt;script&gt;alert(&quot;N/A&quot;)&lt;/script&gt;" in html, url

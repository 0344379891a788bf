"""The LLSC officer's review pages (the task list, a page per dimension, the
check page with the decision), the moderation gap and what a resubmission
changed. The queue: test_queue."""

from __future__ import annotations

import html as html_lib
import re

import pytest

from assessment.models import Answer, Return, Transition
from assessment.selectors import return_summary
from tests.assessment.helpers import dimension_url, post_answer

from .helpers import (
    AGREED,
    AGREED_SCORES,
    SELF_SCORES,
    answers_by_code,
    by_dimension,
    check_url,
    decide,
    hand_gap,
    moderate,
    moderation_data,
    moderation_url,
    review_data,
    review_url,
    signed_in,
    table,
    text,
)

QUEUE = "/reviews/"


# The review page --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("officer_a", 200),
        ("admin", 200),
        ("officer_elsewhere", 404),
        ("manager_b", 404),
        ("go_elsewhere", 404),
        ("no_role", 404),
        ("manager_a", 403),
        ("go_a", 403),
    ],
)
def test_review_page_access(client_as, submitted_a, name, status):
    assert client_as(name).get(review_url(submitted_a)).status_code == status


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("officer_elsewhere", 404),
        ("manager_b", 404),
        ("go_elsewhere", 404),
        ("manager_a", 403),
        ("go_a", 403),
    ],
)
def test_others_cannot_post_a_decision(client_as, submitted_a, name, status):
    client = client_as(name)
    saved = client.post(
        moderation_url(submitted_a, "D1"),
        moderation_data(submitted_a, "D1", agreed=AGREED_SCORES),
    )
    assert saved.status_code == status
    decided = client.post(check_url(submitted_a), review_data(submitted_a))
    assert decided.status_code == status
    assert Return.objects.get(pk=submitted_a.pk).status == "submitted"
    assert not Answer.objects.filter(agreed_score__isnull=False).exists()
    assert list(Transition.objects.values_list("to_status", flat=True)) == ["submitted"]


def test_anonymous_is_sent_to_sign_in(client, submitted_a):
    response = client.get(review_url(submitted_a))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def checked_agreed(html: str, answer_pk: int) -> list[str]:
    return re.findall(
        rf'name="agreed-{answer_pk}" type="radio" value="(\d+)" checked', html
    )


def test_agreed_scores_default_to_the_self_scores(client_as, submitted_a):
    client = client_as("officer_a")
    html = "".join(
        client.get(moderation_url(submitted_a, d)).content.decode()
        for d in ("D1", "D2", "D3", "D4")
    )
    answers = answers_by_code(submitted_a)
    assert len(answers) == 28
    for code, item in answers.items():
        assert checked_agreed(html, item.pk) == [str(SELF_SCORES[code])], code
        # every level of the scale is offered
        assert len(re.findall(rf'name="agreed-{item.pk}" type="radio"', html)) == 4


def test_scores_are_named_as_the_manager_saw_them(client_as, submitted_a):
    """The self score and each agreed-score radio carry the level's name, as
    the manager's scoring radios do."""
    html = (
        client_as("officer_a").get(moderation_url(submitted_a, "D1")).content.decode()
    )
    d1_1 = answers_by_code(submitted_a)["D1.1"]
    names = ["Early development", "Developing", "Significant progress", "Advanced"]
    level = names[SELF_SCORES["D1.1"] - 1]
    row = re.search(
        r'id="indicator-D1.1".*?Self score</dt><dd class="govuk-summary-list__value">'
        r"([^<]*)</dd>",
        html,
        re.S,
    )
    assert row and row.group(1) == f"{SELF_SCORES['D1.1']} – {level}"
    labels = re.findall(rf'for="id_agreed-{d1_1.pk}_\d">([^<]*)</label>', html)
    assert labels == [
        "1 – Early development",
        "2 – Developing",
        "3 – Significant progress",
        "4 – Advanced",
    ]


def test_accept(client_as, submitted_a, officer_a):
    response = decide(
        client_as("officer_a"),
        submitted_a,
        agreed=AGREED_SCORES,
        comments={"D1.4": "No evidence of an advanced stage.", "D4.7": "Agreed."},
        overall="A candid self-assessment; D1 was moderated down.",
    )
    assert response.status_code == 302
    assert response["Location"] == QUEUE

    stored = answers_by_code(submitted_a)
    assert {code: a.agreed_score for code, a in stored.items()} == AGREED_SCORES
    assert {
        code: a.officer_comment for code, a in stored.items() if a.officer_comment
    } == {
        "D1.4": "No evidence of an advanced stage.",
        "D4.7": "Agreed.",
    }
    # The self scores are untouched.
    assert {code: a.score for code, a in stored.items()} == SELF_SCORES
    fresh = Return.objects.get(pk=submitted_a.pk)
    assert fresh.status == "accepted"
    assert fresh.review_comment == "A candid self-assessment; D1 was moderated down."
    # Saving the first dimension took the return into review.
    steps = Transition.objects.order_by("pk").values_list(
        "from_status", "to_status", "by"
    )
    assert list(steps)[1:] == [
        ("submitted", "in_review", officer_a.pk),
        ("in_review", "accepted", officer_a.pk),
    ]
    follow = client_as("officer_a").get(QUEUE)
    assert "The self-assessment of Alpha Learning was accepted." in text(follow)


def test_accept_from_in_review(client_as, submitted_a):
    client = client_as("officer_a")
    response = client.post(f"/returns/{submitted_a.pk}/review/start/")
    assert response["Location"] == review_url(submitted_a)
    assert Return.objects.get(pk=submitted_a.pk).status == "in_review"
    page = client.get(review_url(submitted_a))
    assert "Mark as in review by me" not in text(page)
    client.post(check_url(submitted_a), review_data(submitted_a))
    assert Return.objects.get(pk=submitted_a.pk).status == "accepted"
    assert list(
        Transition.objects.order_by("pk").values_list("from_status", "to_status")
    ) == [("draft", "submitted"), ("submitted", "in_review"), ("in_review", "accepted")]


@pytest.mark.parametrize(
    ("name", "status"), [("manager_a", 403), ("go_elsewhere", 404)]
)
def test_only_officers_take_a_return_into_review(client_as, submitted_a, name, status):
    response = client_as(name).post(f"/returns/{submitted_a.pk}/review/start/")
    assert response.status_code == status
    assert Return.objects.get(pk=submitted_a.pk).status == "submitted"


@pytest.mark.parametrize("reasons", ["", "   "])
def test_return_without_reasons_is_refused(client_as, submitted_a, reasons):
    data = review_data(
        submitted_a,
        decision="returned",
        reasons=reasons,
        overall="Typed before forgetting the reasons",
    )
    response = client_as("officer_a").post(check_url(submitted_a), data)
    assert response.status_code == 200
    assert "There is a problem" in text(response)
    assert "Give the reasons for returning the self-assessment" in text(response)
    # Nothing saved, nothing recorded.
    fresh = Return.objects.get(pk=submitted_a.pk)
    assert (fresh.status, fresh.review_comment) == ("submitted", "")
    assert set(Answer.objects.values_list("agreed_score", "officer_comment")) == {
        (None, "")
    }
    assert list(Transition.objects.values_list("to_status", flat=True)) == ["submitted"]
    # What the officer typed is kept on the page.
    html = response.content.decode()
    assert 'name="decision" type="radio" value="returned" checked' in html
    assert "Typed before forgetting the reasons" in html


def test_decision_is_required(client_as, submitted_a):
    data = review_data(submitted_a)
    del data["decision"]
    response = client_as("officer_a").post(check_url(submitted_a), data)
    assert response.status_code == 200
    assert "Select whether to accept or return the self-assessment" in text(response)
    assert Return.objects.get(pk=submitted_a.pk).status == "submitted"


def test_agreed_score_off_the_scale_is_refused(client_as, submitted_a):
    data = moderation_data(submitted_a, "D2")
    d2_1 = answers_by_code(submitted_a)["D2.1"]
    data[f"agreed-{d2_1.pk}"] = 9
    response = client_as("officer_a").post(moderation_url(submitted_a, "D2"), data)
    assert response.status_code == 200
    assert "Select the agreed score for D2.1 from the scale" in text(response)
    assert Return.objects.get(pk=submitted_a.pk).status == "submitted"
    assert not Answer.objects.filter(agreed_score__isnull=False).exists()


REASONS = "D2 needs evidence from the regeneration areas.\nPlease revise D1.1."


def return_it(client, return_record) -> None:
    response = client.post(
        check_url(return_record),
        review_data(return_record, decision="returned", reasons=REASONS),
    )
    assert response.status_code == 302


def test_return_with_reasons(client_as, submitted_a, officer_a):
    return_it(signed_in(officer_a), submitted_a)
    fresh = Return.objects.get(pk=submitted_a.pk)
    assert fresh.status == "returned"
    step = Transition.objects.get(to_status="returned")
    assert (step.from_status, step.by, step.reason) == ("submitted", officer_a, REASONS)

    # The managers can change it again.
    manager = client_as("manager_a")
    tasks = manager.get(f"/returns/{submitted_a.pk}/")
    assert tasks.context["can_edit"] is True
    page = manager.get(dimension_url(submitted_a, "D1"))
    assert page.status_code == 200
    saved = post_answer(manager, submitted_a, "D1.1", {"score": 3})
    assert saved.status_code == 302
    assert (
        Answer.objects.get(return_record=submitted_a, indicator__code="D1.1").score == 3
    )

    # The reasons are in the history, for the managers as for the officer.
    for name in ("manager_a", "officer_a"):
        history = client_as(name).get(f"/returns/{submitted_a.pk}/history/")
        rows = table(history, "Steps of the review workflow")
        assert [row[2:] for row in rows[1:]] == [
            ["Draft", "Submitted", "–"],
            ["Submitted", "Returned for revision", " ".join(REASONS.split())],
        ]
        assert (
            "D2 needs evidence from the regeneration areas.<br>Please revise D1.1."
            in (history.content.decode())
        )


# The moderation gap ------------------------------------------------------------

GAPS = [
    # dimension, self mean, agreed mean, gap: worked by hand from helpers.SELF
    # and helpers.AGREED
    ("D1", "2.29", "2.00", "-0.29"),  # 16/7 and 14/7: -2/7
    ("D2", "2.00", "3.00", "1.00"),
    ("D3", "3.00", "3.00", "0.00"),
    ("D4", "3.57", "2.71", "-0.86"),  # 25/7 and 19/7: -6/7
]


def test_hand_computation_of_the_gaps():
    assert [hand_gap(d) for d in AGREED] == [gap for *_, gap in GAPS]


def gap_columns(rows: list[list[str]]) -> list[tuple[str, str, str, str]]:
    return [(row[0].split()[0], row[1], row[2].split()[0], row[3]) for row in rows[1:]]


def test_moderation_gap_on_review_page_and_profile(
    client_as, submitted_a, partnership_a
):
    officer = client_as("officer_a")
    before = officer.get(review_url(submitted_a))
    rows = table(before, "Mean self and agreed scores and the moderation gap")
    assert gap_columns(rows) == [(d, s, "–", "–") for d, s, _, _ in GAPS]

    # Saved without deciding, the agreed scores and gaps are shown already.
    moderate(officer, submitted_a, agreed=AGREED_SCORES)
    saved = officer.get(review_url(submitted_a))
    rows = table(saved, "Mean self and agreed scores and the moderation gap")
    assert gap_columns(rows) == GAPS
    assert Return.objects.get(pk=submitted_a.pk).status == "in_review"

    submitted_a.refresh_from_db()
    officer.post(check_url(submitted_a), review_data(submitted_a))
    assert Return.objects.get(pk=submitted_a.pk).status == "accepted"

    after = officer.get(review_url(submitted_a))
    assert after.status_code == 200
    rows = table(after, "Mean self and agreed scores and the moderation gap")
    assert gap_columns(rows) == GAPS

    for name in ("manager_a", "officer_a", "go_a"):
        profile = client_as(name).get(f"/partnerships/{partnership_a.pk}/")
        assert "Scores 2003-04" in text(profile)
        rows = table(profile, "Mean self and agreed scores by dimension")
        assert gap_columns(rows) == GAPS, name


def test_gap_is_agreed_minus_self_unit(submitted_a):
    for item in Answer.objects.filter(return_record=submitted_a).select_related(
        "indicator"
    ):
        item.agreed_score = AGREED_SCORES[item.indicator.code]
        item.save()
    gaps = {
        s.dimension.code: s.moderation_gap
        for s in return_summary(return_record=submitted_a)
    }
    assert gaps == {"D1": -0.29, "D2": 1.0, "D3": 0.0, "D4": -0.86}


def test_gap_is_not_rounded_twice(submitted_a):
    agreed = by_dimension({**AGREED, "D1": [1, 1, 2, 3, 1, 1, 2]})  # 11/7
    for item in Answer.objects.filter(return_record=submitted_a).select_related(
        "indicator"
    ):
        item.agreed_score = agreed[item.indicator.code]
        item.save()
    d1 = return_summary(return_record=submitted_a)[0]
    assert (d1.self_score, d1.agreed_score) == (2.29, 1.57)
    assert d1.moderation_gap == -0.71


# A resubmission ---------------------------------------------------------------


def indicator_headings(html: str) -> dict[str, bool]:
    """Each indicator's heading on the moderation pages: whether marked Changed."""
    return {
        code: "Changed" in rest
        for code, rest in re.findall(
            r'<h2 class="govuk-heading-m">(D\d\.\d)(.*?)</h2>', html
        )
    }


def dimension_pages(client, return_record) -> str:
    return "".join(
        client.get(moderation_url(return_record, d)).content.decode()
        for d in ("D1", "D2", "D3", "D4")
    )


def text_of(html: str) -> str:
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", html))


def test_resubmission_marks_what_changed(submitted_a, officer_a, manager_a):
    officer = signed_in(officer_a)
    first = officer.get(review_url(submitted_a))
    assert not any(indicator_headings(dimension_pages(officer, submitted_a)).values())
    assert "This return was resubmitted" not in text(first)
    return_it(officer, submitted_a)

    manager = signed_in(manager_a)
    post_answer(manager, submitted_a, "D1.1", {"score": 4})
    post_answer(
        manager,
        submitted_a,
        "D2.3",
        {"evidence": "New evidence from the Leeds regeneration area"},
    )
    response = manager.post(f"/returns/{submitted_a.pk}/check/")
    assert response["Location"] == f"/returns/{submitted_a.pk}/submitted/"
    assert Return.objects.get(pk=submitted_a.pk).status == "submitted"

    page = officer.get(review_url(submitted_a))
    assert "This return was resubmitted" in text(page)
    tasks = re.findall(
        r'href="[^"]*/review/(D\d)/".*?</li>', page.content.decode(), re.S
    )
    assert tasks == ["D1", "D2", "D3", "D4"]
    marked = re.findall(
        r'/review/(D\d)/"[^>]*>[^<]*</a>\s*<div[^>]*>[^<]*</div>\s*<strong[^>]*>Changed',
        page.content.decode(),
    )
    assert marked == ["D1", "D2"]
    html = dimension_pages(officer, submitted_a)
    headings = indicator_headings(html)
    assert len(headings) == 28
    assert {code for code, changed in headings.items() if changed} == {"D1.1", "D2.3"}
    body = " ".join(text_of(html).split())
    assert "Changed since the previous submission Score : 1 → 4" in body
    # The previous text in full, folded away.
    assert "Evidence: what it said before Evidence for D2.3" in body
    assert body.count("Changed since the previous submission") == 2


def test_resubmission_unchanged_marks_nothing(submitted_a, officer_a, manager_a):
    officer = signed_in(officer_a)
    return_it(officer, submitted_a)
    signed_in(manager_a).post(f"/returns/{submitted_a.pk}/check/")
    assert Return.objects.get(pk=submitted_a.pk).status == "submitted"
    html = dimension_pages(officer, submitted_a)
    assert not any(indicator_headings(html).values())
    assert "Changed" not in text(officer.get(review_url(submitted_a)))


# After the decision -------------------------------------------------------------


def test_post_to_an_accepted_return_is_refused(client_as, submitted_a):
    officer = client_as("officer_a")
    decide(officer, submitted_a, agreed=AGREED_SCORES, overall="First decision")
    before = list(
        Answer.objects.order_by("pk").values_list("agreed_score", "officer_comment")
    )
    steps = Transition.objects.count()
    # A POST made as if from a page opened after the decision.
    submitted_a.refresh_from_db()

    for decision, reasons in (("accepted", ""), ("returned", "Second thoughts")):
        response = officer.post(
            check_url(submitted_a),
            review_data(
                submitted_a,
                decision=decision,
                reasons=reasons,
                overall="Changed my mind",
            ),
        )
        assert response.status_code == 403
    saved = officer.post(
        moderation_url(submitted_a, "D1"),
        moderation_data(submitted_a, "D1", agreed=dict.fromkeys(SELF_SCORES, 1)),
    )
    assert saved.status_code == 403
    after = list(
        Answer.objects.order_by("pk").values_list("agreed_score", "officer_comment")
    )
    assert after == before
    fresh = Return.objects.get(pk=submitted_a.pk)
    assert (fresh.status, fresh.review_comment) == ("accepted", "First decision")
    assert Transition.objects.count() == steps

    # The pages still read, without a form, showing what was agreed.
    page = officer.get(check_url(submitted_a))
    assert page.status_code == 200
    assert "Confirm the decision" not in text(page)
    assert "First decision" in text(page)
    assert "Decided" in text(officer.get(review_url(submitted_a)))
    dimension = officer.get(moderation_url(submitted_a, "D1"))
    assert 'name="agreed-' not in dimension.content.decode()
    assert "Save and continue" not in text(dimension)
    assert "Agreed score 2 – Developing" in text(dimension)


def test_accepted_return_is_read_only_for_managers(client_as, submitted_a):
    client_as("officer_a").post(check_url(submitted_a), review_data(submitted_a))
    manager = client_as("manager_a")
    response = post_answer(manager, submitted_a, "D1.1", {"score": 4})
    assert response.status_code == 403
    assert manager.post(f"/returns/{submitted_a.pk}/check/").status_code == 403
    assert (
        Answer.objects.get(return_record=submitted_a, indicator__code="D1.1").score == 1
    )


def test_a_second_officer_sees_the_page(submitted_a, officer_a2):
    client = signed_in(officer_a2)
    assert client.get(review_url(submitted_a)).status_code == 200
    assert "Confirm the decision" in text(client.get(check_url(submitted_a)))

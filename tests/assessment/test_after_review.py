"""What a partnership's managers see of the LLSC officer's review: why a
return came back (who, when, the reasons, the overall comment) on the home
page, the task list and check answers; the comment and agreed score of each
indicator; "Changes needed" where they read the status; the agreed scores and
gaps once accepted; and what happens after they submit."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.utils import timezone

from assessment.models import Answer, Return, Transition
from assessment.services import AgreedScore, return_review, return_start, return_submit
from plans.services import plan_create
from tests.plans.helpers import AGREED_SCORES, SELF_SCORES, fill_answers

from .helpers import earlier_returns

REASONS = "D1.1 needs the dates of the meetings.\nD4.7 has no evidence at all."
OVERALL = "A fair account, short of dates."
COMMENT = "Give the dates of the meetings for D1.1."


def text_of(response) -> str:
    """The page's text, tags removed, one space apart."""
    assert response.status_code == 200
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.text)).split())
    return text.replace(" ,", ",").replace(" .", ".")


def reviewed(return_record: Return, officer, decision: str) -> Return:
    """The return filled in, submitted and reviewed by the officer through the
    services: each indicator agreed (AGREED_SCORES), D1.1 commented on."""
    manager = return_record.partnership.managers.get()
    fill_answers(return_record, SELF_SCORES)
    return_submit(return_record=return_record, user=manager)
    answers = Answer.objects.filter(return_record=return_record).select_related(
        "indicator"
    )
    return_review(
        return_record=return_record,
        user=officer,
        agreed={
            a.pk: AgreedScore(
                AGREED_SCORES[a.indicator.code],
                COMMENT if a.indicator.code == "D1.1" else "",
            )
            for a in answers
        },
        overall_comment=OVERALL,
        decision=decision,
        reasons=REASONS if decision == "returned" else "",
    )
    return Return.objects.get(pk=return_record.pk)


@pytest.fixture
def returned(return_a, officer_a) -> Return:
    officer_a.first_name, officer_a.last_name = "Olive", "Officer"
    officer_a.save()
    return reviewed(return_a, officer_a, "returned")


@pytest.fixture
def accepted(return_a, officer_a) -> Return:
    return reviewed(return_a, officer_a, "accepted")


def when_returned(return_record: Return) -> str:
    step = Transition.objects.get(return_record=return_record, to_status="returned")
    return timezone.localtime(step.at).strftime("%-d %B %Y")


def task_status(page: str, code: str) -> str:
    match = re.search(rf'id="task-{code}-status">(.*?)</div>', page, flags=re.S)
    assert match, code
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


# The banner -----------------------------------------------------------------


def test_the_home_page_says_who_returned_it_when_and_why(client_as, returned):
    response = client_as("manager_a").get("/")
    text = text_of(response)

    assert (
        "Changes needed Alpha Learning: your self-assessment 2003-04 was returned "
        f"for changes Olive Officer returned it on {when_returned(returned)}"
    ) in text
    assert "Reasons D1.1 needs the dates of the meetings. D4.7 has no evidence" in text
    assert f"Overall comment {OVERALL}" in text
    assert "D1.1 needs the dates of the meetings.<br>D4.7" in response.text
    assert f'href="/returns/{returned.pk}/">Revise the self-assessment 2003-04' in (
        response.text
    )
    # The card's status says what it asks of the manager.
    assert "Self-assessment 2003-04 Changes needed" in text


def test_the_task_list_says_why_and_that_changes_are_needed(client_as, returned):
    response = client_as("manager_a").get(f"/returns/{returned.pk}/")
    text = text_of(response)

    assert "Changes needed Your self-assessment 2003-04 was returned" in text
    assert f"Olive Officer returned it on {when_returned(returned)}" in text
    assert "Reasons D1.1 needs the dates of the meetings." in text
    assert f"Overall comment {OVERALL}" in text
    assert f'href="/returns/{returned.pk}/check/">Read the comments' in response.text
    assert task_status(response.text, "submit") == "Changes needed"
    assert "Ready to submit" not in text
    # The dimension with a comment says so; the others do not.
    assert "your LLSC officer commented on 1 indicator" in text
    assert text.count("commented on") == 1


@pytest.mark.parametrize(
    ("name", "words"),
    [("manager_a", "Changes needed"), ("officer_a", "Returned for revision")],
)
def test_the_profiles_returns_read_in_the_managers_words_to_them(
    client_as, returned, partnership_a, name, words
):
    text = text_of(client_as(name).get(f"/partnerships/{partnership_a.pk}/"))

    assert f"2003-04 {words}" in text


def test_a_return_returned_without_a_recorded_step_still_says_so(client_as, return_a):
    """A return put in that state by a data load has no step: no name, no date."""
    Return.objects.filter(pk=return_a.pk).update(
        status="returned", submitted_at=timezone.now()
    )

    text = text_of(client_as("manager_a").get(f"/returns/{return_a.pk}/"))

    assert "Changes needed Your self-assessment 2003-04 was returned" in text
    assert "Your LLSC officer returned it. Change your answers" in text
    assert "Reasons" not in text


@pytest.mark.parametrize("name", ["officer_a", "go_a"])
def test_others_read_the_task_list_without_the_managers_banner(
    client_as, returned, name
):
    text = text_of(client_as(name).get(f"/returns/{returned.pk}/"))

    assert "was returned for changes" not in text
    assert "Changes needed" not in text
    # The submit task keeps the status's own words for them.
    assert "Check your answers and submit Returned for revision" in text


def test_a_draft_has_no_banner(client_as, return_a):
    for url in ("/", f"/returns/{return_a.pk}/", f"/returns/{return_a.pk}/check/"):
        assert "govuk-notification-banner__title" not in (
            client_as("manager_a").get(url).text
        ), url


# Check answers ---------------------------------------------------------------


def test_check_answers_shows_the_reasons_comments_and_agreed_scores(
    client_as, returned
):
    d11 = Answer.objects.get(return_record=returned, indicator__code="D1.1")
    long_evidence = " ".join(f"word{n}" for n in range(120))
    Answer.objects.filter(pk=d11.pk).update(evidence=long_evidence)

    response = client_as("manager_a").get(f"/returns/{returned.pk}/check/")
    text = text_of(response)

    assert "Your self-assessment 2003-04 was returned for changes" in text
    assert "Reasons D1.1 needs the dates of the meetings." in text
    assert f"LLSC officer's comment {COMMENT}" in text
    assert text.count("LLSC officer's comment") == 1
    # D1.1 scored 1 by the partnership, agreed 2 by the officer.
    assert "D1.1 " in text
    assert "Score 1 – Early development, agreed 2 – Developing" in text
    assert "Mean agreed score" in text
    # Nothing is cut: the whole evidence and the whole statement.
    assert long_evidence in text
    assert "…" not in text and "..." not in text
    assert d11.indicator.statement in response.text
    assert "Now submit the self-assessment again" in text


def test_a_resubmitted_return_does_not_show_the_last_reviews_verdicts(
    client_as, returned, manager_a
):
    return_submit(return_record=returned, user=manager_a)

    text = text_of(client_as("manager_a").get(f"/returns/{returned.pk}/check/"))

    assert "LLSC officer's comment" not in text
    assert ", agreed" not in text
    assert "was returned for changes" not in text


# After acceptance --------------------------------------------------------------


def test_the_task_list_of_an_accepted_return_shows_agreed_scores_and_gaps(
    client_as, accepted
):
    response = client_as("manager_a").get(f"/returns/{accepted.pk}/")
    text = text_of(response)

    assert "Agreed scores Your LLSC officer accepted the self-assessment" in text
    table = re.search(
        r'aria-label="Self and agreed scores by dimension".*?</table>',
        response.text,
        re.S,
    )
    assert table
    rows = [
        " ".join(re.sub(r"<[^>]+>", " ", row).split())
        for row in re.findall(r"<tr.*?</tr>", table.group(0), re.S)[1:]
    ]
    # D1: self 16/7 = 2.29, agreed 2.00, gap -0.29; D2: 2.00, 3.00, +1.00.
    assert rows[:2] == [
        "D1 Internal partnership arrangements 2.29 2.00 -0.29",
        "D2 Developing demand for learning in regeneration areas 2.00 3.00 1.00",
    ]
    assert (
        f'href="/returns/{accepted.pk}/document/">Read the scored self-assessment'
        in response.text
    )
    assert task_status(response.text, "submit") == "Submitted"


# The submitted page -------------------------------------------------------------


def test_the_submitted_page_says_what_happens_next(client_as, return_a, manager_a):
    fill_answers(return_a, SELF_SCORES)
    client = client_as("manager_a")
    response = client.post(f"/returns/{return_a.pk}/check/")
    assert response.status_code == 302
    assert response.url == f"/returns/{return_a.pk}/submitted/"

    response = client.get(response.url)
    text = text_of(response)

    assert "What happens next" in text
    assert "An officer of West Yorkshire LSC reviews the self-assessment" in text
    assert "return it to you with their reasons" in text
    assert "Then the development plan" in text
    assert "You can start it now" in text
    assert f'action="/returns/{return_a.pk}/plan/"' in response.text

    plan = plan_create(return_record=Return.objects.get(pk=return_a.pk), user=manager_a)
    response = client.get(f"/returns/{return_a.pk}/submitted/")
    assert (
        f'href="{plan.get_absolute_url()}">Open the development plan 2003-04'
        in response.text
    )
    assert "Start the development plan" not in response.text


# Query counts ---------------------------------------------------------------------


@pytest.mark.parametrize("years", [1, 10])
def test_the_home_page_of_a_manager_with_returned_returns_reads_the_same(
    client_as,
    partnership_a,
    manager_a,
    officer_a,
    period_2002,
    framework,
    django_assert_num_queries,
    years,
):
    reviewed(
        return_start(partnership=partnership_a, period=period_2002, user=manager_a),
        officer_a,
        "returned",
    )
    earlier_returns(
        partnership=partnership_a,
        framework=framework,
        user=manager_a,
        before=2002,
        years=years,
    )
    Return.objects.filter(period__starts_on__lt=datetime.date(2002, 1, 1)).update(
        status="returned", submitted_at=timezone.now()
    )
    client = client_as("manager_a")
    # 1-10. as for any manager (see test_home.py)
    # 11. the steps that returned the returned returns, with who took them
    with django_assert_num_queries(10):
        response = client.get("/")
    assert len(response.context["managed"][0].returned) == years + 1
    assert response.text.count(">Changes needed</h2>") == years + 1


@pytest.mark.parametrize("comments", [1, 28])
def test_the_task_list_of_a_returned_return_reads_the_same(
    client_as, returned, django_assert_num_queries, comments
):
    answers = Answer.objects.filter(return_record=returned).order_by("pk")
    Answer.objects.filter(pk__in=answers.values("pk")[:comments]).update(
        officer_comment="See me."
    )
    client = client_as("manager_a")
    # 1. the session
    # 2. the user, with their profile
    # 3. the return, scoped to the user, with partnership, period and framework
    # 4. the framework's score levels
    # 5. the framework's dimensions
    # 6. their indicators (prefetched)
    # 7. the return's answers, with their indicators
    # 8. whether the user manages the partnership (may change the return)
    # 9. the step that returned it, with who took it
    # 10. the partnership's development plan for the period, if any
    with django_assert_num_queries(10):
        response = client.get(f"/returns/{returned.pk}/")
    assert response.status_code == 200
    assert text_of(response).count("commented on") == min(comments, 4)


@pytest.mark.parametrize("comments", [1, 28])
def test_check_answers_of_a_returned_return_reads_the_same(
    client_as, returned, django_assert_num_queries, comments
):
    answers = Answer.objects.filter(return_record=returned).order_by("pk")
    Answer.objects.filter(pk__in=answers.values("pk")[:comments]).update(
        officer_comment="See me."
    )
    client = client_as("manager_a")
    # 1-11. as for a draft (see test_queries.py)
    # 12. the step that returned it, with who took it
    with django_assert_num_queries(11):
        response = client.get(f"/returns/{returned.pk}/check/")
    assert text_of(response).count("LLSC officer's comment") == comments


def test_the_submitted_page_reads_a_fixed_number_of_queries(
    client_as, accepted, django_assert_num_queries
):
    client = client_as("manager_a")
    # 1. the session
    # 2. the user, with their profile
    # 3. the return, scoped to the user, with partnership, period and framework
    # 4. the partnership's local LSCs
    # 5. the partnership's development plan for the period, if any
    # 6. whether the user manages the partnership (may start the plan)
    with django_assert_num_queries(6):
        response = client.get(f"/returns/{accepted.pk}/submitted/")
    assert "An officer of West Yorkshire LSC" in text_of(response)

"""The manager's journey through a return, over HTTP: start, task list, a page
per dimension listing its indicators, a page per indicator, check answers,
submit; then read-only. And carrying forward."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessment.evidence import evidence_upload
from assessment.models import Answer, EvidenceLink, Return
from assessment.selectors import COMPLETED, IN_PROGRESS, NOT_STARTED
from assessment.services import return_start

from .helpers import (
    answer,
    answers_of,
    dimension_url,
    form_data,
    indicator_url,
    post_answer,
    score_dimension,
    snapshot,
)

CODES = ["D1", "D2", "D3", "D4"]


def statuses(response) -> list[str]:
    return [summary.status for summary in response.context["summaries"]]


def task_status(html: str, code: str) -> str:
    """The status shown beside a dimension on the task list, without tags."""
    match = re.search(rf'id="task-{code}-status">(.*?)</div>', html, flags=re.DOTALL)
    assert match, code
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def indicator_status(html: str, code: str) -> str:
    """The status shown beside an indicator on its dimension's page."""
    match = re.search(
        rf'id="indicator-{code}-status">(.*?)</div>', html, flags=re.DOTALL
    )
    assert match, code
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_start_a_return(client_as, partnership_a, period_2002, period_2003):
    client = client_as("manager_a")
    url = f"/partnerships/{partnership_a.pk}/returns/new/"

    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "2003-04" in html
    assert "2002-03" in html
    assert "carry_forward" not in html  # nothing to carry forward yet

    response = client.post(url, {"period": period_2003.pk})

    return_record = Return.objects.get(partnership=partnership_a)
    assert response.status_code == 302
    assert response["Location"] == f"/returns/{return_record.pk}/"
    assert return_record.period == period_2003
    assert return_record.status == Return.Status.DRAFT
    assert return_record.created_by.username == "manager_a"
    assert return_record.framework.name == "Learning and regeneration self-assessment"
    assert return_record.answers.count() == 28
    assert not return_record.answers.exclude(score=None).exists()
    assert not return_record.answers.exclude(evidence="").exists()

    # The period is taken: it is no longer offered, and cannot be started twice.
    again = client.post(url, {"period": period_2003.pk})
    assert again.status_code == 200
    assert "Select a valid choice" in again.content.decode()
    assert Return.objects.filter(partnership=partnership_a).count() == 1


def test_start_needs_a_period(client_as, partnership_a, period_2003):
    response = client_as("manager_a").post(
        f"/partnerships/{partnership_a.pk}/returns/new/", {}
    )
    assert response.status_code == 200
    assert "Select the period the return is for" in response.content.decode()
    assert not Return.objects.exists()


def test_whole_journey(client_as, return_a):
    client = client_as("manager_a")
    tasks_url = f"/returns/{return_a.pk}/"
    check_url = f"/returns/{return_a.pk}/check/"

    # The task list: four dimensions, none started.
    page = client.get(tasks_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert statuses(page) == [NOT_STARTED] * 4
    assert [task_status(html, code) for code in CODES] == ["Not yet started"] * 4
    assert "You have completed 0 of 4 dimensions." in html
    assert task_status(html, "submit") == "Cannot start yet"

    # D1 scored in full, saved to come back later: back to the task list.
    response = score_dimension(client, return_a, "D1", score=3, action="later")
    assert response.status_code == 302
    assert response["Location"] == tasks_url
    page = client.get(tasks_url)
    html = page.content.decode()
    assert statuses(page) == [COMPLETED, NOT_STARTED, NOT_STARTED, NOT_STARTED]
    assert task_status(html, "D1") == "Completed"
    assert "You have completed 1 of 4 dimensions." in html
    assert any("has been saved" in m for m in messages_of(page))
    assert [a.score for a in answers_of(return_a, "D1")] == [3] * 7
    assert all(a.updated_by.username == "manager_a" for a in answers_of(return_a, "D1"))
    return_a.refresh_from_db()
    assert return_a.status == Return.Status.DRAFT

    # D2 half done: Save and continue goes from one indicator to the next;
    # saved to come back later, it is in progress.
    response = post_answer(
        client, return_a, "D2.1", {"score": 1, "evidence": "Half way"}
    )
    assert response["Location"] == indicator_url(return_a, "D2.2")
    response = post_answer(client, return_a, "D2.2", {"score": 2}, action="later")
    assert response["Location"] == tasks_url
    page = client.get(tasks_url)
    assert statuses(page) == [COMPLETED, IN_PROGRESS, NOT_STARTED, NOT_STARTED]
    assert task_status(page.content.decode(), "D2") == "In progress"
    assert answer(return_a, "D2.1").evidence == "Half way"
    assert answer(return_a, "D2.3").score is None
    # The dimension's page lists its indicators with their status, and goes on
    # from the first not yet completed.
    html = client.get(dimension_url(return_a, "D2")).content.decode()
    assert [indicator_status(html, f"D2.{n}") for n in range(1, 8)] == [
        "Completed",
        "Completed",
    ] + ["Not yet started"] * 5
    assert "You have completed 2 of 7 indicators." in html
    assert re.search(
        rf'href="{indicator_url(return_a, "D2.3")}" role="button"[^>]*>Continue', html
    )

    # Submitting now is refused, listing every unscored indicator.
    response = client.post(check_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "You cannot submit yet: 19 indicators not scored" in html
    missing = re.findall(r"Score (D\d\.\d):", html)
    assert missing == [f"D2.{n}" for n in range(3, 8)] + [
        f"D{d}.{n}" for d in (3, 4) for n in range(1, 8)
    ]
    assert f'href="/returns/{return_a.pk}/dimensions/D3/#indicator-D3.1"' in html
    # Each score is named as the scoring radios name it.
    assert html.count("<strong>Score 3 – Significant progress</strong>") == 7
    assert "<strong>Score 1 – Early development</strong>" in html
    return_a.refresh_from_db()
    assert return_a.status == Return.Status.DRAFT
    assert return_a.submitted_at is None

    # After a dimension's last indicator, Save and continue goes back to the
    # dimension's page, which leads on to the next dimension, and after D4 to
    # checking.
    response = score_dimension(client, return_a, "D2", score=2)
    assert response["Location"] == dimension_url(return_a, "D2")
    html = client.get(response["Location"]).content.decode()
    assert "You have completed 7 of 7 indicators." in html
    assert re.search(
        rf'href="{dimension_url(return_a, "D3")}" role="button"[^>]*>'
        r"Continue to D3",
        html,
    )
    score_dimension(client, return_a, "D3", score=4)
    response = score_dimension(client, return_a, "D4", score=1)
    assert response["Location"] == dimension_url(return_a, "D4")
    html = client.get(response["Location"]).content.decode()
    assert re.search(rf'href="{check_url}" role="button"[^>]*>Check your answers', html)

    page = client.get(tasks_url)
    assert statuses(page) == [COMPLETED] * 4
    assert task_status(page.content.decode(), "submit") == "Ready to submit"

    check = client.get(check_url)
    assert check.status_code == 200
    html = check.content.decode()
    assert "Check your answers before submitting" in html
    assert "Mean self score: <strong>3.00 (Significant progress)</strong>" in html
    assert "Submit the self-assessment" in html

    # Submit: confirmation.
    response = client.post(check_url)
    assert response.status_code == 302
    assert response["Location"] == f"/returns/{return_a.pk}/submitted/"
    return_a.refresh_from_db()
    assert return_a.status == Return.Status.SUBMITTED
    assert return_a.submitted_at is not None
    assert return_a.submitted_by.username == "manager_a"
    submitted = client.get(response["Location"])
    assert submitted.status_code == 200
    html = submitted.content.decode()
    assert '<h1 class="govuk-panel__title">Self-assessment submitted</h1>' in html
    assert "Alpha Learning, 2003-04" in html

    # Read-only from now on.
    page = client.get(tasks_url).content.decode()
    assert "It can no longer be changed" in page
    assert f"/returns/{return_a.pk}/dimensions/D1/" not in page
    check = client.get(check_url).content.decode()
    assert "Submit the self-assessment" not in check
    assert "This return is <strong>submitted</strong>" in check


def test_submitted_page_of_a_draft_goes_to_check(client_as, return_a):
    response = client_as("manager_a").get(f"/returns/{return_a.pk}/submitted/")
    assert response.status_code == 302
    assert response["Location"] == f"/returns/{return_a.pk}/check/"


def test_profile_confirmed(client_as, return_a):
    client = client_as("manager_a")
    url = f"/returns/{return_a.pk}/profile/"
    assert "The profile is up to date" in client.get(url).content.decode()

    response = client.post(url)

    assert response["Location"] == f"/returns/{return_a.pk}/"
    return_a.refresh_from_db()
    assert return_a.profile_checked_at is not None
    assert return_a.profile_checked_by.username == "manager_a"
    tasks = client.get(f"/returns/{return_a.pk}/").content.decode()
    assert re.search(r'id="task-profile-status">\s*Completed', tasks)


@pytest.fixture
def submitted(client_as, return_a, manager_a):
    """Return A fully scored, with an evidence file, and submitted."""
    client = client_as("manager_a")
    for code in CODES:
        score_dimension(client, return_a, code, score=2)
    evidence_upload(
        answer=answer(return_a, "D1.1"),
        upload=SimpleUploadedFile("minutes.pdf", b"%PDF-1.4\nminutes"),
        user=manager_a,
    )
    response = client.post(f"/returns/{return_a.pk}/check/")
    assert response.status_code == 302
    return_a.refresh_from_db()
    assert return_a.status == Return.Status.SUBMITTED
    return return_a


def test_submitted_return_refuses_every_change(client_as, submitted):
    client = client_as("manager_a")
    before = snapshot(submitted)
    attachment = EvidenceLink.objects.get()
    d11 = [answer(submitted, "D1.1")]

    posts = {
        indicator_url(submitted, "D1.1"): form_data(
            d11, {"D1.1": {"score": 4, "evidence": "Changed after submitting"}}
        ),
        f"/returns/{submitted.pk}/check/": {},
        f"/returns/{submitted.pk}/profile/": {},
        f"/returns/{submitted.pk}/attachments/{attachment.pk}/remove/": {},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 403, url

    assert snapshot(submitted) == before
    assert EvidenceLink.objects.filter(pk=attachment.pk).exists()
    stored = attachment.evidence_file.file
    assert stored.storage.exists(stored.name)
    submitted.refresh_from_db()
    assert submitted.status == Return.Status.SUBMITTED
    assert submitted.profile_checked_at is None


def test_submitted_return_dimension_page_goes_to_check(client_as, submitted):
    client = client_as("manager_a")
    for url in (dimension_url(submitted, "D2"), indicator_url(submitted, "D2.1")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/returns/{submitted.pk}/check/"
    remove = client.get(
        f"/returns/{submitted.pk}/attachments/{EvidenceLink.objects.get().pk}/remove/"
    )
    assert remove.status_code == 403


# Carrying forward -------------------------------------------------------------------


@pytest.fixture
def last_year(partnership_a, manager_a, period_2002) -> Return:
    """Partnership A's 2002-03 return: D1.1 and D1.2 answered, D1.1 agreed."""
    previous = return_start(
        partnership=partnership_a, period=period_2002, user=manager_a
    )
    Answer.objects.filter(return_record=previous, indicator__code="D1.1").update(
        score=3,
        agreed_score=2,
        evidence="Board adopted the remit in May",
        barriers="Few employers attend",
        planned_action="Invite the chamber of commerce",
    )
    Answer.objects.filter(return_record=previous, indicator__code="D1.2").update(
        score=1, planned_action="Recruit a voluntary sector member"
    )
    return previous


def start_2003(client, partnership, period, carry: str):
    return client.post(
        f"/partnerships/{partnership.pk}/returns/new/",
        {"period": period.pk, "carry_forward": carry},
    )


def test_carry_forward_copies_evidence_and_actions_not_scores(
    client_as, partnership_a, last_year, period_2003
):
    client = client_as("manager_a")
    page = client.get(f"/partnerships/{partnership_a.pk}/returns/new/")
    assert "Start from last year&#x27;s evidence and actions?" in page.content.decode()

    response = start_2003(client, partnership_a, period_2003, "yes")

    current = Return.objects.get(period=period_2003)
    assert response["Location"] == f"/returns/{current.pk}/"
    assert current.carried_forward_from == last_year
    d11 = answer(current, "D1.1")
    assert (d11.evidence, d11.barriers, d11.planned_action) == (
        "Board adopted the remit in May",
        "Few employers attend",
        "Invite the chamber of commerce",
    )
    assert d11.score is None
    assert d11.agreed_score is None
    assert d11.carried_forward
    d12 = answer(current, "D1.2")
    assert (d12.evidence, d12.planned_action) == (
        "",
        "Recruit a voluntary sector member",
    )
    assert d12.score is None
    assert d12.carried_forward
    assert set(
        current.answers.filter(carried_forward=True).values_list(
            "indicator__code", flat=True
        )
    ) == {"D1.1", "D1.2"}

    # The dimension page marks exactly those answers to review, and each one's
    # page asks for the review.
    html = client.get(dimension_url(current, "D1")).content.decode()
    assert html.count("carried forward from last year, to review") == 2
    assert indicator_status(html, "D1.1") == "In progress"
    assert indicator_status(html, "D1.3") == "Not yet started"
    for code, marked in (("D1.1", 1), ("D1.2", 1), ("D1.3", 0)):
        page = client.get(indicator_url(current, code)).content.decode()
        assert page.count("Carried forward from last year, please review.") == marked
    # Not yet started: copied answers are not work done this year.
    tasks = client.get(f"/returns/{current.pk}/")
    assert tasks.context["summaries"][0].status == NOT_STARTED

    # Saving the indicator's page, even unchanged, is its review: its mark goes.
    response = post_answer(client, current, "D1.1")
    assert response.status_code == 302
    assert list(
        current.answers.filter(carried_forward=True).values_list(
            "indicator__code", flat=True
        )
    ) == ["D1.2"]
    d11 = answer(current, "D1.1")
    assert d11.evidence == "Board adopted the remit in May"
    assert d11.updated_by.username == "manager_a"
    html = client.get(indicator_url(current, "D1.1")).content.decode()
    assert "Carried forward from last year" not in html


def test_no_carry_forward_starts_blank(
    client_as, partnership_a, last_year, period_2003
):
    start_2003(client_as("manager_a"), partnership_a, period_2003, "no")
    current = Return.objects.get(period=period_2003)
    assert current.carried_forward_from is None
    assert not current.answers.exclude(evidence="", planned_action="").exists()
    assert not current.answers.filter(carried_forward=True).exists()


def test_carry_forward_must_be_chosen(client_as, partnership_a, last_year, period_2003):
    response = client_as("manager_a").post(
        f"/partnerships/{partnership_a.pk}/returns/new/", {"period": period_2003.pk}
    )
    assert response.status_code == 200
    assert "Select whether to start from last year" in response.content.decode()
    assert not Return.objects.filter(period=period_2003).exists()


def test_last_years_scores_on_each_indicators_page(
    client_as, partnership_a, last_year, period_2003
):
    client = client_as("manager_a")
    start_2003(client, partnership_a, period_2003, "no")
    current = Return.objects.get(period=period_2003)

    lines = []
    for code in ("D1.1", "D1.2", "D1.3"):
        response = client.get(indicator_url(current, code))
        assert response.context["row"].last_year.pk == answer(last_year, code).pk
        found = re.findall(
            r'app-last-year">\s*(.*?)\s*</p>', response.text, flags=re.DOTALL
        )
        assert len(found) == 1
        lines.append(found[0])

    assert lines[0] == (
        "Last year (2002-03): self score <strong>3</strong>, "
        "agreed score <strong>2</strong>."
    )
    assert lines[1] == "Last year (2002-03): self score <strong>1</strong>."
    assert lines[2] == "Last year (2002-03): self score <strong>not scored</strong>."


def test_no_last_year_line_without_a_previous_return(client_as, return_a):
    html = client_as("manager_a").get(indicator_url(return_a, "D1.1")).text
    assert "app-last-year" not in html

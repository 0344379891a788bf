"""A manager whose self-assessment came back from the LLSC officer, through a
real browser (axe-core and the console checked on every page, see
conftest.py): the reasons on the home page and the task list, the officer's
comment on check answers, one answer fixed, the return submitted again, and
what happens next. Each page the manager reads is also looked at 390 px wide,
where nothing may scroll sideways."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from assessment.models import Answer, Return
from assessment.services import AgreedScore, return_review, return_submit
from tests.plans.helpers import AGREED_SCORES, SELF_SCORES, fill_answers

from .conftest import Person
from .helpers import answer_ids

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

REASONS = "D1.1 needs the dates of the meetings."
OVERALL = "A fair account, short of dates."
COMMENT = "Give the dates of the meetings for D1.1."


@pytest.fixture
def returned(cast, return_a, manager_a, officer_a) -> Return:
    """Partnership A's return submitted, then returned by its LLSC officer
    through the services, with a comment on D1.1."""
    officer_a.first_name, officer_a.last_name = "Olive", "Officer"
    officer_a.save()
    fill_answers(return_a, SELF_SCORES)
    return_submit(return_record=return_a, user=manager_a)
    answers = Answer.objects.filter(return_record=return_a).select_related("indicator")
    return_review(
        return_record=return_a,
        user=officer_a,
        agreed={
            a.pk: AgreedScore(
                AGREED_SCORES[a.indicator.code],
                COMMENT if a.indicator.code == "D1.1" else "",
            )
            for a in answers
        },
        overall_comment=OVERALL,
        decision="returned",
        reasons=REASONS,
    )
    return return_a


def looked_at(person: Person, label: str) -> None:
    """Screenshots at 1280 and 390 px; at 390 px nothing scrolls sideways."""
    page = person.page
    person.shot(f"{label} 1280")
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"{page.url} is {width} px wide at 390 px"
        person.shot(f"{label} 390")
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


def test_manager_reads_the_reasons_fixes_and_resubmits(people, returned):
    """The manager reads why the return came back, fixes an answer and resubmits.

    Slow: a whole journey in a real Chromium, every page audited.
    """
    ids = answer_ids(returned)
    manager = people("manager")
    page = manager.sign_in("manager_a")

    # Home: who returned it, why, and the way back in.
    banner = page.get_by_role("region", name="Changes needed")
    expect(banner).to_contain_text(
        "Alpha Learning: your self-assessment 2003-04 was returned for changes"
    )
    expect(banner).to_contain_text("Olive Officer returned it on")
    expect(banner).to_contain_text(REASONS)
    expect(banner).to_contain_text(OVERALL)
    expect(page.locator(".govuk-summary-card")).to_contain_text(
        "Self-assessment 2003-04 Changes needed"
    )
    looked_at(manager, "home")

    # The task list says the same, and that changes are needed.
    manager.follow(banner.get_by_role("link", name="Revise the self-assessment"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Self-assessment 2003-04")
    banner = page.get_by_role("region", name="Changes needed")
    expect(banner).to_contain_text(REASONS)
    expect(page.locator("#task-submit-status")).to_have_text("Changes needed")
    expect(page.get_by_text("Ready to submit")).to_have_count(0)
    expect(page.locator(".govuk-task-list").first).to_contain_text(
        "your LLSC officer commented on 1 indicator"
    )
    looked_at(manager, "task list")

    # Check answers: the officer's comment and agreed score beside D1.1.
    manager.follow(banner.get_by_role("link", name="Read the comments"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before submitting"
    )
    expect(page.get_by_role("region", name="Changes needed")).to_contain_text(REASONS)
    d11 = page.locator(".govuk-summary-list__row", has_text="D1.1")
    expect(d11).to_contain_text("LLSC officer's comment")
    expect(d11).to_contain_text(COMMENT)
    expect(d11).to_contain_text(re.compile(r"Score 1 – Early development\s*, agreed 2"))
    looked_at(manager, "check answers")

    # Fix D1.1 as the officer asked, then back to check answers and submit.
    manager.follow(d11.get_by_role("link", name="Change D1.1"))
    page.locator(f"#id_evidence-{ids['D1.1']}").fill(
        "Minutes of the meetings of 4 March and 6 May 2003."
    )
    manager.follow(page.get_by_role("button", name="Save and come back later"))
    manager.follow(page.get_by_role("link", name="Check your answers and submit"))
    expect(page.get_by_role("heading", level=2, name=re.compile("again"))).to_have_text(
        "Now submit the self-assessment again"
    )
    manager.follow(page.get_by_role("button", name="Submit the self-assessment"))

    # What happens next: the review by the partnership's LLSC, then the plan.
    expect(page.locator(".govuk-panel--confirmation")).to_contain_text(
        "Self-assessment submitted"
    )
    steps = page.locator("ol.govuk-list--number")
    expect(steps).to_contain_text(
        "An officer of West Yorkshire LSC reviews the self-assessment"
    )
    expect(steps).to_contain_text("return it to you with their reasons")
    expect(steps).to_contain_text("Then the development plan")
    expect(
        page.get_by_role("button", name="Start the development plan")
    ).to_be_visible()
    looked_at(manager, "submitted")

    returned.refresh_from_db()
    assert returned.status == "submitted"
    assert Answer.objects.get(pk=ids["D1.1"]).evidence.startswith("Minutes of")

    # Home no longer asks for changes.
    manager.goto("/")
    expect(page.get_by_role("region", name="Changes needed")).to_have_count(0)

"""The main journeys through a real browser, each checked by axe-core and the
console on every page (see conftest.py):

1. a manager signs in, starts the self-assessment, trips over the GOV.UK error
   summary, fills in every dimension, checks the answers and submits;
2. the LLSC officer moderates two dimensions in two sittings and returns it
   with comments, the manager reads them, revises and resubmits, the officer
   accepts;
3. the manager builds the development plan from the suggestions and opens its
   PDF; the GO officer opens the regional view and downloads the regional PDF
   and the Excel scores.
"""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from assessment.models import Answer, Return
from assessment.services import return_start, return_submit
from partnerships.models import Role
from plans.models import DevelopmentPlan
from tests.factories import (
    LearningPartnershipFactory,
    LLSCRelationshipFactory,
    ProfileFactory,
)
from tests.plans.helpers import AGREED_SCORES, SELF_SCORES, agree, fill_answers

from .helpers import answer_ids, chart_backgrounds, pdf_text

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

DIMENSIONS = ["D1", "D2", "D3", "D4"]


def fill_indicator(page, ids: dict[str, int], code: str) -> None:
    """Answer one indicator's page (its score in SELF_SCORES) with evidence, by
    clicking the radio's label and typing into the boxes."""
    score = SELF_SCORES[code]
    pk = ids[code]
    page.locator(f'label[for="id_score-{pk}_{score - 1}"]').click()
    page.locator(f"#id_evidence-{pk}").fill(f"Minutes of the {code} meetings.")
    if score == 1:
        page.locator(f"#id_barriers-{pk}").fill(f"No budget for {code}.")
        page.locator(f"#id_planned_action-{pk}").fill(f"Bid for {code} money.")


def answer_dimension(person, ids: dict[str, int], dimension: str, last: str) -> None:
    """From a dimension's page, answer each of its indicators on its own page
    with Save and continue, the last with the button named ``last``."""
    page = person.page
    codes = [code for code in SELF_SCORES if code.startswith(f"{dimension}.")]
    person.follow(page.get_by_role("button", name=re.compile(r"^(Start|Continue)")))
    for number, code in enumerate(codes, start=1):
        expect(page.get_by_role("heading", level=1)).to_have_text(
            re.compile(rf"^{re.escape(code)}\b")
        )
        expect(page.locator(".govuk-caption-l")).to_contain_text(
            f"indicator {number} of {len(codes)}"
        )
        fill_indicator(page, ids, code)
        button = last if number == len(codes) else "Save and continue"
        person.follow(page.get_by_role("button", name=button))


# Journey 1 ---------------------------------------------------------------


def test_manager_fills_in_and_submits_the_self_assessment(
    people, cast, partnership_a, period_2003
):
    """A manager fills in every indicator a page at a time and submits.

    Slow: a whole return, page by page, in a real Chromium, every page audited.
    """
    manager = people("manager")
    page = manager.sign_in("manager_a")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Learning Partnerships self-assessment"
    )

    manager.follow(page.get_by_role("link", name="Alpha Learning", exact=True))
    manager.follow(page.get_by_role("link", name="Start a self-assessment"))
    page.get_by_label("2003-04").check()
    manager.follow(page.get_by_role("button", name="Start the self-assessment"))

    # The task list.
    expect(page.get_by_role("heading", level=1)).to_have_text("Self-assessment 2003-04")
    expect(page.get_by_text("You have completed 0 of 4 dimensions.")).to_be_visible()
    return_record = Return.objects.get(partnership=partnership_a, period=period_2003)
    ids = answer_ids(return_record)
    manager.follow(page.get_by_role("link", name=re.compile(r"^D1 ")))

    # The dimension's page lists its indicators, none started.
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^D1 "))
    expect(page.get_by_text("You have completed 0 of 7 indicators.")).to_be_visible()
    expect(page.locator("#indicator-D1\\.1-status")).to_have_text("Not yet started")
    manager.shot("dimension page")
    manager.follow(page.get_by_role("button", name=re.compile(r"^Start")))

    # A mistake: too much evidence. The error summary takes the focus and its
    # link takes the focus to the field.
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^D1\.1\b"))
    evidence = page.locator(f"#id_evidence-{ids['D1.1']}")
    page.locator(f'label[for="id_score-{ids["D1.1"]}_0"]').click()
    evidence.fill("x" * 5001)
    manager.follow(page.get_by_role("button", name="Save and continue"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: D1\.1 "))
    link = summary.get_by_role(
        "link", name="Evidence for D1.1 must be 5,000 characters or fewer"
    )
    expect(link).to_have_attribute("href", f"#id_evidence-{ids['D1.1']}")
    expect(page.locator(f"#id_evidence-{ids['D1.1']}-error")).to_contain_text(
        "Evidence for D1.1 must be 5,000 characters or fewer"
    )
    # Nothing typed is lost.
    expect(page.locator(f"#id_score-{ids['D1.1']}_0")).to_be_checked()
    manager.shot("error summary")
    link.click()
    expect(evidence).to_be_focused()
    expect(evidence).to_be_in_viewport()
    # Leaving the page with what was typed and not saved asks first; here the
    # manager leaves anyway, and nothing was saved.
    asked: list[str] = []

    def leave(dialog) -> None:
        asked.append(dialog.type)
        dialog.accept()

    page.once("dialog", leave)
    manager.follow(page.get_by_role("link", name=re.compile(r"^Back to D1 ")))
    assert asked == ["beforeunload"]
    expect(page.locator("#indicator-D1\\.1-status")).to_have_text("Not yet started")

    # Every dimension, one indicator a page: D1 and D2 with "Save and
    # continue", each ending on its dimension's page, which leads on to the
    # next; D3's last indicator saved for later.
    answer_dimension(manager, ids, "D1", "Save and continue")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^D1 "))
    expect(page.get_by_text("You have completed 7 of 7 indicators.")).to_be_visible()
    expect(
        page.locator(".govuk-task-list__status", has_text="Completed")
    ).to_have_count(7)
    manager.follow(page.get_by_role("button", name=re.compile(r"^Continue to D2 ")))
    answer_dimension(manager, ids, "D2", "Save and continue")
    manager.follow(page.get_by_role("button", name=re.compile(r"^Continue to D3 ")))
    answer_dimension(manager, ids, "D3", "Save and come back later")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your answer to D3.7 has been saved"
    )
    expect(page.get_by_text("You have completed 3 of 4 dimensions.")).to_be_visible()
    expect(page.locator("#task-D4-status")).to_have_text("Not yet started")

    # The profile check, then D4, which leads to the check of the answers.
    manager.follow(page.get_by_role("link", name="Check the partnership profile"))
    manager.follow(page.get_by_role("button", name="The profile is up to date"))
    expect(page.locator("#task-profile-status")).to_have_text("Completed")
    manager.follow(page.get_by_role("link", name=re.compile(r"^D4 ")))
    answer_dimension(manager, ids, "D4", "Save and continue")
    manager.follow(page.get_by_role("button", name="Check your answers"))

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before submitting"
    )
    for dimension in DIMENSIONS:
        expect(page.locator(f"h2#{dimension}")).to_be_visible()
    expect(page.get_by_text("Not scored")).to_have_count(0)
    manager.follow(page.get_by_role("button", name="Submit the self-assessment"))

    panel = page.locator(".govuk-panel--confirmation")
    expect(panel).to_contain_text("Self-assessment submitted")
    expect(panel).to_contain_text("Alpha Learning, 2003-04")
    manager.shot("submitted")

    return_record.refresh_from_db()
    assert return_record.status == "submitted"
    saved = dict(
        Answer.objects.filter(return_record=return_record).values_list(
            "indicator__code", "score"
        )
    )
    assert saved == SELF_SCORES


# Journey 2 ---------------------------------------------------------------


@pytest.fixture
def submitted(return_a, manager_a) -> Return:
    fill_answers(return_a, SELF_SCORES)
    return_submit(return_record=return_a, user=manager_a)
    return return_a


def test_officer_returns_the_self_assessment_and_accepts_it_revised(
    people, cast, submitted
):
    """The officer moderates over two sittings, returns, then accepts the revision.

    Slow: a whole moderation, page by page, in a real Chromium, every page audited.
    """
    ids = answer_ids(submitted)
    officer = people("officer")
    page = officer.sign_in("officer_a")
    officer.follow(page.get_by_role("link", name="Reviews", exact=True))
    officer.follow(page.get_by_role("link", name="Alpha Learning"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Review the self-assessment"
    )
    # First sitting: D1, saved to come back to later.
    officer.follow(page.get_by_role("link", name=re.compile(r"^D1 ")))
    page.locator(f'label[for="id_agreed-{ids["D1.4"]}_1"]').click()
    page.locator(f"#id_comment-{ids['D1.4']}").fill("Advanced needs evidence.")
    page.locator(f"#id_comment-{ids['D1.1']}").fill(
        "Give the dates of the meetings for D1.1."
    )
    officer.follow(page.get_by_role("button", name="Save and come back later"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The agreed scores for D1"
    )
    expect(page.locator("#moderation-D1-status")).to_have_text("Moderated")
    expect(page.locator("#moderation-D2-status")).to_have_text("Not started")
    officer.shot("moderation-first-sitting")
    officer.goto("/")

    # Second sitting: what was saved is there; D2, then on to the decision.
    officer.follow(officer.page.get_by_role("link", name="Reviews", exact=True))
    page = officer.follow(officer.page.get_by_role("link", name="Alpha Learning"))
    officer.follow(page.get_by_role("link", name=re.compile(r"^D1 ")))
    expect(page.locator(f"#id_agreed-{ids['D1.4']}_1")).to_be_checked()
    expect(page.locator(f"#id_comment-{ids['D1.1']}")).to_have_value(
        "Give the dates of the meetings for D1.1."
    )
    expect(page.locator("#indicator-D1\\.4")).to_contain_text("Gap (agreed − self): -2")
    officer.follow(page.get_by_role("link", name="Back to the review"))
    officer.follow(page.get_by_role("link", name=re.compile(r"^D2 ")))
    page.locator(f'label[for="id_agreed-{ids["D2.1"]}_2"]').click()
    officer.follow(page.get_by_role("button", name="Save and continue"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("D3")
    officer.follow(page.get_by_role("link", name="Back to the review"))
    officer.follow(page.get_by_role("link", name="Check the agreed scores and decide"))
    expect(page.locator(".govuk-warning-text")).to_contain_text(
        "2 dimensions not moderated yet"
    )
    page.get_by_label("Overall comment").fill("A fair account, short of dates.")
    page.get_by_label("Return it to the partnership for revision").check()
    page.get_by_label("Reasons for returning it").fill("D1.1 needs dates.")
    officer.shot("moderation-check")
    officer.follow(page.get_by_role("button", name="Confirm the decision"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The self-assessment of Alpha Learning was returned"
    )

    # The manager is told, reads the reasons and the comments.
    manager = people("manager")
    page = manager.sign_in("manager_a")
    manager.follow(page.get_by_role("link", name="Read them"))
    notice = page.get_by_role("link", name=re.compile("returned for revision"))
    expect(notice).to_contain_text("Reasons: D1.1 needs dates.")
    manager.follow(notice)
    expect(page.get_by_role("heading", level=1)).to_have_text("Self-assessment 2003-04")
    manager.follow(page.get_by_role("link", name="The scored self-assessment"))
    expect(page.get_by_text("A fair account, short of dates.")).to_be_visible()
    expect(page.get_by_text("Give the dates of the meetings for D1.1.")).to_be_visible()
    manager.shot("comments")
    manager.follow(page.get_by_role("link", name="Back to the self-assessment"))

    # Revise D1.1, where the officer's comment is shown, resubmit.
    manager.follow(page.get_by_role("link", name=re.compile(r"^D1 ")))
    manager.follow(page.get_by_role("link", name=re.compile(r"^D1\.1 ")))
    expect(page.locator(".app-officer-review")).to_contain_text(
        "Give the dates of the meetings for D1.1."
    )
    page.locator(f'label[for="id_score-{ids["D1.1"]}_1"]').click()
    page.locator(f"#id_evidence-{ids['D1.1']}").fill(
        "Minutes of the meetings of 4 March and 6 May 2003."
    )
    manager.follow(page.get_by_role("button", name="Save and come back later"))
    manager.follow(page.get_by_role("link", name="Check your answers and submit"))
    manager.follow(page.get_by_role("button", name="Submit the self-assessment"))
    expect(page.locator(".govuk-panel--confirmation")).to_contain_text(
        "Self-assessment submitted"
    )

    # The officer sees what changed and accepts.
    officer.follow(officer.page.get_by_role("link", name="Reviews", exact=True))
    page = officer.follow(officer.page.get_by_role("link", name="Alpha Learning"))
    expect(page.get_by_text("This return was resubmitted.")).to_be_visible()
    expect(page.locator("#moderation-D1-status")).to_contain_text("Not started")
    officer.follow(page.get_by_role("link", name=re.compile(r"^D1 ")))
    expect(page.locator("#indicator-D1\\.1")).to_contain_text("Changed")
    expect(page.locator("#indicator-D1\\.2")).not_to_contain_text("Changed")
    # The agreed score is still the one of the first review (1): agree the
    # revised score.
    expect(page.locator(f"#id_agreed-{ids['D1.1']}_0")).to_be_checked()
    page.locator(f'label[for="id_agreed-{ids["D1.1"]}_1"]').click()
    officer.follow(page.get_by_role("button", name="Save and continue"))
    officer.follow(page.get_by_role("link", name="Back to the review"))
    officer.follow(page.get_by_role("link", name="Check the agreed scores and decide"))
    page.get_by_label("Accept the self-assessment with the agreed scores").check()
    officer.follow(page.get_by_role("button", name="Confirm the decision"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The self-assessment of Alpha Learning was accepted"
    )
    officer.shot("accepted")

    submitted.refresh_from_db()
    assert submitted.status == "accepted"
    d11 = Answer.objects.get(pk=ids["D1.1"])
    assert (d11.score, d11.agreed_score) == (2, 2)
    d14 = Answer.objects.get(pk=ids["D1.4"])
    assert (d14.agreed_score, d14.officer_comment) == (2, "Advanced needs evidence.")
    assert Answer.objects.get(pk=ids["D2.1"]).agreed_score == 3


# Journey 3 ---------------------------------------------------------------


@pytest.fixture
def accepted_returns(
    cast, return_a, manager_a, llsc_a, region_a, partnership_b, period_2003
):
    """Partnership A's return accepted with barriers on its weakest indicators,
    and a second partnership of the region (Charlie Learning) accepted too;
    Bravo Learning, in another region, has one that GO must not see."""
    fill_answers(
        return_a,
        SELF_SCORES,
        barriers={"D4.7": "No seat on the LSP board", "D1.1": "No shared budget"},
        planned={"D4.7": "Ask the LSP chair for a seat"},
    )
    return_submit(return_record=return_a, user=manager_a)
    agree(return_a, AGREED_SCORES)

    charlie = LearningPartnershipFactory(name="Charlie Learning", region=region_a)
    LLSCRelationshipFactory(partnership=charlie, llsc=llsc_a)
    for partnership in (charlie, partnership_b):
        manager = ProfileFactory(role=Role.MANAGER).user
        partnership.managers.add(manager)
        other = return_start(partnership=partnership, period=period_2003, user=manager)
        fill_answers(other, AGREED_SCORES)
        return_submit(return_record=other, user=manager)
        agree(other, AGREED_SCORES)
    return return_a


def test_plan_from_suggestions_and_the_regional_documents(
    people, accepted_returns, downloads
):
    """A plan built from suggestions, its PDF, then the region's documents.

    Slow: it makes PDFs and a pack through the pages, in a real Chromium.
    """
    manager = people("manager")
    page = manager.sign_in("manager_a")
    manager.follow(page.get_by_role("link", name="Alpha Learning", exact=True))
    manager.follow(page.get_by_role("link", name="2003-04", exact=True))
    manager.follow(page.get_by_role("button", name="Start the development plan"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Alpha Learning Learning Partnership"
    )
    manager.follow(page.get_by_role("link", name="See suggested priorities"))

    # The weakest agreed score first: D4.7 (1), then the D1 indicators (2).
    titles = page.locator(".govuk-summary-card__title")
    expect(titles.first).to_have_text(re.compile(r"^D4\.7: "))
    expect(titles.nth(1)).to_have_text(re.compile(r"^D1\.1: "))
    expect(page.locator(".govuk-summary-card").first).to_contain_text(
        "No seat on the LSP board"
    )
    manager.follow(page.get_by_role("button", name="Add as a priority (D4.7)"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Priority added"
    )
    manager.follow(page.get_by_role("button", name="Dismiss D1.1"))
    manager.follow(page.get_by_role("button", name="Add as a priority (D1.2)"))
    expect(titles.first).to_have_text(re.compile(r"^D1\.3: "))
    manager.follow(page.get_by_role("link", name="Back to the development plan"))

    plan = DevelopmentPlan.objects.get(partnership=accepted_returns.partnership)
    priorities = list(plan.priorities.order_by("order", "pk"))
    assert [p.indicators.get().code for p in priorities] == ["D4.7", "D1.2"]
    for number, priority in enumerate(priorities, start=1):
        expect(page.get_by_role("heading", level=3).nth(number - 1)).to_have_text(
            f"{number}. {priority.title}"
        )
    manager.shot("plan")
    charts = chart_backgrounds(page)
    plan_pdf = manager.open_pdf(
        page.get_by_role("link", name="Download the plan as a PDF"), downloads
    )
    text = pdf_text(plan_pdf)
    assert "Alpha Learning" in text
    for priority in priorities:
        assert " ".join(priority.title.split()[:4]) in text

    # The Government Office: the regional view and its downloads.
    go = people("go")
    page = go.sign_in("go_a")
    go.follow(page.get_by_role("link", name="Regional view", exact=True))
    heatmap = page.locator("table.app-heatmap")
    expect(heatmap).to_contain_text("Alpha Learning")
    expect(heatmap).to_contain_text("Charlie Learning")
    expect(heatmap).not_to_contain_text("Bravo Learning")
    # Dimension names over labelled self and agreed sub-columns.
    expect(heatmap.locator("th[scope=colgroup]").first).to_contain_text("(D1)")
    expect(heatmap.locator("thead tr").nth(1).locator("th").first).to_have_text(
        re.compile(r"^Self")
    )
    # Every column fits the page's width on a desktop screen: nothing is cut
    # off behind the table's sideways scroll.
    table_width, box_width = page.evaluate(
        "(() => { const box = document.querySelector('.app-table-scroll');"
        " return [box.scrollWidth, box.clientWidth]; })()"
    )
    assert table_width <= box_width
    go.shot("regional view")
    charts |= chart_backgrounds(page)

    # The summary is made in the background (at once by the tests' immediate
    # backend): its page, then the PDF, then back to the regional view.
    go.follow(page.get_by_role("button", name="Download the regional summary (PDF)"))
    expect(page.locator("[data-progress-message]")).to_contain_text(
        "The summary is ready"
    )
    regional = go.open_pdf(
        page.get_by_role("link", name="Download the summary (PDF)"), downloads
    )
    text = pdf_text(regional)
    assert "Alpha Learning" in text
    assert "Charlie Learning" in text
    assert "Bravo Learning" not in text
    go.follow(page.get_by_role("link", name="Back to the regional view"))

    workbook = go.download(
        page.get_by_role("link", name="Download scores (Excel)"), downloads
    )
    assert workbook.suffix == ".xlsx"
    sheet = load_workbook(workbook, read_only=True).active
    # The first sheet is the regional view's table: a partnership per row.
    assert sheet.title == "Partnerships"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Partnership"
    assert {row[0] for row in rows[1:]} == {"Alpha Learning", "Charlie Learning"}

    # The charts of the plan and of the regional view are drawn in the
    # service's style: white, not SVG's default black.
    assert all(len(fills) >= 1 for fills in charts.values()), charts
    assert {fill for fills in charts.values() for fill in fills} == {
        "rgb(255, 255, 255)"
    }, (
        f"charts drawn without their stylesheet: {charts}; is every rule of "
        "static/css/charts.css valid CSS?"
    )

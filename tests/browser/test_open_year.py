"""The national administrator opens the next year in the service, one question
a page, meeting an error and changing an answer from the check page; the
period is in the list, and the manager starts a return for it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from indicators.models import Framework, Period

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _fits_a_phone(person, page: Page, label: str) -> None:
    """At 390 px the page scrolls only downwards; a screenshot at each width."""
    person.shot(f"{label} 1280")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate(
        "() => document.documentElement.scrollWidth <= window.innerWidth"
    ), f"{label} scrolls sideways at 390 px"
    person.shot(f"{label} 390")
    page.set_viewport_size({"width": 1280, "height": 900})


def _date(page: Page, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def test_the_administrator_opens_the_next_year(people, cast, framework, partnership_a):
    """The administrator opens the next year and a manager starts its return.

    Slow: a whole journey in a real Chromium, every page audited.
    """
    admin = people("admin")
    page = admin.sign_in("admin")
    _fits_a_phone(admin, page, "home")
    admin.follow(page.get_by_role("link", name="Open a new year"))

    # The period: the next one is suggested; a mistake is explained.
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("What is the new period?")
    code = page.get_by_label("What is the new period?")
    expect(code).to_have_value("2004-05")
    code.fill("2004-2005")
    admin.follow(page.get_by_role("button", name="Continue"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(summary).to_contain_text(
        "Enter the period as the two years it spans, like 2027-28"
    )
    _fits_a_phone(admin, page, "code error")
    page.get_by_label("What is the new period?").fill("2004-05")
    admin.follow(page.get_by_role("button", name="Continue"))

    # The dates: April to March, filled in.
    expect(heading).to_have_text("When does 2004-05 start and end?")
    expect(
        page.get_by_role("group", name="Start date").get_by_label("Year")
    ).to_have_value("2004")
    _fits_a_phone(admin, page, "dates")
    admin.follow(page.get_by_role("button", name="Continue"))

    # The deadline, with what is allowed.
    expect(heading).to_have_text("When must returns for 2004-05 be submitted?")
    expect(
        page.get_by_text("to 30 September 2005, 6 months after it ends")
    ).to_be_visible()
    _date(page, "When must returns for 2004-05 be submitted?", "31", "5", "2005")
    _fits_a_phone(admin, page, "deadline")
    admin.follow(page.get_by_role("button", name="Continue"))

    # The framework: a copy, published.
    expect(page.get_by_label("Keep version 1")).to_be_checked()
    page.get_by_label("Copy it to version 2 and publish the copy").check()
    _fits_a_phone(admin, page, "framework")
    admin.follow(page.get_by_role("button", name="Continue"))

    # Check answers, and a change of mind about the deadline.
    expect(heading).to_have_text("Check your answers before opening the period")
    _fits_a_phone(admin, page, "check answers")
    admin.follow(page.get_by_role("link", name="Change the submission deadline"))
    _date(page, "When must returns for 2004-05 be submitted?", "30", "6", "2005")
    admin.follow(page.get_by_role("button", name="Continue"))
    expect(heading).to_have_text("Check your answers before opening the period")
    rows = page.locator(".govuk-summary-list")
    expect(rows).to_contain_text("30 June 2005")
    expect(rows).to_contain_text("version 2: a copy of version 1, published now")
    assert not Period.objects.filter(code="2004-05").exists()
    admin.follow(page.get_by_role("button", name="Open the period"))

    # The periods list.
    expect(heading).to_have_text("Periods")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "2004-05 is open."
    )
    card = page.locator('[data-period="2004-05"]')
    expect(card).to_contain_text("30 June 2005")
    expect(card).to_contain_text(f"{framework.name}, version 2")
    _fits_a_phone(admin, page, "periods")
    copy = Framework.objects.get(name=framework.name, version=2)
    assert list(copy.periods.values_list("code", flat=True)) == ["2004-05"]

    # The deadline moved once more, from the list.
    admin.follow(card.get_by_role("link", name="Change dates of 2004-05"))
    _date(page, "Submission deadline", "15", "7", "2005")
    _fits_a_phone(admin, page, "change dates")
    admin.follow(page.get_by_role("button", name="Continue"))
    expect(page.locator(".govuk-summary-list")).to_contain_text("Was 30 June 2005")
    _fits_a_phone(admin, page, "confirm dates")
    admin.follow(page.get_by_role("button", name="Change the dates"))
    expect(page.locator('[data-period="2004-05"]')).to_contain_text("15 July 2005")

    # The manager starts a return for the new year.
    manager = people("manager")
    page = manager.sign_in("manager_a")
    manager.follow(page.get_by_role("link", name="Alpha Learning", exact=True))
    manager.follow(page.get_by_role("link", name="Start a self-assessment"))
    page.get_by_label("2004-05").check()
    manager.follow(page.get_by_role("button", name="Start the self-assessment"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Self-assessment 2004-05")

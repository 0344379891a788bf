"""The GO officer's year in a real browser: the region's progress on the home
page, three partnerships rated at once (one mistake corrected on the way,
nothing lost), reminders sent after a preview of who gets what, and the
region's pack of development plans built and downloaded."""

from __future__ import annotations

import datetime
import re
import zipfile

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from assessment.models import EngagementRating, Reminder, Return
from assessment.services import return_start
from tests.factories import LearningPartnershipFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def region(cast, partnership_a, region_a, period_2003):
    """2003-04 was due last week. Yorkshire: Alpha has a draft, Charlie has
    submitted, Delta has not started."""
    period_2003.submission_deadline = timezone.localdate() - datetime.timedelta(7)
    period_2003.save()
    return_start(partnership=partnership_a, period=period_2003, user=cast["manager_a"])
    charlie = LearningPartnershipFactory(name="Charlie Learning", region=region_a)
    record = return_start(partnership=charlie, period=period_2003, user=cast["admin"])
    Return.objects.filter(pk=record.pk).update(
        status="submitted", submitted_at=timezone.now()
    )
    delta = LearningPartnershipFactory(name="Delta Learning", region=region_a)
    delta.managers.add(cast["manager_b"])
    return {"alpha": partnership_a, "charlie": charlie, "delta": delta}


def _row(page, name: str):
    """The table row of a partnership (``page`` may be a part of the page)."""
    return page.locator("tbody tr").filter(has_text=name)


def test_go_follows_rates_and_reminds_the_region(people, region, downloads):
    """The GO officer follows the region, rates partnerships and sends reminders.

    Slow: a whole journey in a real Chromium, every page audited.
    """
    go = people("go")
    page = go.sign_in("go_a")

    # Home: the region's progress, each count a way in.
    expect(page.get_by_role("heading", name="Progress in 2003-04")).to_be_visible()
    progress = page.locator(".govuk-summary-list").first
    expect(progress).to_contain_text("Not started")
    expect(
        progress.get_by_role("link", name="1 partnership not started")
    ).to_have_attribute("href", "/dashboard/?period=2003-04&status=not_started")
    expect(progress.get_by_role("link", name="2 partnerships overdue")).to_be_visible()
    go.shot("home")

    # Three partnerships rated on one page; a rationale forgotten first.
    go.follow(page.get_by_role("link", name="Rate partnerships' engagement"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Rate partnerships' engagement with regeneration"
    )
    _row(page, "Alpha Learning").get_by_label("Alpha Learning: 4").check()
    page.get_by_label("Rationale for Alpha Learning's rating").fill(
        "Sits on the regeneration board."
    )
    _row(page, "Charlie Learning").get_by_label("Charlie Learning: 5").check()
    _row(page, "Delta Learning").get_by_label("Delta Learning: 2").check()
    page.get_by_label("Rationale for Delta Learning's rating").fill("Few links yet.")
    go.follow(page.get_by_role("button", name="Save ratings"))

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Give the rationale for Charlie Learning's rating")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert not EngagementRating.objects.exists()
    # Nothing typed was lost.
    expect(page.get_by_label("Rationale for Alpha Learning's rating")).to_have_value(
        "Sits on the regeneration board."
    )
    expect(page.get_by_label("Delta Learning: 2")).to_be_checked()
    go.shot("ratings error")
    summary.get_by_role("link").click()
    charlie = page.get_by_label("Rationale for Charlie Learning's rating")
    expect(charlie).to_be_focused()
    charlie.fill("Leads the learning arm of the LSP.")
    go.follow(page.get_by_role("button", name="Save ratings"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "2003-04 ratings saved for 3 partnerships"
    )
    assert dict(
        EngagementRating.objects.values_list("partnership__name", "rating")
    ) == {"Alpha Learning": 4, "Charlie Learning": 5, "Delta Learning": 2}
    expect(_row(page, "Charlie Learning")).to_contain_text("Rated 5 by")
    go.shot("ratings saved")

    # Reminders: the preview, then the send.
    page = go.goto("/")
    go.follow(page.get_by_role("link", name="Send reminders"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Send reminders")
    preview = page.get_by_role("region", name="Reminders to send")
    expect(_row(preview, "Alpha Learning")).to_contain_text(
        "Self-assessment overdue: Alpha Learning"
    )
    expect(_row(preview, "Delta Learning")).to_contain_text("Not started")
    expect(preview).not_to_contain_text("Charlie Learning")
    go.shot("reminders preview")
    go.follow(page.get_by_role("button", name="Send reminders"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "2 reminders sent about 2003-04"
    )
    log = page.get_by_role("region", name="Reminders sent")
    expect(log).to_contain_text("Alpha Learning")
    expect(log).to_contain_text("Delta Learning")
    expect(page.get_by_text("Already reminded today")).to_have_count(2)
    assert Reminder.objects.filter(sent_by__username="go_a").count() == 2
    assert len(mail.outbox) == 2
    go.shot("reminders sent")

    # The region's pack of development plans, built in the background (at
    # once here) and downloaded.
    page = go.goto("/dashboard/")
    go.follow(page.get_by_role("link", name="Packs of development plans"))
    page.get_by_label("2003-04").check()
    go.follow(page.get_by_role("button", name="Build the pack"))
    link = page.get_by_role("link", name="Download the pack (ZIP)")
    expect(link).to_be_visible()
    go.shot("pack ready")
    with zipfile.ZipFile(go.download(link, downloads)) as archive:
        assert "README.txt" in archive.namelist()

"""The pages of documents made in the background follow the worker without
reloading: static/js/progress.js asks the progress JSON, writes a changed
message into the live region (the same element, so a screen reader reads it
out and stays where it is) and puts the download link in place. Without
script, a link refreshes the page."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect

from reports.models import Pack, SummaryDocument

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

# The script asks every 3 s: a change shows within two rounds.
SOON = 10_000


def _mark_the_page(page) -> None:
    """Marks that a reload would lose: the window, and the live region."""
    page.evaluate(
        "() => { window.notReloaded = true;"
        " document.querySelector('[data-progress-message]').id = 'kept'; }"
    )


def _not_reloaded(page) -> None:
    assert page.evaluate("() => window.notReloaded === true")
    assert page.evaluate("() => document.getElementById('kept') !== null")


def test_the_summary_page_follows_the_worker(people, cast, period_2003):
    go_a = cast["go_a"]
    document = SummaryDocument.objects.create(
        period=period_2003,
        scope="region",
        region=go_a.profile.region,
        title=go_a.profile.region.name,
        fingerprint="x",
        created_by=go_a,
        status="running",
        step=2,
        done=1,
        total=2,
        progress_at=timezone.now(),
    )
    go = people("go")
    go.sign_in("go_a")
    page = go.goto(f"/summaries/{document.pk}/")
    message = page.locator("[data-progress-message]")
    expect(message).to_have_text(
        "Step 2 of 5: drawing the charts, 1 of 2 partnerships."
    )
    expect(message).to_have_attribute("aria-live", "polite")
    # With script, no refresh link: the page keeps itself up to date.
    expect(page.locator("[data-progress-refresh]")).to_be_hidden()
    _mark_the_page(page)

    SummaryDocument.objects.filter(pk=document.pk).update(
        step=4, pages=7, progress_at=timezone.now()
    )
    expect(message).to_have_text(
        "Step 4 of 5: laying out the pages, 7 so far.", timeout=SOON
    )

    document.file.save("summary.pdf", ContentFile(b"%PDF-1.7 made"), save=False)
    SummaryDocument.objects.filter(pk=document.pk).update(
        file=document.file.name,
        status="complete",
        step=5,
        pages=9,
        finished_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    link = page.get_by_role("link", name="Download the summary (PDF)")
    expect(link).to_be_visible(timeout=SOON)
    expect(link).to_have_attribute("href", f"/summaries/{document.pk}/download/")
    expect(message).to_have_text("The summary is ready: 9 pages, 2 partnerships.")
    expect(page.locator("[data-progress-label]")).to_have_text("Ready")
    expect(page.locator("[data-progress-pending]")).to_be_hidden()
    _not_reloaded(page)
    go.check()  # axe-core on the page as the script left it


def test_the_pack_page_follows_the_worker(people, cast, period_2003):
    go_a = cast["go_a"]
    pack = Pack.objects.create(
        period=period_2003,
        region=go_a.profile.region,
        created_by=go_a,
        status="running",
        total=2,
        done=1,
        progress_at=timezone.now(),
    )
    go = people("go")
    go.sign_in("go_a")
    page = go.goto(f"/packs/{pack.pk}/")
    message = page.locator("[data-progress-message]")
    expect(message).to_have_text("1 of 2 development plans made.")
    _mark_the_page(page)

    pack.file.save("pack.zip", ContentFile(b"PK\x05\x06" + bytes(18)), save=False)
    Pack.objects.filter(pk=pack.pk).update(
        file=pack.file.name,
        status="complete",
        done=2,
        finished_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    expect(page.get_by_role("link", name="Download the pack (ZIP)")).to_be_visible(
        timeout=SOON
    )
    expect(message).to_have_text("The pack is ready: 2 of 2 development plans.")
    _not_reloaded(page)
    go.check()


def test_without_script_the_page_offers_a_refresh_link(
    browser, live_server, cast, period_2003
):
    go_a = cast["go_a"]
    pack = Pack.objects.create(
        period=period_2003,
        region=go_a.profile.region,
        created_by=go_a,
        status="running",
        total=2,
        done=1,
        progress_at=timezone.now(),
    )
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Username").fill("go_a")
        page.get_by_label("Password").fill("correct horse battery staple")
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"{live_server.url}/packs/{pack.pk}/")
        refresh = page.get_by_role("link", name="Refresh this page")
        expect(refresh).to_be_visible()
        Pack.objects.filter(pk=pack.pk).update(done=2, status="assembling")
        refresh.click()
        expect(page.locator("[data-progress-message]")).to_have_text(
            "All 2 development plans made: putting the ZIP together."
        )
        assert page.locator("meta[http-equiv=refresh]").count() == 0
    finally:
        context.close()

"""A national administrator's second factor in a real Chromium: the first
password sign-in sets up an authenticator app from the page's secret and
shows the recovery codes; the next asks for the app's code. Every page is
audited and fits a phone."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from .helpers import pass_second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_sets_up_an_app_then_signs_in_with_it(people, cast) -> None:
    """Slow: two sign-ins in a real Chromium, every page audited."""
    admin = people("admin")
    admin.context.set_default_timeout(15_000)
    page = admin.goto("/accounts/login/?next=/partnerships/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("correct horse battery staple")
    admin.follow(page.get_by_role("button", name="Sign in"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Set up your authenticator app"
    )
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    expect(page.locator(".app-qr-code svg")).to_be_visible()
    # The secret is there to type in, behind "I cannot scan the QR code".
    page.get_by_text("I cannot scan the QR code").click()
    expect(page.locator("#authenticator-secret")).to_be_visible()
    admin.check()

    page = pass_second_factor(page, "admin", admin.follow)
    assert page.url.endswith("/partnerships/")
    assert TOTPDevice.objects.filter(user=cast["admin"], confirmed=True).exists()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")
    admin.check()
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("correct horse battery staple")
    admin.follow(page.get_by_role("button", name="Sign in"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    # The app's next code (the one that confirmed it is used up).
    page = pass_second_factor(page, "admin", admin.follow)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Learning Partnerships self-assessment"
    )
    assert page.url == admin.base_url + "/"

"""The API's pages in a real browser: a manager creates a token (GOV.UK
pages, checked by axe-core like every page), then reads the documentation
page, drawn by the service itself under its Content-Security-Policy, also on
a 390 px phone without sideways scrolling."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 390, "height": 844}


WIDER = """() => [...document.querySelectorAll("body *")]
  .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
  .filter((el) => !el.closest(".app-table-scroll"))
  .map((el) => el.tagName + "." + el.className).slice(0, 5)"""


def _no_sideways_scrolling(page) -> None:
    wider = page.evaluate(WIDER)
    assert page.evaluate(
        "() => document.documentElement.scrollWidth <= window.innerWidth"
    ), wider


def test_a_manager_creates_a_token_and_reads_the_documentation(people, cast):
    """Slow: one journey through five pages, each audited by axe-core, the
    documentation page (every endpoint) twice over at two widths."""
    manager = people("manager")
    manager.sign_in("manager_a")
    page = manager.follow(manager.page.get_by_role("link", name="API tokens"))
    page = manager.follow(page.get_by_role("link", name="Create a token"))
    page.get_by_label("Name").fill("Spreadsheet")
    page = manager.follow(page.get_by_role("button", name="Create token"))
    secret = page.get_by_label("Your token").input_value()
    assert secret.startswith("lpsa_")
    expect(page.locator("pre")).to_contain_text(f"Bearer {secret}")
    page.set_viewport_size(PHONE)
    _no_sideways_scrolling(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    page = manager.follow(page.get_by_role("link", name="JSON API"))
    expect(page.get_by_role("heading", name="List partnerships")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Save a manager's answer to one indicator")
    ).to_be_visible()
    expect(page.locator("pre").first).to_contain_text("Authorization: Bearer $TOKEN")
    page.set_viewport_size(PHONE)
    _no_sideways_scrolling(page)

    # The token page lists it, used never, and revokes it.
    page.set_viewport_size({"width": 1280, "height": 900})
    page = manager.goto("/api/tokens/")
    expect(page.get_by_role("cell", name="Spreadsheet", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Never")).to_be_visible()
    page = manager.follow(page.get_by_role("link", name="Revoke Spreadsheet"))
    page = manager.follow(page.get_by_role("button", name="Yes, revoke it"))
    expect(page.get_by_text("Revoked", exact=True)).to_be_visible()

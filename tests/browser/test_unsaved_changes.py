"""Leaving a page with unsaved changes: the browser asks first.

An answer's page opts in (data-warn-unsaved): typing arms the warning, saving
disarms it, and a page left untouched is left without a question.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Dialog, expect

from assessment.models import Answer

from .helpers import answer_ids

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_leaving_typed_answers_asks_first_and_saving_does_not(people, cast, return_a):
    ids = answer_ids(return_a)
    manager = people("manager")
    page = manager.sign_in("manager_a")
    asked: list[str] = []

    def stay(dialog: Dialog) -> None:
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    indicator = f"/returns/{return_a.pk}/dimensions/D1/D1.1/"
    back = page.get_by_role("link", name="Back to D1 Internal partnership arrangements")

    # Untouched: leaving asks nothing.
    manager.goto(indicator)
    manager.follow(back)
    assert asked == []
    expect(page.locator("#indicator-D1\\.1-status")).to_have_text("Not yet started")

    # Typed: leaving asks, and staying keeps what was typed.
    manager.goto(indicator)
    evidence = page.locator(f"#id_evidence-{ids['D1.1']}")
    evidence.fill("Minutes of the May meeting.")
    back.click()
    page.wait_for_timeout(300)
    assert asked == ["beforeunload"]
    assert page.url.endswith(indicator)
    expect(evidence).to_have_value("Minutes of the May meeting.")

    # Saved: the next page comes without a question.
    manager.follow(page.get_by_role("button", name="Save and continue"))
    assert asked == ["beforeunload"]
    assert page.url.endswith(f"/returns/{return_a.pk}/dimensions/D1/D1.2/")
    assert Answer.objects.get(pk=ids["D1.1"]).evidence == "Minutes of the May meeting."

    # A choice counts as typing too: a score picked, then the page left.
    page.locator(f'label[for="id_score-{ids["D1.2"]}_2"]').click()
    page.get_by_role(
        "link", name="Back to D1 Internal partnership arrangements"
    ).click()
    page.wait_for_timeout(300)
    assert asked == ["beforeunload", "beforeunload"]
    assert page.url.endswith(f"/returns/{return_a.pk}/dimensions/D1/D1.2/")

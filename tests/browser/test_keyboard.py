"""Journey 4: sign in and answer indicators with the keyboard alone.

Only Tab, Shift+Tab, Enter and Space (and typing into the boxes): no click.
Every stop of the focus must be drawn in the GOV.UK focus colour, and the
controls must be reached in the order of the page.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from assessment.models import Answer
from indicators.models import Indicator

from .conftest import Person
from .helpers import answer_ids

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


class Keyboard:
    """Moves the focus of one person's page and keeps every stop."""

    def __init__(self, person: Person) -> None:
        self.person = person
        self.stops: list[dict] = []

    def press(self, key: str) -> dict:
        self.person.page.keyboard.press(key)
        focused = self.person.focused()
        self.stops.append(focused)
        described = (
            f"{key} to <{focused['tag']} id={focused['id']!r} "
            f"name={focused['name']!r}> {focused['text']!r}"
        )
        assert focused["onScreen"], f"{described}: focus on nothing visible"
        if focused["tag"] not in ("body", "main"):
            assert focused["visible"], f"{described}: no visible focus indicator"
        return focused

    def tab(self) -> dict:
        return self.press("Tab")

    def back(self) -> dict:
        return self.press("Shift+Tab")

    def tab_to(self, wanted: Callable[[dict], bool], limit: int = 40) -> dict:
        for _ in range(limit):
            focused = self.tab()
            if wanted(focused):
                return focused
        raise AssertionError(
            f"{limit} presses of Tab never reached it; stops: "
            + ", ".join(
                f"{s['tag']}#{s['id']} {s['text']!r}" for s in self.stops[-limit:]
            )
        )

    def type(self, text: str) -> None:
        self.person.page.keyboard.type(text)


def test_sign_in_and_answer_indicators_with_the_keyboard_alone(people, cast, return_a):
    ids = answer_ids(return_a)
    person = people("keyboard")
    keys = Keyboard(person)
    page = person.goto("/accounts/login/")

    # The sign-in form: the username box has the focus from the start.
    assert person.focused()["id"] == "id_username"
    assert person.focused()["visible"]
    keys.type("manager_a")
    assert keys.tab()["id"] == "id_password"
    keys.type("correct horse battery staple")
    assert keys.tab()["text"] == "Sign in"
    person.follow(None, key="Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Learning Partnerships self-assessment"
    )

    # Home: the skip link comes first and takes the focus past the menu to
    # the main content, whose first link continues the open self-assessment.
    assert keys.tab()["text"] == "Skip to main content"
    keys.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"
    assert " ".join(keys.tab()["text"].split()) == (
        "Continue the self-assessment 2003-04"
    )
    person.follow(None, key="Enter")

    # The task list, through the header and the menu, in order.
    start = len(keys.stops)
    keys.tab_to(lambda f: f["text"].startswith("D1 "))
    texts = [stop["text"] for stop in keys.stops[start:]]
    assert texts[texts.index("Skip to main content") + 1] == "Learning Partnerships"
    assert texts.index("Home") < texts.index("Notifications") < texts.index("Sign out")
    person.follow(None, key="Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "D1 Internal partnership arrangements"
    )

    codes = sorted(code for code in ids if code.startswith("D1."))
    guided = {
        i.code
        for i in Indicator.objects.filter(code__in=codes)
        if i.guidance or i.evidence_examples
    }

    # The dimension's page: its indicators, then the button that starts them.
    start = len(keys.stops)
    keys.tab_to(lambda f: f["text"].startswith("Start"))
    texts = [stop["text"] for stop in keys.stops[start:]]
    assert [t.split(" ")[0] for t in texts if t.startswith("D1.")] == codes
    person.follow(None, key="Enter")

    # Each indicator's page: open "How to score" with Enter, score with Space,
    # then evidence, barriers, planned action and the file, in that order;
    # Enter on Save and continue goes to the next.
    for code in codes[:2]:
        pk = ids[code]
        expect(page.get_by_role("heading", level=1)).to_contain_text(code)
        start = len(keys.stops)
        keys.tab_to(lambda f: f["text"] == "How to score")
        before = [s["tag"] for s in keys.stops[start:-1]]
        # A guided indicator's guidance comes first.
        assert ("summary" in before) == (code in guided)
        keys.press("Enter")
        expect(page.locator("details[open] .govuk-details__text").last).to_be_visible()
        assert keys.tab()["id"] == f"id_score-{pk}_0"
        keys.press("Space")
        expect(page.locator(f"#id_score-{pk}_0")).to_be_checked()
        assert keys.tab()["id"] == f"id_evidence-{pk}"
        keys.type(f"Evidence for {code}, typed.")
        # The kinds of impact and added value beside the evidence, one stop
        # each, then the barriers and the kinds of barrier beside them.
        start = len(keys.stops)
        keys.tab_to(lambda f, pk=pk: f["id"] == f"id_barriers-{pk}")
        beside_evidence = [stop["id"] for stop in keys.stops[start:-1]]
        assert beside_evidence
        assert all(
            stop.startswith(("id_categories-impact-", "id_categories-added_value-"))
            for stop in beside_evidence
        )
        start = len(keys.stops)
        keys.tab_to(lambda f, pk=pk: f["id"] == f"id_planned_action-{pk}")
        beside_barriers = [stop["id"] for stop in keys.stops[start:-1]]
        assert beside_barriers
        assert all(
            stop.startswith("id_categories-barriers-") for stop in beside_barriers
        )
        assert keys.tab()["id"] == f"id_attachment-{pk}"
        # The buttons, forwards and back.
        assert keys.tab()["text"] == "Save and continue"
        assert keys.tab()["text"] == "Save and come back later"
        assert keys.back()["text"] == "Save and continue"
        if code == codes[0]:
            person.follow(None, key="Enter")
        else:
            # Space presses the second.
            assert keys.tab()["text"] == "Save and come back later"
            person.follow(None, key="Space")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Your answer to {codes[1]} has been saved."
    )
    expect(page.locator("#task-D1-status")).to_have_text("In progress")
    person.shot("saved with the keyboard")

    saved = Answer.objects.filter(
        return_record=return_a, indicator__code__in=codes[:2]
    ).values_list("indicator__code", "score", "evidence")
    assert sorted(saved) == [
        (code, 1, f"Evidence for {code}, typed.") for code in codes[:2]
    ]

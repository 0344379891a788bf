"""The manager ticks categories beside an answer's free text: saved with the
answer through its page, refused when they are not the framework's, noted in
the answer's history, carried forward with last year's text, shown where the
answer is read."""

from __future__ import annotations

import pytest

from assessment.models import Answer
from assessment.services import return_start
from indicators.models import Category
from indicators.services import framework_import
from tests.assessment.helpers import answer, form_data, indicator_url
from tests.indicators.test_frameworks import SMALL


def category(code: str, framework=None) -> Category:
    found = Category.objects.filter(code=code)
    if framework is not None:
        found = found.filter(category_list__framework=framework)
    return found.get()


def post_with(client, return_record, code, **ticked):
    """Post the indicator's page as opened now, with the categories ticked by
    kind (barriers=[...], impact=[...])."""
    item = answer(return_record, code)
    data = form_data([item], {code: {"score": 2}})
    for kind, values in ticked.items():
        data[f"categories-{kind}-{item.pk}"] = values
    return client.post(indicator_url(return_record, code), data)


def ticked(return_record, code) -> set[str]:
    return set(answer(return_record, code).categories.values_list("code", flat=True))


def test_the_page_offers_the_lists_as_checkboxes(client_as, return_a):
    html = client_as("manager_a").get(indicator_url(return_a, "D1.1")).text
    assert "Kinds of barrier" in html
    assert 'type="checkbox"' in html
    assert "Competition and self-interest between providers" in html
    assert "On partner organisations" in html
    assert "A review of gaps and duplication in provision" in html
    # Impact and added value beside the evidence, the barriers beside theirs.
    assert (
        html.index("Evidence</label>")
        < html.index("On learners")
        < html.index("Barriers</label>")
        < html.index("Funding streams")
    )


def test_ticking_saves_the_categories(client_as, return_a):
    client = client_as("manager_a")
    funding = category("funding_streams")
    learners = category("learners")
    response = post_with(
        client, return_a, "D1.1", barriers=[funding.pk], impact=[learners.pk]
    )
    assert response.status_code == 302
    assert ticked(return_a, "D1.1") == {"funding_streams", "learners"}
    # Shown ticked when the page is opened again.
    html = client.get(indicator_url(return_a, "D1.1")).text
    assert f'value="{funding.pk}" checked' in html
    # Unticking every box clears them.
    post_with(client, return_a, "D1.1")
    assert ticked(return_a, "D1.1") == set()


def test_the_change_is_in_the_answers_history(client_as, return_a):
    post_with(
        client_as("manager_a"),
        return_a,
        "D1.1",
        barriers=[category("llsc").pk, category("competition").pk],
    )
    latest = answer(return_a, "D1.1").history.first()
    assert latest.history_change_reason == (
        "Categories: The local LSC; Competition and self-interest between providers"
    )
    page = client_as("manager_a").get(f"/returns/{return_a.pk}/history/").text
    assert "<strong>Categories</strong>" in page
    assert "The local LSC; Competition and self-interest between providers" in page


@pytest.mark.parametrize("value", ["999999", "funding", ""])
def test_unknown_categories_are_refused(client_as, return_a, value):
    response = post_with(client_as("manager_a"), return_a, "D1.1", barriers=[value])
    assert response.status_code == 200
    assert "Select barriers for D1.1 from the list" in response.text
    assert answer(return_a, "D1.1").score is None


def test_a_category_of_another_list_or_framework_is_refused(client_as, return_a):
    other = framework_import(
        text=SMALL + "categories:\n  barriers:\n    - code: llsc\n      name: LLSC\n"
    )
    foreign = category("llsc", framework=other)
    learners = category("learners", framework=return_a.framework)
    client = client_as("manager_a")
    for data in ({"barriers": [foreign.pk]}, {"barriers": [learners.pk]}):
        response = post_with(client, return_a, "D1.1", **data)
        assert response.status_code == 200
        assert "Select barriers for D1.1 from the list" in response.text
    assert ticked(return_a, "D1.1") == set()


def test_carried_forward_with_last_years_text(
    client_as, partnership_a, manager_a, period_2002, period_2003
):
    last = return_start(partnership=partnership_a, period=period_2002, user=manager_a)
    Answer.objects.filter(return_record=last, indicator__code="D2.1").update(
        barriers="The college will not share data."
    )
    answer(last, "D2.1").categories.set(
        [category("competition"), category("partner_organisations")]
    )
    this_year = return_start(
        partnership=partnership_a,
        period=period_2003,
        user=manager_a,
        carry_forward=True,
    )
    assert ticked(this_year, "D2.1") == {"competition", "partner_organisations"}
    assert ticked(this_year, "D2.2") == set()


def test_shown_on_check_answers_and_the_return_pdf(client_as, return_a):
    client = client_as("manager_a")
    post_with(client, return_a, "D1.1", barriers=[category("funding_streams").pk])
    check = client.get(f"/returns/{return_a.pk}/check/").text
    assert "Funding streams" in check
    document = client.get(f"/returns/{return_a.pk}/document/").text
    assert "Funding streams" in document


def test_the_service_refuses_another_frameworks_category(return_a, manager_a):
    from django.core.exceptions import ValidationError

    from assessment.services import answer_save

    other = framework_import(
        text=SMALL + "categories:\n  barriers:\n    - code: llsc\n      name: LLSC\n"
    )
    item = answer(return_a, "D1.1")
    values = {"score": None, "evidence": "", "barriers": "", "planned_action": ""}
    with pytest.raises(ValidationError) as refused:
        answer_save(
            return_record=return_a,
            answer=item,
            values=values,
            version=item.version,
            user=manager_a,
            categories=[category("llsc", framework=other)],
        )
    assert "this indicator's framework" in str(refused.value)
    assert ticked(return_a, "D1.1") == set()


def test_categories_changed_by_someone_else_are_a_conflict(client_as, return_a):
    client = client_as("manager_a")
    item = answer(return_a, "D1.1")
    opened = form_data([item], {"D1.1": {"score": 2}})
    # Someone else ticks a category and saves first.
    post_with(client, return_a, "D1.1", barriers=[category("llsc").pk])
    opened[f"categories-barriers-{item.pk}"] = [category("funding_streams").pk]
    response = client.post(indicator_url(return_a, "D1.1"), opened)
    assert response.status_code == 200
    assert "Someone else saved this indicator" in response.text
    assert ticked(return_a, "D1.1") == {"llsc"}

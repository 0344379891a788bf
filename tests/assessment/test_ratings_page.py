"""Several partnerships rated on one page: the GO officer's region in one
table, one save keeping only the rows that changed, errors per row with
nothing lost."""

from __future__ import annotations

import html
import re

import pytest

from assessment.models import EngagementRating
from assessment.services import rating_save
from tests.factories import LearningPartnershipFactory

URL = "/ratings/2003-04/"


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


@pytest.fixture
def region(cast, partnership_a, partnership_b, period_2003, region_a):
    """Yorkshire: Alpha (rated 3 already), Charlie and Delta (not rated), and
    an inactive one; Bravo is elsewhere."""
    charlie = LearningPartnershipFactory(name="Charlie Learning", region=region_a)
    delta = LearningPartnershipFactory(name="Delta Learning", region=region_a)
    LearningPartnershipFactory(name="Gone Learning", region=region_a, is_active=False)
    rating_save(
        partnership=partnership_a,
        period=period_2003,
        user=cast["go_a"],
        rating=3,
        rationale="Some agencies.",
    )
    return {"alpha": partnership_a, "charlie": charlie, "delta": delta}


def row(partnership, rating=None, rationale=""):
    data = {f"p{partnership.pk}-rationale": rationale}
    if rating is not None:
        data[f"p{partnership.pk}-rating"] = str(rating)
    return data


def page_post(region, **rows):
    """What the browser posts: every row as it stands, changed or not."""
    data = {
        **row(region["alpha"], 3, "Some agencies."),
        **row(region["charlie"]),
        **row(region["delta"]),
    }
    for name, values in rows.items():
        data |= row(region[name], *values)
    return data


def test_the_page_lists_the_region_with_current_ratings(
    client_as, region, django_assert_max_num_queries
):
    client = client_as("go_a")
    # session, user with their profile, period, partnerships, ratings (with who rated)
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert response.status_code == 200
    page = text(response)
    names = re.findall(r'href="/partnerships/\d+/">([^<]+)</a>', response.text)
    assert names == ["Alpha Learning", "Charlie Learning", "Delta Learning"]
    assert "Rated 3 by" in page
    assert page.count("Not rated yet") == 2
    alpha = region["alpha"].pk
    assert (
        f'id="id_p{alpha}-rating_2" name="p{alpha}-rating" type="radio" '
        'value="3" checked' in response.text
    )
    assert "Rating of Alpha Learning" in page
    assert (
        '<label class="govuk-label govuk-visually-hidden" '
        f'for="id_p{alpha}-rationale">Rationale for Alpha Learning' in response.text
    )


def test_the_query_count_does_not_grow_with_the_region(
    client_as, region, region_a, django_assert_max_num_queries
):
    for number in range(10):
        LearningPartnershipFactory(name=f"More {number}", region=region_a)
    client = client_as("go_a")
    with django_assert_max_num_queries(8):
        assert client.get(URL).status_code == 200


def test_one_save_rates_three_and_keeps_the_unchanged(client_as, region, partnership_a):
    before = EngagementRating.objects.get(partnership=partnership_a)
    response = client_as("go_a").post(
        URL,
        page_post(
            region,
            alpha=(4, "More agencies now."),
            charlie=(5, "Leads the regeneration board."),
            delta=(2, "Few links."),
        ),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == URL
    page = text(response)
    assert (
        "2003-04 ratings saved for 3 partnerships: Alpha Learning, Charlie "
        "Learning, Delta Learning." in page
    )
    ratings = {
        r.partnership.name: (r.rating, r.rationale, r.rated_by.username)
        for r in EngagementRating.objects.select_related("partnership", "rated_by")
    }
    assert ratings == {
        "Alpha Learning": (4, "More agencies now.", "go_a"),
        "Charlie Learning": (5, "Leads the regeneration board.", "go_a"),
        "Delta Learning": (2, "Few links.", "go_a"),
    }
    # Alpha's rating was changed, not made again: its history has both.
    assert EngagementRating.objects.get(partnership=partnership_a).pk == before.pk
    assert before.history.count() == 2


def test_only_changed_rows_are_saved(client_as, region, partnership_a):
    alpha = EngagementRating.objects.get(partnership=partnership_a)
    response = client_as("go_a").post(
        URL, page_post(region, charlie=(4, "Effective.")), follow=True
    )
    assert "2003-04 rating saved for 1 partnership: Charlie Learning." in text(response)
    assert EngagementRating.objects.get(partnership=partnership_a).rated_at == (
        alpha.rated_at
    )
    assert EngagementRating.objects.count() == 2


def test_nothing_changed_saves_nothing(client_as, region):
    response = client_as("go_a").post(URL, page_post(region), follow=True)
    assert "Nothing had changed, so no rating was saved." in text(response)
    assert EngagementRating.objects.count() == 1


def test_errors_are_shown_per_row_and_nothing_is_lost(client_as, region):
    charlie, delta = region["charlie"].pk, region["delta"].pk
    response = client_as("go_a").post(
        URL,
        page_post(
            region,
            alpha=(5, ""),
            charlie=(None, "Typed but no rating."),
            delta=(2, "Fine."),
        ),
    )
    assert response.status_code == 200
    page = text(response)
    assert "There is a problem No rating was saved." in page
    assert f'href="#id_p{region["alpha"].pk}-rationale"' in response.text
    assert "Give the rationale for Alpha Learning's rating" in page
    assert f'href="#id_p{charlie}-rating_0"' in response.text
    assert "Select a rating between 1 and 5 for Charlie Learning" in page
    assert "between 1 and 5 for Delta" not in page
    assert "the rationale for Delta" not in page
    # What was typed is still there, Delta's valid row too.
    assert "Typed but no rating.</textarea>" in response.text
    assert (
        f'id="id_p{delta}-rating_3" name="p{delta}-rating" type="radio" '
        'value="2" checked' in response.text
    )
    assert EngagementRating.objects.count() == 1
    assert response["Content-Type"].startswith("text/html")
    assert "<title>Error: " in response.text


def test_a_rating_out_of_range_is_refused(client_as, region):
    response = client_as("go_a").post(URL, page_post(region, delta=(9, "Too high.")))
    assert "Select a rating between 1 and 5 for Delta Learning" in text(response)
    assert EngagementRating.objects.count() == 1


def test_rows_outside_the_region_are_ignored(client_as, region, partnership_b):
    data = page_post(region) | row(partnership_b, 5, "Not mine.")
    client_as("go_a").post(URL, data)
    assert not EngagementRating.objects.filter(partnership=partnership_b).exists()


def test_an_administrator_rates_england(client_as, region, partnership_b):
    page = text(client_as("admin").get(URL))
    assert "Bravo Learning" in page


@pytest.mark.parametrize("who", ["manager_a", "officer_a"])
def test_others_may_not_rate(client_as, region, who):
    client = client_as(who)
    assert client.get(URL).status_code == 403
    data = page_post(region, charlie=(5, "No."))
    assert client.post(URL, data).status_code == 403
    assert EngagementRating.objects.count() == 1


def test_an_unknown_period_is_a_404(client_as, region):
    assert client_as("go_a").get("/ratings/1999-00/").status_code == 404

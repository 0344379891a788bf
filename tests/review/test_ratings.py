"""The Government Office's 1-5 engagement rating of a partnership, per period."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from assessment.models import EngagementRating
from assessment.services import rating_save

from .helpers import text


def rating_url(partnership, code: str = "2003-04") -> str:
    return f"/partnerships/{partnership.pk}/ratings/{code}/"


RATIONALE = "Sits on the LSP board and runs the neighbourhood learning project."


def test_go_officer_rates_a_partnership(client_as, partnership_a, period_2003, go_a):
    client = client_as("go_a")
    page = client.get(rating_url(partnership_a))
    assert page.status_code == 200
    html = page.content.decode()
    assert [
        v for v in "54321" if f'name="rating" type="radio" value="{v}"' in html
    ] == [*"54321"]

    response = client.post(
        rating_url(partnership_a), {"rating": 4, "rationale": RATIONALE}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/partnerships/{partnership_a.pk}/"
    rating = EngagementRating.objects.get()
    assert (rating.partnership, rating.period, rating.rating, rating.rationale) == (
        partnership_a,
        period_2003,
        4,
        RATIONALE,
    )
    assert rating.rated_by == go_a

    profile = text(client.get(response["Location"]))
    assert "2003-04 4: effectively engaged with regeneration agencies" in profile
    assert RATIONALE in profile
    assert f"Rated by {go_a.get_full_name()}" in profile
    assert "Not rated yet" not in profile


def test_profile_before_any_rating(client_as, partnership_a, period_2003):
    assert "Not rated yet." in text(
        client_as("go_a").get(f"/partnerships/{partnership_a.pk}/")
    )


def test_profile_shows_ratings_to_others_in_scope(
    client_as, partnership_a, period_2003, go_a
):
    rating_save(
        partnership=partnership_a,
        period=period_2003,
        user=go_a,
        rating=2,
        rationale=RATIONALE,
    )
    for name in ("manager_a", "officer_a", "admin"):
        page = text(client_as(name).get(f"/partnerships/{partnership_a.pk}/"))
        assert "2: engagement with regeneration agencies is limited" in page, name


def test_updating_keeps_one_row(client_as, partnership_a, period_2003, period_2002):
    client = client_as("go_a")
    client.post(rating_url(partnership_a), {"rating": 2, "rationale": "First view"})
    page = client.get(rating_url(partnership_a))
    assert 'value="2" checked' in page.content.decode()
    assert "First view" in text(page)
    client.post(rating_url(partnership_a), {"rating": 5, "rationale": "Second view"})
    assert list(EngagementRating.objects.values_list("rating", "rationale")) == [
        (5, "Second view")
    ]
    # Another period is another row.
    client.post(
        rating_url(partnership_a, "2002-03"), {"rating": 3, "rationale": "Earlier"}
    )
    assert sorted(EngagementRating.objects.values_list("period__code", "rating")) == [
        ("2002-03", 3),
        ("2003-04", 5),
    ]
    profile = text(client.get(f"/partnerships/{partnership_a.pk}/"))
    # Newest period first.
    assert profile.index("2003-04 5: very effectively") < profile.index(
        "2002-03 3: engaged with some"
    )


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"rationale": RATIONALE}, "Select a rating from 1 to 5"),
        ({"rating": 0, "rationale": RATIONALE}, "Select a valid choice"),
        ({"rating": 6, "rationale": RATIONALE}, "Select a valid choice"),
        ({"rating": "four", "rationale": RATIONALE}, "Select a valid choice"),
        ({"rating": 3}, "Give the rationale for the rating"),
        ({"rating": 3, "rationale": "   "}, "Give the rationale for the rating"),
    ],
)
def test_invalid_rating_refused(client_as, partnership_a, period_2003, data, error):
    response = client_as("go_a").post(rating_url(partnership_a), data)
    assert response.status_code == 200
    page = text(response)
    assert "There is a problem" in page
    assert error in page
    assert not EngagementRating.objects.exists()


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("go_elsewhere", 404),
        ("manager_b", 404),
        ("officer_elsewhere", 404),
        ("manager_a", 403),
        ("officer_a", 403),
    ],
)
def test_who_may_rate(client_as, partnership_a, period_2003, name, status):
    client = client_as(name)
    assert client.get(rating_url(partnership_a)).status_code == status
    response = client.post(rating_url(partnership_a), {"rating": 5, "rationale": "x"})
    assert response.status_code == status
    assert not EngagementRating.objects.exists()


def test_admin_may_rate(client_as, partnership_b, period_2003):
    response = client_as("admin").post(
        rating_url(partnership_b), {"rating": 1, "rationale": "Hardly engaged"}
    )
    assert response.status_code == 302
    assert EngagementRating.objects.get().partnership == partnership_b


def test_unknown_period_is_404(client_as, partnership_a, period_2003):
    assert (
        client_as("go_a").get(rating_url(partnership_a, "1999-00")).status_code == 404
    )


def test_rate_links_only_for_raters(client_as, partnership_a, return_a):
    link = f'href="{rating_url(partnership_a)}"'
    go = client_as("go_a").get(f"/partnerships/{partnership_a.pk}/")
    assert link in go.content.decode()
    manager = client_as("manager_a").get(f"/partnerships/{partnership_a.pk}/")
    assert link not in manager.content.decode()


@pytest.mark.parametrize("value", [0, 6])
def test_service_refuses_a_rating_off_the_scale(
    partnership_a, period_2003, go_a, value
):
    with pytest.raises(ValidationError) as error:
        rating_save(
            partnership=partnership_a,
            period=period_2003,
            user=go_a,
            rating=value,
            rationale=RATIONALE,
        )
    assert "rating" in error.value.message_dict
    assert not EngagementRating.objects.exists()


def test_service_updates_in_place(partnership_a, period_2003, go_a, admin):
    first = rating_save(
        partnership=partnership_a,
        period=period_2003,
        user=go_a,
        rating=3,
        rationale="a",
    )
    second = rating_save(
        partnership=partnership_a,
        period=period_2003,
        user=admin,
        rating=4,
        rationale="  b  ",
    )
    assert second.pk == first.pk
    stored = EngagementRating.objects.get()
    assert (stored.rating, stored.rationale, stored.rated_by) == (4, "b", admin)

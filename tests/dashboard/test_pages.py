"""The /dashboard/ page: who may see it, what each sees, bad filters, the
chart and the heatmap."""

from __future__ import annotations

import html
import re

import pytest
from django.conf import settings
from django.shortcuts import resolve_url

from partnerships.models import LearningPartnership
from tests.review.helpers import table, text

URL = "/dashboard/"
CAPTION = "Scores of each partnership in 2003-04"

ALL = [
    "Aire Partnership",
    "Alpha Learning",
    "Bravo Learning",
    "Calder Partnership",
    "Derwent Partnership",
    "Esk Partnership",
    "Tees Partnership",
    "Wear Partnership",
]


NAME = re.compile(r'<tr><th scope="row"><a href="[^"]*" id="n\d+">([^<]*)</a>')


def heatmap_rows(response, caption: str = CAPTION) -> list[list[str]]:
    """The heatmap's body rows (below its two header rows), each led by the
    partnership's name alone (its cell also holds the row's links)."""
    rows = table(response, caption)[2:]
    names = [html.unescape(n) for n in NAME.findall(response.content.decode())]
    if rows == [["No partnerships match the filters."]]:
        rows = []
    assert len(names) == len(rows)
    return [[name, *row[1:]] for name, row in zip(names, rows, strict=True)]


@pytest.fixture
def seen(client_as, region_set):
    """The partnership names in the heatmap of the page as the named user sees it."""

    def names(who: str, query: str = "") -> list[str]:
        response = client_as(who).get(URL + query)
        assert response.status_code == 200
        return [row[0] for row in heatmap_rows(response)]

    return names


def test_go_officer_sees_only_their_region(seen):
    assert seen("go_a") == [
        "Aire Partnership",
        "Alpha Learning",
        "Calder Partnership",
        "Derwent Partnership",
        "Esk Partnership",
    ]


def test_go_elsewhere_sees_only_their_region(seen):
    assert seen("go_elsewhere") == [
        "Bravo Learning",
        "Tees Partnership",
        "Wear Partnership",
    ]


def test_llsc_officer_sees_only_their_area(seen):
    assert seen("officer_a") == [
        "Aire Partnership",
        "Alpha Learning",
        "Calder Partnership",
    ]


def test_admin_sees_all(seen):
    assert seen("admin") == ALL


@pytest.mark.parametrize("who", ["manager_a", "manager_b", "no_role"])
def test_others_are_forbidden(client_as, region_set, who):
    response = client_as(who).get(URL)
    assert response.status_code == 403
    assert "Aire Partnership" not in response.content.decode()


def test_anonymous_is_sent_to_sign_in(anonymous, region_set):
    response = anonymous.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    assert "next=/dashboard/" in response["Location"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?period=9999-00", "There is no such period: showing the latest"),
        ("?region=abc", "There is no such region: showing all"),
        ("?region=999999", "There is no such region: showing all"),
        ("?llsc=abc", "There is no such local LSC: showing all"),
        ("?status=bogus", "There is no such status: showing all"),
        ("?structure_model=castle", "There is no such structure model: showing all"),
    ],
)
def test_bad_filters_are_reported_not_500(client_as, region_set, query, message):
    response = client_as("go_a").get(URL + query)
    assert response.status_code == 200
    assert message in text(response)
    # The bad filter is ignored: the latest period, all of go_a's partnerships.
    assert len(heatmap_rows(response)) == 5


def test_bad_filter_does_not_drop_the_good_ones(seen):
    assert seen("go_a", "?status=bogus&structure_model=shire") == [
        "Calder Partnership",
        "Derwent Partnership",
    ]


def test_filters_narrow_the_page(seen, region_set):
    assert seen("go_a", f"?llsc={region_set.llsc_a.pk}") == [
        "Aire Partnership",
        "Alpha Learning",
        "Calder Partnership",
    ]
    assert seen("go_a", "?status=not_started") == ["Alpha Learning", "Esk Partnership"]
    assert seen("go_a", "?funded_lsp=on") == ["Aire Partnership"]


def test_period_filter_changes_the_period(client_as, region_set):
    response = client_as("go_a").get(URL + "?period=2002-03")
    assert response.status_code == 200
    rows = heatmap_rows(response, "Scores of each partnership in 2002-03")
    aire = next(r for r in rows if r[0] == "Aire Partnership")
    assert aire[2:10] == ["2.0", "not reviewed"] * 4


def test_chart_is_inline_svg_with_role_img(client_as, region_set):
    response = client_as("go_a").get(URL)
    body = response.content.decode()
    svg = re.search(r"<svg\b[^>]*>", body)
    assert svg is not None
    assert 'role="img"' in svg.group(0)
    assert 'aria-label="Median score by dimension, 2003-04"' in svg.group(0)
    assert "<script" not in body.split("<svg", 1)[1].split("</svg>", 1)[0]
    # The text alternative carries the numbers.
    # Aire and Calder: Derwent's draft is not the GO officer's to read.
    assert (
        "Median of the selected partnerships: D1 2.00, D2 2.50, D3 2.50, D4 2.50"
        in text(response)
    )
    assert "Median in England: D1 3.00, D2 2.00, D3 4.00, D4 3.00" in text(response)
    # Legends are whole: pygal cuts long ones with an ellipsis unless told.
    assert "…" not in response.content.decode()


def test_heatmap_cells_carry_the_numbers(client_as, region_set):
    response = client_as("go_a").get(URL)
    rows = {row[0]: row for row in heatmap_rows(response)}
    assert rows["Aire Partnership"] == [
        "Aire Partnership",
        "Accepted",
        *("2.3", "1.0", "3.0", "3.0", "3.0", "4.0", "4.0", "3.0"),
        "2.75 Significant progress",
        "+0.75",
        "4",
    ]
    # A missing score says what it means to a screen reader.
    assert rows["Calder Partnership"] == [
        "Calder Partnership",
        "Submitted",
        *("3.0", "not reviewed", "2.0", "not reviewed"),
        *("1.0", "not reviewed", "2.0", "not reviewed"),
        "2.00 Developing",
        "-1.00",
        "Not rated",
    ]
    assert rows["Esk Partnership"][1:13] == [
        "Not started",
        *["no score", "not reviewed"] * 4,
        "no score",
        "no change to show",
        "Not rated",
    ]
    # The local agreement and LSP recognition are counted below the table
    # and given on each partnership's page.
    assert len(rows["Esk Partnership"]) == 13
    # Each cell is coloured by its own number.
    body = response.content.decode()
    aire_row = body.split("Aire Partnership</a>", 1)[1].split("</tr>", 1)[0]
    assert re.findall(r"app-heat-\w+", aire_row)[:4] == [
        "app-heat-2",
        "app-heat-1",
        "app-heat-3",
        "app-heat-3",
    ]


def test_key_figures_and_barriers_on_the_page(client_as, region_set):
    page = text(client_as("go_a").get(URL + f"?llsc={region_set.llsc_a.pk}"))
    # Aire, Alpha (informal), Calder: 1 of 3 learning arm, 2 of 3 lead.
    assert "33% formally the learning arm" in page
    assert "67% recognised as lead agency" in page
    # The categories named, not the free text: Aire ticked funding streams,
    # one of the two partnerships shown with a submitted return.
    assert "Of the 2 partnerships shown with a submitted return" in page
    assert "Funding streams 1 50%" in page
    assert "Funding (4 indicators)" not in page
    assert "Transport" not in page


def test_a_partnership_of_the_regional_view_has_its_radar(region_set, client_as):
    aire = LearningPartnership.objects.get(name="Aire Partnership")
    response = client_as("go_a").get(
        f"/dashboard/partnerships/{aire.pk}/", {"period": "2003-04"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="img"' in page
    assert "Median of the selected partnerships" in page
    assert (
        client_as("go_elsewhere").get(f"/dashboard/partnerships/{aire.pk}/").status_code
        == 404
    )
    assert (
        client_as("manager_a").get(f"/dashboard/partnerships/{aire.pk}/").status_code
        == 403
    )


def test_every_id_on_the_page_is_unique(client_as, region_set):
    """The median and trend charts share the page: no id may repeat (pygal
    numbers its legend entries from 0 in each chart)."""
    response = client_as("go_a").get(URL)
    page = response.content.decode()
    assert page.count("<svg") >= 2
    ids = re.findall(r'\sid="([^"]+)"', page)
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    assert repeated == []

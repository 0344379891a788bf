"""The pages, through the test client, for every member of the cast."""

from __future__ import annotations

import re
from typing import Any
from unittest import mock

import factory
import pytest
from django.db import DatabaseError, OperationalError, connection
from django.urls import reverse

from partnerships.models import (
    AgreementStatus,
    LearningPartnership,
    LLSCRelationship,
    LSPRelationship,
    MemberOrganisation,
    Recognition,
    Sector,
    StructureModel,
)
from tests.conftest import CAST
from tests.factories import LearningPartnershipFactory, LSPFactory

EDIT_PAGES = [
    "edit",
    "member_add",
    "member_edit",
    "member_delete",
    "llsc_add",
    "llsc_edit",
    "llsc_delete",
    "lsp_add",
    "lsp_edit",
    "lsp_delete",
]
ALL_PAGES = ["list", "detail", *EDIT_PAGES]

CAN_SEE_A = ["manager_a", "officer_a", "go_a", "admin"]
CANNOT_SEE_A = ["manager_b", "officer_elsewhere", "go_elsewhere", "no_role"]
CAN_EDIT_A = ["manager_a", "admin"]
READ_ONLY_ON_A = ["officer_a", "go_a"]
# The local LSC links are changed by national administrators and by the LLSC
# officer of the link's LSC (officer_a's is already linked to A, so officer_a
# cannot link it again); the manager sees them read-only.
LINK_PAGES = ["llsc_add", "llsc_edit", "llsc_delete"]
MAY = {
    **{page: CAN_EDIT_A for page in EDIT_PAGES if page not in LINK_PAGES},
    "llsc_add": ["admin"],
    "llsc_edit": ["admin", "officer_a"],
    "llsc_delete": ["admin", "officer_a"],
}
MAY_CASES = [(name, page) for page in EDIT_PAGES for name in MAY[page]]
READ_ONLY_CASES = [
    (name, page) for page in EDIT_PAGES for name in CAN_SEE_A if name not in MAY[page]
]


@pytest.fixture
def page_url(cast, partnership_a, member_a, llsc_relationship_a, lsp_relationship_a):
    """The URL of a page, for partnership A and its member and relationships."""
    children = {
        "member": member_a,
        "llsc": llsc_relationship_a,
        "lsp": lsp_relationship_a,
    }

    def url(page: str) -> str:
        if page == "list":
            return reverse("partnerships:list")
        args = [partnership_a.pk]
        if page.endswith(("_edit", "_delete")):
            args.append(children[page.split("_")[0]].pk)
        return reverse(f"partnerships:{page}", args=args)

    return url


def summary_links(html: str) -> list[str]:
    """The targets of the GOV.UK error summary's links, without the '#'."""
    match = re.search(r'class="govuk-error-summary".*?</ul>', html, re.S)
    assert match, "no error summary on the page"
    return re.findall(r'<a href="#([^"]+)"', match.group(0))


def assert_summary_links_to(html: str, fields: list[str]) -> None:
    """The summary links to each field, and every link lands on the page."""
    links = summary_links(html)
    for field in fields:
        assert any(link.startswith(f"id_{field}") for link in links), (field, links)
    for link in links:
        assert f'id="{link}"' in html, f"#{link} leads nowhere"


def snapshot() -> list[list[dict[str, Any]]]:
    """Every row the edit pages can change."""
    return [
        list(model.objects.order_by("pk").values())
        for model in (
            LearningPartnership,
            MemberOrganisation,
            LLSCRelationship,
            LSPRelationship,
        )
    ] + [list(LearningPartnership.managers.through.objects.order_by("pk").values())]


def partnership_data(partnership: LearningPartnership, **changes: Any) -> dict:
    data = {
        "name": partnership.name,
        "region": partnership.region_id,
        "structure_model": partnership.structure_model,
        "host_organisation": partnership.host_organisation,
        "host_type": partnership.host_type,
        "manager_name": partnership.manager_name,
        "manager_email": partnership.manager_email,
        "chair_name": partnership.chair_name,
        "established_on_0": "1",
        "established_on_1": "4",
        "established_on_2": "2001",
        "is_active": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def valid_post(partnership_a, llsc_other, lsp_relationship_a, region_other):
    """Valid POST data for each edit page."""
    new_lsp = LSPFactory(name="Bradford Vision")
    return {
        "edit": partnership_data(
            partnership_a,
            name="Alpha Learning Renamed",
            region=region_other.pk,
            structure_model=StructureModel.MULTI_BOROUGH,
            chair_name="New Chair",
            is_active=None,
        ),
        "member_add": {
            "name": "Bradford College",
            "sector": Sector.FE_COLLEGE,
            "is_board_member": "on",
        },
        "member_edit": {"name": "Leeds City College", "sector": Sector.HE},
        "member_delete": {},
        "llsc_add": {
            "llsc": llsc_other.pk,
            "agreement_status": AgreementStatus.CONCORDAT,
            "agreement_date_0": "1",
            "agreement_date_1": "4",
            "agreement_date_2": "2003",
            "covers_needs": "on",
        },
        "llsc_edit": {
            "llsc": partnership_a.llsc_relationships.get().llsc_id,
            "is_coterminous": "on",
            "agreement_status": AgreementStatus.MOU,
            "agreement_date_0": "15",
            "agreement_date_1": "9",
            "agreement_date_2": "2002",
        },
        "llsc_delete": {},
        "lsp_add": {
            "lsp": new_lsp.pk,
            "recognition": Recognition.LEARNING_ARM,
            "sits_on_board": "on",
            "linking_structure": "Bradford learning group",
            "stage_aligning": "on",
        },
        "lsp_edit": {
            "lsp": lsp_relationship_a.lsp_id,
            "recognition": Recognition.LEAD_AGENCY,
            "stage_funded_projects": "on",
        },
        "lsp_delete": {},
    }


def check_saved(
    page: str, partnership_a: LearningPartnership, valid_post, name: str
) -> None:
    """Assert the change the valid POST to this page should have made (as
    ``name``: the manager's post of a region and active flag is ignored)."""
    partnership_a.refresh_from_db()
    members = partnership_a.members
    llscs = partnership_a.llsc_relationships
    lsps = partnership_a.lsp_relationships
    if page == "edit":
        assert partnership_a.name == "Alpha Learning Renamed"
        assert partnership_a.structure_model == StructureModel.MULTI_BOROUGH
        assert partnership_a.chair_name == "New Chair"
        if name == "admin":
            assert partnership_a.region.code == "NE"
            assert partnership_a.is_active is False  # unticked checkbox
        else:
            assert partnership_a.region.code == "YH"
            assert partnership_a.is_active is True
    elif page == "member_add":
        added = members.get(name="Bradford College")
        assert added.is_board_member is True
        assert members.count() == 2
    elif page == "member_edit":
        assert list(members.values_list("name", "sector")) == [
            ("Leeds City College", Sector.HE)
        ]
    elif page == "member_delete":
        assert not members.exists()
    elif page == "llsc_add":
        added = llscs.get(llsc__name="Tyne and Wear")
        assert added.agreement_status == AgreementStatus.CONCORDAT
        assert str(added.agreement_date) == "2003-04-01"
        assert added.covers_needs is True
        assert added.covers_collaboration is False
        assert llscs.count() == 2
    elif page == "llsc_edit":
        relationship = llscs.get()
        assert relationship.is_coterminous is True
        assert relationship.agreement_status == AgreementStatus.MOU
        assert str(relationship.agreement_date) == "2002-09-15"
    elif page == "llsc_delete":
        assert not llscs.exists()
    elif page == "lsp_add":
        added = lsps.get(lsp__name="Bradford Vision")
        assert added.recognition == Recognition.LEARNING_ARM
        assert added.sits_on_board is True
        assert added.linking_structure == "Bradford learning group"
        assert added.stages == ["aligning with the LSP (board seats, strategy)"]
        assert lsps.count() == 2
    elif page == "lsp_edit":
        relationship = lsps.get()
        assert relationship.recognition == Recognition.LEAD_AGENCY
        assert relationship.stage_funded_projects is True
    elif page == "lsp_delete":
        assert not lsps.exists()
    else:  # pragma: no cover
        raise AssertionError(page)


# -- Signing in --


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("page", ALL_PAGES)
def test_anonymous_is_sent_to_sign_in(anonymous, page_url, page, method):
    url = page_url(page)
    before = snapshot()
    response = getattr(anonymous, method)(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"
    assert snapshot() == before


def test_anonymous_is_sent_to_sign_in_from_home(anonymous):
    response = anonymous.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_anonymous_keeps_the_query_string_in_next(anonymous, region_a):
    response = anonymous.get(f"/partnerships/?region={region_a.pk}")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/partnerships/")
    assert "region" in response["Location"]


def test_sign_in_page_is_public(anonymous):
    response = anonymous.get("/accounts/login/")
    assert response.status_code == 200
    assert b"Sign in" in response.content


# -- Health check --


def test_healthz_answers_without_sign_in(anonymous, db):
    response = anonymous.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "ok"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize(
    "error", [DatabaseError("gone away"), OperationalError("unable to open")]
)
def test_healthz_is_503_when_the_database_fails(anonymous, db, error):
    with mock.patch.object(connection, "cursor", side_effect=error):
        response = anonymous.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


def test_healthz_is_503_when_the_query_fails(anonymous, db):
    cursor = mock.MagicMock()
    cursor.__enter__.return_value.execute.side_effect = DatabaseError("read-only")
    with mock.patch.object(connection, "cursor", return_value=cursor):
        response = anonymous.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_healthz_refuses_post(anonymous, db):
    assert anonymous.post("/healthz").status_code == 405


# -- Home --


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("manager_a", ["Alpha Learning"]),
        ("officer_elsewhere", ["Bravo Learning"]),
        ("go_a", ["Alpha Learning"]),
        ("admin", ["Alpha Learning", "Bravo Learning"]),
        ("no_role", []),
    ],
)
def test_home_shows_only_partnerships_in_scope(client_as, name, expected):
    response = client_as(name).get("/")
    assert response.status_code == 200
    assert [p.name for p in response.context["partnerships"]] == expected
    assert response.context["counts"]["total"] == len(expected)
    html = response.content.decode()
    for partnership in ("Alpha Learning", "Bravo Learning"):
        assert (partnership in html) is (partnership in expected)


def test_home_tells_a_user_without_a_role_to_ask_for_one(client_as):
    response = client_as("no_role").get("/")
    assert b"does not have a role yet" in response.content


# -- List --

LIST_SEES = {
    "manager_a": ["Alpha Learning"],
    "manager_b": ["Bravo Learning"],
    "officer_a": ["Alpha Learning"],
    "officer_elsewhere": ["Bravo Learning"],
    "go_a": ["Alpha Learning"],
    "go_elsewhere": ["Bravo Learning"],
    "admin": ["Alpha Learning", "Bravo Learning"],
    "no_role": [],
}


def listed(response) -> list[str]:
    return [p.name for p in response.context["page"].object_list]


@pytest.mark.parametrize("name", [n for n in CAST if n != "anonymous"])
def test_list_shows_only_partnerships_in_scope(client_as, name):
    response = client_as(name).get("/partnerships/")
    assert response.status_code == 200
    assert listed(response) == LIST_SEES[name]
    html = response.content.decode()
    for partnership in ("Alpha Learning", "Bravo Learning"):
        assert (partnership in html) is (partnership in LIST_SEES[name])


def test_list_shows_region_llsc_and_member_count(client_as):
    response = client_as("admin").get("/partnerships/")
    html = response.content.decode()
    assert "Yorkshire and the Humber" in html
    assert "West Yorkshire" in html
    assert [p.member_count for p in response.context["page"].object_list] == [1, 1]


@pytest.fixture
def filter_ids(region_a, region_other, llsc_a, llsc_other):
    return {
        "YH": region_a.pk,
        "NE": region_other.pk,
        "llsc_a": llsc_a.pk,
        "llsc_other": llsc_other.pk,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"region": "YH"}, ["Alpha Learning"]),
        ({"region": "NE"}, ["Bravo Learning"]),
        ({"llsc": "llsc_a"}, ["Alpha Learning"]),
        ({"llsc": "llsc_other"}, ["Bravo Learning"]),
        ({"structure_model": StructureModel.SHIRE}, ["Bravo Learning"]),
        ({"structure_model": StructureModel.UNITARY}, ["Alpha Learning"]),
        ({"structure_model": StructureModel.MULTI_BOROUGH}, []),
        ({"q": "alp"}, ["Alpha Learning"]),
        ({"q": "  BRAVO "}, ["Bravo Learning"]),
        ({"q": "learning"}, ["Alpha Learning", "Bravo Learning"]),
        ({"q": "alpha", "region": "NE"}, []),
        ({"q": "alpha", "region": "YH", "llsc": "llsc_a"}, ["Alpha Learning"]),
    ],
)
def test_list_filters(client_as, filter_ids, query, expected):
    params = {k: filter_ids.get(v, v) for k, v in query.items()}
    response = client_as("admin").get("/partnerships/", params)
    assert response.status_code == 200
    assert listed(response) == expected
    assert response.context["is_filtered"] is True
    if not expected:
        assert b"No partnerships match your filters" in response.content


@pytest.mark.parametrize(
    ("name", "query", "expected"),
    [
        ("officer_a", {"region": "NE"}, []),
        ("officer_a", {"q": "bravo"}, []),
        ("officer_a", {"llsc": "llsc_other"}, []),
        ("go_elsewhere", {"region": "YH"}, []),
        ("manager_b", {"q": "learning"}, ["Bravo Learning"]),
    ],
)
def test_list_filters_never_widen_the_scope(
    client_as, filter_ids, name, query, expected
):
    params = {k: filter_ids.get(v, v) for k, v in query.items()}
    response = client_as(name).get("/partnerships/", params)
    assert listed(response) == expected


def test_list_unfiltered_says_so(client_as):
    response = client_as("admin").get("/partnerships/")
    assert response.context["is_filtered"] is False
    assert b"Clear filters" not in response.content


BAD_FILTERS = [
    {"region": "abc"},
    {"region": "99999"},
    {"region": "99999999999999999999999"},
    {"llsc": "abc"},
    {"llsc": "-1"},
    {"structure_model": "pyramid"},
    {"q": "x" * 121},
    {"q": "nul\x00byte"},
]


@pytest.mark.parametrize("query", BAD_FILTERS)
@pytest.mark.parametrize("name", ["admin", "officer_a"])
def test_list_bad_filter_shows_an_error_not_a_crash(client_as, name, query):
    response = client_as(name).get("/partnerships/", query)
    assert response.status_code == 200
    [field] = query
    assert list(response.context["form"].errors) == [field]
    html = response.content.decode()
    assert "govuk-error-message" in html
    assert "govuk-form-group--error" in html
    # The bad filter is ignored, but the user's scope is not.
    assert listed(response) == LIST_SEES[name]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"region": "abc", "q": "alpha"}, ["Alpha Learning"]),
        ({"llsc": "99999", "structure_model": "shire"}, ["Bravo Learning"]),
    ],
)
def test_list_good_filters_apply_beside_a_bad_one(client_as, query, expected):
    response = client_as("admin").get("/partnerships/", query)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert listed(response) == expected


def test_list_bad_filter_shows_the_error_summary(client_as):
    response = client_as("admin").get("/partnerships/", {"region": "abc"})
    html = response.content.decode()
    assert "There is a problem" in html
    assert_summary_links_to(html, ["region"])


@pytest.fixture
def many_partnerships(admin, region_a):
    """30 more partnerships, 32 in all; the "Zeta" ones sort after A and B."""
    return LearningPartnershipFactory.create_batch(
        30, name=factory.Sequence(lambda n: f"Zeta {n:03d}")
    )


def test_list_paginates_by_25(client_as, many_partnerships):
    client = client_as("admin")
    first = client.get("/partnerships/")
    assert first.status_code == 200
    assert len(listed(first)) == 25
    assert listed(first)[:2] == ["Alpha Learning", "Bravo Learning"]
    assert b"32 partnerships" in first.content
    assert b"showing 1 to 25" in first.content
    assert b'href="?page=2"' in first.content

    second = client.get("/partnerships/", {"page": 2})
    assert len(listed(second)) == 7
    assert b"showing 26 to 32" in second.content
    assert set(listed(first)).isdisjoint(listed(second))


def test_list_pagination_keeps_the_filters(client_as, many_partnerships):
    response = client_as("admin").get("/partnerships/", {"q": "zeta"})
    assert response.context["page"].paginator.count == 30
    assert b'href="?q=zeta&amp;page=2"' in response.content
    second = client_as("admin").get("/partnerships/", {"q": "zeta", "page": 2})
    assert len(listed(second)) == 5
    assert all(name.startswith("Zeta") for name in listed(second))


@pytest.mark.parametrize(
    ("page", "number"),
    [("xyz", 1), ("-1", 2), ("0", 2), ("999", 2), ("1.5", 1), ("", 1)],
)
def test_list_bad_page_numbers_answer_200(client_as, many_partnerships, page, number):
    response = client_as("admin").get("/partnerships/", {"page": page})
    assert response.status_code == 200
    assert response.context["page"].number == number
    assert listed(response)


def test_list_huge_page_number_answers_200(client_as, many_partnerships):
    response = client_as("admin").get(
        "/partnerships/", {"page": "99999999999999999999999"}
    )
    assert response.status_code == 200
    assert response.context["page"].number == 2


# -- Profile (detail) --


@pytest.mark.parametrize("name", CAN_SEE_A)
def test_detail_in_scope(client_as, page_url, name):
    response = client_as(name).get(page_url("detail"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Alpha Learning" in html
    assert "West Yorkshire" in html
    assert "Leeds Initiative" in html
    assert "Leeds College" in html
    assert response.context["can_edit"] is (name in CAN_EDIT_A)
    edit_link = f'href="{page_url("edit")}#id_name"'
    member_link = f'href="{page_url("member_edit")}"'
    for link in (edit_link, member_link):
        assert (link in html) is (name in CAN_EDIT_A)


@pytest.mark.parametrize(
    ("name", "rows"),
    # One per row of the partnership's details; the region and status rows
    # are the national administrator's only.
    [("admin", 10), ("manager_a", 8)],
)
def test_detail_change_links_land_on_the_edit_form(client_as, page_url, name, rows):
    client = client_as(name)
    detail = client.get(page_url("detail")).content.decode()
    edit_url = page_url("edit")
    fragments = re.findall(rf'href="{re.escape(edit_url)}#([^"]+)"', detail)
    assert len(fragments) == rows
    assert ("id_region" in fragments) is (name == "admin")
    assert ("id_is_active" in fragments) is (name == "admin")
    form = client.get(edit_url).content.decode()
    missing = [f for f in fragments if f'id="{f}"' not in form]
    assert missing == []


@pytest.mark.parametrize("name", CANNOT_SEE_A)
def test_detail_out_of_scope_is_404(client_as, page_url, name):
    response = client_as(name).get(page_url("detail"))
    assert response.status_code == 404
    assert b"Alpha Learning" not in response.content


def test_detail_of_partnership_b_for_manager_a_is_404(client_as, partnership_b):
    response = client_as("manager_a").get(partnership_b.get_absolute_url())
    assert response.status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/partnerships/abc/",
        "/partnerships/-1/",
        "/partnerships/1.0/",
        "/partnerships/999999/",
        "/partnerships/99999999999999999999999/",
        "/partnerships/abc/edit/",
        "/partnerships/999999/edit/",
        "/partnerships/999999/members/add/",
    ],
)
def test_malformed_or_unknown_partnership_ids_are_404(client_as, path):
    assert client_as("admin").get(path).status_code == 404


@pytest.mark.parametrize(
    "template",
    [
        "/partnerships/{pk}/members/abc/edit/",
        "/partnerships/{pk}/members/999999/edit/",
        "/partnerships/{pk}/members/999999/remove/",
        "/partnerships/{pk}/llscs/abc/edit/",
        "/partnerships/{pk}/llscs/999999/edit/",
        "/partnerships/{pk}/llscs/999999/remove/",
        "/partnerships/{pk}/lsps/x1/edit/",
        "/partnerships/{pk}/lsps/999999/edit/",
        "/partnerships/{pk}/lsps/999999/remove/",
        "/partnerships/{pk}/lsps/99999999999999999999999/remove/",
    ],
)
def test_malformed_or_unknown_child_ids_are_404(client_as, partnership_a, template):
    path = template.format(pk=partnership_a.pk)
    assert client_as("admin").get(path).status_code == 404
    assert client_as("admin").post(path).status_code == 404


# -- Edit pages: who may --


@pytest.mark.parametrize(("name", "page"), MAY_CASES)
def test_edit_pages_get_for_editors(client_as, page_url, name, page):
    response = client_as(name).get(page_url(page))
    assert response.status_code == 200
    assert b"Alpha Learning" in response.content
    if page.endswith("_delete"):
        button = b"Yes, end it" if page in LINK_PAGES else b"Yes, remove it"
        assert button in response.content
    else:
        assert b'type="submit"' in response.content


@pytest.mark.parametrize(("name", "page"), READ_ONLY_CASES)
def test_edit_pages_are_403_for_read_only_roles(
    client_as, page_url, valid_post, name, page
):
    client = client_as(name)
    before = snapshot()
    assert client.get(page_url(page)).status_code == 403
    response = client.post(page_url(page), valid_post[page])
    assert response.status_code == 403
    message = (
        b"national administrators do"
        if page in LINK_PAGES
        else b"You can view this partnership but not change it"
    )
    assert message in response.content
    assert snapshot() == before


@pytest.mark.parametrize("page", EDIT_PAGES)
@pytest.mark.parametrize("name", CANNOT_SEE_A)
def test_edit_pages_are_404_out_of_scope(client_as, page_url, valid_post, name, page):
    client = client_as(name)
    before = snapshot()
    assert client.get(page_url(page)).status_code == 404
    assert client.post(page_url(page), valid_post[page]).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("page", EDIT_PAGES)
def test_edit_pages_refuse_other_methods(client_as, page_url, page):
    assert client_as("admin").put(page_url(page)).status_code == 405
    assert client_as("admin").delete(page_url(page)).status_code == 405


@pytest.mark.parametrize("kind", ["member", "llsc", "lsp"])
@pytest.mark.parametrize("action", ["edit", "delete"])
@pytest.mark.parametrize("name", ["manager_a", "admin"])
def test_child_of_another_partnership_is_404(
    client_as,
    partnership_a,
    member_b,
    llsc_relationship_b,
    lsp_relationship_b,
    kind,
    action,
    name,
):
    # Partnership A's URL with partnership B's member or relationship: even the
    # administrator, who may edit both, gets 404.
    child = {"member": member_b, "llsc": llsc_relationship_b, "lsp": lsp_relationship_b}
    url = reverse(
        f"partnerships:{kind}_{action}", args=[partnership_a.pk, child[kind].pk]
    )
    client = client_as(name)
    before = snapshot()
    assert client.get(url).status_code == 404
    assert (
        client.post(url, {"name": "Hijacked", "sector": Sector.OTHER}).status_code
        == 404
    )
    assert snapshot() == before


@pytest.mark.parametrize("kind", ["member", "llsc", "lsp"])
def test_own_child_under_another_partnership_url_is_404_for_manager(
    client_as, partnership_b, member_a, llsc_relationship_a, lsp_relationship_a, kind
):
    child = {"member": member_a, "llsc": llsc_relationship_a, "lsp": lsp_relationship_a}
    url = reverse(f"partnerships:{kind}_edit", args=[partnership_b.pk, child[kind].pk])
    assert client_as("manager_a").get(url).status_code == 404


# -- Edit pages: saving --


@pytest.mark.parametrize(("name", "page"), MAY_CASES)
def test_valid_post_saves_and_redirects_to_the_profile(
    client_as, page_url, partnership_a, valid_post, name, page
):
    client = client_as(name)
    response = client.post(page_url(page), valid_post[page])
    assert response.status_code == 302, (
        response.context and response.context["form"].errors
    )
    assert response["Location"] == f"/partnerships/{partnership_a.pk}/"
    check_saved(page, partnership_a, valid_post, name)
    # The profile then confirms what was done.
    profile = client.get(response["Location"])
    assert b"govuk-notification-banner--success" in profile.content


@pytest.fixture
def invalid_post(partnership_a, llsc_a, lsp_relationship_a):
    """Invalid POST data for each form page, and the error links it must show."""
    return {
        "edit": (
            partnership_data(partnership_a, name="", manager_email="not-an-email"),
            ["name", "manager_email"],
        ),
        # As a browser sends it: blank fields are present, unticked boxes absent.
        "member_add": ({"name": "", "sector": ""}, ["name", "sector"]),
        "member_edit": ({"name": "", "sector": "astrology"}, ["name", "sector"]),
        "llsc_add": (
            {"llsc": "", "agreement_status": AgreementStatus.NONE},
            ["llsc"],
        ),
        "llsc_edit": (
            {"llsc": llsc_a.pk, "agreement_status": AgreementStatus.CONCORDAT},
            ["agreement_date"],
        ),
        "lsp_add": (
            {"lsp": "", "recognition": Recognition.INFORMAL, "linking_structure": ""},
            ["lsp"],
        ),
        "lsp_edit": (
            {"lsp": lsp_relationship_a.lsp_id, "recognition": "worship"},
            ["recognition"],
        ),
    }


FORM_PAGES = [page for page in EDIT_PAGES if not page.endswith("_delete")]
FORM_CASES = [(name, page) for name, page in MAY_CASES if page in FORM_PAGES]


@pytest.mark.parametrize(("name", "page"), FORM_CASES)
def test_invalid_post_shows_errors_and_changes_nothing(
    client_as, page_url, invalid_post, name, page
):
    data, fields = invalid_post[page]
    before = snapshot()
    response = client_as(name).post(page_url(page), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "There is a problem" in html
    assert_summary_links_to(html, fields)
    assert "<title>Error: " in html  # in the page title
    assert snapshot() == before


def test_invalid_partnership_edit_shows_the_messages(
    client_as, page_url, partnership_a
):
    data = partnership_data(
        partnership_a,
        name="",
        region="",
        established_on_0="31",
        established_on_1="2",
        established_on_2="2003",
    )
    response = client_as("admin").post(page_url("edit"), data)
    html = response.content.decode()
    assert "Enter the partnership&#x27;s name" in html
    assert "Select the Government Office region" in html
    assert "Enter a real date" in html
    assert_summary_links_to(html, ["name", "region", "established_on"])


def test_partnership_edit_refuses_a_name_already_taken(
    client_as, page_url, partnership_a, partnership_b
):
    before = snapshot()
    response = client_as("admin").post(
        page_url("edit"), partnership_data(partnership_a, name="Bravo Learning")
    )
    assert response.status_code == 200
    assert b"Another partnership already has this name" in response.content
    assert snapshot() == before


def test_member_add_refuses_a_duplicate_name(client_as, page_url, member_a):
    before = snapshot()
    response = client_as("manager_a").post(
        page_url("member_add"), {"name": "LEEDS COLLEGE", "sector": Sector.FE_COLLEGE}
    )
    assert response.status_code == 200
    assert b"This organisation is already a member" in response.content
    assert snapshot() == before


def test_llsc_add_refuses_a_second_link_to_the_same_llsc(client_as, page_url, llsc_a):
    before = snapshot()
    response = client_as("admin").post(
        page_url("llsc_add"), {"llsc": llsc_a.pk, "agreement_status": "none"}
    )
    assert response.status_code == 200
    assert b"already linked to this local LSC" in response.content
    assert snapshot() == before


def test_llsc_add_refuses_coterminous_with_a_second_llsc(
    client_as, page_url, llsc_other
):
    before = snapshot()
    response = client_as("admin").post(
        page_url("llsc_add"),
        {"llsc": llsc_other.pk, "agreement_status": "none", "is_coterminous": "on"},
    )
    assert response.status_code == 200
    assert b"cannot be coterminous" in response.content
    assert_summary_links_to(response.content.decode(), ["is_coterminous"])
    assert snapshot() == before


def test_member_edit_can_keep_its_own_name(client_as, page_url, member_a):
    response = client_as("manager_a").post(
        page_url("member_edit"),
        {"name": "Leeds College", "sector": Sector.HE, "is_board_member": "on"},
    )
    assert response.status_code == 302
    member_a.refresh_from_db()
    assert (member_a.sector, member_a.is_board_member) == (Sector.HE, True)


def test_delete_get_only_asks_for_confirmation(client_as, page_url, member_a):
    response = client_as("admin").get(page_url("member_delete"))
    assert response.status_code == 200
    assert b"Remove Leeds College from the partnership?" in response.content
    assert MemberOrganisation.objects.filter(pk=member_a.pk).exists()


def test_edit_form_is_prefilled(client_as, page_url):
    response = client_as("manager_a").get(page_url("edit"))
    html = response.content.decode()
    assert 'value="Alpha Learning"' in html
    assert 'name="established_on_2"' in html
    assert 'value="2001"' in html

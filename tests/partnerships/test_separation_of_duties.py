"""Who oversees a partnership is not the partnership's to decide: its region
and active flag are changed by national administrators only; its local LSC
links by them and by the LLSC officer of the link's own LSC; the manager sees
them all read-only. Nobody adds, ends or moves a link, or changes the region,
while one of its returns is submitted or in review."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from assessment.models import Return
from partnerships import services
from partnerships.locks import oversight_lock
from partnerships.models import AgreementStatus, LLSCRelationship, LocalLSC
from tests.factories import LearningPartnershipFactory, LLSCRelationshipFactory

from .test_views import partnership_data, snapshot

LOCKED = "cannot be added, ended or moved to another local LSC while"
UNDER_REVIEW = [Return.Status.SUBMITTED, Return.Status.IN_REVIEW]
NOT_UNDER_REVIEW = [Return.Status.DRAFT, Return.Status.RETURNED, Return.Status.ACCEPTED]


def url(name: str, *args: Any) -> str:
    return reverse(f"partnerships:{name}", args=[getattr(a, "pk", a) for a in args])


def set_status(return_record: Return, status: str) -> None:
    """Put the return in a state, straight in the database."""
    submitted_at = None if status == Return.Status.DRAFT else timezone.now()
    Return.objects.filter(pk=return_record.pk).update(
        status=status, submitted_at=submitted_at
    )


@pytest.fixture
def unlinked_a(region_a):
    """A partnership in officer_a's region that no local LSC is linked to yet,
    managed by manager_a."""
    return LearningPartnershipFactory(name="Calder Learning", region=region_a)


@pytest.fixture
def second_link_a(partnership_a, llsc_other):
    """Partnership A linked to the other local LSC too."""
    return LLSCRelationshipFactory(partnership=partnership_a, llsc=llsc_other)


def agreement(**changes: Any) -> dict[str, Any]:
    data = {
        "agreement_status": AgreementStatus.CONCORDAT,
        "agreement_date_0": "1",
        "agreement_date_1": "4",
        "agreement_date_2": "2003",
        "covers_needs": "on",
    }
    data.update(changes)
    return data


# -- Region and active flag --


def test_the_manager_sees_region_and_status_as_text(client_as, partnership_a):
    response = client_as("manager_a").get(url("edit", partnership_a))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="region"' not in html
    assert 'name="is_active"' not in html
    assert "Set by national administrators" in html
    assert "Yorkshire and the Humber" in html
    assert set(response.context["form"].fields).isdisjoint({"region", "is_active"})


def test_a_region_and_active_flag_posted_by_the_manager_are_ignored(
    client_as, partnership_a, region_other
):
    data = partnership_data(
        partnership_a, chair_name="New Chair", region=region_other.pk, is_active=None
    )
    response = client_as("manager_a").post(url("edit", partnership_a), data)
    assert response.status_code == 302
    partnership_a.refresh_from_db()
    assert partnership_a.chair_name == "New Chair"
    assert (partnership_a.region.code, partnership_a.is_active) == ("YH", True)
    # The GO officer of the region still sees it.
    assert client_as("go_a").get(url("detail", partnership_a)).status_code == 200


def test_the_administrator_changes_region_and_active_flag(
    client_as, partnership_a, region_other
):
    data = partnership_data(partnership_a, region=region_other.pk, is_active=None)
    response = client_as("admin").post(url("edit", partnership_a), data)
    assert response.status_code == 302
    partnership_a.refresh_from_db()
    assert (partnership_a.region.code, partnership_a.is_active) == ("NE", False)


def test_the_update_service_refuses_the_manager_a_region(
    partnership_a, manager_a, region_other
):
    for fields in ({"region": region_other}, {"is_active": False}):
        with pytest.raises(PermissionDenied):
            services.partnership_update(
                partnership=partnership_a, user=manager_a, **fields
            )
    partnership_a.refresh_from_db()
    assert (partnership_a.region.code, partnership_a.is_active) == ("YH", True)
    # The same values again are no change, and the rest is the manager's.
    services.partnership_update(
        partnership=partnership_a,
        user=manager_a,
        region=partnership_a.region,
        is_active=True,
        chair_name="Chris",
    )
    partnership_a.refresh_from_db()
    assert partnership_a.chair_name == "Chris"


@pytest.mark.parametrize("status", UNDER_REVIEW)
def test_the_region_does_not_change_while_a_return_is_under_review(
    client_as, partnership_a, return_a, region_other, status
):
    set_status(return_a, status)
    before = snapshot()
    data = partnership_data(partnership_a, region=region_other.pk)
    response = client_as("admin").post(url("edit", partnership_a), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "The region cannot change while its 2003-04 self-assessment is" in html
    assert response.context["form"].errors["region"]
    assert snapshot() == before
    # The active flag and the rest may still change.
    data = partnership_data(partnership_a, is_active=None)
    assert client_as("admin").post(url("edit", partnership_a), data).status_code == 302
    partnership_a.refresh_from_db()
    assert (partnership_a.region.code, partnership_a.is_active) == ("YH", False)


@pytest.mark.parametrize("status", NOT_UNDER_REVIEW)
def test_the_region_changes_when_no_return_is_under_review(
    client_as, partnership_a, return_a, region_other, status
):
    set_status(return_a, status)
    data = partnership_data(partnership_a, region=region_other.pk)
    assert client_as("admin").post(url("edit", partnership_a), data).status_code == 302
    partnership_a.refresh_from_db()
    assert partnership_a.region.code == "NE"


# -- The local LSC links: who sees what on the profile --


@pytest.mark.parametrize("name", ["manager_a", "go_a"])
def test_the_manager_and_go_officer_see_the_links_read_only(
    client_as, partnership_a, llsc_relationship_a, name
):
    html = client_as(name).get(url("detail", partnership_a)).content.decode()
    assert "West Yorkshire LSC" in html
    assert url("llsc_add", partnership_a) not in html
    assert url("llsc_edit", partnership_a, llsc_relationship_a) not in html
    assert url("llsc_delete", partnership_a, llsc_relationship_a) not in html
    assert "National administrators record the partnership" in html


def test_the_officer_changes_only_their_own_lsc_link_on_the_profile(
    client_as, partnership_a, llsc_relationship_a, second_link_a
):
    html = client_as("officer_a").get(url("detail", partnership_a)).content.decode()
    assert url("llsc_edit", partnership_a, llsc_relationship_a) in html
    assert url("llsc_delete", partnership_a, llsc_relationship_a) in html
    assert url("llsc_edit", partnership_a, second_link_a) not in html
    assert url("llsc_delete", partnership_a, second_link_a) not in html
    # Their own LSC is linked already: nothing to add.
    assert url("llsc_add", partnership_a) not in html


def test_the_administrator_changes_every_link_on_the_profile(
    client_as, partnership_a, llsc_relationship_a, second_link_a
):
    html = client_as("admin").get(url("detail", partnership_a)).content.decode()
    for link in (llsc_relationship_a, second_link_a):
        assert url("llsc_edit", partnership_a, link) in html
        assert url("llsc_delete", partnership_a, link) in html
    assert url("llsc_add", partnership_a) in html


# -- An LLSC officer links their own local LSC --


def test_the_officer_links_their_own_lsc_to_a_partnership_of_their_region(
    client_as, unlinked_a, llsc_a, llsc_other
):
    client = client_as("officer_a")
    # Outside their scope until linked.
    assert client.get(url("detail", unlinked_a)).status_code == 404
    page = client.get(url("llsc_add", unlinked_a))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="llsc"' not in html  # no choice: their own LSC, as text
    assert "West Yorkshire LSC" in html
    # Its back and cancel links lead to the list they came from, not to the
    # partnership's page, which they cannot open yet.
    assert url("detail", unlinked_a) not in html
    assert html.count('href="/partnerships/to-link/"') == 2
    # Another LSC posted is ignored: the link is to their own.
    response = client.post(url("llsc_add", unlinked_a), agreement(llsc=llsc_other.pk))
    assert response.status_code == 302
    link = unlinked_a.llsc_relationships.get()
    assert link.llsc == llsc_a
    assert link.agreement_status == AgreementStatus.CONCORDAT
    # Now the partnership is theirs to see, and its link theirs to change.
    assert client.get(url("detail", unlinked_a)).status_code == 200
    assert client.get(url("llsc_edit", unlinked_a, link)).status_code == 200


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # Their LSC is in another region: the partnership is outside their scope.
        ("officer_elsewhere", 404),
        ("manager_b", 404),
        ("go_elsewhere", 404),
        ("no_role", 404),
        # They see it (or manage it), but do not link local LSCs.
        ("go_a", 403),
        ("admin", 200),
    ],
)
def test_who_may_open_the_link_page_of_an_unlinked_partnership(
    client_as, cast, unlinked_a, name, expected
):
    unlinked_a.managers.add(cast["manager_a"])
    client = client_as(name)
    before = snapshot()
    assert client.get(url("llsc_add", unlinked_a)).status_code == expected
    if expected != 200:
        response = client.post(url("llsc_add", unlinked_a), agreement())
        assert response.status_code == expected
        assert snapshot() == before


def test_the_manager_may_not_link_their_own_partnership(client_as, cast, unlinked_a):
    unlinked_a.managers.add(cast["manager_a"])
    client = client_as("manager_a")
    before = snapshot()
    assert client.get(url("llsc_add", unlinked_a)).status_code == 403
    assert client.post(url("llsc_add", unlinked_a), agreement()).status_code == 403
    assert snapshot() == before


def test_a_partnership_of_another_region_is_404_to_the_officer(client_as, region_other):
    elsewhere = LearningPartnershipFactory(name="Durham Learning", region=region_other)
    assert client_as("officer_a").get(url("llsc_add", elsewhere)).status_code == 404


def test_the_add_service_refuses_another_lsc_and_other_roles(
    unlinked_a, officer_a, manager_a, go_a, llsc_a, llsc_other
):
    unlinked_a.managers.add(manager_a)
    for user, llsc in (
        (officer_a, llsc_other),
        (manager_a, llsc_a),
        (go_a, llsc_a),
        (None, llsc_a),
    ):
        with pytest.raises(PermissionDenied):
            services.llsc_relationship_add(partnership=unlinked_a, llsc=llsc, user=user)
    assert not unlinked_a.llsc_relationships.exists()


# -- An LLSC officer changes and ends their own LSC's link --


def test_the_officer_changes_the_agreement_of_their_own_link(
    client_as, partnership_a, llsc_relationship_a, llsc_other
):
    response = client_as("officer_a").post(
        url("llsc_edit", partnership_a, llsc_relationship_a),
        agreement(llsc=llsc_other.pk),  # ignored: not theirs to move
    )
    assert response.status_code == 302
    llsc_relationship_a.refresh_from_db()
    assert llsc_relationship_a.llsc.name == "West Yorkshire"
    assert llsc_relationship_a.agreement_status == AgreementStatus.CONCORDAT
    assert llsc_relationship_a.covers_needs is True


@pytest.mark.parametrize("page", ["llsc_edit", "llsc_delete"])
def test_another_lscs_link_is_403_to_the_officer(
    client_as, partnership_a, second_link_a, page
):
    client = client_as("officer_a")
    before = snapshot()
    assert client.get(url(page, partnership_a, second_link_a)).status_code == 403
    response = client.post(url(page, partnership_a, second_link_a), agreement())
    assert response.status_code == 403
    assert snapshot() == before


def test_the_officer_ends_their_own_link(client_as, partnership_a, llsc_relationship_a):
    client = client_as("officer_a")
    page = client.get(url("llsc_delete", partnership_a, llsc_relationship_a))
    assert b"End the link to West Yorkshire LSC?" in page.content
    response = client.post(url("llsc_delete", partnership_a, llsc_relationship_a))
    assert response.status_code == 302
    assert not LLSCRelationship.objects.filter(pk=llsc_relationship_a.pk).exists()
    # The partnership has left their scope.
    assert client.get(url("detail", partnership_a)).status_code == 404


def test_the_update_and_end_services_refuse_others(
    llsc_relationship_a, second_link_a, officer_a, manager_a, go_a, llsc_other
):
    for user in (manager_a, go_a, None):
        with pytest.raises(PermissionDenied):
            services.llsc_relationship_update(
                relationship=llsc_relationship_a,
                user=user,
                agreement_status=AgreementStatus.IN_DISCUSSION,
            )
        with pytest.raises(PermissionDenied):
            services.llsc_relationship_end(relationship=llsc_relationship_a, user=user)
    # Another LSC's link, and moving their own to another LSC.
    with pytest.raises(PermissionDenied):
        services.llsc_relationship_end(relationship=second_link_a, user=officer_a)
    second = LLSCRelationship.objects.get(pk=second_link_a.pk)
    with pytest.raises(PermissionDenied):
        services.llsc_relationship_update(
            relationship=LLSCRelationship.objects.get(pk=llsc_relationship_a.pk),
            user=officer_a,
            llsc=second.llsc,
        )
    assert LLSCRelationship.objects.count() == 2
    llsc_relationship_a.refresh_from_db()
    assert llsc_relationship_a.agreement_status == AgreementStatus.NONE


# -- No link changes while a return is under review --


@pytest.mark.parametrize("status", UNDER_REVIEW)
@pytest.mark.parametrize("name", ["admin", "officer_a"])
def test_a_link_is_not_ended_while_a_return_is_under_review(
    client_as, partnership_a, llsc_relationship_a, return_a, status, name
):
    set_status(return_a, status)
    client = client_as(name)
    end_url = url("llsc_delete", partnership_a, llsc_relationship_a)
    page = client.get(end_url).content.decode()
    assert "govuk-notification-banner" in page
    assert LOCKED in page
    assert "Yes, end it" not in page
    before = snapshot()
    response = client.post(end_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert f"{LOCKED} its 2003-04 self-assessment is" in html
    assert snapshot() == before
    # Nor offered on the profile; the agreement may still be changed.
    profile = client.get(url("detail", partnership_a)).content.decode()
    assert end_url not in profile
    assert url("llsc_edit", partnership_a, llsc_relationship_a) in profile
    assert LOCKED in profile


@pytest.mark.parametrize("status", UNDER_REVIEW)
def test_a_link_is_not_added_while_a_return_is_under_review(
    client_as, partnership_a, return_a, llsc_other, status
):
    set_status(return_a, status)
    client = client_as("admin")
    page = client.get(url("llsc_add", partnership_a)).content.decode()
    assert LOCKED in page
    assert 'name="llsc"' not in page
    before = snapshot()
    response = client.post(
        url("llsc_add", partnership_a), agreement(llsc=llsc_other.pk)
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert LOCKED in response.content.decode()
    assert snapshot() == before
    assert url("llsc_add", partnership_a) not in (
        client.get(url("detail", partnership_a)).content.decode()
    )


def test_an_officer_does_not_link_while_a_return_is_under_review(
    client_as, unlinked_a, framework, manager_a, period_2003
):
    unlinked_a.managers.add(manager_a)
    draft = Return.objects.create(
        partnership=unlinked_a, period=period_2003, framework=framework
    )
    set_status(draft, Return.Status.SUBMITTED)
    before = snapshot()
    response = client_as("officer_a").post(url("llsc_add", unlinked_a), agreement())
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("status", UNDER_REVIEW)
def test_a_link_is_not_moved_while_a_return_is_under_review(
    client_as, partnership_a, llsc_relationship_a, return_a, llsc_other, status
):
    set_status(return_a, status)
    client = client_as("admin")
    edit_url = url("llsc_edit", partnership_a, llsc_relationship_a)
    page = client.get(edit_url).content.decode()
    assert 'name="llsc"' not in page  # the LSC is shown as text, for now
    assert LOCKED in page
    # A posted LSC is ignored; the agreement is saved.
    response = client.post(edit_url, agreement(llsc=llsc_other.pk))
    assert response.status_code == 302
    llsc_relationship_a.refresh_from_db()
    assert llsc_relationship_a.llsc.name == "West Yorkshire"
    assert llsc_relationship_a.agreement_status == AgreementStatus.CONCORDAT


@pytest.mark.parametrize("status", UNDER_REVIEW)
def test_the_services_refuse_link_changes_under_review_even_to_the_administrator(
    partnership_a, llsc_relationship_a, return_a, admin, llsc_other, status
):
    set_status(return_a, status)
    assert oversight_lock(partnership=partnership_a)
    with pytest.raises(ValidationError, match="cannot be added, ended or moved"):
        services.llsc_relationship_add(
            partnership=partnership_a, llsc=llsc_other, user=admin
        )
    with pytest.raises(ValidationError, match="cannot be added, ended or moved"):
        services.llsc_relationship_update(
            relationship=llsc_relationship_a, user=admin, llsc=llsc_other
        )
    with pytest.raises(ValidationError, match="cannot be added, ended or moved"):
        services.llsc_relationship_end(relationship=llsc_relationship_a, user=admin)
    assert list(partnership_a.llsc_relationships.values_list("llsc__name")) == [
        ("West Yorkshire",)
    ]


@pytest.mark.parametrize("status", NOT_UNDER_REVIEW)
def test_links_change_when_no_return_is_under_review(
    client_as, partnership_a, llsc_relationship_a, return_a, llsc_other, status
):
    set_status(return_a, status)
    assert oversight_lock(partnership=partnership_a) is None
    client = client_as("admin")
    response = client.post(
        url("llsc_edit", partnership_a, llsc_relationship_a),
        agreement(llsc=llsc_other.pk),
    )
    assert response.status_code == 302
    llsc_relationship_a.refresh_from_db()
    assert llsc_relationship_a.llsc == llsc_other


def test_a_return_submitted_through_the_service_holds_the_links(
    partnership_a, return_a, manager_a
):
    from assessment.services import return_submit
    from tests.plans.helpers import SELF_SCORES, fill_answers

    assert oversight_lock(partnership=partnership_a) is None
    fill_answers(return_a, SELF_SCORES)
    return_submit(return_record=return_a, user=manager_a)
    assert oversight_lock(partnership=partnership_a) == (
        "its 2003-04 self-assessment is submitted and waiting for review"
    )


# -- The page of partnerships to link --


def test_the_officer_finds_the_partnerships_of_their_region_to_link(
    client_as, partnership_a, partnership_b, unlinked_a, region_other
):
    LearningPartnershipFactory(name="Durham Learning", region=region_other)
    client = client_as("officer_a")
    assert b"Link a partnership to a local LSC" in client.get("/partnerships/").content
    response = client.get(url("to_link"))
    assert response.status_code == 200
    # Not A (linked to their LSC already), nor another region's.
    assert [p.name for p in response.context["page"].object_list] == ["Calder Learning"]
    html = response.content.decode()
    assert url("llsc_add", unlinked_a) in html
    link = 'Link<span class="govuk-visually-hidden"> Calder Learning</span> to '
    assert f"{link}West Yorkshire LSC" in html
    for name in ("Alpha Learning", "Bravo Learning", "Durham Learning"):
        assert name not in html


def test_the_administrator_finds_the_partnerships_linked_to_no_lsc(
    client_as, partnership_a, partnership_b, unlinked_a
):
    response = client_as("admin").get(url("to_link"))
    assert [p.name for p in response.context["page"].object_list] == ["Calder Learning"]


@pytest.mark.parametrize("name", ["manager_a", "go_a", "no_role"])
def test_the_page_of_partnerships_to_link_is_403_to_others(client_as, name):
    client = client_as(name)
    assert client.get(url("to_link")).status_code == 403
    assert (
        b"Link a partnership to a local LSC" not in client.get("/partnerships/").content
    )


@pytest.mark.parametrize("size", [3, 30])
def test_the_page_of_partnerships_to_link_costs_the_same_at_any_size(
    client_as, region_a, llsc_a, django_assert_num_queries, size
):
    client = client_as("officer_a")
    LearningPartnershipFactory.create_batch(size, region=region_a)
    # 1. the session
    # 2. the user, with their profile
    # 3. count the partnerships to link, for the paginator
    # 4. this page of them, with their regions
    # 5. the officer's local LSC, with its region
    with django_assert_num_queries(5):
        response = client.get(url("to_link"))
    assert response.context["page"].paginator.count == size


def test_the_officer_is_told_when_the_partnership_is_coterminous_with_another(
    client_as, unlinked_a, region_a
):
    # The model's rule names the local LSC field, which the officer's form has
    # not: the error is the form's own, in the summary.
    neighbour = LocalLSC.objects.create(name="Calderdale", region=region_a)
    LLSCRelationshipFactory(partnership=unlinked_a, llsc=neighbour, is_coterminous=True)
    before = snapshot()
    response = client_as("officer_a").post(url("llsc_add", unlinked_a), agreement())
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "recorded as coterminous with Calderdale LSC" in html
    assert snapshot() == before

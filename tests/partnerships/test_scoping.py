"""Who sees which rows: every scoping selector, for every member of the cast."""

from __future__ import annotations

import pytest

from partnerships import selectors
from partnerships.models import (
    LSP,
    LearningPartnership,
    LLSCRelationship,
    LocalLSC,
    LSPRelationship,
    MemberOrganisation,
    Region,
    Role,
)
from tests.conftest import CAST
from tests.factories import (
    LearningPartnershipFactory,
    LLSCRelationshipFactory,
    LSPRelationshipFactory,
    MemberOrganisationFactory,
    ProfileFactory,
    UserFactory,
)

# Besides A and B, two partnerships that tell the scoping rules apart:
# "Cross" is in A's region but linked only to the other local LSC, and
# "Orphan" is in the other region with no local LSC and no manager.
SEES = {
    "manager_a": {"Alpha Learning"},
    "manager_b": {"Bravo Learning"},
    "officer_a": {"Alpha Learning"},
    "officer_elsewhere": {"Bravo Learning", "Cross Learning"},
    "go_a": {"Alpha Learning", "Cross Learning"},
    "go_elsewhere": {"Bravo Learning", "Orphan Learning"},
    "admin": {"Alpha Learning", "Bravo Learning", "Cross Learning", "Orphan Learning"},
    "no_role": set(),
    "anonymous": set(),
}


@pytest.fixture
def world(cast, region_a, region_other, llsc_other):
    """The cast, plus Cross and Orphan, each with a member and an LSP link."""
    cross = LearningPartnershipFactory(name="Cross Learning", region=region_a)
    LLSCRelationshipFactory(partnership=cross, llsc=llsc_other)
    orphan = LearningPartnershipFactory(name="Orphan Learning", region=region_other)
    for partnership in (cross, orphan):
        MemberOrganisationFactory(partnership=partnership)
        LSPRelationshipFactory(partnership=partnership)
    return cast


def test_the_world_has_every_kind_of_row(world):
    # Guards the expectations below: each partnership has rows of each kind.
    assert LearningPartnership.objects.count() == 4
    assert MemberOrganisation.objects.count() == 4
    assert LSPRelationship.objects.count() == 4
    assert LLSCRelationship.objects.count() == 3  # Orphan has none


@pytest.mark.parametrize("name", CAST)
def test_partnerships_for_user(world, name):
    partnerships = selectors.partnerships_for_user(world[name])
    names = list(partnerships.values_list("name", flat=True))
    assert sorted(names) == sorted(SEES[name])  # no duplicates either


@pytest.mark.parametrize("name", CAST)
def test_llsc_relationships_for_user(world, name):
    expected = set(LLSCRelationship.objects.filter(partnership__name__in=SEES[name]))
    relationships = selectors.llsc_relationships_for_user(world[name])
    assert set(relationships) == expected
    assert relationships.count() == len(expected)


@pytest.mark.parametrize("name", CAST)
def test_lsp_relationships_for_user(world, name):
    relationships = selectors.lsp_relationships_for_user(world[name])
    assert {r.partnership.name for r in relationships} == SEES[name]
    assert relationships.count() == len(SEES[name])


@pytest.mark.parametrize("name", CAST)
def test_members_for_user(world, name):
    members = selectors.members_for_user(world[name])
    assert {m.partnership.name for m in members} == SEES[name]
    assert members.count() == len(SEES[name])


def test_officer_sees_every_relationship_of_a_partnership_they_see(
    world, llsc_other, partnership_a
):
    # A partnership linked to both LSCs: officer_a sees both of its links.
    second = LLSCRelationshipFactory(partnership=partnership_a, llsc=llsc_other)
    relationships = selectors.llsc_relationships_for_user(world["officer_a"])
    assert set(relationships) == {
        partnership_a.llsc_relationships.get(llsc__name="West Yorkshire"),
        second,
    }


# Reference data: every user with a role sees all of it, nobody else any.
REFERENCE_SELECTORS = [
    (selectors.regions_for_user, Region),
    (selectors.llscs_for_user, LocalLSC),
    (selectors.lsps_for_user, LSP),
]
WITH_A_ROLE = {name for name in CAST if name not in ("no_role", "anonymous")}


@pytest.mark.parametrize("name", CAST)
@pytest.mark.parametrize(
    ("selector", "model"), REFERENCE_SELECTORS, ids=["regions", "llscs", "lsps"]
)
def test_reference_data_for_user(world, name, selector, model):
    rows = set(selector(world[name]))
    if name in WITH_A_ROLE:
        assert rows == set(model.objects.all())
        assert rows  # never vacuous
    else:
        assert rows == set()


def test_every_region_is_reference_data(world):
    regions = selectors.regions_for_user(world["go_a"])
    assert regions.count() == 9
    assert {r.code for r in regions} >= {"YH", "NE", "LON"}


ROLES = {
    "manager_a": Role.MANAGER,
    "manager_b": Role.MANAGER,
    "officer_a": Role.LLSC_OFFICER,
    "officer_elsewhere": Role.LLSC_OFFICER,
    "go_a": Role.GO_OFFICER,
    "go_elsewhere": Role.GO_OFFICER,
    "admin": Role.NATIONAL_ADMIN,
    "no_role": None,
    "anonymous": None,
}


@pytest.mark.parametrize("name", CAST)
def test_role_of(cast, name):
    assert selectors.role_of(cast[name]) == ROLES[name]


def test_admin_is_national_admin_by_profile_role_alone(cast, partnership_b):
    admin = cast["admin"]
    assert not admin.is_superuser
    assert selectors.role_of(admin) == Role.NATIONAL_ADMIN
    assert admin.has_perm("partnerships.change_learningpartnership", partnership_b)


def test_superuser_without_profile_is_national_admin(world):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    assert selectors.role_of(superuser) == Role.NATIONAL_ADMIN
    assert selectors.partnerships_for_user(superuser).count() == 4
    assert selectors.regions_for_user(superuser).count() == 9


def test_superuser_with_a_lower_profile_is_still_national_admin(world):
    superuser = ProfileFactory(user__is_superuser=True, role=Role.MANAGER).user
    assert selectors.role_of(superuser) == Role.NATIONAL_ADMIN
    assert selectors.partnerships_for_user(superuser).count() == 4


def test_manager_role_without_partnerships_sees_none(world, partnership_a):
    # Listed as a manager nowhere: the role alone grants nothing.
    user = ProfileFactory(role=Role.MANAGER).user
    assert not selectors.partnerships_for_user(user).exists()


def test_listed_manager_without_manager_role_gets_no_manager_scope(
    world, partnership_b, go_a
):
    # go_a (Yorkshire) listed as a manager of B (North East) still sees by region.
    partnership_b.managers.add(go_a)
    names = set(selectors.partnerships_for_user(go_a).values_list("name", flat=True))
    assert names == {"Alpha Learning", "Cross Learning"}


CAN_CHANGE_A = {"manager_a", "admin"}


@pytest.mark.parametrize("name", CAST)
def test_change_permission_on_partnership_a(cast, partnership_a, name):
    allowed = cast[name].has_perm(
        "partnerships.change_learningpartnership", partnership_a
    )
    assert allowed is (name in CAN_CHANGE_A)


def test_manager_a_cannot_change_partnership_b(cast, partnership_b):
    assert not cast["manager_a"].has_perm(
        "partnerships.change_learningpartnership", partnership_b
    )
    assert cast["manager_b"].has_perm(
        "partnerships.change_learningpartnership", partnership_b
    )
    assert cast["admin"].has_perm(
        "partnerships.change_learningpartnership", partnership_b
    )

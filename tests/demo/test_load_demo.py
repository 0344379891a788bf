"""load_demo: the twenty Annex 1 partnerships and five more in Yorkshire and
the Humber, in their regions, the demo users with their roles, and a second
run that changes nothing."""

from __future__ import annotations

import io

from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management import call_command

from partnerships.models import (
    LSP,
    LearningPartnership,
    LLSCRelationship,
    LocalLSC,
    LSPRelationship,
    MemberOrganisation,
    Profile,
    Role,
)
from partnerships.selectors import partnerships_for_user

ANNEX_1 = [
    "Hull", "Doncaster", "Wolverhampton", "Solihull", "Lincs and Rutland",
    "Greater Nottingham", "Kent", "Slough", "Cambridgeshire", "Hertfordshire",
    "Manchester", "Halton", "Cross River", "London South", "County Durham",
    "Tees Valley", "Gloucestershire", "Leicestershire and Leicester City", "Bedford",
    "West Sussex",
]  # fmt: skip
# The rest of Yorkshire and the Humber, so the officer and GO have more to see.
YORKSHIRE = [
    "East Riding", "North Lincolnshire", "North East Lincolnshire", "Barnsley",
    "Bradford",
]  # fmt: skip

TRUE_REGIONS = {
    "Hull": "YH", "Doncaster": "YH", "Wolverhampton": "WM", "Solihull": "WM",
    "Lincs and Rutland": "EM", "Greater Nottingham": "EM", "Kent": "SE",
    "Slough": "SE", "Cambridgeshire": "EE", "Hertfordshire": "EE", "Manchester": "NW",
    "Halton": "NW", "Cross River": "LON", "London South": "LON", "County Durham": "NE",
    "Tees Valley": "NE", "Gloucestershire": "SW",
    "Leicestershire and Leicester City": "EM", "Bedford": "EE", "West Sussex": "SE",
    **{name: "YH" for name in YORKSHIRE},
}  # fmt: skip

DEMO_MODELS = [
    LocalLSC, LSP, LearningPartnership, LLSCRelationship, LSPRelationship,
    MemberOrganisation, Profile, get_user_model(),
]  # fmt: skip


def _snapshot() -> str:
    return "".join(
        serializers.serialize("json", model.objects.order_by("pk"))
        for model in DEMO_MODELS
    )


def _load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_load_demo_creates_the_annex_1_partnerships_in_their_regions(demo: str) -> None:
    output = demo

    partnerships = {p.name: p.region.code for p in LearningPartnership.objects.all()}
    assert sorted(partnerships) == sorted(ANNEX_1 + YORKSHIRE)
    assert partnerships == TRUE_REGIONS
    assert "learning-2003" in output
    for username in ("manager", "officer", "go", "admin"):
        assert username in output


def test_load_demo_has_the_cases_the_product_must_show(demo: str) -> None:
    models = set(LearningPartnership.objects.values_list("structure_model", flat=True))
    assert {"unitary", "shire", "multi_borough"} <= models
    assert LSP.objects.filter(nrf_funded=True).exists()
    assert LSP.objects.filter(nrf_funded=False).exists()
    shared = [llsc for llsc in LocalLSC.objects.all() if llsc.partnerships.count() > 1]
    assert shared, "at least one local LSC covers several partnerships"
    assert LLSCRelationship.objects.filter(is_coterminous=True).exists()
    assert MemberOrganisation.objects.filter(partnership__name="Hull").count() >= 10


def test_load_demo_users_have_the_documented_roles_and_scopes(demo: str) -> None:
    User = get_user_model()

    manager = User.objects.get(username="manager")
    assert manager.check_password("learning-2003")
    assert {p.name for p in partnerships_for_user(manager)} == {"Hull", "Doncaster"}
    officer = User.objects.get(username="officer")
    assert officer.profile.role == Role.LLSC_OFFICER
    assert {p.name for p in partnerships_for_user(officer)} == {
        "Hull",
        "East Riding",
        "North Lincolnshire",
        "North East Lincolnshire",
    }
    go = User.objects.get(username="go")
    assert {p.name for p in partnerships_for_user(go)} == {
        "Hull",
        "Doncaster",
        *YORKSHIRE,
    }
    admin = User.objects.get(username="admin")
    assert admin.is_staff
    assert partnerships_for_user(admin).count() == 25
    # Each partnership's own manager exists (their returns name them) but
    # cannot sign in.
    named = User.objects.get(username="helen.marsden")
    assert not named.has_usable_password()
    assert named.managed_partnerships.get().name == "East Riding"


def test_load_demo_twice_changes_nothing(demo: str) -> None:
    first = _snapshot()

    _load_demo()

    assert _snapshot() == first

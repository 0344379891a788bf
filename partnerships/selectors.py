"""Reads, and the scoping rules: one selector per model decides which rows a
user may see. Every view, export and report goes through these; a row outside
a user's scope is answered with 404."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from .models import (
    LSP,
    LearningPartnership,
    LLSCRelationship,
    LocalLSC,
    LSPRelationship,
    MemberOrganisation,
    Profile,
    RegenerationBodyLink,
    Region,
    Role,
)
from .users import AnyUser


def role_of(user: AnyUser) -> Role | None:
    """The role a user holds; superusers count as national administrators."""
    if not user.is_authenticated:
        return None
    if getattr(user, "is_superuser", False):
        return Role.NATIONAL_ADMIN
    profile = profile_of(user)
    return Role(profile.role) if profile else None


def profile_of(user: AnyUser) -> Profile | None:
    """The user's profile; None for anonymous users and users without one."""
    if not user.is_authenticated:
        return None
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def partnerships_for_user(user: AnyUser) -> QuerySet[LearningPartnership]:
    """The partnerships a user may see.

    Managers see the partnerships they manage, LLSC officers those linked to
    their local LSC, GO officers those in their region, administrators all.
    """
    partnerships = LearningPartnership.objects.all()
    role = role_of(user)
    if role is None:
        return partnerships.none()
    if role == Role.NATIONAL_ADMIN:
        return partnerships
    if role == Role.MANAGER:
        return partnerships.filter(managers__pk=user.pk)  # type: ignore[misc]
    profile = profile_of(user)
    if role == Role.LLSC_OFFICER and profile is not None:
        return partnerships.filter(
            pk__in=LLSCRelationship.objects.filter(llsc_id=profile.llsc_id).values(
                "partnership_id"
            )
        )
    if role == Role.GO_OFFICER and profile is not None and profile.region_id:
        return partnerships.filter(region_id=profile.region_id)
    return partnerships.none()


def partnerships_to_link_for_user(user: AnyUser) -> QuerySet[LearningPartnership]:
    """The partnerships a user may be asked about linking to a local LSC: those
    they see, and for an LLSC officer also those of their local LSC's region
    (a partnership not yet linked to their LSC is outside their usual scope).
    Only the page that links one uses this; outside it, 404."""
    profile = profile_of(user)
    if (
        role_of(user) == Role.LLSC_OFFICER
        and profile is not None
        and profile.llsc_id is not None
    ):
        own_region = LocalLSC.objects.filter(pk=profile.llsc_id).values("region_id")
        return LearningPartnership.objects.filter(
            Q(pk__in=partnerships_for_user(user).values("pk"))
            | Q(region_id__in=own_region)
        )
    return partnerships_for_user(user)


def partnerships_awaiting_link(user: AnyUser) -> QuerySet[LearningPartnership]:
    """The partnerships a user may link, for the page that lists them: for an
    LLSC officer, those of their local LSC's region not linked to it; for a
    national administrator, those linked to no local LSC at all (which no LLSC
    officer sees); for everyone else, none."""
    role = role_of(user)
    profile = profile_of(user)
    partnerships = LearningPartnership.objects.select_related("region").order_by("name")
    if role == Role.NATIONAL_ADMIN:
        return partnerships.filter(llsc_relationships__isnull=True)
    if role == Role.LLSC_OFFICER and profile is not None and profile.llsc_id:
        own_region = LocalLSC.objects.filter(pk=profile.llsc_id).values("region_id")
        return partnerships.filter(region_id__in=own_region).exclude(
            llsc_relationships__llsc_id=profile.llsc_id
        )
    return partnerships.none()


def own_llsc(user: AnyUser) -> LocalLSC | None:
    """The local LSC an LLSC officer works for, with its region; None for
    everyone else."""
    profile = profile_of(user)
    if profile is None or profile.llsc_id is None:
        return None
    return LocalLSC.objects.select_related("region").get(pk=profile.llsc_id)


def llsc_relationships_for_user(user: AnyUser) -> QuerySet[LLSCRelationship]:
    """LLSC relationships of the partnerships the user may see."""
    return LLSCRelationship.objects.filter(partnership__in=partnerships_for_user(user))


def lsp_relationships_for_user(user: AnyUser) -> QuerySet[LSPRelationship]:
    """LSP relationships of the partnerships the user may see."""
    return LSPRelationship.objects.filter(partnership__in=partnerships_for_user(user))


def members_for_user(user: AnyUser) -> QuerySet[MemberOrganisation]:
    """Member organisations of the partnerships the user may see."""
    return MemberOrganisation.objects.filter(
        partnership__in=partnerships_for_user(user)
    )


def regions_for_user(user: AnyUser) -> QuerySet[Region]:
    """Regions are reference data: every user with a role may see them all."""
    return Region.objects.all() if role_of(user) else Region.objects.none()


def llscs_for_user(user: AnyUser) -> QuerySet[LocalLSC]:
    """Local LSCs are reference data: every user with a role may see them all."""
    return LocalLSC.objects.all() if role_of(user) else LocalLSC.objects.none()


def body_links_for_user(user: AnyUser) -> QuerySet[RegenerationBodyLink]:
    """Regeneration body relationships of the partnerships the user may see."""
    return RegenerationBodyLink.objects.filter(
        partnership__in=partnerships_for_user(user)
    )


def lsps_for_user(user: AnyUser) -> QuerySet[LSP]:
    """LSPs are reference data: every user with a role may see them all."""
    return LSP.objects.all() if role_of(user) else LSP.objects.none()


def partnership_list(
    *,
    user: AnyUser,
    region: Region | None = None,
    llsc: LocalLSC | None = None,
    structure_model: str = "",
    search: str = "",
) -> QuerySet[LearningPartnership]:
    """The user's partnerships, filtered, with what the list page shows."""
    partnerships = partnerships_for_user(user)
    if region is not None:
        partnerships = partnerships.filter(region=region)
    if llsc is not None:
        partnerships = partnerships.filter(llsc_relationships__llsc=llsc)
    if structure_model:
        partnerships = partnerships.filter(structure_model=structure_model)
    if search:
        partnerships = partnerships.filter(name__icontains=search)
    return (
        partnerships.select_related("region")
        .prefetch_related(Prefetch("llscs", queryset=LocalLSC.objects.order_by("name")))
        .annotate(member_count=Count("members", distinct=True))
        .order_by("name")
    )


def partnership_profile(*, partnership: LearningPartnership) -> dict[str, Any]:
    """Everything the profile page shows about one partnership, in few queries."""
    members = list(partnership.members.order_by("name"))
    by_sector: dict[str, list[MemberOrganisation]] = {}
    for member in members:
        by_sector.setdefault(member.sector, []).append(member)
    sectors = [
        {"label": label, "members": by_sector.get(value, [])}
        for value, label in MemberOrganisation.Sector.choices
    ]
    return {
        "llsc_relationships": list(
            partnership.llsc_relationships.select_related("llsc__region")
        ),
        "lsp_relationships": list(partnership.lsp_relationships.select_related("lsp")),
        "body_links": list(partnership.body_links.all()),
        "manager_changes": list(partnership.manager_changes.all()),
        "members": members,
        "sectors_present": [s for s in sectors if s["members"]],
        "sectors_missing": [s["label"] for s in sectors if not s["members"]],
        "sector_total": len(sectors),
        "board_member_count": sum(1 for m in members if m.is_board_member),
        "managers": list(partnership.managers.order_by("username")),
    }


def partnership_counts(*, user: AnyUser) -> dict[str, int]:
    """Headline counts of the user's partnerships for the home page."""
    return partnerships_for_user(user).aggregate(
        total=Count("pk"), active=Count("pk", filter=Q(is_active=True))
    )

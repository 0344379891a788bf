"""Who may do what: every "may this user do this (to this object)" of the
service is a predicate and a perm in an app's rules module, asked the same
way by views, services, tasks and templates (``has_perm``, ``{% if perms %}``).
Scoping (what a user may see at all) lives in the selectors; these decide what
a user may do with what they see. Role names are compared here and nowhere
else."""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Model

from .models import LearningPartnership, LLSCRelationship, Role
from .selectors import profile_of, role_of
from .users import AnyUser, User

# Where is_manager_of keeps the ids of the partnerships a user manages: on the
# user object, as Django's ModelBackend keeps its permission cache.
_MANAGED_CACHE = "_managed_partnership_ids"


@rules.predicate
def is_national_admin(user: AnyUser) -> bool:
    """An active national administrator (superusers count as one)."""
    return bool(getattr(user, "is_active", False)) and (
        role_of(user) == Role.NATIONAL_ADMIN
    )


@rules.predicate
def is_manager(user: AnyUser) -> bool:
    return role_of(user) == Role.MANAGER


@rules.predicate
def is_llsc_officer(user: AnyUser) -> bool:
    return role_of(user) == Role.LLSC_OFFICER


@rules.predicate
def is_go_officer(user: AnyUser) -> bool:
    return role_of(user) == Role.GO_OFFICER


@rules.predicate
def is_manager_of(user: AnyUser, partnership: LearningPartnership | None) -> bool:
    # Anonymous users hold no role; asking is_authenticated too tells mypy the
    # user is a User.
    if (
        partnership is None
        or not user.is_authenticated
        or role_of(user) != Role.MANAGER
    ):
        return False
    # Asked by the view and again by the service it calls: read once per
    # user object (one request).
    managed = getattr(user, _MANAGED_CACHE, None)
    if managed is None:
        managed = set(user.managed_partnerships.values_list("pk", flat=True))
        setattr(user, _MANAGED_CACHE, managed)
    return partnership.pk in managed


@rules.predicate
def is_llsc_officer_of(user: AnyUser, partnership: LearningPartnership | None) -> bool:
    """An LLSC officer of one of the partnership's local LSCs, or an
    administrator."""
    if partnership is None:
        return False
    if is_national_admin(user):
        return True
    profile = profile_of(user)
    if profile is None or role_of(user) != Role.LLSC_OFFICER:
        return False
    return partnership.llsc_relationships.filter(llsc_id=profile.llsc_id).exists()


@rules.predicate
def is_officer_of_links_llsc(
    user: AnyUser, relationship: LLSCRelationship | None
) -> bool:
    """An LLSC officer of the local LSC the link is to (a link already made, or
    one about to be)."""
    if relationship is None or role_of(user) != Role.LLSC_OFFICER:
        return False
    profile = profile_of(user)
    return profile is not None and profile.llsc_id == relationship.llsc_id


@rules.predicate
def may_link_own_llsc(user: AnyUser, partnership: LearningPartnership | None) -> bool:
    """An LLSC officer whose local LSC is in the partnership's region and not
    yet linked to it."""
    if partnership is None or role_of(user) != Role.LLSC_OFFICER:
        return False
    profile = profile_of(user)
    if profile is None or profile.llsc is None:
        return False
    return (
        profile.llsc.region_id == partnership.region_id
        and not partnership.llsc_relationships.filter(llsc_id=profile.llsc_id).exists()
    )


can_edit_partnership = is_manager_of | is_national_admin

# The profile's own facts, members and LSP links: its managers.
rules.add_perm("partnerships.change_learningpartnership", can_edit_partnership)
# Who oversees a partnership follows from its region (the GO officers), its
# local LSC links (the LLSC officers) and whether it is active (the regional
# view, reminders): these are not the overseen partnership's to change.
rules.add_perm("partnerships.change_oversight", is_national_admin)
# Linking a partnership to a local LSC (object: the partnership); changing the
# agreement of a link, and ending it (object: the link, made or about to be).
# An LLSC officer does both for their own local LSC only.
rules.add_perm(
    "partnerships.add_llscrelationship", is_national_admin | may_link_own_llsc
)
rules.add_perm(
    "partnerships.change_llscrelationship", is_national_admin | is_officer_of_links_llsc
)
rules.add_perm(
    "partnerships.delete_llscrelationship", is_national_admin | is_officer_of_links_llsc
)
# The page of the partnerships a user may link (a page of a role).
rules.add_perm("partnerships.link_llscs", is_national_admin | is_llsc_officer)
# Choosing which local LSC a link is to, from all of them: others link only
# their own.
rules.add_perm("partnerships.choose_any_llsc", is_national_admin)
# What a user's work is, for the home page: rules, not perms, as national
# administrators hold every perm but are neither managers nor officers.
rules.add_rule("partnerships.manages_partnerships", is_manager)
rules.add_rule("partnerships.reads_area_profiles", is_go_officer | is_llsc_officer)
# Reference data, users and Django admin.
rules.add_perm("partnerships.administer", is_national_admin)


def check_perm(
    user: User | None, perm: str, obj: Model | None = None, *, message: str
) -> None:
    """For services: refuse (PermissionDenied) what the user may not do, so no
    caller can skip the check."""
    if user is None or not user.has_perm(perm, obj):
        raise PermissionDenied(message)

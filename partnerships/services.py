"""Writes. Each service checks that the user may make the change, then
validates the model in full before saving it."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction

from .locks import links_locked_message, oversight_lock, region_locked_message
from .models import (
    LearningPartnership,
    LLSCRelationship,
    LocalLSC,
    LSPRelationship,
    ManagerChange,
    MemberOrganisation,
    RegenerationBodyLink,
)
from .rules import check_perm
from .users import User

M = TypeVar("M", bound=models.Model)

EDIT_PERMISSION = "partnerships.change_learningpartnership"
EDIT_REFUSED = "You can view this partnership but not change it."
# The facts that decide who oversees a partnership.
OVERSIGHT_FIELDS = ("region", "is_active")


def _save(instance: M, fields: dict[str, Any]) -> M:
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


def _refuse_while_locked(partnership: LearningPartnership) -> None:
    """Refuse a change of the partnership's local LSC links while a layer above
    holds them (a return submitted or in review)."""
    reason = oversight_lock(partnership=partnership)
    if reason:
        raise ValidationError(links_locked_message(reason), code="locked")


@transaction.atomic
def partnership_update(
    *, partnership: LearningPartnership, user: User | None, **fields: Any
) -> LearningPartnership:
    """Update a partnership's profile facts. Its region and active flag only by
    someone who may change its oversight, and the region not while a return
    is under review."""
    check_perm(user, EDIT_PERMISSION, partnership, message=EDIT_REFUSED)
    # Compared with the row as saved: a bound form has already set its values
    # on the instance.
    saved = LearningPartnership.objects.get(pk=partnership.pk)
    changed = {
        name
        for name in OVERSIGHT_FIELDS
        if name in fields and fields[name] != getattr(saved, name)
    }
    if changed:
        check_perm(
            user,
            "partnerships.change_oversight",
            partnership,
            message="Only national administrators change a partnership's region "
            "and whether it is active.",
        )
    if "region" in changed:
        reason = oversight_lock(partnership=saved)
        if reason:
            raise ValidationError(
                {"region": region_locked_message(reason)}, code="locked"
            )
    partnership = _save(partnership, fields)
    manager_change_record(saved=saved, partnership=partnership, user=user)
    return partnership


def manager_change_record(
    *, saved: LearningPartnership, partnership: LearningPartnership, user: User | None
) -> None:
    """Keep a change of manager in the partnership's history. A corrected
    email alone for the same manager is a change too: it is how the manager
    is reached."""
    if (saved.manager_name, saved.manager_email) == (
        partnership.manager_name,
        partnership.manager_email,
    ):
        return
    ManagerChange.objects.create(
        partnership=partnership,
        previous_name=saved.manager_name,
        previous_email=saved.manager_email,
        new_name=partnership.manager_name,
        new_email=partnership.manager_email,
        changed_by=user,
    )


def member_save(
    *,
    partnership: LearningPartnership,
    user: User | None,
    member: MemberOrganisation | None = None,
    **fields: Any,
) -> MemberOrganisation:
    """Add a member organisation to a partnership, or update one."""
    check_perm(user, EDIT_PERMISSION, partnership, message=EDIT_REFUSED)
    member = member or MemberOrganisation(partnership=partnership)
    return _save(member, fields)


def member_delete(*, member: MemberOrganisation, user: User | None) -> None:
    """Remove a member organisation from its partnership."""
    check_perm(user, EDIT_PERMISSION, member.partnership, message=EDIT_REFUSED)
    member.delete()


@transaction.atomic
def llsc_relationship_add(
    *,
    partnership: LearningPartnership,
    llsc: LocalLSC,
    user: User | None,
    **fields: Any,
) -> LLSCRelationship:
    """Link a partnership to a local LSC, with their local agreement. A national
    administrator links any local LSC; an LLSC officer their own, to a
    partnership in its region. Refused while a return is under review."""
    check_perm(
        user,
        "partnerships.add_llscrelationship",
        partnership,
        message="You cannot link this partnership to a local LSC.",
    )
    relationship = LLSCRelationship(partnership=partnership, llsc=llsc)
    check_perm(
        user,
        "partnerships.change_llscrelationship",
        relationship,
        message="You can link a partnership to your own local LSC only.",
    )
    _refuse_while_locked(partnership)
    return _save(relationship, fields)


@transaction.atomic
def llsc_relationship_update(
    *, relationship: LLSCRelationship, user: User | None, **fields: Any
) -> LLSCRelationship:
    """Change a link's local agreement; a national administrator may also move
    it to another local LSC, but not while a return is under review."""
    # Asked of the row as saved: a bound form has already set its values on
    # the instance.
    saved = LLSCRelationship.objects.get(pk=relationship.pk)
    check_perm(
        user,
        "partnerships.change_llscrelationship",
        saved,
        message="You can view this link but not change it.",
    )
    llsc = fields.get("llsc")
    if llsc is not None and llsc.pk != saved.llsc_id:
        check_perm(
            user,
            "partnerships.choose_any_llsc",
            relationship,
            message="Only national administrators move a link to another local LSC.",
        )
        _refuse_while_locked(relationship.partnership)
    return _save(relationship, fields)


@transaction.atomic
def llsc_relationship_end(*, relationship: LLSCRelationship, user: User | None) -> None:
    """End a partnership's link to a local LSC. Refused while a return is under
    review."""
    check_perm(
        user,
        "partnerships.delete_llscrelationship",
        relationship,
        message="You can view this link but not end it.",
    )
    _refuse_while_locked(relationship.partnership)
    relationship.delete()


def lsp_relationship_save(
    *,
    partnership: LearningPartnership,
    user: User | None,
    relationship: LSPRelationship | None = None,
    **fields: Any,
) -> LSPRelationship:
    """Link a partnership to an LSP, or update how it stands with it."""
    check_perm(user, EDIT_PERMISSION, partnership, message=EDIT_REFUSED)
    relationship = relationship or LSPRelationship(partnership=partnership)
    return _save(relationship, fields)


def lsp_relationship_delete(
    *, relationship: LSPRelationship, user: User | None
) -> None:
    """Remove a partnership's link to an LSP."""
    check_perm(user, EDIT_PERMISSION, relationship.partnership, message=EDIT_REFUSED)
    relationship.delete()


def body_link_save(
    *,
    partnership: LearningPartnership,
    user: User | None,
    link: RegenerationBodyLink | None = None,
    **fields: Any,
) -> RegenerationBodyLink:
    """Record a partnership's relationship with a regeneration body other than
    an LSP, or update it."""
    check_perm(user, EDIT_PERMISSION, partnership, message=EDIT_REFUSED)
    link = link or RegenerationBodyLink(partnership=partnership)
    return _save(link, fields)


def body_link_delete(*, link: RegenerationBodyLink, user: User | None) -> None:
    """Remove a partnership's relationship with a regeneration body."""
    check_perm(user, EDIT_PERMISSION, link.partnership, message=EDIT_REFUSED)
    link.delete()

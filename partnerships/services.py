"""Writes. Each service validates the model in full before saving it."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models, transaction

from .models import (
    LearningPartnership,
    LLSCRelationship,
    LSPRelationship,
    MemberOrganisation,
)

M = TypeVar("M", bound=models.Model)


def _save(instance: M, fields: dict[str, Any]) -> M:
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


def partnership_update(
    *, partnership: LearningPartnership, **fields: Any
) -> LearningPartnership:
    """Update a partnership's profile facts."""
    return _save(partnership, fields)


def member_save(
    *,
    partnership: LearningPartnership,
    member: MemberOrganisation | None = None,
    **fields: Any,
) -> MemberOrganisation:
    """Add a member organisation to a partnership, or update one."""
    member = member or MemberOrganisation(partnership=partnership)
    return _save(member, fields)


def member_delete(*, member: MemberOrganisation) -> None:
    """Remove a member organisation from its partnership."""
    member.delete()


@transaction.atomic
def llsc_relationship_save(
    *,
    partnership: LearningPartnership,
    relationship: LLSCRelationship | None = None,
    **fields: Any,
) -> LLSCRelationship:
    """Link a partnership to a local LSC, or update the link and its agreement."""
    relationship = relationship or LLSCRelationship(partnership=partnership)
    return _save(relationship, fields)


def llsc_relationship_delete(*, relationship: LLSCRelationship) -> None:
    """Remove a partnership's link to a local LSC."""
    relationship.delete()


def lsp_relationship_save(
    *,
    partnership: LearningPartnership,
    relationship: LSPRelationship | None = None,
    **fields: Any,
) -> LSPRelationship:
    """Link a partnership to an LSP, or update how it stands with it."""
    relationship = relationship or LSPRelationship(partnership=partnership)
    return _save(relationship, fields)


def lsp_relationship_delete(*, relationship: LSPRelationship) -> None:
    """Remove a partnership's link to an LSP."""
    relationship.delete()

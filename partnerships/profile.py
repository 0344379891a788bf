"""The sections the layers above add to a partnership's profile page (its
self-assessments, development plans, ratings), so that this app imports none
of them: each registers its sections when Django starts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .models import LearningPartnership
from .users import AnyUser

SectionContext = Callable[[AnyUser, LearningPartnership], dict[str, Any]]


@dataclass(frozen=True)
class ProfileSection:
    """A template included in the profile, in `order`, with what `context`
    returns for the user and the partnership."""

    order: int
    template: str
    context: SectionContext


_sections: dict[str, ProfileSection] = {}


def register_profile_section(
    *, order: int, template: str, context: SectionContext
) -> None:
    """Add a section to every partnership's profile (once per template)."""
    _sections[template] = ProfileSection(order, template, context)


def profile_sections(
    *, user: AnyUser, partnership: LearningPartnership
) -> tuple[list[str], dict[str, Any]]:
    """The sections' templates in order, and the context they share."""
    sections = sorted(_sections.values(), key=lambda section: section.order)
    context: dict[str, Any] = {}
    for section in sections:
        context.update(section.context(user, partnership))
    return [section.template for section in sections], context

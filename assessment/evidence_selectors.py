"""Reads of partnerships' evidence libraries, scoped as returns are: the
partnership's managers (and administrators) see every file of its library;
others who see the partnership see the files linked to the returns whose
answers they may read, never a file used only in a draft."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from partnerships.models import LearningPartnership
from partnerships.selectors import partnerships_for_user
from partnerships.users import AnyUser

from .models import Answer, EvidenceFile, EvidenceLink
from .selectors import reads_drafts, returns_with_answers_for_user


def evidence_links_for_user(user: AnyUser) -> QuerySet[EvidenceLink]:
    """Links the user may see: those of the answers the user may read."""
    return EvidenceLink.objects.filter(
        answer__return_record__in=returns_with_answers_for_user(user)
    )


def evidence_files_for_user(user: AnyUser) -> QuerySet[EvidenceFile]:
    """Library files the user may see and download: all of their partnerships'
    files for managers and administrators, else those linked to an answer the
    user may read."""
    if reads_drafts(user):
        return EvidenceFile.objects.filter(partnership__in=partnerships_for_user(user))
    return EvidenceFile.objects.filter(
        pk__in=evidence_links_for_user(user).values("evidence_file_id")
    )


def links_with_places(links: QuerySet[EvidenceLink]) -> QuerySet[EvidenceLink]:
    """Links with what naming where they are used needs: the file, the answer's
    indicator and dimension, its return and period, and where it came from."""
    return links.select_related(
        "evidence_file",
        "answer__indicator__dimension",
        "answer__return_record__period",
        "carried_from__answer__return_record__period",
    ).order_by(
        "-answer__return_record__period__starts_on", "answer__indicator__code", "pk"
    )


@dataclass
class LibraryEntry:
    """A library file, the answers it is evidence for, and whether it is past
    its review-by date."""

    evidence_file: EvidenceFile
    uses: list[EvidenceLink]
    review_due: bool


def evidence_library(
    *,
    partnership: LearningPartnership,
    user: AnyUser,
    today: datetime.date | None = None,
) -> list[LibraryEntry]:
    """The partnership's library as the user may see it, files by title, each
    with where it is used (the links the user may see), in two queries."""
    today = today or timezone.localdate()
    files = (
        evidence_files_for_user(user)
        .filter(partnership=partnership)
        .prefetch_related(
            Prefetch(
                "links",
                queryset=links_with_places(evidence_links_for_user(user)),
                to_attr="visible_links",
            )
        )
        .order_by("title", "pk")
    )
    return [
        LibraryEntry(
            evidence_file=evidence_file,
            uses=evidence_file.visible_links,  # type: ignore[attr-defined]
            review_due=evidence_file.review_due(today),
        )
        for evidence_file in files
    ]


def library_choices(*, partnership_id: int, answer: Answer) -> QuerySet[EvidenceFile]:
    """The partnership's library files not yet linked to the answer, to offer
    on its page (read once, when the page shows them or one is chosen)."""
    return (
        EvidenceFile.objects.filter(partnership_id=partnership_id)
        .exclude(links__answer=answer)
        .order_by("title", "pk")
    )

"""The regional view's rows and page: one row per partnership, and the
aggregates above and below the table, with the roles (regeneration, then
collaboration) whose dimensions it shows side by side; and the links of each
partnership its rows show (local LSCs, LSPs, other regeneration bodies)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assessment.models import EngagementRating, Return, ReturnStatus
from indicators.models import FrameworkRole, Period, ScoreLevel
from partnerships.models import (
    LearningPartnership,
    LLSCRelationship,
    LSPRelationship,
    RegenerationBodyLink,
)
from plans.models import DevelopmentPlan

from .categories import CategoryCounts
from .cells import ScoreCell, figure_text, heat_class, score_cells
from .counts import Breakdown, LocalStatementMean

# The status filter's values beside the returns' own: a partnership with no
# return for the period, and one whose return is overdue (see is_overdue).
NOT_STARTED = "not_started"
OVERDUE = "overdue"
# Not (re)submitted yet: overdue once the period's deadline has passed.
UNSUBMITTED = (NOT_STARTED, ReturnStatus.DRAFT, ReturnStatus.RETURNED)


@dataclass
class DashboardRow:
    partnership: LearningPartnership
    return_record: Return | None
    self_scores: dict[str, float | None]
    agreed_scores: dict[str, float | None]
    overall: float | None
    stage: str
    change: float | None
    rating: EngagementRating | None
    agreement: LLSCRelationship | None
    recognition: LSPRelationship | None
    lsp_links: list[LSPRelationship] = field(default_factory=list)
    overdue: bool = False
    plan: DevelopmentPlan | None = None
    # The user may read the return's answers and document (not a draft of
    # others), known from the rows read: no perm asked per row.
    may_read: bool = False

    @property
    def status(self) -> str:
        """The return's status value; NOT_STARTED when there is none."""
        return self.return_record.status if self.return_record else NOT_STARTED

    @property
    def awaits_review(self) -> bool:
        """Submitted and not yet decided: the LLSC officer's to review."""
        return self.status in (ReturnStatus.SUBMITTED, ReturnStatus.IN_REVIEW)

    @property
    def status_label(self) -> str:
        if self.return_record is None:
            return "Not started"
        return str(ReturnStatus(self.return_record.status).label)

    @property
    def cells(self) -> list[ScoreCell]:
        """Per dimension, the self score's cell then the agreed score's."""
        return [
            cell
            for d in self.self_scores
            for cell in score_cells(self.self_scores[d], self.agreed_scores[d])
        ]

    @property
    def overall_heat(self) -> str:
        return heat_class(self.overall)

    @property
    def overall_text(self) -> str:
        return figure_text(self.overall, 2)

    @property
    def change_text(self) -> str:
        if self.change is None:
            return "–"
        return ("+" if self.change > 0 else "") + figure_text(self.change, 2)


@dataclass
class RoleColumns:
    """One role's dimensions on the regional view."""

    role: str
    codes: list[str]

    @property
    def label(self) -> str:
        return str(FrameworkRole(self.role).label)

    @property
    def column_span(self) -> int:
        """Its columns in the heatmap: a self and an agreed score each."""
        return 2 * len(self.codes)


@dataclass
class Dashboard:
    period: Period
    previous: Period | None
    rows: list[DashboardRow]
    learning_arm_share: float | None
    lead_agency_share: float | None
    york_stages: dict[str, int]
    structure_models: dict[str, int]
    regional_median: dict[str, float | None]
    national_median: dict[str, float | None]
    # The categories named in the submitted returns shown, by dimension.
    categories: CategoryCounts
    levels: list[ScoreLevel] = field(default_factory=list)
    dimensions: list[str] = field(default_factory=list)
    # Per dimension code, its name, and its framework's role.
    dimension_names: dict[str, str] = field(default_factory=dict)
    dimension_roles: dict[str, str] = field(default_factory=dict)
    # The counts the studies report, over the rows shown.
    breakdowns: list[Breakdown] = field(default_factory=list)
    # The local statements the rows shown answer, each with its area's label:
    # never in the dimension figures above, never compared with England.
    local_statements: list[LocalStatementMean] = field(default_factory=list)

    @property
    def column_count(self) -> int:
        """The heatmap's columns: two per dimension and five others."""
        return 2 * len(self.dimensions) + 5

    @property
    def roles(self) -> list[RoleColumns]:
        """The roles shown, regeneration first, each with its dimensions'
        codes in order: the regional view's sections side by side."""
        groups: list[RoleColumns] = []
        for code in self.dimensions:
            role = self.dimension_roles.get(code, FrameworkRole.REGENERATION)
            if not groups or groups[-1].role != role:
                groups.append(RoleColumns(role=role, codes=[]))
            groups[-1].codes.append(code)
        return groups

    @property
    def overdue_count(self) -> int:
        return sum(1 for row in self.rows if row.overdue)


def attach_links(partnerships: list[LearningPartnership], ids: list[int]) -> None:
    """Each partnership's local LSC relationships (``llsc_links``), LSP
    relationships with their LSP (``lsp_links``) and relationships with other
    regeneration bodies (``regeneration_links``), as plain lists read 3 times
    per partnership: three queries, as prefetch_related would make, without
    its work per partnership."""
    links: dict[str, dict[int, list[Any]]] = {
        "llsc_links": {},
        "lsp_links": {},
        "regeneration_links": {},
    }
    for name, queryset in (
        ("llsc_links", LLSCRelationship.objects.all()),
        ("lsp_links", LSPRelationship.objects.select_related("lsp")),
        ("regeneration_links", RegenerationBodyLink.objects.all()),
    ):
        found = links[name]
        for link in queryset.filter(partnership_id__in=ids):
            found.setdefault(link.partnership_id, []).append(link)
    for partnership in partnerships:
        for name, found in links.items():
            held = found.get(partnership.pk, [])
            # Each link knows its partnership, as after a prefetch.
            for link in held:
                link._state.fields_cache["partnership"] = partnership
            setattr(partnership, name, held)

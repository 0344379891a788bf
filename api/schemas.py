"""What the API reads and writes, as typed schemas: the OpenAPI document is
generated from these. Names follow the pages' own words."""

# No `from __future__ import annotations`: ninja reads the routes' and
# schemas' annotations at run time to build the requests and the document.

import datetime
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import AfterValidator

from assessment.models import ReturnStatus
from assessment.selectors import reads_drafts

# The largest key a database holds (a signed 64-bit integer): a larger number
# names nothing, and SQLite cannot even compare it.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _no_nul(value: str) -> str:
    # PostgreSQL refuses NUL in text: a value holding one names nothing.
    if "\x00" in value:
        raise ValueError("Must not hold a NUL character.")
    return value


# A word or code asked for in a filter or path.
Text = Annotated[str, Field(max_length=200), AfterValidator(_no_nul)]


class Message(Schema):
    """Every refusal: a sentence saying why."""

    detail: str


class Invalid(Schema):
    """A request whose values are not accepted: each error's place and why."""

    detail: list[dict[str, Any]]


class Conflicted(Schema):
    """An answer someone else saved after the version the client read."""

    detail: str
    fields: list[str]
    version: int


class RegionOut(Schema):
    id: int
    code: str
    name: str


class LocalLSCOut(Schema):
    id: int
    name: str
    region_code: str = Field(alias="region.code")


class LSPOut(Schema):
    id: int
    name: str
    local_authority: str
    tier: str
    region_code: str = Field(alias="region.code")
    nrf_funded: bool


class MemberOut(Schema):
    id: int
    partnership_id: int
    name: str
    sector: str
    is_board_member: bool


class LSPRelationshipOut(Schema):
    id: int
    partnership_id: int
    lsp: LSPOut
    recognition: str
    sits_on_board: bool
    linking_structure: str
    stage_aligning: bool
    stage_own_structures: bool
    stage_funded_projects: bool


class LLSCRelationshipOut(Schema):
    id: int
    partnership_id: int
    llsc: LocalLSCOut
    is_coterminous: bool
    agreement_status: str
    agreement_date: datetime.date | None
    covers_collaboration: bool
    covers_needs: bool
    covers_learner_feedback: bool


class PartnershipOut(Schema):
    id: int
    name: str
    region: RegionOut
    structure_model: str
    host_organisation: str
    host_type: str
    manager_name: str
    manager_email: str
    chair_name: str
    established_on: datetime.date | None
    is_active: bool


class BodyLinkOut(Schema):
    """A partnership's relationship with another regeneration body: a
    sub-regional strategic partnership, an RDA sub-regional partnership, New
    Deal for Communities, an SRB scheme or neighbourhood management."""

    id: int
    partnership_id: int
    kind: str
    name: str
    involvement: str


class PartnershipDetailOut(PartnershipOut):
    members: list[MemberOut]
    lsp_relationships: list[LSPRelationshipOut]
    llsc_relationships: list[LLSCRelationshipOut]
    body_links: list[BodyLinkOut]


class PeriodOut(Schema):
    id: int
    code: str
    starts_on: datetime.date
    ends_on: datetime.date
    submission_deadline: datetime.date | None


class ScoreLevelOut(Schema):
    value: int
    label: str
    descriptor: str


class IndicatorOut(Schema):
    id: int
    code: str
    statement: str
    guidance: str
    evidence_examples: str
    pmf_quality: str
    order: int


class DimensionOut(Schema):
    id: int
    code: str
    title: str
    description: str
    order: int
    indicators: list[IndicatorOut]


class FrameworkOut(Schema):
    id: int
    name: str
    version: int
    status: str
    description: str
    published_at: datetime.datetime | None
    period_codes: list[str]

    @staticmethod
    def resolve_period_codes(obj: Any) -> list[str]:
        return [period.code for period in obj.periods.all()]


class FrameworkDetailOut(FrameworkOut):
    score_levels: list[ScoreLevelOut]
    dimensions: list[DimensionOut]


class LocalStatementOut(Schema):
    code: str
    dimension_code: str = Field(alias="dimension.code")
    statement: str
    guidance: str
    evidence_examples: str
    pmf_quality: str


class SupplementOut(Schema):
    """An area's local statements on a framework for a period."""

    id: int
    name: str
    version: int
    status: str
    period_code: str = Field(alias="period.code")
    region_code: str | None
    local_lsc: str | None
    label: str
    published_at: datetime.datetime | None
    statements: list[LocalStatementOut]

    @staticmethod
    def resolve_region_code(obj: Any) -> str | None:
        return obj.region.code if obj.region else None

    @staticmethod
    def resolve_local_lsc(obj: Any) -> str | None:
        return obj.local_lsc.name if obj.local_lsc else None

    @staticmethod
    def resolve_statements(obj: Any) -> list[Any]:
        return list(obj.indicators.all())


class ReturnOut(Schema):
    id: int
    partnership_id: int
    period_code: str = Field(alias="period.code")
    framework_id: int
    status: str
    created_at: datetime.datetime
    submitted_at: datetime.datetime | None
    answers_readable: bool = Field(
        description="Whether the answers and scores may be read: a draft's only "
        "by the partnership's managers and administrators."
    )

    @staticmethod
    def resolve_answers_readable(obj: Any, context: dict[str, Any]) -> bool:
        # The queryset side of assessment.view_answers: no query a row.
        return obj.status != ReturnStatus.DRAFT or reads_drafts(context["request"].user)


class TickedCategoryOut(Schema):
    """A category of the framework's lists ticked on an answer."""

    kind: str = Field(
        alias="category_list.kind", description="barriers, impact or added_value"
    )
    code: str
    name: str


class AnswerOut(Schema):
    id: int
    indicator_code: str = Field(alias="indicator.code")
    dimension_code: str
    score: int | None
    evidence: str
    barriers: str
    planned_action: str
    agreed_score: int | None
    officer_comment: str
    not_applicable: bool = Field(
        description="Answered not applicable (N/A): no score, left out of every "
        "mean, median and gap."
    )
    not_applicable_reason: str
    not_applicable_rejected: bool = Field(
        description="The LLSC officer did not accept not applicable: the "
        "indicator must be scored before the return is submitted again."
    )
    carried_forward: bool
    version: int
    updated_at: datetime.datetime
    categories: list[TickedCategoryOut] = Field(
        description="The categories ticked beside the free text (read only: "
        "ticked on the indicator's page)."
    )

    @staticmethod
    def resolve_categories(obj: Any) -> list[Any]:
        return list(obj.categories.all())


class AnswerIn(Schema):
    """A manager's answer to one indicator of a draft (or returned) return.
    Fields left out keep their value; ``version`` is the answer's version as
    read, so that someone else's save in between is not overwritten (409)."""

    version: int = Field(ge=1)
    score: int | None = Field(
        None, description="A value of the framework's scale, or null for none."
    )
    evidence: str | None = None
    barriers: str | None = None
    planned_action: str | None = None
    not_applicable: bool | None = Field(
        None,
        description="Not applicable, where the framework allows it for the "
        "indicator: no score, and a reason is required.",
    )
    not_applicable_reason: str | None = None


class DimensionScoresOut(Schema):
    code: str
    title: str
    self_mean: float | None
    agreed_mean: float | None
    stage: str
    scored: int
    indicators: int


class ReturnScoresOut(Schema):
    return_id: int
    overall: float | None
    stage: str
    dimensions: list[DimensionScoresOut]


class TargetOut(Schema):
    id: int
    measure: str
    unit: str
    baseline: float
    floor: float
    aspirational: float


class ActionOut(Schema):
    id: int
    description: str
    lead_person: str
    lead_member_id: int | None
    improvement_area: str
    starts_on: datetime.date
    due_on: datetime.date
    resources: str
    funding_source: str
    success_measure: str
    status: str


class PriorityOut(Schema):
    id: int
    title: str
    description: str
    dimension_code: str = Field(alias="dimension.code")
    indicator_codes: list[str]
    plausibility: str
    plausibility_rationale: str
    order: int
    actions: list[ActionOut]
    targets: list[TargetOut]


class PlanOut(Schema):
    id: int
    partnership_id: int
    period_code: str = Field(alias="period.code")
    source_return_id: int | None
    status: str
    officer_comment: str
    approved_at: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime


class PlanDetailOut(PlanOut):
    priorities: list[PriorityOut] = Field(alias="priorities_list")


class RegionalRowOut(Schema):
    partnership_id: int
    partnership_name: str
    region_code: str
    return_id: int | None
    status: str
    overdue: bool
    self_scores: dict[str, float | None]
    agreed_scores: dict[str, float | None]
    overall: float | None
    stage: str
    change: float | None
    go_rating: int | None
    local_agreement: str | None
    lsp_recognition: str | None
    plan_id: int | None


class CategoryShareOut(Schema):
    partnerships: int = Field(description="How many named the category.")
    share: float | None = Field(
        description="Their percentage of the partnerships counted."
    )
    previous_share: float | None = Field(
        description="The percentage in the previous period."
    )
    change: float | None = Field(description="share less previous_share, in points.")


class CategoryCountOut(Schema):
    """A category of the framework's lists, as the regional view counts it:
    the partnerships with a submitted return naming it on any indicator, and
    per dimension."""

    kind: str
    code: str
    name: str
    any_dimension: CategoryShareOut
    by_dimension: dict[str, CategoryShareOut]


class RegionalOut(Schema):
    """What the regional view shows: one row per partnership and the figures
    around the table, for the period, scope and filters asked."""

    period_code: str
    previous_period_code: str | None
    dimensions: dict[str, str] = Field(description="Dimension code: its title.")
    rows: list[RegionalRowOut]
    overdue: int
    learning_arm_share: float | None
    lead_agency_share: float | None
    median: dict[str, float | None] = Field(
        description="Per dimension, the median of the partnerships shown."
    )
    england_median: dict[str, float | None]
    york_stages: dict[str, int]
    structure_models: dict[str, int]
    categories_counted: int = Field(
        description="The partnerships shown with a submitted return, of which "
        "the category shares are."
    )
    categories: list[CategoryCountOut]

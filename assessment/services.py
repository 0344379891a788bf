"""Writes to returns: starting one, saving an answer under
optimistic locking, evidence files, confirming the profile, submitting."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from indicators.models import Category, Dimension, Indicator, Period
from indicators.selectors import (
    framework_for_period,
    frameworks_for_period,
    national,
)
from partnerships.models import LearningPartnership
from partnerships.rules import check_perm
from partnerships.users import User

from .counting import unanswered_q
from .evidence import evidence_carry_forward
from .figures import return_figures_refresh
from .local_statements import local_indicators
from .models import (
    EDITABLE_STATUSES,
    Answer,
    EngagementRating,
    Return,
    ReturnStatus,
)
from .selectors import CATEGORIES_NOTE, NO_CATEGORIES, previous_return
from .workflow import return_transition

ANSWER_FIELDS = ("score", "evidence", "barriers", "planned_action")
# Saved with the answer, where the indicator offers "not applicable".
NOT_APPLICABLE_FIELDS = ("not_applicable", "not_applicable_reason")
NOT_APPLICABLE_REASON_MAX = 2000


CHANGE = "assessment.change_return"
MANAGERS_ONLY = "Only the partnership's managers change its self-assessment."


class ReturnNotEditable(Exception):
    """The return has been submitted; nothing in it may change."""

    def __init__(self, return_record: Return) -> None:
        super().__init__(
            f"This return is {return_record.get_status_display().lower()}, "
            "so it can no longer be changed."
        )


@dataclass
class Conflict:
    """An answer someone else saved after the form was opened."""

    answer: Answer
    fields: list[str]


class AnswerConflict(Exception):
    """A save based on answers that have changed since; nothing was saved."""

    def __init__(self, conflicts: list[Conflict]) -> None:
        super().__init__(
            "Someone else saved these answers while you were editing them."
        )
        self.conflicts = conflicts


class ReturnIncomplete(Exception):
    """Submitting a return in which some indicators are not scored."""

    def __init__(self, missing: list[Answer]) -> None:
        super().__init__(f"{len(missing)} indicators are not scored yet.")
        self.missing = missing


@transaction.atomic
def return_start(
    *,
    partnership: LearningPartnership,
    period: Period,
    user: User,
    carry_forward: bool = False,
) -> Return:
    """Start a partnership's return for a period, with an empty answer per
    indicator that applies to the partnership's structure model (national,
    and the local statements of its area); optionally carrying forward last
    year's evidence and actions, marked for review, and its evidence files as
    links to confirm."""
    check_perm(
        user,
        "assessment.add_return",
        partnership,
        message="Only the partnership's managers start its self-assessment.",
    )
    framework = framework_for_period(period=period)
    if framework is None:
        raise ValidationError(
            {"period": f"No published framework applies to {period}."}
        )
    if Return.objects.filter(partnership=partnership, period=period).exists():
        raise ValidationError(
            {"period": f"{partnership} already has a return for {period}."}
        )
    return_record = Return(
        partnership=partnership, period=period, framework=framework, created_by=user
    )
    return_record.full_clean()
    return_record.save()
    previous = previous_return(return_record=return_record) if carry_forward else None
    if carry_forward and previous is not None:
        return_record.carried_forward_from = previous
        return_record.save(update_fields=["carried_forward_from"])
    last_year = (
        {a.indicator.code: a for a in previous.answers.select_related("indicator")}
        if previous is not None
        else {}
    )
    answers = []
    # An answer for every role's framework the period runs: the return's
    # (regeneration), and collaboration where the period runs it: their
    # national indicators, then the local statements of the partnership's
    # region and local LSCs in force for the period.
    frameworks = [framework.pk] + [
        f.pk for f in frameworks_for_period(period=period) if f.role != framework.role
    ]
    indicators = [
        *national(Indicator.objects.filter(dimension__framework__in=frameworks)),
        *local_indicators(partnership=partnership, framework=framework, period=period),
    ]
    for indicator in indicators:
        # An indicator that never applies to this kind of partnership is not
        # asked, so it is never shown nor counted.
        if not indicator.applies_to_model(partnership.structure_model):
            continue
        answer = Answer(return_record=return_record, indicator=indicator)
        old = last_year.get(indicator.code)
        if old is not None and (old.evidence or old.barriers or old.planned_action):
            answer.evidence = old.evidence
            answer.barriers = old.barriers
            answer.planned_action = old.planned_action
            answer.carried_forward = True
        answers.append(answer)
    # With history, so the first change to each answer shows what it was before.
    created = bulk_create_with_history(answers, Answer)
    if previous is not None:
        evidence_carry_forward(previous=previous, answers=created, user=user)
        _carry_categories(previous=previous, answers=created, frameworks=frameworks)
    return return_record


def _carry_categories(
    *, previous: Return, answers: list[Answer], frameworks: list[int]
) -> None:
    """Tick on each answer carried forward the categories last year's answer
    had, matched by kind and code within the answer's own framework: a new
    framework version has its own category rows, and a category it dropped is
    left behind. Three queries and one insert, whatever the number of answers."""
    current = {
        (
            category.category_list.framework_id,
            category.category_list.kind,
            category.code,
        ): category.pk
        for category in Category.objects.filter(
            category_list__framework__in=frameworks
        ).select_related("category_list")
    }
    framework_of = dict(
        Dimension.objects.filter(framework__in=frameworks).values_list(
            "pk", "framework_id"
        )
    )
    by_code = {a.indicator.code: a for a in answers if a.carried_forward}
    Through = Answer.categories.through
    rows = []
    for code, kind, category_code in Through.objects.filter(
        answer__return_record=previous
    ).values_list(
        "answer__indicator__code",
        "category__category_list__kind",
        "category__code",
    ):
        answer = by_code.get(code)
        if answer is None:
            continue
        framework_id = framework_of.get(answer.indicator.dimension_id, 0)
        category_id = current.get((framework_id, kind, category_code))
        if category_id is not None:
            rows.append(Through(answer_id=answer.pk, category_id=category_id))
    Through.objects.bulk_create(rows, ignore_conflicts=True)


def _ensure_editable(return_record: Return) -> None:
    if not return_record.is_editable:
        raise ReturnNotEditable(return_record)


@transaction.atomic
def answer_save(
    *,
    return_record: Return,
    answer: Answer,
    values: dict[str, Any],
    version: int,
    user: User,
    categories: list[Category] | None = None,
) -> Answer:
    """Save one answer: its score, evidence, barriers and planned action, or,
    where the indicator offers it, "not applicable" with a reason (no score);
    and the categories ticked (left as they are when ``categories`` is None).
    The categories must be of the indicator's framework; the change is noted
    in the answer's history as its change reason, since the history does not
    follow the many-to-many table.

    ``version`` is the version the answer had when the form was opened. When
    the stored version is newer and its values differ from those posted,
    someone else changed the answer meanwhile: nothing is saved and
    AnswerConflict shows what they saved. Saving an answer carried forward from
    last year is its review, even when nothing in it changed.
    """
    check_perm(user, CHANGE, return_record, message=MANAGERS_ONLY)
    locked = Return.objects.select_for_update().get(pk=return_record.pk)
    _ensure_editable(locked)
    stored = (
        Answer.objects.select_for_update(of=("self",))
        .select_related("indicator__dimension", "updated_by")
        .get(pk=answer.pk, return_record=locked)
    )
    values = _not_applicable_checked(stored, values)
    fields = (*ANSWER_FIELDS, *NOT_APPLICABLE_FIELDS)
    changed = [f for f in fields if getattr(stored, f) != values[f]]
    ticked = _categories_change(stored, locked, categories)
    if ticked is not None:
        changed.append("categories")
    if stored.version != version and changed:
        raise AnswerConflict([Conflict(stored, changed)])
    if not changed and not stored.carried_forward:
        return stored
    for name in fields:
        setattr(stored, name, values[name])
    if ticked is not None:
        stored.categories.set(ticked)
        stored._change_reason = CATEGORIES_NOTE + (  # type: ignore[attr-defined]
            "; ".join(c.name for c in ticked) or NO_CATEGORIES
        )
    stored.carried_forward = False
    stored.version += 1
    stored.updated_by = user
    # The user is the one signed in: no need to look them up again. The score's
    # check constraint is the database's to enforce: validating it here costs
    # three queries, and the form only offers the framework's levels.
    stored.full_clean(
        exclude=["return_record", "indicator", "updated_by"],
        validate_constraints=False,
    )
    stored.save()
    # A draft is not counted in the figures; a return returned for revision is.
    counted_change = "score" in changed or "not_applicable" in changed
    if counted_change and locked.status != ReturnStatus.DRAFT:
        return_figures_refresh(return_record=locked)
    return stored


def _not_applicable_checked(answer: Answer, values: dict[str, Any]) -> dict[str, Any]:
    """The values with "not applicable" settled: refused (ValidationError)
    where the indicator does not offer it or the officer rejected it, or
    without a reason; a score and "not applicable" never go together. Values
    without the keys keep the answer's own."""
    code = answer.indicator.code
    if "not_applicable" in values:
        wanted = bool(values["not_applicable"])
    else:
        # Not asked (a form or a client that does not offer it): kept while
        # the answer stays unscored and the officer has not rejected it.
        wanted = (
            answer.not_applicable
            and values.get("score") is None
            and not answer.not_applicable_rejected
        )
    reason = str(
        values.get("not_applicable_reason", answer.not_applicable_reason) or ""
    ).strip()
    values = {**values, "not_applicable": wanted, "not_applicable_reason": reason}
    if not wanted:
        return {**values, "not_applicable_reason": ""}
    if not answer.indicator.offers_not_applicable:
        raise ValidationError(
            {"not_applicable": f"{code} cannot be answered not applicable"}
        )
    if answer.not_applicable_rejected:
        raise ValidationError(
            {
                "not_applicable": f"The LLSC officer did not accept that {code} is "
                "not applicable: give it a score"
            }
        )
    if values.get("score") is not None:
        raise ValidationError(
            {"not_applicable": f"Choose a score for {code} or not applicable, not both"}
        )
    if not reason:
        raise ValidationError(
            {"not_applicable_reason": f"Say why {code} is not applicable"}
        )
    if len(reason) > NOT_APPLICABLE_REASON_MAX:
        raise ValidationError(
            {
                "not_applicable_reason": f"The reason {code} is not applicable "
                f"must be {NOT_APPLICABLE_REASON_MAX:,} characters or fewer"
            }
        )
    return values


def _categories_change(
    stored: Answer, locked: Return, categories: list[Category] | None
) -> list[Category] | None:
    """The categories to tick when they differ from those ticked, else None.
    Categories of another framework are refused: a form or a client offering
    them is wrong, and counting them would mix frameworks."""
    if categories is None:
        return None
    # The indicator's own framework: each role's framework has its own lists.
    framework_id = stored.indicator.dimension.framework_id
    foreign = [c for c in categories if c.category_list.framework_id != framework_id]
    if foreign:
        raise ValidationError(
            {"categories": "Choose categories of this indicator's framework"}
        )
    before = set(stored.categories.values_list("pk", flat=True))
    if before == {c.pk for c in categories}:
        return None
    return sorted(categories, key=lambda c: (c.category_list_id, c.order))


def profile_confirm(*, return_record: Return, user: User) -> Return:
    """Record that the partnership's profile was checked for this return."""
    check_perm(user, CHANGE, return_record, message=MANAGERS_ONLY)
    _ensure_editable(return_record)
    return_record.profile_checked_at = timezone.now()
    return_record.profile_checked_by = user
    return_record.save(update_fields=["profile_checked_at", "profile_checked_by"])
    return return_record


@transaction.atomic
def return_submit(*, return_record: Return, user: User) -> Return:
    """Submit a return once every indicator is scored, or not applicable
    (where the LLSC officer has not rejected that); it is read-only after."""
    _ensure_editable(return_record)
    missing = list(
        return_record.answers.filter(unanswered_q()).select_related(
            "indicator__dimension"
        )
    )
    if missing:
        raise ReturnIncomplete(missing)
    return_transition(
        return_record=return_record, to_status=ReturnStatus.SUBMITTED, user=user
    )
    return return_record


@dataclass
class AgreedScore:
    score: int | None
    comment: str
    # For an answer "not applicable": whether the officer rejected that
    # (None: not applicable is not in question).
    not_applicable_rejected: bool | None = None


@transaction.atomic
def return_review(
    *,
    return_record: Return,
    user: User,
    agreed: dict[int, AgreedScore],
    overall_comment: str,
    decision: str,
    reasons: str = "",
) -> Return:
    """Record the LLSC officer's agreed scores and comments and accept or return
    the self-assessment, all or nothing. If another officer decided first,
    TransitionLost is raised and nothing is saved."""
    return_transition(
        return_record=return_record, to_status=decision, user=user, reason=reasons
    )
    answers = Answer.objects.filter(return_record=return_record, pk__in=agreed)
    rescored = False
    for answer in answers:
        rescored = rescored or answer.agreed_score != agreed[answer.pk].score
        answer.agreed_score = agreed[answer.pk].score
        answer.officer_comment = agreed[answer.pk].comment
        answer.full_clean(exclude=["return_record", "indicator"])
        answer.save(update_fields=["agreed_score", "officer_comment"])
    return_record.review_comment = overall_comment
    return_record.save(update_fields=["review_comment"])
    if rescored:
        return_figures_refresh(return_record=return_record)
    return return_record


def review_start(*, return_record: Return, user: User) -> Return:
    """Take a submitted return into review, so other officers see it is taken."""
    return_transition(
        return_record=return_record, to_status=ReturnStatus.IN_REVIEW, user=user
    )
    return return_record


def rating_save(
    *,
    partnership: LearningPartnership,
    period: Period,
    user: User,
    rating: int,
    rationale: str,
) -> EngagementRating:
    """Record or change a GO officer's engagement rating for a partnership."""
    check_perm(
        user,
        "assessment.rate_partnership",
        partnership,
        message="Government Office officers rate partnerships.",
    )
    record = EngagementRating.objects.filter(
        partnership=partnership, period=period
    ).first()
    record = record or EngagementRating(partnership=partnership, period=period)
    record.rating = rating
    record.rationale = rationale.strip()
    record.rated_by = user
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def returns_answers_add(*, period_ids: Collection[int]) -> int:
    """Give the editable returns of the periods an answer for each indicator
    of every role's framework the period now runs that the return has no
    answers under yet (a framework added to a period after its returns
    started); a return already answering a role keeps its version. The
    number of answers added. Made by the service itself when a framework
    joins a period (see signals), whoever linked it: no perm is asked."""
    added: list[Answer] = []
    for period_id in period_ids:
        returns = list(
            Return.objects.filter(
                period_id=period_id, status__in=EDITABLE_STATUSES
            ).select_related("framework")
        )
        if not returns:
            continue
        frameworks = frameworks_for_period(period=period_id)
        answered: dict[int, set[str]] = {}
        for return_id, role in (
            Answer.objects.filter(return_record__in=returns)
            .values_list("return_record_id", "indicator__dimension__framework__role")
            .distinct()
        ):
            answered.setdefault(return_id, set()).add(role)
        indicators = {
            framework.role: list(
                Indicator.objects.filter(dimension__framework=framework)
            )
            for framework in frameworks
        }
        for record in returns:
            roles = answered.get(record.pk, set()) | {record.framework.role}
            for role, role_indicators in indicators.items():
                if role not in roles:
                    added += [
                        Answer(return_record=record, indicator=indicator)
                        for indicator in role_indicators
                    ]
    # With history, as return_start makes them.
    bulk_create_with_history(added, Answer)
    # A return returned for revision counts in the figures: its new
    # framework's dimensions join them, unscored, as a full refresh counts them.
    for record in {answer.return_record for answer in added}:
        if record.status != ReturnStatus.DRAFT:
            return_figures_refresh(return_record=record)
    return len(added)

"""The LLSC officer's moderation of a submitted return, a dimension at a time:
where each dimension stands, saving agreed scores and comments without
deciding, and the decision taken on what was saved."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import mean
from typing import Any

from django.db import transaction
from django.utils import timezone

from indicators.models import Dimension
from partnerships.rules import check_perm
from partnerships.users import User

from . import services
from .counting import counted_answers, counts
from .figures import return_figures_refresh
from .models import Answer, Return, ReturnStatus
from .selectors import DimensionSummary
from .services import AgreedScore, AnswerConflict, Conflict
from .workflow import REVIEW, return_transition

DECIDABLE = (ReturnStatus.SUBMITTED, ReturnStatus.IN_REVIEW)
AGREED_FIELDS = ("agreed_score", "officer_comment", "not_applicable_rejected")
REVIEWERS_ONLY = "Only the partnership's LLSC officers review its return."

NOT_STARTED, IN_PROGRESS, MODERATED = "Not started", "In progress", "Moderated"


class ReviewClosed(Exception):
    """The return is no longer waiting for a decision; nothing was saved."""

    def __init__(self, return_record: Return) -> None:
        super().__init__(
            "Someone else changed this return while you were working on it: it "
            f"is now {return_record.get_status_display().lower()}. Nothing you "
            "entered was saved."
        )


class NotApplicableRejected(Exception):
    """Accepting a return in which the officer rejected a "not applicable":
    only a return for revision gets it scored."""

    def __init__(self, answers: list[Answer]) -> None:
        codes = ", ".join(a.indicator.code for a in answers)
        super().__init__(
            f"You did not accept that {codes} is not applicable: return the "
            "self-assessment for revision so that the partnership scores it, or "
            "accept not applicable on its dimension's page."
        )


class ScoresChanged(Exception):
    """Agreed scores were saved after the check page was opened: the decision
    would not be taken on what the officer read."""


def is_moderated(answer: Answer, return_record: Return) -> bool:
    """Whether an officer saved the answer's agreed score since the return was
    last submitted (scores agreed at an earlier review do not count)."""
    submitted = return_record.submitted_at
    return (
        answer.agreed_at is not None
        and submitted is not None
        and answer.agreed_at >= submitted
    )


def moderation_state(answers: list[Answer], return_record: Return) -> str:
    """Not started, In progress or Moderated, from the answers' saved scores."""
    moderated = sum(1 for a in answers if is_moderated(a, return_record))
    if answers and moderated == len(answers):
        return MODERATED
    return IN_PROGRESS if moderated else NOT_STARTED


def agreed_or_default(answer: Answer) -> int | None:
    """The score an answer is agreed at until an officer saves one: the score
    agreed at an earlier review, else the self score; none for an answer not
    applicable."""
    if answer.not_applicable:
        return None
    return answer.agreed_score or answer.score


def answer_gap(answer: Answer) -> int | None:
    """Agreed minus self for one indicator, once an agreed score is saved."""
    if not counts(answer) or answer.agreed_score is None or answer.score is None:
        return None
    return answer.agreed_score - answer.score


def dimension_gap(answers: list[Answer]) -> float | None:
    """Mean agreed minus mean self of a dimension's answers, from the unrounded
    means as the scores table computes it; None before any agreed score.
    Answers not applicable are left out."""
    answers = counted_answers(answers)
    agreed = [a.agreed_score for a in answers if a.agreed_score is not None]
    scored = [a.score for a in answers if a.score is not None]
    if not agreed or not scored:
        return None
    return round(mean(agreed) - mean(scored), 2)


@dataclass
class DimensionModeration:
    """A dimension's summary with where its moderation stands."""

    summary: DimensionSummary
    state: str
    unmoderated: list[Answer]

    @property
    def dimension(self) -> Dimension:
        return self.summary.dimension


def dimension_moderation(
    *, return_record: Return, summaries: list[DimensionSummary]
) -> list[DimensionModeration]:
    """Each dimension's moderation state, from the summaries' answers."""
    return [
        DimensionModeration(
            summary=summary,
            state=moderation_state(summary.answers, return_record),
            unmoderated=[
                a for a in summary.answers if not is_moderated(a, return_record)
            ],
        )
        for summary in summaries
    ]


def answers_version(answers: list[Answer]) -> int:
    """A number that changes whenever any of the answers is saved: versions
    only ever go up, so their sum does too."""
    return sum(a.version for a in answers)


def _lock_open_return(return_record: Return) -> Return:
    locked = Return.objects.select_for_update().get(pk=return_record.pk)
    if locked.status not in DECIDABLE:
        raise ReviewClosed(locked)
    return locked


def _posted_values(answer: Answer, posted: AgreedScore) -> dict[str, Any]:
    """What the officer's save writes to an answer: the agreed score and
    comment; for an answer not applicable, no agreed score, and whether the
    officer rejected it."""
    if not answer.not_applicable:
        return {"agreed_score": posted.score, "officer_comment": posted.comment}
    return {
        "agreed_score": None,
        "officer_comment": posted.comment,
        "not_applicable_rejected": bool(posted.not_applicable_rejected),
    }


@transaction.atomic
def review_scores_save(
    *,
    return_record: Return,
    dimension: Dimension,
    agreed: dict[int, AgreedScore],
    versions: dict[int, int],
    user: User,
) -> list[Answer]:
    """Save the agreed scores and comments of one dimension without deciding;
    all or nothing, while the return waits for a decision.

    ``agreed`` maps answer ids to the agreed score and comment, ``versions``
    the version each answer had when the page was opened. As for the
    managers' answers, an answer saved by someone else meanwhile whose stored
    agreed score or comment differs from those posted is a conflict: nothing
    is saved and AnswerConflict lists them. A return only submitted is taken
    into review by the officer who saves, so other officers see it is taken.
    """
    check_perm(user, REVIEW, return_record, message=REVIEWERS_ONLY)
    locked = _lock_open_return(return_record)
    answers = list(
        Answer.objects.select_for_update(of=("self",))
        .filter(return_record=locked, indicator__dimension=dimension, pk__in=agreed)
        .select_related("indicator", "updated_by")
    )
    conflicts = []
    for answer in answers:
        posted = agreed[answer.pk]
        changed = [
            name
            for name, value in _posted_values(answer, posted).items()
            if getattr(answer, name) != value
        ]
        if answer.version != versions.get(answer.pk) and changed:
            conflicts.append(Conflict(answer, changed))
    if conflicts:
        raise AnswerConflict(conflicts)
    if locked.status == ReturnStatus.SUBMITTED:
        return_transition(
            return_record=return_record, to_status=ReturnStatus.IN_REVIEW, user=user
        )
    now = timezone.now()
    rescored = any(a.agreed_score != agreed[a.pk].score for a in answers)
    for answer in answers:
        for name, value in _posted_values(answer, agreed[answer.pk]).items():
            setattr(answer, name, value)
        answer.agreed_at = now
        answer.version += 1
        answer.updated_by = user
        answer.full_clean(
            exclude=["return_record", "indicator", "updated_by"],
            validate_constraints=False,
        )
        answer.save(
            update_fields=[
                *AGREED_FIELDS,
                "agreed_at",
                "version",
                "updated_by",
                "updated_at",
            ]
        )
    if rescored:
        return_figures_refresh(return_record=locked)
    return answers


@transaction.atomic
def review_decide(
    *,
    return_record: Return,
    user: User,
    overall_comment: str,
    decision: str,
    reasons: str = "",
    seen_version: int | None = None,
) -> Return:
    """Accept or return the self-assessment with the agreed scores saved;
    an indicator no officer moderated for this submission is agreed at the
    score its page offers (an earlier review's agreed score, else the self
    score), with its comment as saved. ``seen_version`` is
    ``answers_version`` when the check page was opened: if scores were saved
    since, ScoresChanged is raised and nothing is decided. The status, the
    record of the step and the notifications are ``return_review``'s."""
    check_perm(user, REVIEW, return_record, message=REVIEWERS_ONLY)
    _lock_open_return(return_record)
    answers = list(
        Answer.objects.select_for_update(of=("self",))
        .filter(return_record=return_record)
        .select_related("indicator")
    )
    if seen_version is not None and answers_version(answers) != seen_version:
        raise ScoresChanged(
            "Another officer saved agreed scores after you opened this page. "
            "Check them below, then confirm the decision again."
        )
    rejected = [a for a in answers if a.not_applicable and a.not_applicable_rejected]
    if rejected and decision == ReturnStatus.ACCEPTED:
        raise NotApplicableRejected(rejected)
    agreed: dict[int, AgreedScore] = {}
    for answer in answers:
        score = agreed_or_default(answer)
        if score is None:
            continue
        agreed[answer.pk] = AgreedScore(score=score, comment=answer.officer_comment)
    return services.return_review(
        return_record=return_record,
        user=user,
        agreed=agreed,
        overall_comment=overall_comment,
        decision=decision,
        reasons=reasons,
    )


def conflicts_by_answer(conflicts: list[Conflict]) -> dict[int, Any]:
    """The other officer's saved answer by answer id, for the page to show."""
    return {conflict.answer.pk: conflict.answer for conflict in conflicts}

"""Demo returns: every demo partnership has an accepted 2002-03 return, and its
2003-04 return in one of several states, so a newcomer sees year-on-year
figures and every screen has something to show. Idempotent: an existing
return is left as it is."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from assessment.models import (
    Answer,
    EngagementRating,
    Return,
    ReturnStatus,
    Transition,
)
from indicators.models import Framework, Indicator, Period
from partnerships.models import LearningPartnership
from partnerships.users import User

# Workflow steps behind each status, so every return's history is complete.
STEPS = {
    ReturnStatus.SUBMITTED: [(ReturnStatus.DRAFT, ReturnStatus.SUBMITTED)],
    ReturnStatus.IN_REVIEW: [
        (ReturnStatus.DRAFT, ReturnStatus.SUBMITTED),
        (ReturnStatus.SUBMITTED, ReturnStatus.IN_REVIEW),
    ],
    ReturnStatus.RETURNED: [
        (ReturnStatus.DRAFT, ReturnStatus.SUBMITTED),
        (ReturnStatus.SUBMITTED, ReturnStatus.IN_REVIEW),
        (ReturnStatus.IN_REVIEW, ReturnStatus.RETURNED),
    ],
    ReturnStatus.ACCEPTED: [
        (ReturnStatus.DRAFT, ReturnStatus.SUBMITTED),
        (ReturnStatus.SUBMITTED, ReturnStatus.IN_REVIEW),
        (ReturnStatus.IN_REVIEW, ReturnStatus.ACCEPTED),
    ],
}
RETURN_REASON = (
    "The evidence for D3 and D4 does not yet show the LSP links the scores claim. "
    "Please add the LSP board minutes and revise D4.2 and D4.4."
)
RATINGS = {
    "Hull": (
        5,
        "Formally the learning arm of CityVision and leads LSP-funded projects.",
    ),
    "Doncaster": (4, "Lead agency on learning; board seat; first LSP-funded project."),
    "Manchester": (4, "Learning theme group of the LSP with a growing project role."),
    "Solihull": (
        2,
        "Informal links only; the LSP has not yet recognised the partnership.",
    ),
    "Slough": (1, "Finding engagement with regeneration agencies more difficult."),
}

EVIDENCE = {
    "D1": [
        "The board adopted the regeneration remit in {month} and it now sits in the "
        "{place} strategic plan. Board papers and minutes record a regeneration item at "
        "every meeting.",
        "A partnership review with members in {month} tested the remit against the LSP "
        "PMF qualities; 14 of 19 members took part and the action points are tracked by "
        "the executive group.",
        "Members signed the revised terms of reference in {month}. The voluntary and "
        "community sector now has two board seats.",
    ],
    "D2": [
        "Adult Learners' Week in {month} reached 1,850 residents in the {place} "
        "regeneration wards, with 41 taster events in community venues.",
        "The needs analysis for the regeneration areas was completed in {month} with the "
        "LLSC; it maps basic skills need against current provision.",
        "Family learning outreach through six primary schools recruited 212 parents, "
        "38% of them new to learning.",
    ],
    "D3": [
        "The provision map was shared with all members in {month}; three gaps in "
        "neighbourhood provision were filled by joint delivery.",
        "The partnership manages the learning strand of the regeneration programme "
        "(£240,000 this year) on behalf of the LSP.",
        "Capacity-building for voluntary and community organisations: 11 groups "
        "supported to deliver first-step learning, with a shared quality framework.",
    ],
    "D4": [
        "The partnership is the learning theme group of the LSP and drafted the learning "
        "chapter of the community strategy agreed in {month}.",
        "The manager sits on the LSP executive; the skills and knowledge plan for "
        "neighbourhood renewal was agreed with the LSP in {month}.",
        "Local learning groups in each LSP area report to the partnership board and to "
        "the LSP neighbourhood forums.",
    ],
}
BARRIERS = [
    "Core funding has been static since 2000, which limits officer time for this work.",
    "The LSP's own timetable moves at a different pace from the partnership's.",
    "Several funding streams with different monitoring requirements.",
    "Turnover of representatives on the LSP board breaks informal links.",
    "Uncertainty about the partnership's future role makes partners cautious.",
    "",
]
ACTIONS = [
    "Agree a division of labour with the LLSC on LSP work by the autumn.",
    "Extend the needs analysis to the two new regeneration wards.",
    "Bring the voluntary sector forum into the board's sub-groups.",
    "Propose a joint learning target for the LSP's next delivery plan.",
    "Run a review day with members on the PMF partnership qualities.",
]

# 2003-04 state of each demo partnership's return; None means not started.
STATES_2003: dict[str, str | None] = {
    "Hull": ReturnStatus.SUBMITTED,
    "Doncaster": ReturnStatus.SUBMITTED,
    "Wolverhampton": ReturnStatus.SUBMITTED,
    "Solihull": "in_progress",
    "Lincs and Rutland": ReturnStatus.ACCEPTED,
    "Greater Nottingham": ReturnStatus.SUBMITTED,
    "Kent": ReturnStatus.DRAFT,
    "Slough": None,
    "Cambridgeshire": ReturnStatus.RETURNED,
    "Hertfordshire": ReturnStatus.ACCEPTED,
    "Manchester": ReturnStatus.IN_REVIEW,
    "Halton": ReturnStatus.SUBMITTED,
    "Cross River": "in_progress",
    "London South": ReturnStatus.DRAFT,
    "County Durham": ReturnStatus.ACCEPTED,
    "Tees Valley": ReturnStatus.SUBMITTED,
    "Gloucestershire": None,
    "Leicestershire and Leicester City": ReturnStatus.IN_REVIEW,
    "Bedford": "in_progress",
    "West Sussex": ReturnStatus.SUBMITTED,
}


def _pick(seed: str, options: list[str]) -> str:
    digest = int(hashlib.sha256(seed.encode()).hexdigest(), 16)
    return options[digest % len(options)]


def _score(seed: str, base: int) -> int:
    digest = int(hashlib.sha256(seed.encode()).hexdigest(), 16)
    return max(1, min(4, base + digest % 3 - 1))


def _answers(
    return_record: Return,
    indicators: Iterable[Indicator],
    *,
    base: int,
    scored_dimensions: set[str] | None,
    agreed: bool,
) -> list[Answer]:
    """Answers with plausible evidence; only dimensions in ``scored_dimensions``
    are filled in (all when None)."""
    name = return_record.partnership.name
    month = "September" if return_record.period.code == "2003-04" else "November"
    answers = []
    for indicator in indicators:
        dimension = indicator.code.split(".")[0]
        seed = f"{name}/{return_record.period.code}/{indicator.code}"
        answer = Answer(return_record=return_record, indicator=indicator)
        if scored_dimensions is None or dimension in scored_dimensions:
            answer.score = _score(seed, base)
            answer.evidence = _pick(seed, EVIDENCE[dimension]).format(
                month=month, place=name
            )
            answer.barriers = _pick(seed + "b", BARRIERS)
            answer.planned_action = _pick(seed + "a", ACTIONS)
            answer.version = 2
            if agreed:
                answer.agreed_score = _score(seed + "agreed", answer.score)
        answers.append(answer)
    return answers


@transaction.atomic
def load_demo_returns(*, framework: Framework) -> int:
    """Create the demo returns that do not exist yet; returns how many were made."""
    manager = get_user_model().objects.filter(username="manager").first()
    periods = {
        p.code: p for p in Period.objects.filter(code__in=["2002-03", "2003-04"])
    }
    periods["2003-04"].submission_deadline = datetime.date(2004, 5, 28)
    periods["2003-04"].save(update_fields=["submission_deadline"])
    periods["2002-03"].submission_deadline = datetime.date(2003, 5, 30)
    periods["2002-03"].save(update_fields=["submission_deadline"])
    indicators = list(
        Indicator.objects.filter(dimension__framework=framework).order_by(
            "dimension__order", "order"
        )
    )
    created = 0
    for index, partnership in enumerate(LearningPartnership.objects.order_by("name")):
        if partnership.name not in STATES_2003:
            continue
        base = 2 + index % 2
        made = _make_return(
            partnership,
            periods["2002-03"],
            framework,
            indicators,
            manager,
            state=ReturnStatus.ACCEPTED,
            base=base - 1,
        )
        created += made
        state = STATES_2003[partnership.name]
        if state is not None:
            created += _make_return(
                partnership,
                periods["2003-04"],
                framework,
                indicators,
                manager,
                state=state,
                base=base,
            )
    for name, (rating, rationale) in RATINGS.items():
        rated = LearningPartnership.objects.filter(name=name).first()
        if rated is not None:
            EngagementRating.objects.get_or_create(
                partnership=rated,
                period=periods["2002-03"],
                defaults={"rating": rating, "rationale": rationale},
            )
    return created


def _make_return(
    partnership: LearningPartnership,
    period: Period,
    framework: Framework,
    indicators: list[Indicator],
    manager: User | None,
    *,
    state: str,
    base: int,
) -> int:
    if Return.objects.filter(partnership=partnership, period=period).exists():
        return 0
    in_progress = state == "in_progress"
    status = ReturnStatus.DRAFT if in_progress else state
    submitted = status != ReturnStatus.DRAFT
    deadline = period.submission_deadline or period.ends_on
    submitted_at = timezone.make_aware(
        datetime.datetime.combine(
            deadline - datetime.timedelta(days=10), datetime.time(11)
        )
    )
    return_record = Return.objects.create(
        partnership=partnership,
        period=period,
        framework=framework,
        status=status,
        submitted_at=submitted_at if submitted else None,
        submitted_by=manager if submitted and partnership.name == "Hull" else None,
    )
    if status == ReturnStatus.DRAFT:
        scored = {"D1", "D2"} if in_progress else set()
    else:
        scored = None
    _add_transitions(return_record, at=submitted_at, manager=manager)
    Answer.objects.bulk_create(
        _answers(
            return_record,
            indicators,
            base=base,
            scored_dimensions=scored,
            agreed=status == ReturnStatus.ACCEPTED,
        )
    )
    if in_progress:
        # Half of D2 still to score, so the task list shows every status.
        for answer in return_record.answers.filter(indicator__dimension__code="D2")[
            ::2
        ]:
            answer.score = None
            answer.save(update_fields=["score"])
    return 1


def _add_transitions(
    return_record: Return, *, at: datetime.datetime, manager: User | None
) -> None:
    """The workflow steps that led to the return's status, three days apart."""
    hull = return_record.partnership.name == "Hull"
    for from_status, to_status in STEPS.get(ReturnStatus(return_record.status), []):
        Transition.objects.create(
            return_record=return_record,
            from_status=from_status,
            to_status=to_status,
            at=at,
            by=manager if to_status == ReturnStatus.SUBMITTED and hull else None,
            reason=RETURN_REASON if to_status == ReturnStatus.RETURNED else "",
        )
        at += datetime.timedelta(days=3)

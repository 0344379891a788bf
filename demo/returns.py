"""Demo returns in the demo's years (see ``years``): the two years before the
open one accepted, and the open year's returns in every state, so each role
has work to do today:

- the demo manager's Hull has a draft half done; Doncaster, which they also
  manage, has not started;
- the demo officer (Humberside LSC) has East Riding submitted, North
  Lincolnshire in review with two dimensions moderated (D4.3 answered not
  applicable, with its reason, for them to accept or reject), North East
  Lincolnshire resubmitted after being returned (its reasons in its history),
  and Hull's draft to follow;
- the demo GO officer (Yorkshire and the Humber) compares seven partnerships,
  one of which (Bradford) never made last year's return, and rates them;
- other regions show the rest of the workflow.

Each step is dated in the days and weeks before the load (last years' around
their deadlines) and credited to the person who would have taken it.
Idempotent: an existing return or rating is left as it is."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from assessment.models import EngagementRating, Return, ReturnStatus, Transition
from indicators.models import Framework, Indicator, Period
from partnerships.models import LearningPartnership
from partnerships.users import User

from .answers import AnswerStory
from .years import Clock

S = ReturnStatus
IN_PROGRESS = "in_progress"  # a draft with some dimensions done
RESUBMITTED = "resubmitted"  # returned for revision, revised and submitted again
DIMENSIONS = ("D1", "D2", "D3", "D4")
# The open year assesses the collaboration role too.
COLLABORATION_DIMENSIONS = ("C1", "C2", "C3", "C4")

RETURN_REASON = (
    "The evidence for D3 and D4 does not yet show the LSP links the scores claim. "
    "Please add the LSP board minutes and revise D4.2 and D4.4."
)
ACCEPTED_COMMENT = (
    "A fair self-assessment: the agreed scores differ only where the evidence is "
    "still informal. The development plan should follow from the D4 gaps."
)
RATINGS = {
    "Hull": (
        5,
        "Formally the learning arm of CityVision and leads LSP-funded projects.",
    ),
    "Doncaster": (4, "Lead agency on learning; board seat; first LSP-funded project."),
    "Barnsley": (4, "Leads the LSP's skills theme group and its first joint project."),
    "North East Lincolnshire": (3, "Learning arm in name; projects still to come."),
    "Manchester": (4, "Learning theme group of the LSP with a growing project role."),
    "Solihull": (
        2,
        "Informal links only; the LSP has not yet recognised the partnership.",
    ),
    "Slough": (1, "Finding engagement with regeneration agencies more difficult."),
}

# The open year's state of each demo partnership's return; None: not started.
OPEN_YEAR: dict[str, str | None] = {
    "Hull": IN_PROGRESS,
    "Doncaster": None,
    "East Riding": S.SUBMITTED,
    "North Lincolnshire": S.IN_REVIEW,
    "North East Lincolnshire": RESUBMITTED,
    "Barnsley": S.ACCEPTED,
    "Bradford": IN_PROGRESS,
    "Wolverhampton": S.SUBMITTED,
    "Solihull": IN_PROGRESS,
    "Lincs and Rutland": S.ACCEPTED,
    "Greater Nottingham": S.SUBMITTED,
    "Kent": S.DRAFT,
    "Slough": None,
    "Cambridgeshire": S.RETURNED,
    "Hertfordshire": S.ACCEPTED,
    "Manchester": S.IN_REVIEW,
    "Halton": S.SUBMITTED,
    "Cross River": IN_PROGRESS,
    "London South": S.DRAFT,
    "County Durham": S.ACCEPTED,
    "Tees Valley": S.SUBMITTED,
    "Gloucestershire": None,
    "Leicestershire and Leicester City": S.IN_REVIEW,
    "Bedford": IN_PROGRESS,
    "West Sussex": S.SUBMITTED,
}
# The open year's answers "not applicable" (where the framework allows it),
# for the demo officer to moderate: North Lincolnshire is in review, its D4
# not yet moderated.
NOT_APPLICABLE = {
    "North Lincolnshire": (
        "D4.3",
        "North Lincolnshire is a unitary area with a single LSP and no district "
        "LSPs: the partnership's board and theme groups already sit inside the "
        "LSP's own structure, so there are no separate LSP areas to link into.",
    ),
}
# Last year's returns not made: overdue since last year's deadline.
MISSED_LAST_YEAR = {"Bradford"}
# A workflow step: from, to, by whom, when, why.
Step = tuple[str, str, "User | None", datetime.datetime, str]


@dataclass
class Cast:
    """Who acts for each partnership: its manager and its LLSC officer (the
    demo officer for Humberside's partnerships; nobody signs in for others)."""

    managers: dict[int, User]
    officer: User | None
    officer_covers: set[int]
    go: User | None

    def manager(self, partnership: LearningPartnership) -> User | None:
        return self.managers.get(partnership.pk)

    def officer_of(self, partnership: LearningPartnership) -> User | None:
        return self.officer if partnership.pk in self.officer_covers else None


def _cast() -> Cast:
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["officer", "go"])
    }
    officer = users.get("officer")
    managers: dict[int, User] = {}
    for partnership in LearningPartnership.objects.prefetch_related("managers"):
        people = list(partnership.managers.all())
        # The partnership's own manager, by name, before anyone else managing it.
        named = [u for u in people if u.get_full_name() == partnership.manager_name]
        if named or people:
            managers[partnership.pk] = (named or people)[0]
    covers = set()
    if officer is not None and officer.profile.llsc_id:
        covers = set(
            LearningPartnership.objects.filter(
                llsc_relationships__llsc_id=officer.profile.llsc_id
            ).values_list("pk", flat=True)
        )
    return Cast(managers, officer, covers, users.get("go"))


@transaction.atomic
def load_demo_returns(
    *,
    framework: Framework,
    periods: list[Period],
    clock: Clock,
    collaboration: Framework | None = None,
) -> int:
    """Create the demo returns and ratings that do not exist yet in the demo's
    years (``periods``, oldest first, the open one last); returns how many
    returns were made. The open year's returns answer the collaboration
    framework's indicators too, when there is one."""
    cast = _cast()
    indicators = _indicators(framework)
    open_indicators = indicators + (
        _indicators(collaboration) if collaboration is not None else []
    )
    *history, open_period = periods
    created = 0
    for index, partnership in enumerate(LearningPartnership.objects.order_by("name")):
        if partnership.name not in OPEN_YEAR:
            continue
        story = _Story(partnership, framework, indicators, cast, clock, index)
        story.open_indicators = open_indicators
        for back, period in enumerate(reversed(history), start=1):
            if back == 1 and partnership.name in MISSED_LAST_YEAR:
                continue
            created += story.make(period, S.ACCEPTED, base=2 + index % 2 - back // 2)
        state = OPEN_YEAR[partnership.name]
        if state is not None:
            created += story.make(open_period, state, base=2 + index % 2, now=True)
    _load_ratings(cast, history, clock)
    return created


def _indicators(framework: Framework) -> list[Indicator]:
    """The framework's national indicators (not a supplement's)."""
    return list(
        Indicator.objects.filter(dimension__framework=framework, supplement=None)
        .select_related("dimension")
        .order_by("dimension__order", "order")
    )


def _load_ratings(cast: Cast, history: list[Period], clock: Clock) -> None:
    """Last years' engagement ratings; the open year's are the GO's to give."""
    for name, (rating, rationale) in RATINGS.items():
        partnership = LearningPartnership.objects.filter(name=name).first()
        if partnership is None:
            continue
        by = cast.go if partnership.region.code == "YH" else None
        for period in history:
            if EngagementRating.objects.filter(
                partnership=partnership, period=period
            ).exists():
                continue
            when = clock.at(period, days=45)
            record = EngagementRating(
                partnership=partnership,
                period=period,
                rating=rating,
                rationale=rationale,
                rated_by=by,
            )
            bulk_create_with_history(
                [record], EngagementRating, default_user=by, default_date=when
            )
            EngagementRating.objects.filter(
                partnership=partnership, period=period
            ).update(rated_at=when)


class _Story:
    """One partnership's returns, told step by step."""

    def __init__(
        self,
        partnership: LearningPartnership,
        framework: Framework,
        indicators: list[Indicator],
        cast: Cast,
        clock: Clock,
        index: int,
    ) -> None:
        self.partnership = partnership
        self.framework = framework
        self.indicators = indicators
        self.open_indicators = indicators
        self.clock = clock
        self.index = index
        self.manager = cast.manager(partnership)
        self.officer = cast.officer_of(partnership)

    def make(self, period: Period, state: str, *, base: int, now: bool = False) -> int:
        if Return.objects.filter(partnership=self.partnership, period=period).exists():
            return 0
        # Day 0 is the (first) submission: for the open year two weeks or so
        # before today, for last years ten days or so before the deadline. A
        # draft of the open year was last saved in the past week.
        spread = self.index % 5
        zero = -10 - spread
        if now:
            zero = 14 - spread if state in (S.DRAFT, IN_PROGRESS) else -14 - spread

        def at(day: float, hour: int = 10) -> datetime.datetime:
            return self.clock.at(
                period, days=zero + day, hour=hour, base="now" if now else "deadline"
            )

        manager, officer = self.manager, self.officer
        status = S.DRAFT if state == IN_PROGRESS else state
        status = S.SUBMITTED if state == RESUBMITTED else status
        started = at(-30, hour=9)
        record = Return(
            partnership=self.partnership,
            period=period,
            framework=self.framework,
            status=status,
            created_by=manager,
        )
        steps: list[Step] = []
        if status != S.DRAFT:
            record.submitted_at, record.submitted_by = at(0), manager
            record.profile_checked_at, record.profile_checked_by = at(-29), manager
        record = bulk_create_with_history(
            [record], Return, default_user=manager, default_date=started
        )[0]
        Return.objects.filter(pk=record.pk).update(created_at=started)
        indicators = self.open_indicators if now else self.indicators
        story = AnswerStory(record, indicators, by=manager, at=started)
        if state == S.DRAFT:
            story.write()
            return 1
        codes = {str(i.code).split(".")[0] for i in indicators}
        dimensions = [d for d in (*DIMENSIONS, *COLLABORATION_DIMENSIONS) if d in codes]
        for number, dimension in enumerate(dimensions):
            # A draft half done: D1, half of D2 and the first collaboration
            # dimension.
            if state == IN_PROGRESS and number > 1 and dimension != "C1":
                continue
            story.fill(
                dimension,
                base=base,
                by=manager,
                at=at(-24 + number * 6, hour=14),
                every_other=state == IN_PROGRESS and number == 1,
            )
        if state == IN_PROGRESS:
            story.write()
            return 1
        if now and self.partnership.name in NOT_APPLICABLE:
            code, reason = NOT_APPLICABLE[self.partnership.name]
            story.not_applicable(code, reason, by=manager, at=at(-5, hour=16))
        snapshots = {"first": story.snapshot()}
        steps.append((S.DRAFT, S.SUBMITTED, manager, at(0), ""))
        if status != S.SUBMITTED or state == RESUBMITTED:
            steps.append((S.SUBMITTED, S.IN_REVIEW, officer, at(2), ""))
        if status == S.IN_REVIEW:
            story.agree({"D1", "D2"}, by=officer, at=at(3, hour=15))
        elif status == S.ACCEPTED:
            story.agree(set(dimensions), by=officer, at=at(5, hour=15))
            steps.append((S.IN_REVIEW, S.ACCEPTED, officer, at(6), ""))
        elif status == S.RETURNED or state == RESUBMITTED:
            story.agree(set(dimensions), by=officer, at=at(3, hour=15))
            steps.append((S.IN_REVIEW, S.RETURNED, officer, at(4), RETURN_REASON))
        if state == RESUBMITTED:
            story.revise("D4", by=manager, at=at(7, hour=11))
            snapshots["again"] = story.snapshot()
            steps.append((S.RETURNED, S.SUBMITTED, manager, at(8), ""))
            Return.objects.filter(pk=record.pk).update(submitted_at=at(8))
        if status == S.ACCEPTED:
            Return.objects.filter(pk=record.pk).update(review_comment=ACCEPTED_COMMENT)
        story.write()
        self._transitions(record, steps, snapshots)
        return 1

    def _transitions(
        self,
        record: Return,
        steps: list[Step],
        snapshots: dict[str, dict[str, Any]],
    ) -> None:
        """The workflow steps that led to the return's status."""
        submissions = iter(snapshots.values())
        Transition.objects.bulk_create(
            Transition(
                return_record=record,
                from_status=step[0],
                to_status=step[1],
                by=step[2],
                at=step[3],
                reason=step[4],
                snapshot=next(submissions) if step[1] == S.SUBMITTED else None,
            )
            for step in steps
        )

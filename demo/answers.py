"""What the demo's answers say, and their history written as people would
have made it: the return started with blank answers by its manager, filled in
dimension by dimension by the manager, agreed scores and comments by the LLSC
officer, each change dated and credited to its author (so *Who changed
what* tells the truth)."""

from __future__ import annotations

import copy
import datetime
import hashlib
from typing import Any

from simple_history.utils import get_history_manager_for_model

from assessment.models import Answer, Return
from indicators.models import Indicator
from partnerships.users import User

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
    "C1": [
        "Partners agreed one map of post-16 provision in {month}; two overlapping "
        "level 2 courses were merged and a gap in evening provision filled.",
        "The colleges and sixth forms plan the {place} 16-19 offer together; joint "
        "bids brought £85,000 into the area this year.",
        "The partnership leads the quality theme of the area inspection action plan; "
        "the {month} monitoring report shows two milestones met.",
    ],
    "C2": [
        "The shared needs analysis, pooled from eight partners' data, went to the LLSC "
        "in {month} and is cited in its local plan.",
        "The local agreement with the LLSC was reviewed in {month}; the partnership "
        "now advises on the adult learning allocation.",
        "An employer skills survey of 240 firms in {place} informed two new "
        "work-based courses.",
    ],
    "C3": [
        "Three learner forums met in {month}, including one for adults not in "
        "learning; their report went to every provider and the LLSC.",
        "The IAG partnership and Connexions share one referral route and a directory "
        "of the whole local offer.",
        "A 'you said, we did' note after the {month} forum records changed timetables "
        "at two centres.",
    ],
    "C4": [
        "Local targets follow the National Learning Targets; level 2 attainment rose "
        "2.1 points against a baseline agreed with the LEA.",
        "Widening participation outreach recruited 180 adults new to learning; 62 "
        "went on to a second course.",
        "The joint basic skills plan with the LLSC reached 31 employers with "
        "workplace basic skills by {month}.",
    ],
}
BARRIERS = [
    "Core funding has been static for three years, which limits officer time for "
    "this work.",
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
OFFICER_COMMENTS = [
    "The minutes show the item is discussed, not yet that it changes decisions.",
    "Agreed: the evidence is clear and dated.",
    "Good evidence of reach; say how many went on to further learning.",
    "The LSP link is real but informal so far; one level lower until it is agreed.",
]
REVISED_EVIDENCE = (
    " The LSP board minutes of {month} record the partnership's seat and its "
    "lead on the learning target; they are attached."
)
# What a manager fills in, as stored (and as a submission's snapshot keeps it).
FILLED = ("score", "evidence", "barriers", "planned_action")


def pick(seed: str, options: list[str]) -> str:
    digest = int(hashlib.sha256(seed.encode()).hexdigest(), 16)
    return options[digest % len(options)]


def score(seed: str, base: int) -> int:
    digest = int(hashlib.sha256(seed.encode()).hexdigest(), 16)
    return max(1, min(4, base + digest % 3 - 1))


def _copy(answer: Answer) -> Answer:
    """The answer as it stands now, remembering which answer it is."""
    kept = copy.copy(answer)
    kept._original = id(answer)  # type: ignore[attr-defined]
    return kept


def dimension_of(answer: Answer) -> str:
    return str(answer.indicator.code).split(".")[0]


class AnswerStory:
    """The answers of one return and the dated, credited changes made to them."""

    def __init__(
        self,
        return_record: Return,
        indicators: list[Indicator],
        *,
        by: User | None,
        at: datetime.datetime,
    ) -> None:
        self.return_record = return_record
        self.seed = f"{return_record.partnership.name}/{return_record.period.code}"
        self.month = at.strftime("%B")
        self.answers = [
            Answer(return_record=return_record, indicator=i, updated_at=at)
            for i in indicators
        ]
        # Each change as it was made: the answers as they then stood, by whom, when.
        self.changes: list[tuple[list[Answer], bool, User | None, datetime.datetime]]
        self.changes = [([_copy(a) for a in self.answers], False, by, at)]

    def write(self) -> None:
        """Store the answers as they now stand, and their history: inserts
        only, so that loading stays quick."""
        # Inserting stamps the time of the load: each answer gets back the time
        # it was last saved (a handful of saves a return).
        last_saved = [answer.updated_at for answer in self.answers]
        created = Answer.objects.bulk_create(self.answers)
        saved: dict[datetime.datetime, list[int]] = {}
        for at, row in zip(last_saved, created, strict=True):
            saved.setdefault(at, []).append(row.pk)
        for at, pks in saved.items():
            Answer.objects.filter(pk__in=pks).update(updated_at=at)
        ids = {
            id(answer): row.pk
            for answer, row in zip(self.answers, created, strict=True)
        }
        history = get_history_manager_for_model(Answer)
        for answers, update, by, at in self.changes:
            for answer in answers:
                answer.pk = ids[answer._original]  # type: ignore[attr-defined]
            history.bulk_history_create(
                answers, update=update, default_user=by, default_date=at
            )

    def _in(self, dimensions: set[str]) -> list[Answer]:
        return [a for a in self.answers if dimension_of(a) in dimensions]

    def _save(
        self,
        answers: list[Answer],
        fields: list[str],
        *,
        by: User | None,
        at: datetime.datetime,
    ) -> None:
        """Record a change to some answers (``fields`` says which, for the reader)."""
        for answer in answers:
            answer.version += 1
            answer.updated_by = by
            answer.updated_at = at
        self.changes.append(([_copy(a) for a in answers], True, by, at))

    def fill(
        self,
        dimension: str,
        *,
        base: int,
        by: User | None,
        at: datetime.datetime,
        every_other: bool = False,
    ) -> None:
        """The manager answers a dimension (or every other indicator of it)."""
        answers = self._in({dimension})[:: 2 if every_other else 1]
        place = self.return_record.partnership.name
        for answer in answers:
            seed = f"{self.seed}/{answer.indicator.code}"
            answer.score = score(seed, base)
            answer.evidence = pick(seed, EVIDENCE[dimension]).format(
                month=self.month, place=place
            )
            answer.barriers = pick(seed + "b", BARRIERS)
            answer.planned_action = pick(seed + "a", ACTIONS)
        self._save(answers, list(FILLED), by=by, at=at)

    def agree(
        self, dimensions: set[str], *, by: User | None, at: datetime.datetime
    ) -> None:
        """The officer records agreed scores, and comments on some indicators."""
        answers = self._in(dimensions)
        for answer in answers:
            seed = f"{self.seed}/{answer.indicator.code}/agreed"
            # Officers agree the score or moderate it down, seldom up.
            answer.agreed_score = min(answer.score or 2, score(seed, answer.score or 2))
            if answer.agreed_score != answer.score or dimension_of(answer) == "D4":
                answer.officer_comment = pick(seed, OFFICER_COMMENTS)
        self._save(answers, ["agreed_score", "officer_comment"], by=by, at=at)

    def revise(
        self, dimension: str, *, by: User | None, at: datetime.datetime
    ) -> list[str]:
        """After a return for revision: the manager adds evidence to a
        dimension and takes the officer's score where the evidence does not
        yet bear out their own; the codes of the answers changed."""
        answers = self._in({dimension})
        for answer in answers:
            answer.evidence += REVISED_EVIDENCE.format(month=at.strftime("%B"))
            if answer.agreed_score:
                answer.score = answer.agreed_score
        self._save(answers, ["score", "evidence"], by=by, at=at)
        return [str(a.indicator.code) for a in answers]

    def not_applicable(
        self, code: str, reason: str, *, by: User | None, at: datetime.datetime
    ) -> None:
        """The manager answers one indicator "not applicable", with a reason,
        where the framework allows it."""
        answers = [a for a in self.answers if a.indicator.code == code]
        for answer in answers:
            if not answer.indicator.offers_not_applicable:
                continue
            answer.score = None
            answer.not_applicable = True
            answer.not_applicable_reason = reason
            answer.barriers = ""
            answer.planned_action = ""
        self._save(answers, ["score", "not_applicable"], by=by, at=at)

    def snapshot(self) -> dict[str, dict[str, Any]]:
        """The answers as they stand, by indicator code, as a submission keeps them."""
        return {
            str(a.indicator.code): {name: getattr(a, name) for name in FILLED}
            for a in self.answers
        }

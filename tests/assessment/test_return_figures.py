"""Each submitted return's own figures (ReturnFigure) and England's and each
region's (ScoreFigure) added up from them: after every kind of change, made
through the services as users make it, both equal what ``figures_refresh``
computes from nothing; a change to one return reads that return's answers
only, in a number of queries that does not grow with England; the rebuild
command and migration 0013 build both tables."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assessment.figures import (
    figures_rebuild,
    figures_recount,
    figures_refresh,
    return_figures_refresh,
)
from assessment.models import Answer, Return, ReturnFigure, ReturnStatus, ScoreFigure
from assessment.moderation import review_decide, review_scores_save
from assessment.services import AgreedScore, answer_save, return_start, return_submit
from indicators.models import Dimension, Period
from indicators.services import COLLABORATION_FRAMEWORK, reference_framework_load
from indicators.supplements import supplement_import_file, supplement_publish
from partnerships.models import LearningPartnership, Region
from tests.factories import LearningPartnershipFactory, LLSCRelationshipFactory
from tests.partnerships.test_regeneration_bodies import _AdminForm

pytestmark = pytest.mark.django_db

SUPPLEMENT = b"""\
name: Yorkshire local statements
version: 1
status: draft
framework: {name: Learning and regeneration self-assessment, version: 1}
period: 2003-04
region: YH
dimensions:
  - code: D2
    indicators:
      - code: D2.L1
        statement: The partnership runs a Humber-wide Adult Learners' Week campaign.
"""
REASON = "One LSP only: no district structures to link."

Figures = tuple[dict[tuple, tuple], dict[tuple, tuple]]


def kept() -> Figures:
    """England's and the regions' figures, and the returns' figures, as kept."""
    scores = {
        (f.period_id, f.framework_id, f.region_id, f.dimension_id): (
            f.median,
            f.returns,
            f.score_total,
            f.score_count,
        )
        for f in ScoreFigure.objects.all()
    }
    returns = {
        (f.return_record_id, f.framework_id, f.dimension_id): (
            f.self_mean,
            f.agreed_mean,
            f.score_total,
            f.score_count,
            f.period_id,
        )
        for f in ReturnFigure.objects.all()
    }
    return scores, returns


def from_scratch() -> Figures:
    """The figures ``figures_refresh`` computes for every period from nothing
    but the answers; the database is left as it was."""
    with transaction.atomic():
        ScoreFigure.objects.all().delete()
        ReturnFigure.objects.all().delete()
        figures_rebuild()
        figures = kept()
        transaction.set_rollback(True)
    return figures


def check() -> Figures:
    """The figures kept, checked equal to those computed from nothing."""
    figures = kept()
    assert figures == from_scratch()
    return figures


def scores_of(figures: Figures, code: str, region: int | None = None) -> tuple:
    """England's (or a region's) figures of the dimension with this code."""
    dimension = Dimension.objects.get(code=code)
    [values] = [
        value
        for (_, _, scope, dimension_id), value in figures[0].items()
        if dimension_id == dimension.pk and scope == region
    ]
    return values


def fill(return_record: Return, seed: int) -> None:
    """Score every answer (national, collaboration, local) with evidence."""
    answers = Answer.objects.filter(return_record=return_record).order_by("pk")
    for n, pk in enumerate(answers.values_list("pk", flat=True)):
        Answer.objects.filter(pk=pk).update(
            score=1 + (n * seed) % 4, evidence=f"Evidence {n}"
        )


def save(return_record: Return, code: str, user, **values) -> Answer:
    """Save one answer through the service, as its page posts it."""
    answer = Answer.objects.get(return_record=return_record, indicator__code=code)
    posted = {
        "score": answer.score,
        "evidence": answer.evidence or "Evidence",
        "barriers": "",
        "planned_action": "",
        **values,
    }
    return answer_save(
        return_record=Return.objects.get(pk=return_record.pk),
        answer=answer,
        values=posted,
        version=answer.version,
        user=user,
    )


def agree(
    return_record: Return, code: str, user, scores: dict[str, AgreedScore]
) -> None:
    """The officer's agreed scores of one dimension, by indicator code."""
    dimension = Dimension.objects.get(code=code)
    answers = {
        a.indicator.code: a
        for a in Answer.objects.filter(
            return_record=return_record, indicator__dimension=dimension
        ).select_related("indicator")
    }
    review_scores_save(
        return_record=Return.objects.get(pk=return_record.pk),
        dimension=dimension,
        agreed={answers[code].pk: score for code, score in scores.items()},
        versions={a.pk: a.version for a in answers.values()},
        user=user,
    )


@pytest.fixture
def period(framework, go_a) -> Period:
    """2003-04, running the regeneration and the collaboration framework, with
    a local statement for Yorkshire (region A) published."""
    period = Period.objects.get(code="2003-04")
    reference_framework_load(path=COLLABORATION_FRAMEWORK).periods.add(period)
    supplement = supplement_import_file(content=SUPPLEMENT, user=go_a)
    supplement_publish(supplement=supplement, user=go_a)
    return period


@pytest.fixture
def england(period, partnership_a, partnership_b, manager_a, manager_b, admin, llsc_a):
    """A's return (region A) and B's (the other region) scored and still
    drafts; C, of region A, a draft scored too; D, of region A, reviewed by
    A's LLSC officers, with D4.3 not applicable, a draft."""
    a = return_start(partnership=partnership_a, period=period, user=manager_a)
    b = return_start(partnership=partnership_b, period=period, user=manager_b)
    region = partnership_a.region
    c = return_start(
        partnership=LearningPartnershipFactory(region=region), period=period, user=admin
    )
    d_partnership = LearningPartnershipFactory(region=region)
    LLSCRelationshipFactory(partnership=d_partnership, llsc=llsc_a)
    d = return_start(partnership=d_partnership, period=period, user=admin)
    for seed, record in enumerate((a, b, c, d), start=1):
        fill(record, seed)
    save(
        d, "D4.3", admin, score=None, not_applicable=True, not_applicable_reason=REASON
    )
    return a, b, c, d


def test_every_kind_of_change_keeps_them_as_from_scratch(
    england, manager_a, manager_b, officer_a, admin, partnership_b, partnership_a
):
    a, b, c, d = england
    assert kept() == ({}, {})
    return_submit(return_record=a, user=manager_a)
    first = check()
    # A's regeneration and collaboration dimensions; the draft C has none.
    assert len(first[1]) == 8
    return_submit(return_record=b, user=manager_b)
    return_submit(return_record=d, user=admin)
    submitted = check()
    assert not ReturnFigure.objects.filter(return_record=c).exists()
    assert scores_of(submitted, "D1")[1] == 3

    # An agreed score (the officer's save takes the return into review).
    agree(a, "D1", officer_a, {"D1.1": AgreedScore(score=4, comment="More")})
    agreed = check()
    assert scores_of(agreed, "D1") != scores_of(submitted, "D1")
    # "Not applicable" accepted: D's D4 counts its six other answers only.
    review_decide(
        return_record=d, user=officer_a, overall_comment="Good", decision="accepted"
    )
    accepted = check()
    d4 = Dimension.objects.get(code="D4")
    assert accepted[1][(d.pk, d.framework_id, d4.pk)][3] == 6

    # Returned for revision (every answer agreed at the score its page offers):
    # still counted, and its manager's saves count.
    review_decide(
        return_record=Return.objects.get(pk=a.pk),
        user=officer_a,
        overall_comment="Look again",
        decision="returned",
        reasons="D4.3",
    )
    returned = check()
    save(
        a,
        "D4.3",
        manager_a,
        score=None,
        not_applicable=True,
        not_applicable_reason=REASON,
    )
    not_applicable = check()
    assert scores_of(not_applicable, "D4") != scores_of(returned, "D4")
    # A local statement never moves a figure, nor costs a write.
    local = Answer.objects.get(return_record=a, indicator__code="D2.L1")
    save(a, "D2.L1", manager_a, score=1 if local.score != 1 else 2)
    assert check() == not_applicable
    # A collaboration answer moves A's own mean self score in C1 (England's
    # figures count its agreed scores, agreed at the return).
    collaboration = Answer.objects.filter(
        return_record=a, indicator__dimension__code="C1"
    ).first()
    save(a, collaboration.indicator.code, manager_a, score=collaboration.score % 4 + 1)
    collaborated = check()
    c1 = (a.pk, collaboration.indicator.dimension.framework_id)
    c1 += (collaboration.indicator.dimension_id,)
    assert collaborated[1][c1][0] != not_applicable[1][c1][0]

    # Resubmitted; "not applicable" rejected, then scored again.
    return_submit(return_record=Return.objects.get(pk=a.pk), user=manager_a)
    agree(
        a,
        "D4",
        officer_a,
        {"D4.3": AgreedScore(score=None, comment="Link", not_applicable_rejected=True)},
    )
    assert check() == collaborated
    review_decide(
        return_record=Return.objects.get(pk=a.pk),
        user=officer_a,
        overall_comment="",
        decision="returned",
        reasons="Score D4.3",
    )
    save(a, "D4.3", manager_a, score=3, not_applicable=False)
    rescored = check()
    assert scores_of(rescored, "D4") != scores_of(collaborated, "D4")

    # B moved into region A; D made inactive; A's return deleted.
    partnership_b.region = partnership_a.region
    partnership_b.save()
    moved = check()
    assert scores_of(moved, "D1", partnership_a.region_id)[1] == 3
    d.partnership.is_active = False
    d.partnership.save()
    inactive = check()
    assert scores_of(inactive, "D1", partnership_a.region_id)[1] == 2
    Return.objects.get(pk=a.pk).delete()
    deleted = check()
    assert scores_of(deleted, "D1")[1] == 2
    assert not any(key[0] == a.pk for key in deleted[1])


def test_one_returns_change_reads_its_own_answers_only(
    england, manager_a, manager_b, admin
):
    a, b, c, d = england
    for record, user in ((a, manager_a), (c, admin), (d, admin)):
        return_submit(return_record=record, user=user)
    Answer.objects.filter(return_record=a, indicator__code="D1.1").update(score=4)

    def refresh() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            return_figures_refresh(return_record=a)
        return [q["sql"] for q in queries.captured_queries]

    queries = refresh()
    averages = [sql for sql in queries if "AVG(" in sql]
    assert len(averages) == 1
    assert f'"assessment_answer"."return_id" = {a.pk}' in averages[0]
    # The lock, A's figures computed beside those kept, A's changed figures
    # written, every return's kept figures of the changed dimension, England's
    # and the regions' kept figures of it, and those changed written.
    assert len(queries) == 6
    d1 = Dimension.objects.get(code="D1").pk
    assert f'"assessment_returnfigure"."dimension_id" IN ({d1})' in queries[3]
    assert f'"assessment_scorefigure"."dimension_id" IN ({d1})' in queries[4]
    check()
    # As many queries with one more return in England.
    return_submit(return_record=b, user=manager_b)
    Answer.objects.filter(return_record=a, indicator__code="D1.1").update(score=1)
    assert len(refresh()) == len(queries)
    # Nothing changed: the lock and A's figures.
    assert len(refresh()) == 2
    check()


def test_a_draft_has_no_figures_and_costs_no_recount(england, manager_a):
    a, *_ = england
    return_submit(return_record=a, user=manager_a)
    assert ReturnFigure.objects.filter(return_record=a).count() == 8
    # Taken back to draft (as only the admin site can): its figures go.
    Return.objects.filter(pk=a.pk).update(status=ReturnStatus.DRAFT)
    return_figures_refresh(return_record=a)
    assert kept() == ({}, {})
    with CaptureQueriesContext(connection) as queries:
        assert return_figures_refresh(return_record=a) == []
    assert len(queries.captured_queries) == 2


def test_rebuild_command_rebuilds_both_tables(england, manager_a, manager_b):
    a, b, *_ = england
    return_submit(return_record=a, user=manager_a)
    return_submit(return_record=b, user=manager_b)
    right = check()
    ReturnFigure.objects.filter(return_record=a).delete()
    ReturnFigure.objects.filter(return_record=b).update(score_total=0)
    ScoreFigure.objects.all().delete()
    call_command("rebuild_figures", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert kept() == right


# One change to the state of a return or its partnership: what it changes,
# the return (0-2) and the value (an answer's position and a score, a status,
# a region's position or an active flag).
CHANGES = st.lists(
    st.tuples(
        st.sampled_from(["score", "agreed", "na", "status", "region", "active"]),
        st.integers(0, 2),
        st.integers(0, 60),
        st.integers(0, 4),
    ),
    min_size=1,
    max_size=6,
)
STATUSES = [
    ReturnStatus.DRAFT,
    ReturnStatus.SUBMITTED,
    ReturnStatus.RETURNED,
    ReturnStatus.ACCEPTED,
    ReturnStatus.IN_REVIEW,
]


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(changes=CHANGES)
# A return taken back to draft; a partnership made inactive, then its return
# rescored; moved, then rescored; an agreed score left on an answer made not
# applicable.
@example(changes=[("status", 0, 0, 0)])
@example(changes=[("active", 1, 0, 0), ("score", 1, 3, 4)])
@example(changes=[("region", 0, 0, 1), ("agreed", 0, 5, 3), ("na", 2, 5, 0)])
@example(changes=[("na", 0, 7, 0), ("agreed", 0, 7, 2)])
def test_any_change_then_its_refresh_equals_a_full_refresh(england, changes):
    """Written straight to the database, then refreshed as the callers do: a
    return's answers or status by ``return_figures_refresh``, a partnership's
    region or active flag by ``figures_recount``."""
    records = list(england[:3])
    regions = sorted(Region.objects.values_list("pk", flat=True))[:3]
    with transaction.atomic():
        Return.objects.filter(pk__in=[r.pk for r in records]).update(
            status=ReturnStatus.SUBMITTED, submitted_at=timezone.now()
        )
        figures_refresh(period=records[0].period_id)
        for kind, which, position, value in changes:
            record = records[which]
            answers = Answer.objects.filter(return_record=record).order_by("pk")
            answer = answers[position % answers.count()]
            if kind == "score":
                answer.score, answer.not_applicable = value or None, False
            elif kind == "agreed":
                answer.agreed_score = value or None
            elif kind == "na":
                answer.score, answer.not_applicable = None, not answer.not_applicable
            elif kind == "status":
                Return.objects.filter(pk=record.pk).update(status=STATUSES[value])
            else:
                partnership = LearningPartnership.objects.get(pk=record.partnership_id)
                if kind == "region":
                    partnership.region_id = regions[value % len(regions)]
                else:
                    partnership.is_active = not partnership.is_active
                # Saved without its signal: the recount is what is checked.
                LearningPartnership.objects.filter(pk=partnership.pk).update(
                    region_id=partnership.region_id,
                    is_active=partnership.is_active,
                )
                figures_recount(period=record.period_id)
            if kind in ("score", "agreed", "na"):
                answer.save(update_fields=["score", "agreed_score", "not_applicable"])
            if kind not in ("region", "active"):
                return_figures_refresh(return_record=record)
            assert kept() == from_scratch()
        transaction.set_rollback(True)


MIGRATION = ("assessment", "0013_return_figures")


@pytest.mark.django_db(transaction=True)
def test_migration_0013_builds_every_returns_figures(england, manager_a, manager_b):
    a, b, *_ = england
    return_submit(return_record=a, user=manager_a)
    return_submit(return_record=b, user=manager_b)
    right = kept()
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate([("assessment", "0012_figures_built")])
        ScoreFigure.objects.all().delete()
        MigrationExecutor(connection).migrate(latest)
        assert MigrationExecutor(connection).migration_plan(latest) == []
        assert kept() == right
        assert len(right[1]) == 16
    finally:
        # Whatever happened, the database is left migrated for the next test.
        MigrationExecutor(connection).migrate(latest)


def test_a_framework_added_later_counts_a_returned_returns_new_dimensions(
    framework, partnership_a, manager_a, officer_a
):
    """A role's framework joining the period after its returns started gives
    a return returned for revision that role's answers, unscored, and the
    figures count its new dimensions as a full refresh does."""
    period = Period.objects.get(code="2003-04")
    a = return_start(partnership=partnership_a, period=period, user=manager_a)
    fill(a, 1)
    return_submit(return_record=a, user=manager_a)
    review_decide(
        return_record=Return.objects.get(pk=a.pk),
        user=officer_a,
        overall_comment="Look again",
        decision="returned",
        reasons="D1.1",
    )
    before = check()

    reference_framework_load(path=COLLABORATION_FRAMEWORK).periods.add(period)

    assert Answer.objects.filter(return_record=a, indicator__code="C1.1").exists()
    after = check()
    assert len(after[1]) > len(before[1])


def test_a_return_moved_to_another_period_in_the_admin_leaves_both_true(
    england, manager_a, manager_b, client_as
):
    """Django admin may change a return's period: the figures of the period
    it left stop counting it, those of the period it joins count it."""
    a, b, _, _ = england
    return_submit(return_record=a, user=manager_a)
    return_submit(return_record=b, user=manager_b)
    check()
    earlier = Period.objects.get(code="2002-03")
    client = client_as("admin")
    url = f"/admin/assessment/return/{a.pk}/change/"
    form = _AdminForm()
    form.feed(client.get(url).content.decode())
    data: dict[str, list[str]] = {}
    for name, value in form.data:
        data.setdefault(name, []).append(value)
    data["period"] = [str(earlier.pk)]

    response = client.post(url, data)

    assert response.status_code == 302, re.findall(
        r"errorlist.{0,200}", response.content.decode(), re.S
    )
    assert Return.objects.get(pk=a.pk).period == earlier
    moved = check()
    assert {key[0] for key in moved[0]} == {earlier.pk, a.period_id}

"""England's and each region's figures (ScoreFigure): after every kind of
change they equal the figures computed from scratch from the answers; a draft
costs nothing; a change in one region leaves another region's figures as
they were; the rebuild command recomputes them all."""

from __future__ import annotations

from collections import defaultdict
from statistics import median

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment.figures import figures_refresh
from assessment.models import Answer, Return, ScoreFigure
from assessment.moderation import review_decide, review_scores_save
from assessment.services import AgreedScore, answer_save, return_start, return_submit
from assessment.workflow import return_transition
from indicators.models import Dimension
from tests.factories import LearningPartnershipFactory

from .helpers import SELF_SCORES, answers_by_code, fill_answers

Figures = dict[tuple[int, int, int | None, int], tuple[float | None, int, int, int]]


def from_scratch() -> Figures:
    """The figures as the regional view used to compute them, answer by answer:
    per period, framework, England (None) or region, and dimension: the median
    of the returns' mean (agreed, else self) scores, their number, and the sum
    and number of the answers' scores (agreed, else self) of active
    partnerships. Drafts are left out; a region counts its active
    partnerships only."""
    means: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    agreed: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    places: dict[int, tuple[int, int, int, bool]] = {}
    sums: dict[tuple[int, int, int | None, int], list[int]] = defaultdict(
        lambda: [0, 0]
    )
    answers = Answer.objects.exclude(return_record__status="draft").select_related(
        "return_record__partnership", "indicator"
    )
    for answer in answers:
        record = answer.return_record
        places[record.pk] = (
            record.period_id,
            record.framework_id,
            record.partnership.region_id,
            record.partnership.is_active,
        )
        key = (record.pk, answer.indicator.dimension_id, 0)
        if answer.score is not None:
            means[key].append(answer.score)
        if answer.agreed_score is not None:
            agreed[key].append(answer.agreed_score)
        value = answer.agreed_score if answer.agreed_score is not None else answer.score
        active = record.partnership.is_active
        scopes = [None, record.partnership.region_id] if active else [None]
        for scope in scopes:
            total = sums[
                (
                    record.period_id,
                    record.framework_id,
                    scope,
                    answer.indicator.dimension_id,
                )
            ]
            if value is not None and active:
                total[0] += value
                total[1] += 1
    values: dict[tuple[int, int, int | None, int], list[float]] = defaultdict(list)
    for record_id, dimension_id, _ in {*means, *agreed}:
        period, framework, region, active = places[record_id]
        key = (record_id, dimension_id, 0)
        own = agreed[key] or means[key]
        for scope in [None, region] if active else [None]:
            values[(period, framework, scope, dimension_id)].append(sum(own) / len(own))
    return {
        key: (
            round(median(values[key]), 2) if values[key] else None,
            len(values[key]),
            total,
            count,
        )
        for key, (total, count) in sums.items()
    }


def kept() -> Figures:
    return {
        (f.period_id, f.framework_id, f.region_id, f.dimension_id): (
            f.median,
            f.returns,
            f.score_total,
            f.score_count,
        )
        for f in ScoreFigure.objects.all()
    }


@pytest.fixture
def england(submitted_a, partnership_b, manager_b, admin, period_2003):
    """Partnership A's return submitted (region A) and partnership B's (the
    other region) submitted with every score 2, and a third partnership of
    region A with a draft scored 4 throughout."""
    other = return_start(partnership=partnership_b, period=period_2003, user=manager_b)
    fill_answers(other, dict.fromkeys(SELF_SCORES, 2))
    return_submit(return_record=other, user=manager_b)
    third = LearningPartnershipFactory(region=submitted_a.partnership.region)
    draft = return_start(partnership=third, period=period_2003, user=admin)
    fill_answers(draft, dict.fromkeys(SELF_SCORES, 4))
    return Return.objects.get(pk=other.pk), draft


def test_submitting_counts_the_return_and_drafts_are_left_out(england):
    figures = kept()
    assert figures == from_scratch()
    medians = {
        (region, Dimension.objects.get(pk=dimension).code): value[0]
        for (_, _, region, dimension), value in figures.items()
    }
    # England: A's D1 mean and B's 2; the draft's 4s are not counted.
    assert medians[(None, "D1")] is not None
    assert all(value[1] == 2 for key, value in figures.items() if key[2] is None)


def test_a_returned_returns_saved_answer_changes_them(
    england, submitted_a, officer_a, manager_a
):
    return_transition(return_record=submitted_a, to_status="in_review", user=officer_a)
    return_transition(
        return_record=submitted_a, to_status="returned", user=officer_a, reason="More"
    )
    answer = answers_by_code(submitted_a)["D1.1"]
    before = kept()
    answer_save(
        return_record=Return.objects.get(pk=submitted_a.pk),
        answer=answer,
        values={
            "score": 4 if answer.score != 4 else 1,
            "evidence": answer.evidence,
            "barriers": answer.barriers,
            "planned_action": answer.planned_action,
        },
        version=answer.version,
        user=manager_a,
    )
    assert kept() != before
    assert kept() == from_scratch()


def test_a_drafts_save_costs_no_figure_query(england, admin):
    _, draft = england
    answer = Answer.objects.filter(return_record=draft).first()
    before = kept()
    with CaptureQueriesContext(connection) as queries:
        answer_save(
            return_record=draft,
            answer=answer,
            values={
                "score": 1,
                "evidence": "Changed",
                "barriers": "",
                "planned_action": "",
            },
            version=answer.version,
            user=admin,
        )
    assert kept() == before
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "assessment_scorefigure" not in sql
    assert "AVG(" not in sql


def test_agreed_scores_saved_and_decided_change_them(england, submitted_a, officer_a):
    dimension = Dimension.objects.get(code="D1", framework=submitted_a.framework)
    answers = [
        a
        for a in answers_by_code(submitted_a).values()
        if a.indicator.dimension_id == dimension.pk
    ]
    review_scores_save(
        return_record=submitted_a,
        dimension=dimension,
        agreed={a.pk: AgreedScore(score=4, comment="") for a in answers},
        versions={a.pk: a.version for a in answers},
        user=officer_a,
    )
    assert kept() == from_scratch()
    d1 = {key: value for key, value in kept().items() if key[3] == dimension.pk}
    assert (
        d1[(submitted_a.period_id, submitted_a.framework_id, None, dimension.pk)][3]
        == 14
    )
    review_decide(
        return_record=Return.objects.get(pk=submitted_a.pk),
        user=officer_a,
        overall_comment="Good",
        decision="accepted",
    )
    assert kept() == from_scratch()


def test_a_change_in_one_region_leaves_anothers_figures_unwritten(
    england, submitted_a, officer_a
):
    other, _ = england
    theirs = {
        f.pk: (f.median, f.score_total)
        for f in ScoreFigure.objects.filter(region=other.partnership.region)
    }
    dimension = Dimension.objects.get(code="D2", framework=submitted_a.framework)
    answers = [
        a
        for a in answers_by_code(submitted_a).values()
        if a.indicator.dimension_id == dimension.pk
    ]
    with CaptureQueriesContext(connection) as queries:
        review_scores_save(
            return_record=submitted_a,
            dimension=dimension,
            agreed={a.pk: AgreedScore(score=1, comment="") for a in answers},
            versions={a.pk: a.version for a in answers},
            user=officer_a,
        )
    assert {
        f.pk: (f.median, f.score_total)
        for f in ScoreFigure.objects.filter(region=other.partnership.region)
    } == theirs
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("UPDATE") and "assessment_scorefigure" in q["sql"]
    ]
    assert len(writes) == 1
    written = writes[0].rsplit("IN (", 1)[1].split(")")[0]
    # England's and region A's D2 figures only.
    assert sorted(int(pk) for pk in written.split(",")) == sorted(
        ScoreFigure.objects.filter(dimension=dimension)
        .exclude(region=other.partnership.region)
        .values_list("pk", flat=True)
    )


def test_moving_a_partnership_or_deleting_a_return_changes_them(england, region_other):
    other, _ = england
    partnership = other.partnership
    before = kept()
    partnership.region = Return.objects.exclude(pk=other.pk).first().partnership.region
    partnership.save()
    assert kept() != before
    assert kept() == from_scratch()
    partnership.is_active = False
    partnership.save()
    assert kept() == from_scratch()
    other.delete()
    assert kept() == from_scratch()


def test_rebuild_command_recomputes_every_period(england, period_2003):
    ScoreFigure.objects.all().delete()
    Answer.objects.filter(return_record__status="submitted").update(agreed_score=1)
    call_command("rebuild_figures", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert kept() == from_scratch()
    assert ScoreFigure.objects.filter(period=period_2003, region=None).count() == 4


def test_refreshing_twice_writes_nothing_the_second_time(england, submitted_a):
    figures_refresh(period=submitted_a.period)
    with CaptureQueriesContext(connection) as queries:
        written = figures_refresh(period=submitted_a.period)
    assert written == []
    # The lock, the answers' means, the figures kept.
    assert len(queries.captured_queries) == 3

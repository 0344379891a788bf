"""The demo's year, dated around the day it is loaded: an open period that
contains today, work waiting for every role, no date in the future or before
its period, and answers whose history credits the people who wrote them."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from assessment.home import managed_partnerships
from assessment.models import Answer, EngagementRating, Return, Transition
from assessment.selectors import answer_changes, review_queue, submission_changes
from demo.organisations import load_demo_data
from demo.plans import load_demo_plans
from demo.returns import load_demo_returns
from demo.years import Clock, load_demo_periods, year_code
from indicators.models import Period
from indicators.selectors import framework_for_period
from indicators.services import reference_framework_load
from partnerships.models import LearningPartnership
from partnerships.selectors import partnerships_for_user
from plans.models import DevelopmentPlan, PlanTransition, ProgressUpdate
from plans.selectors import plans_to_approve

BACKEND = "partnerships.backends.PasswordBackend"


def user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def signed_in(client: Client, username: str) -> Client:
    client.force_login(user(username), backend=BACKEND)
    return client


def open_period() -> Period:
    return Period.objects.get(code=year_code(timezone.localdate()))


def test_the_open_period_contains_today_with_history_and_no_next_year(
    demo: None,
) -> None:
    today = timezone.localdate()
    period = open_period()

    assert period.starts_on <= today <= period.ends_on
    assert period.submission_deadline is not None
    assert (
        today + datetime.timedelta(weeks=2)
        <= period.submission_deadline
        <= today + datetime.timedelta(weeks=6)
    )
    codes = list(Period.objects.order_by("starts_on").values_list("code", flat=True))
    start = period.starts_on.year
    assert codes == [year_code(datetime.date(start - n, 6, 1)) for n in (2, 1, 0)]
    # The administrator has the next year to open, under a framework in place.
    assert not Period.objects.filter(starts_on__gt=period.starts_on).exists()
    assert framework_for_period(period=period) is not None


def test_the_manager_has_one_draft_to_continue_and_one_partnership_to_start(
    demo: None, client: Client
) -> None:
    manager = user("manager")
    period = open_period()
    items = managed_partnerships(partnerships=list(partnerships_for_user(manager)))

    drafts = [i for i in items if i.latest and i.latest.period == period]
    to_start = [i for i in items if period in i.to_start]
    assert [i.partnership.name for i in drafts] == ["Hull"]
    assert drafts[0].latest is not None and drafts[0].latest.status == "draft"
    scores = list(drafts[0].latest.answers.values_list("score", flat=True))
    assert any(s is not None for s in scores), "some dimensions done"
    assert any(s is None for s in scores), "some still to do"
    last_saved = max(drafts[0].latest.answers.values_list("updated_at", flat=True))
    assert timezone.now() - last_saved < datetime.timedelta(weeks=2), "worked on lately"
    assert [i.partnership.name for i in to_start] == ["Doncaster"]

    page = signed_in(client, "manager").get("/").content.decode()
    assert "Hull" in page and "Doncaster" in page
    assert period.code in page


def test_the_officer_has_returns_to_review_and_a_plan_to_approve(
    demo: None, client: Client
) -> None:
    officer = user("officer")
    period = open_period()
    rows = [r for r in review_queue(user=officer) if r.return_record.period == period]
    by_name = {r.return_record.partnership.name: r.return_record for r in rows}

    assert by_name["East Riding"].status == "submitted"
    in_review = by_name["North Lincolnshire"]
    assert in_review.status == "in_review"
    agreed = list(in_review.answers.values_list("agreed_score", flat=True))
    assert any(a is not None for a in agreed) and any(a is None for a in agreed)
    again = by_name["North East Lincolnshire"]
    assert again.status == "submitted"
    returned = again.transitions.get(to_status="returned")
    assert returned.reason and returned.by == officer
    assert submission_changes(return_record=again), "the resubmission changed answers"
    assert by_name["Hull"].status == "draft"
    waiting = [r.days_waiting for r in rows if r.days_waiting is not None]
    assert waiting and all(0 <= days <= 60 for days in waiting)
    assert [p.partnership.name for p in plans_to_approve(user=officer)] == [
        "East Riding"
    ]

    client = signed_in(client, "officer")
    assert "East Riding" in client.get("/reviews/").content.decode()
    # The manager's draft: a page the officer may read, nothing to change.
    hull = by_name["Hull"]
    assert client.get(f"/returns/{hull.pk}/").status_code == 200
    assert client.get(f"/returns/{hull.pk}/review/").status_code in (302, 403, 404)


def test_go_has_a_region_to_compare_ratings_to_give_and_an_overdue_partnership(
    demo: None,
) -> None:
    go = user("go")
    period = open_period()
    region = list(partnerships_for_user(go))
    assert len(region) >= 5
    returns = Return.objects.filter(partnership__in=region)
    assert returns.filter(period=period, status="accepted").exists()
    assert returns.filter(period=period, status="in_review").exists()
    last_year = Period.objects.filter(starts_on__lt=period.starts_on).first()
    assert last_year is not None and last_year.submission_deadline is not None
    assert last_year.submission_deadline < timezone.localdate()
    assert returns.filter(period=last_year, status="accepted").count() >= 4
    missing = [p for p in region if not returns.filter(partnership=p, period=last_year)]
    assert [p.name for p in missing] == ["Bradford"], "not started after a deadline"
    rated = EngagementRating.objects.filter(partnership__in=region)
    assert rated.filter(period=last_year, rated_by=go).exists()
    assert not rated.filter(period=period).exists(), "this year's are to give"


def test_no_date_is_in_the_future_or_before_its_period(demo: None) -> None:
    assert_dates_within_periods(timezone.now())


def assert_dates_within_periods(now: datetime.datetime) -> None:
    """Every date the demo wrote lies between its period's start and ``now``."""

    def check(moment: datetime.datetime | None, period: Period, what: str) -> None:
        if moment is None:
            return
        assert moment <= now, (what, period.code, moment)
        assert timezone.localdate(moment) >= period.starts_on, (
            what,
            period.code,
            moment,
        )

    for record in Return.objects.select_related("period"):
        for name in ("created_at", "submitted_at", "profile_checked_at"):
            check(getattr(record, name), record.period, f"return {name}")
    for step in Transition.objects.select_related("return_record__period"):
        check(step.at, step.return_record.period, "transition")
    periods = {r.pk: r.period for r in Return.objects.select_related("period")}
    for old in Answer.history.filter(return_record_id__in=periods):
        check(old.history_date, periods[old.return_record_id], "answer history")
    for answer in Answer.objects.filter(version__gt=1):
        check(answer.updated_at, periods[answer.return_record_id], "answer saved")
    for rating in EngagementRating.objects.select_related("period"):
        check(rating.rated_at, rating.period, "rating")
    for plan in DevelopmentPlan.objects.select_related("period"):
        for name in ("created_at", "updated_at", "approved_at"):
            check(getattr(plan, name), plan.period, f"plan {name}")
        for record in DevelopmentPlan.history.filter(id=plan.pk):
            check(record.history_date, plan.period, "plan history")
    for plan_step in PlanTransition.objects.select_related("plan__period"):
        check(plan_step.at, plan_step.plan.period, "plan transition")
    for update in ProgressUpdate.objects.select_related("plan__period"):
        check(update.created_at, update.plan.period, "progress update")


@pytest.mark.parametrize(
    "moment",
    [
        datetime.datetime(2027, 4, 1, 8, 0),  # the first morning of a year
        datetime.datetime(2028, 2, 29, 23, 0),  # a leap day, late in a year
    ],
)
@pytest.mark.django_db
def test_loaded_on_any_day_no_date_is_in_the_future_or_before_its_period(
    moment: datetime.datetime,
) -> None:
    load_demo_data()
    clock = Clock(now=timezone.make_aware(moment))
    framework = reference_framework_load()

    periods = load_demo_periods(framework=framework, today=clock.today)
    load_demo_returns(framework=framework, periods=periods, clock=clock)
    load_demo_plans(periods=periods, clock=clock)

    assert periods[-1].code == year_code(clock.today)
    assert Return.objects.filter(period=periods[-1]).exists()
    assert DevelopmentPlan.objects.filter(status="approved").exists()
    assert_dates_within_periods(clock.now)


def test_answers_history_credits_the_manager_and_the_officer(
    demo: None, client: Client
) -> None:
    manager, officer = user("manager"), user("officer")
    hull = LearningPartnership.objects.get(name="Hull")
    accepted = (
        Return.objects.filter(partnership=hull, status="accepted")
        .order_by("-period__starts_on")
        .first()
    )
    assert accepted is not None
    changes = answer_changes(return_record=accepted)

    scores = [c for c in changes if any(f[0] == "Score" for f in c.fields)]
    agreed = [c for c in changes if any(f[0] == "Agreed score" for f in c.fields)]
    assert len(scores) == accepted.answers.count()
    assert {c.who for c in scores} == {manager.get_full_name()}
    assert len(agreed) == accepted.answers.count()
    assert {c.who for c in agreed} == {officer.get_full_name()}
    assert min(c.when for c in agreed) > max(c.when for c in scores)
    draft = Return.objects.get(partnership=hull, status="draft")
    assert {c.who for c in answer_changes(return_record=draft)} == {
        manager.get_full_name()
    }

    page = signed_in(client, "manager").get(f"/returns/{accepted.pk}/history/")
    assert page.status_code == 200
    text = page.content.decode()
    assert manager.get_full_name() in text and officer.get_full_name() in text
    assert "Unknown" not in text

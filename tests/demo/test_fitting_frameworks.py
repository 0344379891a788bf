"""The demo's frameworks that fit every partnership, on one loaded demo: the
open year runs both roles' frameworks; Yorkshire and the Humber's local
statements; North Lincolnshire's "not applicable"; the kinds of barrier ticked;
Hull's evidence library."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from assessment.models import Answer, EvidenceFile, EvidenceLink, Return, ReturnStatus
from demo.categories import load_demo_categories
from demo.evidence import load_demo_evidence
from demo.supplements import load_demo_supplement
from demo.years import Clock, year_code
from indicators.models import FrameworkRole, Period, Supplement
from indicators.selectors import frameworks_for_period
from partnerships.models import LearningPartnership, Region
from reports.selectors import DashboardFilters, regional_dashboard, regional_period

BACKEND = "partnerships.backends.PasswordBackend"


# Both roles in the open year.


def signed_in(client: Client, username: str) -> Client:
    client.force_login(get_user_model().objects.get(username=username), backend=BACKEND)
    return client


def open_period() -> Period:
    return Period.objects.get(code=year_code(timezone.localdate()))


def test_only_the_open_year_runs_the_collaboration_framework(demo: Any) -> None:
    """Slow: the first test of the module to run loads the demo (once for
    every test of the module)."""
    roles = {
        period.code: [f.role for f in frameworks_for_period(period=period)]
        for period in Period.objects.all()
    }
    assert roles.pop(open_period().code) == [
        FrameworkRole.REGENERATION,
        FrameworkRole.COLLABORATION,
    ]
    assert set(map(tuple, roles.values())) == {(FrameworkRole.REGENERATION,)}


def test_submitted_returns_score_every_collaboration_indicator(demo: Any) -> None:
    """Slow: the first test of the module to run loads the demo (once for
    every test of the module)."""
    answers = Answer.objects.filter(
        return_record__period=open_period(),
        indicator__dimension__framework__role=FrameworkRole.COLLABORATION,
    )
    submitted = answers.exclude(return_record__status=ReturnStatus.DRAFT)
    assert submitted.count() > 0
    assert not submitted.filter(score__isnull=True).exists()
    # Some drafts have started on them, others not.
    drafts = answers.filter(return_record__status=ReturnStatus.DRAFT)
    assert drafts.filter(score__isnull=False).exists()
    assert drafts.filter(score__isnull=True).exists()


def test_the_go_sees_both_roles_side_by_side(demo: Any, client: Client) -> None:
    """Slow: the first test of the module to run loads the demo (once for
    every test of the module)."""
    response = signed_in(client, "go").get("/dashboard/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Coherence of provision" in body
    assert body.index(">Regeneration<") < body.index(">Collaboration<")


def test_the_managers_draft_lists_both_roles(demo: Any, client: Client) -> None:
    """Slow: the first test of the module to run loads the demo (once for
    every test of the module)."""
    hull = Return.objects.get(partnership__name="Hull", period=open_period())
    body = signed_in(client, "manager").get(f"/returns/{hull.pk}/").content.decode()
    assert "Regeneration dimensions" in body
    assert "Collaboration dimensions" in body
    assert "C4 Participation, basic skills and learning targets" in body


# Yorkshire and the Humber's local statements.


LABEL = "Local statement: Yorkshire and the Humber"


def _login(client: Client, username: str) -> Client:
    user = get_user_model().objects.get(username=username)
    client.force_login(user, backend="partnerships.backends.PasswordBackend")
    return client


def test_the_region_s_statements_are_published_and_answered(demo: str) -> None:
    period = Period.objects.get(code=year_code(timezone.localdate()))
    supplement = Supplement.objects.get()
    assert supplement.is_published and supplement.region.code == "YH"
    assert supplement.period == period
    assert supplement.created_by.username == "go"
    assert supplement.published_at <= timezone.now()
    assert supplement.indicators.count() == 3
    local = Answer.objects.filter(indicator__supplement=supplement)
    assert not local.exclude(return_record__partnership__region__code="YH").exists()
    barnsley = local.filter(return_record__partnership__name="Barnsley")
    assert sorted(barnsley.values_list("score", "agreed_score")) == [
        (3, 3),
        (3, 3),
        (4, 4),
    ]
    hull = local.filter(return_record__partnership__name="Hull")
    assert sorted(hull.values_list("indicator__code", "score")) == [
        ("D2.L1", 3),
        ("D2.L2", None),
        ("D4.L1", None),
    ]
    assert "Local statements: Yorkshire and the Humber regional statements" in demo
    # Loaded again, nothing is added.
    count = local.count()
    assert load_demo_supplement(period=period, now=timezone.now()) == supplement
    assert local.count() == count


def test_go_and_the_manager_see_them(demo: str, client: Client) -> None:
    supplement = Supplement.objects.get()
    listing = _login(client, "go").get("/frameworks/local/").content.decode()
    assert supplement.name in listing
    hull = Return.objects.get(partnership__name="Hull", period=supplement.period)
    tasks = _login(client, "manager").get(f"/returns/{hull.pk}/").content.decode()
    assert LABEL in tasks
    dashboard = _login(client, "go").get("/dashboard/").content.decode()
    assert "D4.L1" in dashboard and LABEL in dashboard


# Not applicable.


def test_officer_moderates_north_lincolnshires_not_applicable(demo: str) -> None:
    answer = Answer.objects.select_related("return_record__period").get(
        return_record__partnership__name="North Lincolnshire",
        return_record__period__starts_on__lte=timezone.localdate(),
        return_record__period__ends_on__gte=timezone.localdate(),
        indicator__code="D4.3",
    )
    assert answer.not_applicable and answer.score is None
    assert "single LSP" in answer.not_applicable_reason
    assert answer.return_record.status == "in_review"
    # Saved in the days before the load, by the partnership's manager.
    age = timezone.now() - answer.updated_at
    assert 0 < age.days < 40
    assert answer.updated_by is not None

    client = Client()
    officer = get_user_model().objects.get(username="officer")
    client.force_login(officer, backend=BACKEND)
    page = client.get(f"/returns/{answer.return_record_id}/review/D4/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "single LSP" in html
    assert f'name="not_applicable-{answer.pk}"' in html


# Kinds of barrier.


def test_the_go_officer_sees_category_shares_with_a_change(demo: str) -> None:
    """The GO officer's regional view counts the demo's kinds of barrier."""
    go = get_user_model().objects.get(username="go")
    period = regional_period(chosen=None)
    assert period is not None
    data = regional_dashboard(
        user=go, period=period, filters=DashboardFilters(region=None, llsc=None)
    )
    counts = data.categories
    assert counts.partnerships >= 3
    # Several partnerships name the same kind, and the shares moved since
    # last year.
    assert max(row.any.count for row in counts.rows) >= 2
    assert any(row.any.change for row in counts.rows)
    client = Client()
    client.force_login(go, backend="partnerships.backends.PasswordBackend")
    html = client.get("/dashboard/").text
    assert "Local Strategic Partnerships" in html
    assert " points" in html
    # Elsewhere in England too.
    assert (
        Region.objects.exclude(code="YH")
        .filter(partnerships__returns__answers__categories__isnull=False)
        .exists()
    )
    # Loaded again, nothing is added.
    assert load_demo_categories() == 0


# Hull's evidence library.


@pytest.fixture
def hull(demo: str) -> LearningPartnership:
    return LearningPartnership.objects.get(name="Hull")


def test_a_file_for_two_indicators_carried_forward_as_links(hull) -> None:
    plan = EvidenceFile.objects.get(
        partnership=hull, original_name="strategic-plan.pdf"
    )
    uses = sorted(
        plan.links.values_list(
            "answer__return_record__period__code", "answer__indicator__code"
        )
    )
    last_year, this_year = sorted({period for period, _ in uses})
    assert uses == [
        (last_year, "D1.1"),
        (last_year, "D1.4"),
        (this_year, "D1.1"),
        (this_year, "D1.4"),
    ]
    carried = plan.links.filter(answer__return_record__period__code=this_year)
    assert all(link.carried_from.evidence_file == plan for link in carried)
    assert [
        link.to_confirm for link in carried.order_by("answer__indicator__code")
    ] == [
        False,
        True,
    ]
    open_return = Return.objects.get(partnership=hull, period__code=this_year)
    assert open_return.status == Return.Status.DRAFT
    due = [
        f.title for f in EvidenceFile.objects.filter(partnership=hull) if f.review_due()
    ]
    assert due == ["CityVision LSP board minutes, learning theme"]
    assert (
        EvidenceFile.objects.filter(partnership=hull, links__isnull=True).count() == 1
    )


def test_the_demo_manager_sees_the_library_and_the_question(
    client: Client, hull
) -> None:
    client.force_login(
        hull.managers.get(username="manager"),
        backend="partnerships.backends.PasswordBackend",
    )
    library = client.get(f"/partnerships/{hull.pk}/evidence/")
    assert library.status_code == 200
    page = library.content.decode()
    assert page.count("Review due</strong>") == 1
    assert "Hull Learning Partnership strategic plan 2025-2028" in page
    link = EvidenceLink.objects.get(
        evidence_file__original_name="strategic-plan.pdf",
        carried_from__isnull=False,
        confirmed_at__isnull=True,
    )
    answer = link.answer
    indicator = client.get(
        f"/returns/{answer.return_record_id}/dimensions/"
        f"{answer.indicator.dimension.code}/{answer.indicator.code}/"
    )
    assert "still current?" in indicator.content.decode()


def test_loading_again_adds_nothing(hull) -> None:
    periods = list(Period.objects.order_by("starts_on"))
    assert load_demo_evidence(periods=periods, clock=Clock(now=timezone.now())) == 0
    assert EvidenceFile.objects.filter(partnership=hull).count() == 4

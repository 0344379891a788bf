"""The demo's local statements: Yorkshire and the Humber's, published by the
demo GO officer for the open year, answered in the region's returns only,
seen by the GO officer and labelled in the demo manager's return."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from assessment.models import Answer, Return
from demo.supplements import load_demo_supplement
from demo.years import year_code
from indicators.models import Period, Supplement

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

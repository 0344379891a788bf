"""The demo's open year assesses both roles: its returns answer the
collaboration framework beside the regeneration one, the submitted ones in
full, and the regional view and the return's page show the two side by side."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from assessment.models import Answer, Return, ReturnStatus
from demo.years import year_code
from indicators.models import FrameworkRole, Period
from indicators.selectors import frameworks_for_period

BACKEND = "partnerships.backends.PasswordBackend"


def signed_in(client: Client, username: str) -> Client:
    client.force_login(get_user_model().objects.get(username=username), backend=BACKEND)
    return client


def open_period() -> Period:
    return Period.objects.get(code=year_code(timezone.localdate()))


def test_only_the_open_year_runs_the_collaboration_framework(demo: Any) -> None:
    """Slow: the first test of the module to run loads the demo."""
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
    """Slow: the first test of the module to run loads the demo."""
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
    """Slow: the first test of the module to run loads the demo."""
    response = signed_in(client, "go").get("/dashboard/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Coherence of provision" in body
    assert body.index(">Regeneration<") < body.index(">Collaboration<")


def test_the_managers_draft_lists_both_roles(demo: Any, client: Client) -> None:
    """Slow: the first test of the module to run loads the demo."""
    hull = Return.objects.get(partnership__name="Hull", period=open_period())
    body = signed_in(client, "manager").get(f"/returns/{hull.pk}/").content.decode()
    assert "Regeneration dimensions" in body
    assert "Collaboration dimensions" in body
    assert "C4 Participation, basic skills and learning targets" in body

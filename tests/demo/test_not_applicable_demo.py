"""The demo's answer "not applicable": North Lincolnshire's D4.3 in the open
year, with its reason, in review for the demo officer to accept or reject."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from assessment.models import Answer

BACKEND = "partnerships.backends.PasswordBackend"


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

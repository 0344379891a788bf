"""The demo's evidence library: Hull's files, one linked to two indicators in
last year's return and carried forward into the open year's draft as links
to the same stored file; one past its review-by date."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from assessment.models import EvidenceFile, EvidenceLink, Return
from demo.evidence import load_demo_evidence
from demo.years import Clock
from indicators.models import Period
from partnerships.models import LearningPartnership


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

"""generate_scale_data: synthetic partnerships and their returns at any scale,
added to (never changed) by a second run, in one region if asked."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from assessment.models import Answer, Return
from partnerships.models import (
    LearningPartnership,
    LLSCRelationship,
    LSPRelationship,
    MemberOrganisation,
)


@pytest.mark.django_db
def test_generate_scale_data_creates_the_requested_number_and_is_repeatable() -> None:
    out = io.StringIO()
    call_command("generate_scale_data", partnerships=30, years=3, stdout=out)

    synthetic = LearningPartnership.objects.filter(name__startswith="Synthetic")
    assert synthetic.count() == 30
    assert "30 synthetic partnerships and 90 returns created" in out.getvalue()
    returns = Return.objects.filter(partnership__in=synthetic)
    assert returns.count() == 90
    assert set(returns.values_list("period__code", flat=True)) == {
        "2001-02",
        "2002-03",
        "2003-04",
    }
    assert (
        Answer.objects.filter(return_record__in=returns, score__isnull=True).count()
        == 0
    )
    assert MemberOrganisation.objects.filter(partnership__in=synthetic).count() == 360
    assert LLSCRelationship.objects.filter(partnership__in=synthetic).count() == 30
    assert LSPRelationship.objects.filter(partnership__in=synthetic).count() >= 30

    call_command("generate_scale_data", partnerships=40, years=3, stdout=io.StringIO())
    assert synthetic.count() == 40


@pytest.mark.django_db
def test_generate_scale_data_in_one_region() -> None:
    call_command(
        "generate_scale_data",
        partnerships=12,
        years=1,
        region="YH",
        stdout=io.StringIO(),
    )

    regions = set(
        LearningPartnership.objects.filter(name__startswith="Synthetic").values_list(
            "region__code", flat=True
        )
    )
    assert regions == {"YH"}


@pytest.mark.django_db
def test_generate_scale_data_refuses_bad_arguments() -> None:
    with pytest.raises(CommandError, match="at least 1"):
        call_command("generate_scale_data", partnerships=0, stdout=io.StringIO())
    with pytest.raises(CommandError, match="No region"):
        call_command(
            "generate_scale_data", partnerships=1, region="XX", stdout=io.StringIO()
        )
    assert not LearningPartnership.objects.exists()

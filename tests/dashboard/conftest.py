"""Fixtures for the regional dashboard and score export tests.

The framework and periods are copied from tests/review/conftest.py. On top,
``region_set`` builds four partnerships in Yorkshire and the Humber (go_a's
region) with known LSP and LLSC relationships, and known scores:

- Aire (unitary, local LSC A with an MOU, formal learning arm of an NRF-funded
  LSP with York stages 1 and 2, informal with a second LSP): 2003-04 accepted,
  self D1 1,2,3,4,1,2,3 (2.29) D2 3 D3 3 D4 4, agreed D1 1 D2 3 D3 4 D4 3
  (overall 2.75); 2002-03 accepted, self 2 throughout (change +0.75); GO
  rating 4 for 2003-04. Barriers: Funding x3, Staff time x2; the category
  "Funding streams" ticked on D1.1.
- Calder (shire, local LSC A in discussion and local LSC Y2 concordat, lead
  agency, York stage 1): 2003-04 submitted, self D1 3 D2 2 D3 1 D4 2, no
  agreed scores (overall 2.0); 2002-03 submitted self 3 (change -1.0); GO
  rating 2 only for 2002-03. Barriers: Funding x1, Staff time x1, Access x2.
- Derwent (shire, local LSC Y2 no agreement, informal, York stage 3): 2003-04
  draft, self D1 4 D2 4 D3 2 D4 1 (overall 2.75); no 2002-03 return.
- Esk (multi-borough, local LSC Y2, no LSP): no return at all.

Outside the region, in the North East: Tees, 2003-04 submitted self D1 4 D2 1
D3 4 D4 4 with barrier Transport x5; Wear, 2003-04 draft self 1 throughout.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from assessment.figures import figures_refresh
from assessment.models import Answer, EngagementRating, Return
from assessment.services import return_start
from indicators.models import Category, Period
from partnerships.models import (
    AgreementStatus,
    LearningPartnership,
    LocalLSC,
    Recognition,
    StructureModel,
)
from tests.factories import (
    LearningPartnershipFactory,
    LLSCRelationshipFactory,
    LocalLSCFactory,
    LSPFactory,
    LSPRelationshipFactory,
    region,
)

Scores = dict[str, int | list[int]]


def make_return(
    partnership: LearningPartnership,
    period: Period,
    *,
    status: str = "submitted",
    self_scores: Scores | None = None,
    agreed: Scores | None = None,
    barriers: dict[str, list[str]] | None = None,
    categories: dict[str, list[str]] | None = None,
) -> Return:
    """A return with every answer of a dimension given the score (or the list of
    seven scores), the agreed scores likewise, barriers by indicator code, and
    the categories of the return's framework ticked (by category code) on the
    answers of the indicator codes given."""
    starter, _ = get_user_model().objects.get_or_create(
        username="return_starter", defaults={"is_superuser": True}
    )
    record = return_start(partnership=partnership, period=period, user=starter)
    for field, scores in (("score", self_scores), ("agreed_score", agreed)):
        for dimension, value in (scores or {}).items():
            if isinstance(value, int):
                Answer.objects.filter(
                    return_record=record, indicator__dimension__code=dimension
                ).update(**{field: value})
            else:
                for n, score in enumerate(value, start=1):
                    Answer.objects.filter(
                        return_record=record, indicator__code=f"{dimension}.{n}"
                    ).update(**{field: score})
    for text, codes in (barriers or {}).items():
        Answer.objects.filter(return_record=record, indicator__code__in=codes).update(
            barriers=text
        )
    for category_code, codes in (categories or {}).items():
        category = Category.objects.get(
            category_list__framework=record.framework, code=category_code
        )
        for item in Answer.objects.filter(
            return_record=record, indicator__code__in=codes
        ):
            item.categories.add(category)
    if status != "draft":
        Return.objects.filter(pk=record.pk).update(
            status=status, submitted_at=timezone.now()
        )
    # Written around the services: the figures are refreshed as they would.
    figures_refresh(period=record.period_id)
    return Return.objects.get(pk=record.pk)


@dataclass
class RegionSet:
    aire: LearningPartnership
    calder: LearningPartnership
    derwent: LearningPartnership
    esk: LearningPartnership
    tees: LearningPartnership
    wear: LearningPartnership
    llsc_a: LocalLSC
    llsc_y2: LocalLSC
    aire_2003: Return
    calder_2003: Return
    derwent_2003: Return
    tees_2003: Return


@pytest.fixture
def region_set(llsc_a: LocalLSC, period_2002: Period, period_2003: Period) -> RegionSet:
    yh = region("YH")
    ne = region("NE")
    llsc_y2 = LocalLSCFactory(name="North Yorkshire", region=yh)
    llsc_ne = LocalLSCFactory(name="Tees Valley", region=ne)

    aire = LearningPartnershipFactory(
        name="Aire Partnership", region=yh, structure_model=StructureModel.UNITARY
    )
    calder = LearningPartnershipFactory(
        name="Calder Partnership", region=yh, structure_model=StructureModel.SHIRE
    )
    derwent = LearningPartnershipFactory(
        name="Derwent Partnership", region=yh, structure_model=StructureModel.SHIRE
    )
    esk = LearningPartnershipFactory(
        name="Esk Partnership", region=yh, structure_model=StructureModel.MULTI_BOROUGH
    )
    tees = LearningPartnershipFactory(name="Tees Partnership", region=ne)
    wear = LearningPartnershipFactory(name="Wear Partnership", region=ne)

    LLSCRelationshipFactory(
        partnership=aire,
        llsc=llsc_a,
        agreement_status=AgreementStatus.MOU,
        agreement_date=datetime.date(2003, 9, 1),
    )
    LLSCRelationshipFactory(
        partnership=calder, llsc=llsc_a, agreement_status=AgreementStatus.IN_DISCUSSION
    )
    LLSCRelationshipFactory(
        partnership=calder,
        llsc=llsc_y2,
        agreement_status=AgreementStatus.CONCORDAT,
        agreement_date=datetime.date(2003, 6, 1),
    )
    LLSCRelationshipFactory(partnership=derwent, llsc=llsc_y2)
    LLSCRelationshipFactory(partnership=esk, llsc=llsc_y2)
    LLSCRelationshipFactory(partnership=tees, llsc=llsc_ne)
    LLSCRelationshipFactory(partnership=wear, llsc=llsc_ne)

    funded = LSPFactory(name="Bradford Vision", nrf_funded=True)
    LSPRelationshipFactory(
        partnership=aire,
        lsp=funded,
        recognition=Recognition.LEARNING_ARM,
        stage_aligning=True,
        stage_own_structures=True,
    )
    LSPRelationshipFactory(
        partnership=aire, lsp__name="Airedale LSP", recognition=Recognition.INFORMAL
    )
    LSPRelationshipFactory(
        partnership=calder,
        lsp__name="Calderdale LSP",
        recognition=Recognition.LEAD_AGENCY,
        stage_aligning=True,
    )
    LSPRelationshipFactory(
        partnership=derwent,
        lsp__name="Ryedale LSP",
        recognition=Recognition.INFORMAL,
        stage_funded_projects=True,
    )

    aire_2003 = make_return(
        aire,
        period_2003,
        status="accepted",
        self_scores={"D1": [1, 2, 3, 4, 1, 2, 3], "D2": 3, "D3": 3, "D4": 4},
        agreed={"D1": 1, "D2": 3, "D3": 4, "D4": 3},
        barriers={"Funding": ["D1.1", "D2.1", "D3.1"], "Staff time": ["D1.2", "D4.1"]},
        categories={"funding_streams": ["D1.1"]},
    )
    make_return(
        aire,
        period_2002,
        status="accepted",
        self_scores={"D1": 2, "D2": 2, "D3": 2, "D4": 2},
        barriers={"Last year's barrier": ["D1.1", "D1.2", "D1.3", "D1.4"]},
    )
    calder_2003 = make_return(
        calder,
        period_2003,
        status="submitted",
        self_scores={"D1": 3, "D2": 2, "D3": 1, "D4": 2},
        barriers={
            "Funding": ["D1.1"],
            "Staff time": ["D1.2"],
            "Access": ["D2.1", "D2.2"],
        },
    )
    make_return(
        calder,
        period_2002,
        status="submitted",
        self_scores={"D1": 3, "D2": 3, "D3": 3, "D4": 3},
    )
    derwent_2003 = make_return(
        derwent,
        period_2003,
        status="draft",
        self_scores={"D1": 4, "D2": 4, "D3": 2, "D4": 1},
    )
    tees_2003 = make_return(
        tees,
        period_2003,
        status="submitted",
        self_scores={"D1": 4, "D2": 1, "D3": 4, "D4": 4},
        barriers={"Transport": ["D1.1", "D1.2", "D1.3", "D1.4", "D1.5"]},
    )
    make_return(
        wear,
        period_2003,
        status="draft",
        self_scores={"D1": 1, "D2": 1, "D3": 1, "D4": 1},
    )
    EngagementRating.objects.create(
        partnership=aire, period=period_2003, rating=4, rationale="Engaged"
    )
    EngagementRating.objects.create(
        partnership=calder, period=period_2002, rating=2, rationale="Last year"
    )
    return RegionSet(
        aire=aire,
        calder=calder,
        derwent=derwent,
        esk=esk,
        tees=tees,
        wear=wear,
        llsc_a=llsc_a,
        llsc_y2=llsc_y2,
        aire_2003=aire_2003,
        calder_2003=calder_2003,
        derwent_2003=derwent_2003,
        tees_2003=tees_2003,
    )

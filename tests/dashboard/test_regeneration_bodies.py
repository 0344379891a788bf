"""The regional view counts partnerships by their relationships with
regeneration bodies other than LSPs."""

from __future__ import annotations

import pytest

from partnerships.models import RegenerationBodyLink
from tests.factories import LearningPartnershipFactory, LLSCRelationshipFactory

from .conftest import make_return

pytestmark = pytest.mark.django_db

TITLE = "Relationships with other regeneration bodies"


def test_the_regional_view_counts_body_links(
    client, go_a, region_a, region_other, llsc_a, period_2003
):
    partnerships = [
        LearningPartnershipFactory(name=f"Partnership {n}", region=region_a)
        for n in range(4)
    ]
    for partnership in partnerships:
        LLSCRelationshipFactory(partnership=partnership, llsc=llsc_a)
        make_return(partnership, period_2003, status="submitted")
    first, second = partnerships[:2]
    # Two NDCs for one partnership count it once.
    for name in ("Little Horton NDC", "West Bowling NDC"):
        RegenerationBodyLink.objects.create(
            partnership=first, kind="new_deal", name=name
        )
    RegenerationBodyLink.objects.create(partnership=first, kind="srb", name="SRB 5")
    RegenerationBodyLink.objects.create(partnership=second, kind="srb", name="SRB 6")
    # Elsewhere: not counted.
    other = LearningPartnershipFactory(name="Elsewhere", region=region_other)
    RegenerationBodyLink.objects.create(partnership=other, kind="srb", name="SRB 7")

    client.force_login(go_a, backend="partnerships.backends.PasswordBackend")
    response = client.get("/dashboard/?period=2003-04")
    assert response.status_code == 200
    breakdown = next(b for b in response.context["data"].breakdowns if b.title == TITLE)
    counts = {t.label: (t.count, t.share_text) for t in breakdown.tallies}
    assert counts["New Deal for Communities"] == (1, "25%")
    assert counts["Single Regeneration Budget (SRB) scheme"] == (2, "50%")
    assert counts["Neighbourhood management"] == (0, "0%")
    assert counts["None recorded"] == (2, "50%")
    assert TITLE in response.content.decode()


def test_the_regional_workbook_names_each_partnerships_bodies(
    client, go_a, region_a, llsc_a, period_2003
):
    from io import BytesIO

    from openpyxl import load_workbook

    first = LearningPartnershipFactory(name="First", region=region_a)
    second = LearningPartnershipFactory(name="Second", region=region_a)
    for partnership in (first, second):
        LLSCRelationshipFactory(partnership=partnership, llsc=llsc_a)
        make_return(partnership, period_2003, status="submitted")
    RegenerationBodyLink.objects.create(partnership=first, kind="srb", name="SRB 5")
    RegenerationBodyLink.objects.create(
        partnership=first, kind="new_deal", name="Little Horton NDC"
    )

    client.force_login(go_a, backend="partnerships.backends.PasswordBackend")
    response = client.get("/dashboard/scores.xlsx?period=2003-04")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content)))["Partnerships"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    column = rows[0].index("Other regeneration bodies")
    bodies = {row[0]: row[column] for row in rows[1:]}
    assert bodies == {
        "First": "New Deal for Communities; Single Regeneration Budget (SRB) scheme",
        "Second": "None recorded",
    }

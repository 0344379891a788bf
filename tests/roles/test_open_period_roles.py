"""Opening a period after one that runs both roles: the check page says the
collaboration framework goes on, and the new period runs it beside the
regeneration framework chosen."""

from __future__ import annotations

from indicators.models import Framework, FrameworkRole, Period
from indicators.selectors import frameworks_for_period
from tests.indicators.test_open_period import CHECK, CODE, DATES, DEADLINE, answer


def test_a_new_period_keeps_the_collaboration_framework(client_as, both_roles):
    client = client_as("admin")
    answer(client, CODE, DATES, DEADLINE)
    client.post("/periods/open/framework/", {"framework_use": "publish"})

    check = client.get(CHECK).text
    assert "Collaboration framework" in check
    assert "Learning collaboration self-assessment, version 1, as now" in check

    client.post(CHECK)

    period = Period.objects.get(code="2004-05")
    frameworks = frameworks_for_period(period=period)
    assert [f.role for f in frameworks] == [
        FrameworkRole.REGENERATION,
        FrameworkRole.COLLABORATION,
    ]
    # The regeneration framework was copied for the new period; the
    # collaboration one is kept as it is.
    assert frameworks[0].version == 2
    assert frameworks[1] == Framework.objects.get(role=FrameworkRole.COLLABORATION)

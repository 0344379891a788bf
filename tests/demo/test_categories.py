"""The demo's categories: kinds of barrier ticked on the demo's barriers, so
the GO officer's regional view shows shares and their change."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client

from demo.categories import load_demo_categories
from partnerships.models import Region
from reports.selectors import DashboardFilters, regional_dashboard, regional_period


def test_the_go_officer_sees_category_shares_with_a_change(demo: str) -> None:
    """The GO officer's regional view counts the demo's kinds of barrier.

    Slow: the only test of its module, so it bears loading the demo."""
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

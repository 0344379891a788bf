"""The demo's relationships with other regeneration bodies and its change of
manager."""

from __future__ import annotations

import pytest

from demo.organisations import load_demo_data
from demo.regeneration_bodies import load_demo_regeneration_bodies
from partnerships.models import ManagerChange, RegenerationBodyLink

pytestmark = pytest.mark.django_db


def test_the_demo_links_load_once():
    load_demo_data()
    added = load_demo_regeneration_bodies()
    assert added == RegenerationBodyLink.objects.count() + 1
    assert (
        RegenerationBodyLink.objects.filter(partnership__name="Bradford").count() == 3
    )
    change = ManagerChange.objects.get()
    assert change.partnership.name == "Barnsley"
    assert change.new_name == change.partnership.manager_name
    # Run again, nothing is added.
    assert load_demo_regeneration_bodies() == 0

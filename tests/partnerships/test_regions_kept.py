"""The nine regions come from a migration. A transactional test ends with a
flush of every table; the test suite puts them back (tests/conftest.py), so
tests that run after it in the same process, and the next run on a kept
PostgreSQL database, still have them."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from partnerships.models import Region


@pytest.mark.django_db(transaction=True)
def test_the_regions_survive_a_flush():
    Region.objects.filter(code="YH").update(name="Renamed")
    call_command("flush", interactive=False, verbosity=0)
    assert Region.objects.count() == 9
    assert Region.objects.get(code="YH").name == "Yorkshire and the Humber"

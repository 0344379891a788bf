from __future__ import annotations

import pytest

from tests.browser.test_go_year import region  # noqa: F401
from tests.factories import LearningPartnershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_shots(people, region, region_other, llsc_a):  # noqa: F811
    from partnerships.models import LLSCRelationship

    for p in region.values():
        LLSCRelationship.objects.get_or_create(partnership=p, llsc=llsc_a)
    LearningPartnershipFactory(name="Echo Learning", region=region_other)
    out = []
    for who, paths in [
        ("go_a", ["/", "/reminders/", "/ratings/2003-04/"]),
        ("admin", ["/"]),
        ("officer_a", ["/reviews/"]),
    ]:
        person = people(who)
        person.sign_in(who)
        for width in (1280, 390):
            person.page.set_viewport_size({"width": width, "height": 900})
            for path in paths:
                page = person.goto(path)
                wide = page.evaluate("() => document.documentElement.scrollWidth")
                out.append((who, width, path, wide))
                person.shot(f"{who}-{width}-{path}")
    print(out)
    for who, width, path, wide in out:
        assert wide <= width, (who, width, path, wide)

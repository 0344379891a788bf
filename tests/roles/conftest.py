"""A period that runs both roles' frameworks: the reference regeneration
framework (2003-04) and the shipped collaboration framework beside it."""

from __future__ import annotations

import pytest

from indicators.models import Framework, Period
from indicators.services import COLLABORATION_FRAMEWORK, reference_framework_load


@pytest.fixture
def collaboration(db: None) -> Framework:
    """The shipped collaboration framework, C1-C4."""
    return reference_framework_load(path=COLLABORATION_FRAMEWORK)


@pytest.fixture
def both_roles(framework: Framework, collaboration: Framework) -> Period:
    """2003-04, running the regeneration and the collaboration framework."""
    period = Period.objects.get(code="2003-04")
    collaboration.periods.add(period)
    return period

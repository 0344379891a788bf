"""Fixtures for the review and moderation tests.

The framework, periods and partnership A's return are copied from
tests/assessment/conftest.py (its fixtures are not visible here). On top:

- officer_a2: a second LLSC officer of local LSC A (two reviewers for one return)
- submitted_a: partnership A's 2003-04 return, every indicator scored with
  SELF_SCORES and evidence, submitted by manager_a
"""

from __future__ import annotations

import pytest

from assessment.models import Return
from assessment.services import return_submit
from partnerships.models import Role
from tests.factories import ProfileFactory

from .helpers import SELF_SCORES, fill_answers


@pytest.fixture
def officer_a2(llsc_a):
    """A second LLSC officer of local LSC A."""
    return ProfileFactory(
        user__username="officer_a2",
        user__first_name="Second",
        user__last_name="Officer",
        role=Role.LLSC_OFFICER,
        llsc=llsc_a,
    ).user


@pytest.fixture
def submitted_a(return_a, manager_a) -> Return:
    """Partnership A's 2003-04 return, scored with SELF_SCORES, submitted."""
    fill_answers(return_a, SELF_SCORES)
    return_submit(return_record=return_a, user=manager_a)
    return Return.objects.get(pk=return_a.pk)

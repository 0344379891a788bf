"""Fixtures for the review and moderation tests.

The framework, periods and partnership A's return are copied from
tests/assessment/conftest.py (its fixtures are not visible here). On top:

- officer_a2: a second LLSC officer of local LSC A (two reviewers for one return)
- submitted_a: partnership A's 2003-04 return, every indicator scored with
  SELF_SCORES and evidence, submitted by manager_a
"""

from __future__ import annotations

import copy
import shutil
import tempfile
from functools import cache
from pathlib import Path

import pytest

from assessment.models import Attachment, Return
from assessment.services import return_start, return_submit
from indicators import services as framework_services
from indicators.models import Framework, Period
from indicators.services import ParsedFramework, reference_framework_load
from partnerships.models import Role
from tests.factories import ProfileFactory

from .helpers import SELF_SCORES, fill_answers


@pytest.fixture(autouse=True)
def _empty_attachment_storage():
    """Evidence files live on disk, outside the rolled-back database: each test
    starts and ends with none."""
    location = Path(Attachment._meta.get_field("file").storage.location)
    assert location.is_relative_to(tempfile.gettempdir()), location
    shutil.rmtree(location / "returns", ignore_errors=True)
    yield
    shutil.rmtree(location / "returns", ignore_errors=True)


_parse = framework_services.parse_framework_file


@cache
def _parsed(text: str) -> ParsedFramework:
    return _parse(text)


def _cached_parse(text: str) -> ParsedFramework:
    return copy.deepcopy(_parsed(text))


@pytest.fixture
def framework(db: None, monkeypatch: pytest.MonkeyPatch) -> Framework:
    """The reference framework: 2002-03 and 2003-04, D1-D4 of 7 indicators,
    scores 1 to 4."""
    with monkeypatch.context() as patch:
        patch.setattr(framework_services, "parse_framework_file", _cached_parse)
        return reference_framework_load()


@pytest.fixture
def period_2002(framework: Framework) -> Period:
    return Period.objects.get(code="2002-03")


@pytest.fixture
def period_2003(framework: Framework) -> Period:
    return Period.objects.get(code="2003-04")


@pytest.fixture
def return_a(partnership_a, manager_a, period_2003) -> Return:
    """Partnership A's draft return for 2003-04, every answer blank."""
    return return_start(partnership=partnership_a, period=period_2003, user=manager_a)


@pytest.fixture
def manager_a2(partnership_a):
    """A second manager of partnership A."""
    user = ProfileFactory(
        user__username="manager_a2",
        user__first_name="Second",
        user__last_name="Manager",
        role=Role.MANAGER,
    ).user
    partnership_a.managers.add(user)
    return user


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

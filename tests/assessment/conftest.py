"""Fixtures for returns: the reference framework, its periods, and partnership
A's return for 2003-04 started by manager_a (one blank answer per indicator)."""

from __future__ import annotations

import copy
import shutil
import tempfile
from functools import cache
from pathlib import Path

import pytest

from assessment.models import Attachment, Return
from assessment.services import return_start
from indicators import services as framework_services
from indicators.models import Framework, Period
from indicators.services import ParsedFramework, reference_framework_load
from partnerships.models import Role
from tests.factories import ProfileFactory


@pytest.fixture(autouse=True)
def _empty_attachment_storage():
    """Evidence files are stored on disk, outside the rolled-back database: each
    test starts and ends with none (the test settings store them in a throwaway
    folder of this process)."""
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
    """The reference file is parsed once per run, not twice per test (the
    import pops from what it is given, so each caller gets its own copy)."""
    return copy.deepcopy(_parsed(text))


@pytest.fixture
def framework(db: None, monkeypatch: pytest.MonkeyPatch) -> Framework:
    """The reference framework: 2002-03 and 2003-04, D1-D4 of 7 indicators."""
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
    """A second manager of partnership A, with a name for the history page."""
    user = ProfileFactory(
        user__username="manager_a2",
        user__first_name="Second",
        user__last_name="Manager",
        role=Role.MANAGER,
    ).user
    partnership_a.managers.add(user)
    return user

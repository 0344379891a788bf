"""The fixed cast every test uses.

Partnership A is in Yorkshire and the Humber, linked to local LSC A; partnership
B is in the North East, linked to the other local LSC. Each has one member,
one LLSC relationship and one LSP relationship. The people:

- manager_a, manager_b: partnership managers of A and of B
- officer_a, officer_elsewhere: LLSC officers of local LSC A and of the other LSC
- go_a, go_elsewhere: GO officers of Yorkshire and the Humber and of the North East
- admin: national administrator by Profile role alone (staff, not superuser)
- no_role: signed in, but no Profile at all
- anonymous: not signed in
"""

from __future__ import annotations

import copy
import importlib
import shutil
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import AnonymousUser
from django.db.models.signals import post_migrate
from django.test import Client

from assessment.models import EvidenceFile, Return
from assessment.services import return_start
from indicators import services as framework_services
from indicators.framework_files import ParsedFramework
from indicators.models import Framework, Period
from indicators.services import reference_framework_load
from partnerships.models import (
    LearningPartnership,
    LLSCRelationship,
    LocalLSC,
    LSPRelationship,
    MemberOrganisation,
    Region,
    Role,
)

from .database_template import setup_test_database, teardown_test_database
from .factories import (
    LearningPartnershipFactory,
    LLSCRelationshipFactory,
    LocalLSCFactory,
    LSPRelationshipFactory,
    MemberOrganisationFactory,
    ProfileFactory,
    UserFactory,
)
from .slow_tests import (  # noqa: F401  # pytest hooks, registered by import
    pytest_runtest_logreport,
    pytest_runtest_makereport,
    pytest_terminal_summary,
    shared_setup_seconds,
)

CAST = [
    "manager_a",
    "manager_b",
    "officer_a",
    "officer_elsewhere",
    "go_a",
    "go_elsewhere",
    "admin",
    "no_role",
    "anonymous",
]


def _regions_after_flush(sender: Any, using: str, **kwargs: Any) -> None:
    """A transactional test (the pack worker, the browser journeys) ends by
    emptying every table, then Django sends post_migrate: the regions the
    migration added are put back, for the tests that run after it in the same
    process and for a database kept for the next run (``--reuse-db``)."""
    regions = importlib.import_module("partnerships.migrations.0002_regions")
    regions.add_regions(django_apps, None)


post_migrate.connect(
    _regions_after_flush,
    sender=django_apps.get_app_config("partnerships"),
    dispatch_uid="tests-regions-after-flush",
)


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_createdb: bool,
    django_db_modify_db_settings: None,
):
    """The test database: a copy of the migrated template (see
    database_template.py), not every migration run again in each process."""
    with django_db_blocker.unblock():
        seconds = setup_test_database(rebuild=django_db_createdb)
    shared_setup_seconds(request.config, seconds)
    yield
    with django_db_blocker.unblock():
        teardown_test_database()


@pytest.fixture
def region_a(db: None) -> Region:
    return Region.objects.get(code="YH")


@pytest.fixture
def region_other(db: None) -> Region:
    return Region.objects.get(code="NE")


@pytest.fixture
def llsc_a(region_a: Region) -> LocalLSC:
    return LocalLSCFactory(name="West Yorkshire", region=region_a)


@pytest.fixture
def llsc_other(region_other: Region) -> LocalLSC:
    return LocalLSCFactory(name="Tyne and Wear", region=region_other)


@pytest.fixture
def partnership_a(region_a: Region, llsc_a: LocalLSC) -> LearningPartnership:
    partnership = LearningPartnershipFactory(name="Alpha Learning", region=region_a)
    LLSCRelationshipFactory(partnership=partnership, llsc=llsc_a)
    return partnership


@pytest.fixture
def partnership_b(region_other: Region, llsc_other: LocalLSC) -> LearningPartnership:
    partnership = LearningPartnershipFactory(
        name="Bravo Learning",
        region=region_other,
        structure_model=LearningPartnership.StructureModel.SHIRE,
    )
    LLSCRelationshipFactory(partnership=partnership, llsc=llsc_other)
    return partnership


@pytest.fixture
def llsc_relationship_a(partnership_a: LearningPartnership) -> LLSCRelationship:
    return partnership_a.llsc_relationships.get()


@pytest.fixture
def llsc_relationship_b(partnership_b: LearningPartnership) -> LLSCRelationship:
    return partnership_b.llsc_relationships.get()


@pytest.fixture
def lsp_relationship_a(partnership_a: LearningPartnership) -> LSPRelationship:
    return LSPRelationshipFactory(
        partnership=partnership_a, lsp__name="Leeds Initiative"
    )


@pytest.fixture
def lsp_relationship_b(partnership_b: LearningPartnership) -> LSPRelationship:
    return LSPRelationshipFactory(
        partnership=partnership_b, lsp__name="Newcastle Partnership"
    )


@pytest.fixture
def member_a(partnership_a: LearningPartnership) -> MemberOrganisation:
    return MemberOrganisationFactory(partnership=partnership_a, name="Leeds College")


@pytest.fixture
def member_b(partnership_b: LearningPartnership) -> MemberOrganisation:
    return MemberOrganisationFactory(partnership=partnership_b, name="Tyneside College")


@pytest.fixture
def manager_a(partnership_a: LearningPartnership):
    user = ProfileFactory(user__username="manager_a", role=Role.MANAGER).user
    partnership_a.managers.add(user)
    return user


@pytest.fixture
def manager_b(partnership_b: LearningPartnership):
    user = ProfileFactory(user__username="manager_b", role=Role.MANAGER).user
    partnership_b.managers.add(user)
    return user


@pytest.fixture
def officer_a(llsc_a: LocalLSC):
    return ProfileFactory(
        user__username="officer_a", role=Role.LLSC_OFFICER, llsc=llsc_a
    ).user


@pytest.fixture
def officer_elsewhere(llsc_other: LocalLSC):
    return ProfileFactory(
        user__username="officer_elsewhere", role=Role.LLSC_OFFICER, llsc=llsc_other
    ).user


@pytest.fixture
def go_a(region_a: Region):
    return ProfileFactory(
        user__username="go_a", role=Role.GO_OFFICER, region=region_a
    ).user


@pytest.fixture
def go_elsewhere(region_other: Region):
    return ProfileFactory(
        user__username="go_elsewhere", role=Role.GO_OFFICER, region=region_other
    ).user


@pytest.fixture
def admin(db: None):
    return ProfileFactory(
        user__username="admin",
        user__is_staff=True,
        user__is_superuser=False,
        role=Role.NATIONAL_ADMIN,
    ).user


@pytest.fixture
def no_role(db: None):
    return UserFactory(username="no_role")


@pytest.fixture
def anonymous() -> Client:
    """The test client, not signed in."""
    return Client()


@pytest.fixture
def cast(
    manager_a,
    manager_b,
    officer_a,
    officer_elsewhere,
    go_a,
    go_elsewhere,
    admin,
    no_role,
    member_a: MemberOrganisation,
    member_b: MemberOrganisation,
    lsp_relationship_a: LSPRelationship,
    lsp_relationship_b: LSPRelationship,
) -> dict:
    """Every member of the cast by name; anonymous is Django's AnonymousUser.

    Requesting the cast also creates each partnership's member and LSP
    relationship, so the partnerships are fully furnished.
    """
    return {
        "manager_a": manager_a,
        "manager_b": manager_b,
        "officer_a": officer_a,
        "officer_elsewhere": officer_elsewhere,
        "go_a": go_a,
        "go_elsewhere": go_elsewhere,
        "admin": admin,
        "no_role": no_role,
        "anonymous": AnonymousUser(),
    }


@pytest.fixture
def client_as(client: Client, cast: dict) -> Callable[[str], Client]:
    """The test client signed in as the named member of the cast."""

    def sign_in(name: str) -> Client:
        user = cast[name]
        if user.is_authenticated:
            client.force_login(user, backend="partnerships.backends.PasswordBackend")
        return client

    return sign_in


# Returns: the reference framework, its periods, partnership A's return.


@pytest.fixture(autouse=True)
def _empty_attachment_storage():
    """Evidence files are stored on disk, outside the rolled-back database: each
    test starts and ends with none (the test settings store them in a throwaway
    folder of this process)."""
    location = Path(EvidenceFile._meta.get_field("file").storage.location)
    assert location.is_relative_to(tempfile.gettempdir()), location
    for folder in ("returns", "evidence"):
        shutil.rmtree(location / folder, ignore_errors=True)
    yield
    for folder in ("returns", "evidence"):
        shutil.rmtree(location / folder, ignore_errors=True)


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

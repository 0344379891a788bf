"""The world the permission matrix requests its URLs about.

The matrix has over a thousand cells, one test each. Building the cast, the
reference framework, two returns, a plan and a pack takes about 170 ms, so it
is built once per module, inside a transaction that is rolled back when the
module ends; each test runs in a savepoint of its own (pytest-django's ``db``),
so whatever a test changes is undone before the next.

The cast is the one of tests/conftest.py, built the same way. ``cast`` and
``client_as`` are overridden here: each person is signed in once, with
force_login, when the world is built (signing in takes longer than most of the
requests), and ``client_as`` hands the test client that person's session.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from assessment.evidence import evidence_upload
from assessment.models import EvidenceLink, Return, attachment_storage
from assessment.services import return_start, return_submit
from indicators.models import Framework, Period
from indicators.services import reference_framework_load
from partnerships.models import (
    LearningPartnership,
    LLSCRelationship,
    LSPRelationship,
    MemberOrganisation,
    Region,
    Role,
    StructureModel,
)
from plans import services as plan_services
from plans.models import DevelopmentPlan, PlanAction, Priority, Target
from reports.models import Pack, SummaryDocument
from tests.factories import (
    LearningPartnershipFactory,
    LLSCRelationshipFactory,
    LocalLSCFactory,
    LSPRelationshipFactory,
    MemberOrganisationFactory,
    ProfileFactory,
    UserFactory,
)
from tests.module_transaction import in_module_transaction
from tests.plans.helpers import SELF_SCORES, fill_answers

EVIDENCE = b"%PDF-1.4 evidence"


@dataclass(frozen=True)
class World:
    """The cast, and partnership A with one of everything a URL can name."""

    people: dict[str, Any]
    sessions: dict[str, str]
    partnership: LearningPartnership
    member: MemberOrganisation
    llsc_relationship: LLSCRelationship
    lsp_relationship: LSPRelationship
    framework: Framework
    period: Period
    draft_return: Return
    submitted_return: Return
    attachment: EvidenceLink
    plan: DevelopmentPlan
    priority: Priority
    action: PlanAction
    target: Target
    pack: Pack
    summary: SummaryDocument


def _cast() -> tuple[dict[str, Any], LearningPartnership]:
    """The people of tests/conftest.py, and partnership A."""
    region_a = Region.objects.get(code="YH")
    region_other = Region.objects.get(code="NE")
    llsc_a = LocalLSCFactory(name="West Yorkshire", region=region_a)
    llsc_other = LocalLSCFactory(name="Tyne and Wear", region=region_other)
    partnership_a = LearningPartnershipFactory(name="Alpha Learning", region=region_a)
    LLSCRelationshipFactory(partnership=partnership_a, llsc=llsc_a)
    partnership_b = LearningPartnershipFactory(
        name="Bravo Learning",
        region=region_other,
        structure_model=StructureModel.SHIRE,
    )
    LLSCRelationshipFactory(partnership=partnership_b, llsc=llsc_other)
    LSPRelationshipFactory(partnership=partnership_a, lsp__name="Leeds Initiative")
    LSPRelationshipFactory(partnership=partnership_b, lsp__name="Newcastle Partnership")
    MemberOrganisationFactory(partnership=partnership_a, name="Leeds College")
    MemberOrganisationFactory(partnership=partnership_b, name="Tyneside College")

    def person(username: str, **profile: Any) -> Any:
        return ProfileFactory(user__username=username, **profile).user

    people = {
        "manager_a": person("manager_a", role=Role.MANAGER),
        "manager_b": person("manager_b", role=Role.MANAGER),
        "officer_a": person("officer_a", role=Role.LLSC_OFFICER, llsc=llsc_a),
        "officer_elsewhere": person(
            "officer_elsewhere", role=Role.LLSC_OFFICER, llsc=llsc_other
        ),
        "go_a": person("go_a", role=Role.GO_OFFICER, region=region_a),
        "go_elsewhere": person(
            "go_elsewhere", role=Role.GO_OFFICER, region=region_other
        ),
        "admin": person(
            "admin",
            user__is_staff=True,
            user__is_superuser=False,
            role=Role.NATIONAL_ADMIN,
        ),
        "no_role": UserFactory(username="no_role"),
        "anonymous": AnonymousUser(),
    }
    partnership_a.managers.add(people["manager_a"])
    partnership_b.managers.add(people["manager_b"])
    return people, partnership_a


def _build() -> World:
    people, partnership = _cast()
    manager = people["manager_a"]
    framework = reference_framework_load()
    period_2002 = Period.objects.get(code="2002-03")
    period_2003 = Period.objects.get(code="2003-04")

    draft = return_start(partnership=partnership, period=period_2003, user=manager)
    attachment = evidence_upload(
        answer=draft.answers.get(indicator__code="D1.1"),
        upload=SimpleUploadedFile("evidence.pdf", EVIDENCE),
        user=manager,
    )
    submitted = return_start(partnership=partnership, period=period_2002, user=manager)
    fill_answers(submitted, SELF_SCORES)
    return_submit(return_record=submitted, user=manager)

    plan = plan_services.plan_create(return_record=submitted, user=manager)
    dimension = framework.dimensions.get(code="D1")
    priority = plan_services.priority_save(
        plan=plan,
        user=manager,
        title="Reach the regeneration wards",
        description="",
        dimension=dimension,
        indicators=list(dimension.indicators.filter(code="D1.1")),
        plausibility="medium",
        plausibility_rationale="",
    )
    action = plan_services.action_save(
        priority=priority,
        user=manager,
        description="Outreach in three community centres",
        lead_member=None,
        lead_person="Pat Manager",
        improvement_area="services",
        starts_on=datetime.date(2002, 5, 1),
        due_on=datetime.date(2003, 1, 31),
        resources="",
        funding_source="",
        success_measure="Three centres running courses",
        status="on_track",
    )
    target = plan_services.target_save(
        priority=priority,
        user=manager,
        measure="New learners",
        unit="learners",
        baseline=Decimal(100),
        floor=Decimal(150),
        aspirational=Decimal(200),
        actuals={},
    )

    now = timezone.now()
    pack = Pack.objects.create(
        period=period_2002,
        region=partnership.region,
        status=Pack.Status.COMPLETE,
        total=1,
        done=1,
        created_by=people["go_a"],
        finished_at=now,
        expires_at=now + datetime.timedelta(days=7),
    )
    # An empty ZIP: the matrix checks who may download it, not what is in it.
    pack.file.save("pack.zip", ContentFile(b"PK\x05\x06" + bytes(18)), save=True)
    # A summary PDF of go_a's region, ready.
    summary = SummaryDocument.objects.create(
        period=period_2002,
        scope=SummaryDocument.Scope.REGION,
        region=partnership.region,
        title=partnership.region.name,
        fingerprint="matrix",
        status=SummaryDocument.Status.COMPLETE,
        created_by=people["go_a"],
        finished_at=now,
        expires_at=now + datetime.timedelta(days=7),
    )
    summary.file.save("summary.pdf", ContentFile(b"%PDF-1.7 summary"), save=True)

    sessions = {}
    for name, user in people.items():
        if user.is_authenticated:
            client = Client()
            client.force_login(user, backend="partnerships.backends.PasswordBackend")
            sessions[name] = client.cookies[settings.SESSION_COOKIE_NAME].value

    return World(
        people=people,
        sessions=sessions,
        partnership=partnership,
        member=partnership.members.get(),
        llsc_relationship=partnership.llsc_relationships.get(),
        lsp_relationship=partnership.lsp_relationships.get(),
        framework=framework,
        period=period_2003,
        draft_return=draft,
        submitted_return=Return.objects.get(pk=submitted.pk),
        attachment=attachment,
        plan=plan,
        priority=priority,
        action=action,
        target=target,
        pack=pack,
        summary=summary,
    )


@pytest.fixture(scope="module")
def matrix_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The world, built once for the module in a transaction rolled back at its
    end (the tests' own savepoints nest inside it)."""
    yield from in_module_transaction(django_db_blocker, _build)


@pytest.fixture
def world(matrix_world: World, db: None, _empty_attachment_storage: None) -> World:
    """The module's world for one test. The evidence file is written again:
    tests/conftest.py empties the evidence folder before every test."""
    path = Path(
        attachment_storage().path(matrix_world.attachment.evidence_file.file.name)
    )
    os.makedirs(path.parent, exist_ok=True)
    path.write_bytes(EVIDENCE)
    return matrix_world


@pytest.fixture
def cast(world: World) -> dict[str, Any]:
    """The module's people, in place of tests/conftest.py's per-test cast."""
    return world.people


@pytest.fixture
def client_as(client: Client, world: World) -> Callable[[str], Client]:
    """The test client with the session of the named member of the cast (none
    for anonymous), signed in when the world was built."""

    def sign_in(name: str) -> Client:
        if name in world.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[name]
        return client

    return sign_in

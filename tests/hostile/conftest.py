"""Hostile input: script, markup, SQL and spreadsheet-formula payloads typed
into every free-text field of the service, through its own forms.

``hostile`` builds the world on the fixed cast. A national administrator
imports a framework whose texts are payloads (name, description, a score
level, D1 and its first indicator); in Django admin they also give local LSC
A, partnership A's LSP and manager_a's first name payloads. Then, through the
service's pages:

- manager_a changes partnership A's details, its member and its LSP
  relationship; starts the 2003-04 return and scores every indicator, with
  payloads in D1.1's evidence, barriers and planned action and spreadsheet
  formulas as the barriers of D1.2 to D1.4; submits it;
- officer_a returns it for revision with payload reasons; manager_a submits it
  again; officer_a accepts it with payload comments (D1.1 and overall);
- go_a rates partnership A with a payload rationale;
- manager_a starts the development plan and adds a priority (for D1.2, so that
  D1.1 stays a suggestion), an action, a target and a progress update, every
  text a payload; officer_a approves it with a payload comment.

Each payload names its field (``alert("evidence")``), so a test can say which
field it expects on a surface. Emails are sent (on commit) into mail.outbox.

The world is built once per test module (``hostile_world``) and each test
sees it as just built (``hostile``); in such a module, ``cast`` is to be the
world's cast (``hostile.cast``), so that ``client_as`` signs its people in.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase

from assessment.models import EvidenceFile, Return
from indicators.models import Dimension, Framework, Indicator, Period
from plans.models import DevelopmentPlan, PlanAction, Priority, Target
from tests.assessment.helpers import answer, answers_of, form_data, indicator_url
from tests.assessment.test_attachments import PDF
from tests.module_transaction import in_module_transaction
from tests.plans.helpers import action_data, target_data
from tests.review.helpers import (
    check_url,
    moderation_data,
    moderation_url,
    review_data,
)

from .world import PEOPLE, Rows, copy_attachments, module_cast


def script(tag: str) -> str:
    return f'<script>alert("{tag}")</script>'


def img(tag: str) -> str:
    return f'"><img src=x onerror=alert("{tag}")>'


SQL = "'; DROP TABLE partnerships_learningpartnership; --"
HYPERLINK = '=HYPERLINK("http://x","y")'

# Field -> what was typed into it.
TEXT: dict[str, str] = {
    "name": HYPERLINK + script("name"),
    "host_organisation": img("host"),
    "manager_name": script("manager"),
    "chair_name": SQL,
    "member": script("member"),
    "linking_structure": img("linking"),
    # Written in Django admin.
    "lsp": script("lsp"),
    "llsc": script("llsc"),
    "person": script("person"),
    # The framework file.
    "framework": script("framework"),
    "framework_description": img("framework-description"),
    "level": script("level"),
    "descriptor": img("descriptor"),
    "dimension": script("dimension"),
    "dimension_description": img("dimension-description"),
    "statement": "@SUM(A1)" + script("statement"),
    "guidance": img("guidance"),
    "examples": script("examples"),
    "category": script("category"),
    # The return and its review.
    "evidence": script("evidence"),
    "barriers": "+1+1" + script("barriers"),
    "planned_action": img("planned"),
    "reasons": script("reasons"),
    "officer_comment": script("officer-comment"),
    # The evidence library: a file's title.
    "evidence_title": img("evidence-title"),
    "overall_comment": img("overall"),
    "rationale": script("rating"),
    # The development plan.
    "priority": script("priority"),
    "priority_description": img("priority-description"),
    "plausibility": script("plausibility"),
    "action": script("action"),
    "lead_person": img("lead"),
    "resources": script("resources"),
    "funding": script("funding"),
    "success": img("success"),
    "measure": script("measure"),
    "unit": script("unit"),
    "narrative": script("narrative"),
    "approval": img("approval"),
}
# Barriers that a spreadsheet would evaluate, by indicator.
FORMULAS = {"D1.2": "-2+3", "D1.3": "@SUM(A1)", "D1.4": HYPERLINK}


def escaped(field: str) -> str:
    """The field's payload as Django's autoescaping writes it."""
    return html.escape(TEXT[field])


REFERENCE = (
    Path(__file__).resolve().parents[2]
    / "indicators"
    / "frameworks"
    / "learning-and-regeneration.yaml"
)


def hostile_framework_file() -> bytes:
    """The reference framework file with payloads for its texts."""
    data = yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))
    data["name"] = TEXT["framework"]
    data["description"] = TEXT["framework_description"]
    data["score_levels"][0]["label"] = TEXT["level"]
    data["score_levels"][0]["descriptor"] = TEXT["descriptor"]
    d1 = data["dimensions"][0]
    d1["title"] = TEXT["dimension"]
    d1["description"] = TEXT["dimension_description"]
    first = d1["indicators"][0]
    first["statement"] = TEXT["statement"]
    first["guidance"] = TEXT["guidance"]
    first["evidence_examples"] = TEXT["examples"]
    data["categories"]["barriers"][0]["name"] = TEXT["category"]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode()


@dataclass
class Hostile:
    framework: Framework
    period: Period
    partnership: Any
    return_record: Return
    plan: DevelopmentPlan
    priority: Priority
    action: PlanAction
    target: Target
    # The module's cast by name, as tests/conftest.py's ``cast`` gives it.
    cast: dict[str, Any]


def _ok(response: Any) -> Any:
    """A form post that was accepted: a redirect, never the form again."""
    assert response.status_code == 302, (
        response.status_code,
        response.context
        and response.context.get("form")
        and response.context["form"].errors,
    )
    return response


@pytest.fixture(scope="module")
def hostile_world(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[tuple[Rows, list[Any], Path]]:
    """The hostile world, built once for the test module (it takes seconds;
    see world.py): its rows, the emails it sent and its evidence files."""

    def build() -> tuple[Rows, list[Any], Path]:
        mail.outbox.clear()
        with TestCase.captureOnCommitCallbacks(execute=True):
            rows = module_cast()
            cast = {name: rows[name] for name in PEOPLE}
            client = Client()

            def client_as(name: str) -> Client:
                user = cast[name]
                if user.is_authenticated:
                    client.force_login(
                        user, backend="partnerships.backends.PasswordBackend"
                    )
                return client

            built = _build(
                client_as,
                cast,
                *(rows[name] for name in ("partnership_a", "llsc_a", "member_a")),
                rows["lsp_relationship_a"],
            )
        files = tmp_path_factory.mktemp("hostile-attachments")
        copy_attachments(None, files)
        kept = {f.name: getattr(built, f.name) for f in fields(Hostile)}
        del kept["cast"]
        return Rows.of(kept, cast), list(mail.outbox), files

    yield from in_module_transaction(django_db_blocker, build)


@pytest.fixture
def hostile(
    hostile_world: tuple[Rows, list[Any], Path],
    db: None,
    _empty_attachment_storage: None,
) -> Hostile:
    """The module's hostile world for one test as when it was just built: its
    rows read afresh, its emails in mail.outbox, its evidence files on disk."""
    rows, outbox, files = hostile_world
    mail.outbox.clear()
    mail.outbox.extend(outbox)
    copy_attachments(files, None)
    return Hostile(**rows.read(), cast=rows.cast())


def _build(client_as, cast, partnership, llsc, member, lsp_link) -> Hostile:
    client = client_as("admin")
    upload = SimpleUploadedFile(
        "framework.yaml", hostile_framework_file(), "application/yaml"
    )
    _ok(client.post("/frameworks/import/", {"file": upload}))
    framework = Framework.objects.get()
    period = Period.objects.get(code="2003-04")

    # Django admin.
    llsc.name = TEXT["llsc"]
    llsc.save()
    lsp_link.lsp.name = TEXT["lsp"]
    lsp_link.lsp.save()
    manager = cast["manager_a"]
    manager.first_name = TEXT["person"]
    manager.save()

    client = client_as("manager_a")
    base = f"/partnerships/{partnership.pk}"
    _ok(
        client.post(
            f"{base}/edit/",
            {
                "name": TEXT["name"],
                "region": partnership.region_id,
                "structure_model": "unitary",
                "host_organisation": TEXT["host_organisation"],
                "host_type": "other",
                "manager_name": TEXT["manager_name"],
                "manager_email": "",
                "chair_name": TEXT["chair_name"],
                "is_active": "on",
            },
        )
    )
    _ok(
        client.post(
            f"{base}/members/{member.pk}/edit/",
            {"name": TEXT["member"], "sector": "voluntary", "is_board_member": "on"},
        )
    )
    _ok(
        client.post(
            f"{base}/lsps/{lsp_link.pk}/edit/",
            {
                "lsp": lsp_link.lsp_id,
                "recognition": "learning_arm",
                "linking_structure": TEXT["linking_structure"],
                "stage_aligning": "on",
            },
        )
    )

    _ok(client.post(f"{base}/returns/new/", {"period": period.pk}))
    return_record = Return.objects.get(partnership=partnership, period=period)
    for code in ("D1", "D2", "D3", "D4"):
        answers = answers_of(return_record, code)
        changes: dict[str, dict[str, Any]] = {
            a.indicator.code: {"score": 2} for a in answers
        }
        if code == "D1":
            changes["D1.1"] = {
                "score": 1,
                "evidence": TEXT["evidence"],
                "barriers": TEXT["barriers"],
                "planned_action": TEXT["planned_action"],
            }
            for indicator, formula in FORMULAS.items():
                changes[indicator]["barriers"] = formula
        for item in answers:
            _ok(
                client.post(
                    indicator_url(return_record, item.indicator.code),
                    form_data([item], changes),
                )
            )
    # An evidence file for D1.1 and D1.2, titled in the library.
    d11 = answer(return_record, "D1.1")
    _ok(
        client.post(
            indicator_url(return_record, "D1.1"),
            form_data(
                [d11],
                {"D1.1": {"attachment": SimpleUploadedFile("minutes.pdf", PDF)}},
            ),
        )
    )
    evidence_file = EvidenceFile.objects.get(partnership=partnership)
    d12 = answer(return_record, "D1.2")
    linked = form_data([d12])
    linked[f"library-{d12.pk}"] = str(evidence_file.pk)
    _ok(client.post(indicator_url(return_record, "D1.2"), linked))
    _ok(
        client.post(
            f"/evidence/{evidence_file.pk}/edit/",
            {"title": TEXT["evidence_title"]},
        )
    )
    check = f"/returns/{return_record.pk}/check/"
    _ok(client.post(check))

    officer = client_as("officer_a")
    return_record.refresh_from_db()
    _ok(
        officer.post(
            check_url(return_record),
            review_data(return_record, decision="returned", reasons=TEXT["reasons"]),
        )
    )
    _ok(client_as("manager_a").post(check))
    officer = client_as("officer_a")
    return_record.refresh_from_db()
    _ok(
        officer.post(
            moderation_url(return_record, "D1"),
            moderation_data(
                return_record, "D1", comments={"D1.1": TEXT["officer_comment"]}
            ),
        )
    )
    return_record.refresh_from_db()
    _ok(
        officer.post(
            check_url(return_record),
            review_data(
                return_record, decision="accepted", overall=TEXT["overall_comment"]
            ),
        )
    )

    _ok(
        client_as("go_a").post(
            f"{base}/ratings/{period.code}/",
            {"rating": 3, "rationale": TEXT["rationale"]},
        )
    )

    client = client_as("manager_a")
    _ok(client.post(f"/returns/{return_record.pk}/plan/"))
    plan = DevelopmentPlan.objects.get(partnership=partnership)
    d1 = Dimension.objects.get(framework=framework, code="D1")
    _ok(
        client.post(
            f"/plans/{plan.pk}/priorities/add/",
            {
                "title": TEXT["priority"],
                "description": TEXT["priority_description"],
                "dimension": d1.pk,
                "indicators": [Indicator.objects.get(dimension=d1, code="D1.2").pk],
                "plausibility": "medium",
                "plausibility_rationale": TEXT["plausibility"],
            },
        )
    )
    priority = Priority.objects.get(plan=plan)
    _ok(
        client.post(
            f"/plans/{plan.pk}/priorities/{priority.pk}/actions/add/",
            action_data(
                description=TEXT["action"],
                lead_person=TEXT["lead_person"],
                resources=TEXT["resources"],
                funding_source=TEXT["funding"],
                success_measure=TEXT["success"],
            ),
        )
    )
    _ok(
        client.post(
            f"/plans/{plan.pk}/priorities/{priority.pk}/targets/add/",
            target_data(plan, ["450"], measure=TEXT["measure"], unit=TEXT["unit"]),
        )
    )
    point = plan.monitoring_points.order_by("due_on").first()
    assert point is not None
    _ok(
        client.post(
            f"/plans/{plan.pk}/progress/add/",
            {
                "point": point.pk,
                "status": "on_track",
                "narrative": TEXT["narrative"],
                "soft_outcomes": ["attitudes"],
            },
        )
    )
    _ok(client.post(f"/plans/{plan.pk}/submit/"))
    _ok(
        client_as("officer_a").post(
            f"/plans/{plan.pk}/approve/",
            {"decision": "approve", "comment": TEXT["approval"]},
        )
    )
    partnership.refresh_from_db()
    return Hostile(
        framework=framework,
        period=period,
        partnership=partnership,
        return_record=Return.objects.get(pk=return_record.pk),
        plan=DevelopmentPlan.objects.get(pk=plan.pk),
        priority=priority,
        action=PlanAction.objects.get(priority=priority),
        target=Target.objects.get(priority=priority),
        cast=cast,
    )

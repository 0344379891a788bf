"""Random and malformed data posted to every form of the service: never a
server error, and a post that is not accepted (anything but a redirect)
changes nothing in the database.

Each endpoint starts from a post its form accepts, then Hypothesis changes it:
fields set to random values (text with control characters and NUL bytes,
huge strings, numbers out of range, malformed dates, lists), fields left out,
junk fields added; or it posts junk alone. Every example runs in a
transaction rolled back afterwards, so each starts from the same world:

- partnership A (manager_a): its draft 2003-04 return with an evidence file;
- partnership B (manager_b): its submitted 2003-04 return, reviewed by
  officer_elsewhere, and its development plan with a priority, an action and
  a target;
- the reference framework; go_a rates A and builds packs; admin imports
  frameworks; the anonymous client signs in and resets passwords.

The world is built once for the module, and each test sees it as just built
(world.py); ``cast`` and ``framework`` are the world's.
"""

from __future__ import annotations

import copy
import datetime
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import quote

import pytest
import yaml
from django.apps import apps
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from accounts.views import SETUP_KEY
from assessment.evidence import evidence_upload
from assessment.models import EmailDelivery, Return
from assessment.services import return_start, return_submit
from indicators.models import Dimension, Framework, Indicator, Period
from indicators.services import REFERENCE_FRAMEWORK, reference_framework_load
from plans import services as plan_services
from plans.models import DevelopmentPlan
from tests.assessment.helpers import answers_of, form_data
from tests.assessment.test_attachments import png
from tests.module_transaction import in_module_transaction
from tests.plans.helpers import (
    SELF_SCORES,
    action_data,
    date_fields,
    fill_answers,
    target_data,
)
from tests.review.helpers import moderation_data, review_data

from .world import PEOPLE, Rows, copy_attachments, module_cast

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a long new passphrase 2003"


@dataclass
class World:
    framework: Framework
    partnership_a: Any
    partnership_b: Any
    return_a: Return
    return_b: Return
    plan: DevelopmentPlan
    priority: Any
    action: Any
    target: Any
    attachment: Any
    cast: dict[str, Any]
    member_a: Any
    llsc_link_a: Any
    lsp_link_a: Any
    lsp_link_b: Any
    llsc_other: Any
    d1: Dimension


@pytest.fixture(scope="module")
def fuzz_world(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[tuple[Rows, Path]]:
    """The world, built once for the module (see world.py): its rows and its
    evidence file."""

    def build() -> tuple[Rows, Path]:
        rows = module_cast()
        cast = {name: rows[name] for name in PEOPLE}
        framework = reference_framework_load()
        period_2003 = Period.objects.get(code="2003-04")
        return_a = return_start(
            partnership=rows["partnership_a"],
            period=period_2003,
            user=rows["manager_a"],
        )
        built = _world(cast, framework, return_a, period_2003, **rows)
        files = tmp_path_factory.mktemp("fuzz-attachments")
        copy_attachments(None, files)
        kept = {f.name: getattr(built, f.name) for f in fields(World)}
        del kept["cast"]
        return Rows.of(kept, cast), files

    yield from in_module_transaction(django_db_blocker, build)


@pytest.fixture
def world(
    fuzz_world: tuple[Rows, Path], db: None, _empty_attachment_storage: None
) -> World:
    """The module's world for one test as when it was just built: its rows read
    afresh (a test may have changed the last test's), its evidence file on
    disk."""
    rows, files = fuzz_world
    copy_attachments(files, None)
    return World(**rows.read(), cast=rows.cast())


@pytest.fixture
def cast(world: World) -> dict[str, Any]:
    """The world's cast (and so ``client_as`` signs its people in), not a
    second cast beside it."""
    return world.cast


@pytest.fixture
def framework(world: World) -> Framework:
    """The world's reference framework, not a second one."""
    return world.framework


def _world(
    cast: dict[str, Any],
    framework: Framework,
    return_a: Return,
    period_2003: Period,
    *,
    partnership_a: Any,
    partnership_b: Any,
    llsc_relationship_a: Any,
    lsp_relationship_a: Any,
    lsp_relationship_b: Any,
    llsc_other: Any,
    member_a: Any,
    member_b: Any,
    **_: Any,
) -> World:
    """B's submitted return and its plan, A's evidence file, on the cast."""
    manager_b = cast["manager_b"]
    return_b = return_start(
        partnership=partnership_b, period=period_2003, user=manager_b
    )
    fill_answers(return_b, SELF_SCORES)
    return_submit(return_record=return_b, user=manager_b)
    return_b.refresh_from_db()
    plan = plan_services.plan_create(return_record=return_b, user=manager_b)
    d1 = Dimension.objects.get(framework=framework, code="D1")
    priority = plan_services.priority_save(
        plan=plan,
        user=manager_b,
        title="Reach the wards",
        description="",
        dimension=d1,
        indicators=[Indicator.objects.get(dimension=d1, code="D1.2")],
        plausibility="medium",
        plausibility_rationale="",
    )
    action = plan_services.action_save(
        priority=priority,
        user=manager_b,
        description="Pilot outreach learning",
        lead_member=member_b,
        lead_person="",
        improvement_area="services",
        starts_on=datetime.date(2003, 5, 1),
        due_on=datetime.date(2004, 1, 31),
        resources="",
        funding_source="",
        success_measure="Three centres",
        status="on_track",
    )
    target = plan_services.target_save(
        priority=priority,
        user=manager_b,
        measure="Learners",
        unit="learners",
        baseline=100,
        floor=150,
        aspirational=200,
        actuals={},
    )
    first = answers_of(return_a, "D1")[0]
    attachment = evidence_upload(
        answer=first,
        upload=SimpleUploadedFile("chart.png", png(), "image/png"),
        user=cast["manager_a"],
    )
    return World(
        framework=framework,
        partnership_a=partnership_a,
        partnership_b=partnership_b,
        return_a=return_a,
        return_b=return_b,
        plan=plan,
        priority=priority,
        action=action,
        target=target,
        attachment=attachment,
        cast=cast,
        member_a=member_a,
        llsc_link_a=llsc_relationship_a,
        lsp_link_a=lsp_relationship_a,
        lsp_link_b=lsp_relationship_b,
        llsc_other=llsc_other,
        d1=d1,
    )


# What a form post is built from.

NASTY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "\r\n",
        "\t",
        "\u202e\u200b",
        "ñ",
        "😀",
        "-1",
        "0",
        "1.5",
        "1e309",
        "-1e309",
        "NaN",
        "Infinity",
        "2147483648",
        "9223372036854775808",
        "99999999999999999999999999",
        "0x10",
        "١٢",
        "31",
        "13",
        "0000",
        "10000",
        "2003-02-30",
        "on",
        "true",
        "None",
        "null",
        "[]",
        "{}",
        "'; DROP TABLE auth_user; --",
        '<script>alert("x")</script>',
    ]
)
CONTROL = st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=8)
HUGE = st.builds(
    lambda character, size: character * size,
    st.characters(codec="utf-8"),
    st.sampled_from([256, 5_001, 70_000]),
)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)
SCALAR = st.one_of(NASTY, st.text(max_size=40), CONTROL, NUMBERS, HUGE)
VALUE = st.one_of(SCALAR, st.lists(SCALAR, min_size=0, max_size=3))
JUNK_NAMES = st.one_of(
    st.sampled_from(["csrfmiddlewaretoken", "pk", "id", "user", "status", "__all__"]),
    st.text(alphabet=string.ascii_letters + string.digits + "-_[].", max_size=20),
)


@st.composite
def changed(
    draw: Any, valid: dict[str, Any], values: Any, files: dict[str, Any]
) -> dict[str, Any]:
    """A valid post with some fields changed, some left out, some added; or,
    now and then, junk alone. Files are drawn afresh for every post."""
    data = dict(valid) if draw(st.integers(0, 9)) else {}
    names = sorted(valid)
    if names:
        for name in draw(st.sets(st.sampled_from(names), max_size=3)):
            data[name] = draw(values)
        for name in draw(st.sets(st.sampled_from(names), max_size=2)):
            data.pop(name, None)
    for name, upload in files.items():
        if draw(st.integers(0, 9)):
            data[name] = draw(upload)
    for name in draw(st.sets(JUNK_NAMES, max_size=2)):
        data[name] = draw(VALUE)
    return data


def _paths(data: Any, path: tuple = ()) -> list[tuple]:
    paths = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            paths += _paths(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data[:2]):
            paths += _paths(value, (*path, index))
    return paths


DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
REFERENCE = yaml.safe_load(REFERENCE_FRAMEWORK.read_text(encoding="utf-8"))
REFERENCE["version"] = 2
YAML_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**40), max_value=10**40),
        st.floats(),
        st.text(max_size=30),
        NASTY,
    ),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=8,
)


# Framework files no parser should choke on: deep nesting, aliases that
# multiply, NUL written as a YAML escape, numbers no column holds, periods
# that are not a list, values YAML recognises but cannot make.
DEEP_LIST = "[" * 5000
DEEP_MAPPING = "a:\n" + "".join("  " * n + f"b{n}:\n" for n in range(1, 600))
ALIAS_BOMB = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 10) + "]\n" for n in range(1, 9)
)


def with_changes(**changes: Any) -> str:
    data = copy.deepcopy(REFERENCE)
    data.update(changes)
    return yaml.dump(data, Dumper=DUMPER, allow_unicode=True)


def nasty_framework_files() -> list[SimpleUploadedFile]:
    texts = [
        DEEP_LIST,
        DEEP_MAPPING,
        ALIAS_BOMB,
        with_changes(periods=5),
        with_changes(periods=True),
        with_changes(version=10**20),
        with_changes(name="a\x00b"),
        with_changes(description="\x00"),
        "periods: [2003-02-30]\n",
        "version: " + "9" * 5000 + "\n",
        "",
        "- a\n- b\n",
    ]
    return [
        SimpleUploadedFile("framework.yaml", text.encode(), "application/yaml")
        for text in texts
    ]


RAW_YAML = st.sampled_from([DEEP_LIST, DEEP_MAPPING, "just text", "[]", "{a: [}"])


@st.composite
def framework_files(draw: Any) -> SimpleUploadedFile:
    """The reference framework file with one part replaced (a third of the
    time at the top), or another file altogether (a third of the time)."""
    kind = draw(st.integers(0, 5))
    if kind < 2:
        content = draw(st.one_of(st.binary(max_size=200), RAW_YAML.map(str.encode)))
        return SimpleUploadedFile("framework.yaml", content, "application/yaml")
    data = copy.deepcopy(REFERENCE)
    paths = _paths(data)[1:]
    if kind < 4:
        paths = [p for p in paths if len(p) == 1]
    elif kind == 4:
        paths = [
            p for p in paths if len(p) <= 3 or p[:3] == ("dimensions", 0, "indicators")
        ]
    path = draw(st.sampled_from(paths))
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = draw(YAML_VALUES)
    content = yaml.dump(data, Dumper=DUMPER, allow_unicode=True).encode()
    return SimpleUploadedFile("framework.yaml", content, "application/yaml")


def reference_file() -> SimpleUploadedFile:
    """The reference framework as version 2."""
    content = yaml.safe_dump(REFERENCE, allow_unicode=True).encode()
    return SimpleUploadedFile("framework.yaml", content, "application/yaml")


UPLOADS = st.builds(
    SimpleUploadedFile,
    st.text(min_size=1, max_size=30),
    st.one_of(st.binary(max_size=64), st.just(png()), st.just(b"%PDF-1.4\n%%EOF")),
)


# The endpoints: who posts what where.


@dataclass(frozen=True)
class Endpoint:
    name: str
    user: str
    url: Callable[[World], str]
    valid: Callable[[World], dict[str, Any]] = lambda world: {}
    examples: int = 15
    method: str = "post"
    # The strategy for the values the fuzzer puts in.
    values: Any = VALUE
    # File fields: name -> strategy for the uploaded file, and a valid file.
    files: dict[str, Any] = field(default_factory=dict)
    valid_files: Callable[[], dict[str, Any]] = dict
    # Posts always tried, before the random ones.
    always: Callable[[], list[dict[str, Any]]] = list
    # Run once before the examples, with the signed-in client.
    prepare: Callable[[Client, World], None] | None = None


_OPENING: dict[str, dict[str, Any]] = {
    "code": {"code": "2004-05"},
    "dates": {
        **date_fields("starts_on", ("1", "4", "2004")),
        **date_fields("ends_on", ("31", "3", "2005")),
    },
    "deadline": date_fields("submission_deadline", ("31", "5", "2005")),
    "framework": {"framework_use": "publish"},
}


def _open_until(client: Client, step: str) -> None:
    """Answer the questions of opening a period that come before ``step``."""
    for before, data in _OPENING.items():
        if before == step:
            return
        _answered(client.post(f"/periods/open/{before}/", data))


def _answered(response: Any) -> None:
    assert response.status_code == 302, response.content


def _period_pk() -> int:
    """2002-03: the world's returns are for 2003-04, submitted today, so no
    deadline allowed for that period would leave them on time."""
    return Period.objects.get(code="2002-03").pk


def _new_dates() -> dict[str, Any]:
    return {
        **date_fields("starts_on", ("1", "4", "2002")),
        **date_fields("ends_on", ("31", "3", "2003")),
        **date_fields("submission_deadline", ("30", "6", "2003")),
    }


def _partnership(world: World) -> dict[str, Any]:
    return {
        "name": "Alpha Learning",
        "region": world.partnership_a.region_id,
        "structure_model": "unitary",
        "host_organisation": "Leeds City Council",
        "host_type": "local_authority",
        "manager_name": "Pat Manager",
        "manager_email": "pat@example.org",
        "chair_name": "Chris Chair",
        **date_fields("established_on", ("1", "9", "1999")),
        "is_active": "on",
    }


def _llsc(world: World) -> dict[str, Any]:
    return {
        "llsc": world.llsc_link_a.llsc_id,
        "is_coterminous": "on",
        "agreement_status": "mou",
        **date_fields("agreement_date", ("1", "4", "2003")),
        "covers_needs": "on",
    }


def _indicator(world: World) -> dict[str, Any]:
    d11 = answers_of(world.return_a, "D1")[0]
    return form_data([d11], {"D1.1": {"score": 2, "evidence": "Minutes"}}, "later")


def _priority(world: World) -> dict[str, Any]:
    d1 = world.d1
    return {
        "title": "Reach the wards",
        "description": "Why",
        "dimension": d1.pk,
        "indicators": [Indicator.objects.get(dimension=d1, code="D1.1").pk],
        "plausibility": "high",
        "plausibility_rationale": "A pilot",
    }


def _uid(world: World) -> str:
    return urlsafe_base64_encode(force_bytes(world.cast["manager_a"].pk))


def _reset_url(world: World) -> str:
    return f"/accounts/reset/{_uid(world)}/set-password/"


def _reset_prepare(client: Client, world: World) -> None:
    """Open the reset link: the token goes into the session, as in a browser."""
    token = default_token_generator.make_token(world.cast["manager_a"])
    response = client.get(f"/accounts/reset/{_uid(world)}/{token}/")
    assert response.status_code == 302


def _a(world: World) -> str:
    return f"/partnerships/{world.partnership_a.pk}"


def _plan(world: World) -> str:
    return f"/plans/{world.plan.pk}"


def _under_priority(world: World) -> str:
    return f"{_plan(world)}/priorities/{world.priority.pk}"


ENDPOINTS = [
    # Partnerships.
    Endpoint(
        "partnerships:edit",
        "manager_a",
        lambda w: f"{_a(w)}/edit/",
        _partnership,
        examples=25,
    ),
    Endpoint(
        "partnerships:member_add",
        "manager_a",
        lambda w: f"{_a(w)}/members/add/",
        lambda w: {"name": "York College", "sector": "fe_college"},
    ),
    Endpoint(
        "partnerships:member_edit",
        "manager_a",
        lambda w: f"{_a(w)}/members/{w.member_a.pk}/edit/",
        lambda w: {
            "name": "Leeds College",
            "sector": "fe_college",
            "is_board_member": "on",
        },
    ),
    Endpoint(
        "partnerships:member_delete",
        "manager_a",
        lambda w: f"{_a(w)}/members/{w.member_a.pk}/remove/",
        examples=5,
    ),
    # The region and active flag are the national administrator's.
    Endpoint(
        "partnerships:edit",
        "admin",
        lambda w: f"{_a(w)}/edit/",
        _partnership,
        examples=10,
    ),
    # The local LSC links: national administrators, and the LLSC officer of
    # the link's LSC.
    Endpoint(
        "partnerships:llsc_add",
        "admin",
        lambda w: f"{_a(w)}/llscs/add/",
        lambda w: {"llsc": w.llsc_other.pk, "agreement_status": "none"},
    ),
    Endpoint(
        "partnerships:llsc_edit",
        "admin",
        lambda w: f"{_a(w)}/llscs/{w.llsc_link_a.pk}/edit/",
        _llsc,
        examples=25,
    ),
    Endpoint(
        "partnerships:llsc_edit",
        "officer_a",
        lambda w: f"{_a(w)}/llscs/{w.llsc_link_a.pk}/edit/",
        _llsc,
        examples=10,
    ),
    Endpoint(
        "partnerships:llsc_delete",
        "officer_a",
        lambda w: f"{_a(w)}/llscs/{w.llsc_link_a.pk}/remove/",
        examples=5,
    ),
    Endpoint(
        "partnerships:lsp_add",
        "manager_a",
        lambda w: f"{_a(w)}/lsps/add/",
        lambda w: {"lsp": w.lsp_link_b.lsp_id, "recognition": "informal"},
    ),
    Endpoint(
        "partnerships:lsp_edit",
        "manager_a",
        lambda w: f"{_a(w)}/lsps/{w.lsp_link_a.pk}/edit/",
        lambda w: {
            "lsp": w.lsp_link_a.lsp_id,
            "recognition": "learning_arm",
            "sits_on_board": "on",
            "linking_structure": "Local learning group",
            "stage_aligning": "on",
        },
    ),
    Endpoint(
        "partnerships:lsp_delete",
        "manager_a",
        lambda w: f"{_a(w)}/lsps/{w.lsp_link_a.pk}/remove/",
        examples=5,
    ),
    # The return.
    Endpoint(
        "assessment:start",
        "manager_a",
        lambda w: f"{_a(w)}/returns/new/",
        lambda w: {
            "period": w.framework.periods.get(code="2002-03").pk,
            "carry_forward": "yes",
        },
    ),
    Endpoint(
        "assessment:profile_check",
        "manager_a",
        lambda w: f"/returns/{w.return_a.pk}/profile/",
        examples=5,
    ),
    Endpoint(
        "assessment:indicator",
        "manager_a",
        lambda w: f"/returns/{w.return_a.pk}/dimensions/D1/D1.1/",
        _indicator,
        examples=25,
        values=st.one_of(VALUE, UPLOADS),
    ),
    Endpoint(
        "assessment:check",
        "manager_a",
        lambda w: f"/returns/{w.return_a.pk}/check/",
        examples=5,
    ),
    Endpoint(
        "assessment:attachment_remove",
        "manager_a",
        lambda w: f"/returns/{w.return_a.pk}/attachments/{w.attachment.pk}/remove/",
        examples=5,
    ),
    # Review and rating.
    Endpoint(
        "assessment:review_dimension",
        "officer_elsewhere",
        lambda w: f"/returns/{w.return_b.pk}/review/D1/",
        lambda w: moderation_data(
            w.return_b, "D1", comments={"D1.1": "Agreed"}, action="continue"
        ),
        examples=20,
    ),
    Endpoint(
        "assessment:review_check",
        "officer_elsewhere",
        lambda w: f"/returns/{w.return_b.pk}/review/check/",
        lambda w: review_data(w.return_b, decision="returned", reasons="Scores"),
        examples=20,
    ),
    Endpoint(
        "assessment:review_start",
        "officer_elsewhere",
        lambda w: f"/returns/{w.return_b.pk}/review/start/",
        examples=5,
    ),
    Endpoint(
        "assessment:rating",
        "go_a",
        lambda w: f"{_a(w)}/ratings/2003-04/",
        lambda w: {"rating": "4", "rationale": "Engaged with the LSP"},
    ),
    # The year's reminders and ratings of a region on one page.
    Endpoint(
        "assessment:reminders",
        "go_a",
        lambda w: "/reminders/",
        lambda w: {"period": "2003-04"},
        method="get",
        examples=10,
    ),
    Endpoint(
        "assessment:reminder_send",
        "go_a",
        lambda w: "/reminders/send/",
        lambda w: {"period": "2003-04"},
        examples=5,
    ),
    Endpoint(
        "assessment:ratings",
        "go_a",
        lambda w: "/ratings/2003-04/",
        lambda w: {
            f"p{w.return_a.partnership_id}-rating": "4",
            f"p{w.return_a.partnership_id}-rationale": "Engaged with the LSP",
        },
    ),
    # The development plan.
    Endpoint(
        "plans:start",
        "manager_b",
        lambda w: f"/returns/{w.return_b.pk}/plan/",
        examples=5,
    ),
    Endpoint(
        "plans:suggestions",
        "manager_b",
        lambda w: f"{_plan(w)}/suggestions/",
        lambda w: {"code": "D1.1", "action": "dismiss"},
    ),
    Endpoint(
        "plans:priority_add",
        "manager_b",
        lambda w: f"{_plan(w)}/priorities/add/",
        _priority,
        examples=20,
    ),
    Endpoint(
        "plans:priority_edit",
        "manager_b",
        lambda w: f"{_under_priority(w)}/edit/",
        _priority,
    ),
    Endpoint(
        "plans:action_add",
        "manager_b",
        lambda w: f"{_under_priority(w)}/actions/add/",
        lambda w: action_data(),
        examples=25,
    ),
    Endpoint(
        "plans:action_edit",
        "manager_b",
        lambda w: f"{_under_priority(w)}/actions/{w.action.pk}/edit/",
        lambda w: action_data(lead_member=w.action.lead_member_id),
    ),
    Endpoint(
        "plans:target_add",
        "manager_b",
        lambda w: f"{_under_priority(w)}/targets/add/",
        lambda w: target_data(w.plan, ["450", "-2.5", ""]),
        examples=25,
    ),
    Endpoint(
        "plans:target_edit",
        "manager_b",
        lambda w: f"{_under_priority(w)}/targets/{w.target.pk}/edit/",
        lambda w: target_data(w.plan, ["1", "2", "3"]),
    ),
    Endpoint(
        "plans:part_delete",
        "manager_b",
        lambda w: f"{_plan(w)}/action/{w.action.pk}/remove/",
        examples=5,
    ),
    Endpoint(
        "plans:update_add",
        "manager_b",
        lambda w: f"{_plan(w)}/progress/add/",
        lambda w: {
            "point": w.plan.monitoring_points.first().pk,
            "status": "on_track",
            "narrative": "Two centres open",
            "soft_outcomes": ["attitudes", "new_partners"],
        },
    ),
    Endpoint(
        "plans:approve",
        "officer_elsewhere",
        lambda w: f"{_plan(w)}/approve/",
        lambda w: {"decision": "comment", "comment": "Targets need baselines"},
    ),
    Endpoint(
        "plans:submit",
        "manager_b",
        lambda w: f"{_plan(w)}/submit/",
        examples=5,
    ),
    # Frameworks.
    Endpoint(
        "indicators:import",
        "admin",
        lambda w: "/frameworks/import/",
        examples=40,
        files={"file": framework_files()},
        valid_files=lambda: {"file": reference_file()},
        always=lambda: [{"file": upload} for upload in nasty_framework_files()],
    ),
    Endpoint(
        "indicators:new_version",
        "admin",
        lambda w: f"/frameworks/{w.framework.pk}/new-version/",
        examples=3,
    ),
    Endpoint(
        "indicators:publish",
        "admin",
        lambda w: f"/frameworks/{w.framework.pk}/publish/",
        examples=3,
    ),
    # Periods: each question of opening one, with the answers before it
    # given; the check page once all are; changing a period's dates.
    *[
        Endpoint(
            "periods:open",
            "admin",
            lambda w, step=step: f"/periods/open/{step}/",
            lambda w, step=step: _OPENING[step],
            examples=10,
            prepare=lambda client, w, step=step: _open_until(client, step),
        )
        for step in _OPENING
    ],
    Endpoint(
        "periods:open_check",
        "admin",
        lambda w: "/periods/open/check/",
        examples=3,
        prepare=lambda client, w: _open_until(client, "check"),
    ),
    Endpoint(
        "periods:change",
        "admin",
        lambda w: f"/periods/{_period_pk()}/change/",
        lambda w: _new_dates(),
    ),
    Endpoint(
        "periods:change_check",
        "admin",
        lambda w: f"/periods/{_period_pk()}/change/check/",
        examples=3,
        prepare=lambda client, w: _answered(
            client.post(f"/periods/{_period_pk()}/change/", _new_dates())
        ),
    ),
    # Packs.
    Endpoint(
        "reports:packs",
        "go_a",
        lambda w: "/packs/",
        lambda w: {"period": "2003-04"},
    ),
    Endpoint(
        "reports:packs",
        "admin",
        lambda w: "/packs/",
        lambda w: {"period": "2003-04", "region": w.partnership_a.region_id},
    ),
    # Signing in and passwords.
    Endpoint(
        "login",
        "anonymous",
        lambda w: "/accounts/login/",
        lambda w: {"username": "manager_a", "password": PASSWORD},
    ),
    Endpoint("logout", "manager_a", lambda w: "/accounts/logout/", examples=3),
    Endpoint(
        "password_reset",
        "anonymous",
        lambda w: "/accounts/password_reset/",
        lambda w: {"email": "manager_a@example.org"},
    ),
    Endpoint(
        "password_reset_confirm",
        "anonymous",
        _reset_url,
        lambda w: {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        prepare=_reset_prepare,
    ),
    Endpoint(
        "password_change",
        "manager_a",
        lambda w: "/accounts/password_change/",
        lambda w: {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    ),
    # Filters, sent with GET.
    Endpoint(
        "partnerships:list",
        "go_a",
        lambda w: "/partnerships/",
        lambda w: {"q": "Alpha", "region": w.partnership_a.region_id, "page": "1"},
        method="get",
    ),
    Endpoint(
        "partnerships:to_link",
        "officer_a",
        lambda w: "/partnerships/to-link/",
        lambda w: {"page": "1"},
        method="get",
        examples=10,
    ),
    Endpoint(
        "assessment:queue",
        "officer_elsewhere",
        lambda w: "/reviews/",
        lambda w: {"status": "submitted", "period": "2003-04"},
        method="get",
    ),
    Endpoint(
        "reports:dashboard",
        "admin",
        lambda w: "/dashboard/",
        lambda w: {
            "period": "2003-04",
            "region": w.partnership_a.region_id,
            "structure_model": "unitary",
            "status": "draft",
            "funded_lsp": "on",
        },
        method="get",
    ),
    Endpoint(
        "reports:dashboard_partnership",
        "go_a",
        lambda w: f"/dashboard/partnerships/{w.partnership_a.pk}/",
        lambda w: {"period": "2003-04"},
        method="get",
        examples=10,
    ),
    Endpoint(
        "reports:scores_csv",
        "admin",
        lambda w: "/dashboard/scores.csv",
        lambda w: {"period": "2003-04", "status": "submitted"},
        method="get",
        examples=10,
    ),
    Endpoint(
        "reports:scores_xlsx",
        "admin",
        lambda w: "/dashboard/scores.xlsx",
        lambda w: {"period": "2003-04", "llsc": w.llsc_other.pk},
        method="get",
        examples=10,
    ),
    # Trying a failed email again: no fields, only the path.
    Endpoint(
        "assessment:email_retry",
        "admin",
        lambda w: f"/emails/{_failed_email(w)}/retry/",
        examples=5,
    ),
    # The dashboard's filters again, posted to ask for the summary PDF.
    Endpoint(
        "reports:summary_request",
        "go_a",
        lambda w: "/dashboard/summary/",
        lambda w: {"period": "2003-04", "structure_model": "shire"},
        examples=10,
    ),
]

# Spreadsheet downloads: the regional view's ODS file (its filters, sent with
# GET), and the audit trail's form, also sent with GET (period, region and
# file format): a bad value is shown on the form, never a server error.
ENDPOINTS += [
    Endpoint(
        "reports:scores_ods",
        "admin",
        lambda w: "/dashboard/scores.ods",
        lambda w: {"period": "2003-04", "structure_model": "shire"},
        method="get",
        examples=10,
    ),
    Endpoint(
        "reports:audit",
        "admin",
        lambda w: "/audit-trail/",
        lambda w: {
            "period": "2003-04",
            "region": w.partnership_a.region_id,
            "format": "csv",
        },
        method="get",
        always=lambda: [
            {"period": "2003-04", "region": "12x", "format": "ods"},
            {"period": "999999", "region": "1", "format": "xlsx"},
            {"period": "", "format": "pdf"},
            {"period": "2003-04", "region": "-1", "format": "csv"},
        ],
    ),
]


def _failed_email(world: World) -> int:
    delivery, _ = EmailDelivery.objects.get_or_create(
        subject="Self-assessment accepted: Alpha Learning 2003-04",
        defaults={
            "recipient": world.cast["manager_a"],
            "body": "The self-assessment was accepted.",
            "status": "failed",
            "attempts": 5,
        },
    )
    return delivery.pk


# URL names with no form input of their own: pages, documents, downloads and
# Django's admin. Path parameters are fuzzed by the test after the forms'.
NOT_FORMS = {
    "home",
    "healthz",
    "password_reset_done",
    "password_reset_complete",
    "password_change_done",
    "partnerships:detail",
    "indicators:list",
    "indicators:detail",
    "indicators:export",
    "periods:list",
    "assessment:tasks",
    "assessment:review",
    "assessment:dimension",
    "assessment:submitted",
    "assessment:history",
    "assessment:attachment",
    "plans:detail",
    "plans:queue",
    "assessment:notifications",
    "assessment:emails",
    "reports:pack",
    "reports:pack_download",
    "reports:pack_progress",
    "reports:summary",
    "reports:summary_progress",
    "reports:summary_download",
    "reports:plan_pdf",
    "reports:return_document",
    "reports:return_pdf",
}
# The service's own pages: no forms.
NOT_FORMS |= {
    "pages:accessibility",
    "pages:privacy",
    "pages:cookies",
    "pages:help",
    "pages:status",
}


# Signing in (accounts): the code after a password and a change to the second
# factor, as a national administrator with an authenticator app; setting one
# up, as a manager whose session holds the secret being set up. Single
# sign-on has no form (and answers 404 unconfigured); the recovery codes page
# only shows.
TOTP_SETUP_KEY = "3132333435363738393031323334353637383930"


def _authenticator(client: Client, world: World) -> None:
    TOTPDevice.objects.get_or_create(
        user=world.cast["admin"], defaults={"name": "Authenticator app"}
    )


def _admin_code(world: World) -> str:
    device = TOTPDevice.objects.get(user=world.cast["admin"])
    return f"{totp(device.bin_key):06d}"


def _setting_up(client: Client, world: World) -> None:
    session = client.session
    session[SETUP_KEY] = TOTP_SETUP_KEY
    session.save()


ENDPOINTS += [
    Endpoint(
        "accounts:second_factor",
        "admin",
        lambda w: "/accounts/second-factor/",
        lambda w: {"code": _admin_code(w)},
        prepare=_authenticator,
        always=lambda: [{"code": "0" * 40}, {"code": "abcd-efgh"}],
    ),
    Endpoint(
        "accounts:second_factor_manage",
        "admin",
        lambda w: "/accounts/second-factor/manage/",
        lambda w: {"code": _admin_code(w), "action": "codes"},
        prepare=_authenticator,
    ),
    Endpoint(
        "accounts:second_factor_setup",
        "manager_a",
        lambda w: "/accounts/second-factor/set-up/",
        lambda w: {"code": f"{totp(bytes.fromhex(TOTP_SETUP_KEY)):06d}"},
        prepare=_setting_up,
    ),
]
NOT_FORMS |= {
    "accounts:oidc_start",
    "accounts:oidc_callback",
    "accounts:recovery_codes",
}


# Bulk import: files of every kind the upload may be given, and the confirm
# of a kept upload.
IMPORT_CSV = b"name,region\nHumberside,YH\n"


def _import_xlsx(rows: list[list[str]]) -> bytes:
    import tablib

    return tablib.Dataset(*rows[1:], headers=rows[0]).export("xlsx")


def nasty_import_files() -> list[SimpleUploadedFile]:
    """Junk named as a CSV, a spreadsheet named as CSV, a ZIP that is no
    spreadsheet, formulas, a byte-order mark, semicolons, NUL, nothing."""
    import io
    import zipfile

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("mimetype", "application/zip")
    files = {
        "junk.csv": b"\x00\x01\x02\xff\xfe binary",
        "sheet.csv": _import_xlsx([["name", "region"], ["A", "YH"]]),
        "archive.xlsx": archive.getvalue(),
        "formula.csv": b"name,region\n=1+1,YH\n@SUM(A1),NE\n",
        "bom.csv": b"\xef\xbb\xbfname,region\nHumberside,YH\n",
        "semicolons.csv": b"name;region\nHumberside;YH\n",
        "nul.csv": b"name,region\nHum\x00berside,YH\n",
        "empty.csv": b"",
        "header.csv": b"name,region\n",
        "ragged.csv": b'name,region\n"unclosed,YH\nA,B,C,D\n',
        "huge.csv": b"name,region\n" + b"x" * (2 * 1024 * 1024),
    }
    return [SimpleUploadedFile(name, content) for name, content in files.items()]


IMPORT_FILES = st.builds(
    SimpleUploadedFile,
    st.sampled_from(["a.csv", "a.xlsx", "a.ods", "a.txt", "a"]),
    st.one_of(
        st.binary(max_size=200),
        st.text(max_size=200).map(str.encode),
        st.lists(
            st.lists(st.one_of(NASTY, st.text(max_size=20)), min_size=1, max_size=4),
            min_size=1,
            max_size=4,
        ).map(lambda rows: "\n".join(",".join(row) for row in rows).encode()),
        st.just(IMPORT_CSV),
    ),
)


def _import_upload(world: World) -> Any:
    from imports.models import Upload

    upload, _ = Upload.objects.get_or_create(
        file_name="llscs.csv",
        defaults={
            "kind": "llscs",
            "file_format": "csv",
            "content": IMPORT_CSV,
            "uploaded_by": world.cast["admin"],
        },
    )
    return upload


def _import_fingerprint(world: World) -> dict[str, Any]:
    from imports.services import upload_preview

    upload = _import_upload(world)
    preview = upload_preview(upload=upload, user=world.cast["admin"])
    return {"fingerprint": preview.fingerprint}


ENDPOINTS += [
    Endpoint(
        "imports:start",
        "admin",
        lambda w: "/imports/",
        lambda w: {"kind": "llscs"},
        examples=15,
        files={"file": IMPORT_FILES},
        valid_files=lambda: {"file": SimpleUploadedFile("llscs.csv", IMPORT_CSV)},
        always=lambda: [
            {"kind": "llscs", "file": upload} for upload in nasty_import_files()
        ],
    ),
    Endpoint(
        "imports:confirm",
        "admin",
        lambda w: f"/imports/uploads/{_import_upload(w).pk}/confirm/",
        _import_fingerprint,
        examples=10,
    ),
]
NOT_FORMS |= {
    "imports:preview",
    "imports:log",
    "imports:log_detail",
    "imports:columns",
    "imports:template",
}


def url_names() -> set[str]:
    """Every named URL of the project outside Django's admin."""
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue
                inner = pattern.namespace or ""
                walk(
                    pattern.url_patterns, f"{namespace}{inner}:" if inner else namespace
                )
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return names


def test_every_form_is_fuzzed():
    fuzzed = {endpoint.name for endpoint in ENDPOINTS}
    assert url_names() - fuzzed - NOT_FORMS == set()
    assert (fuzzed | NOT_FORMS) - url_names() == set()


# Requests are slow next to generating data, the world is built once per
# test (examples are rolled back), and nothing is kept between runs.
FUZZ = settings(
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


# The database, to show nothing changed.

SNAPSHOT_APPS = ("partnerships", "indicators", "assessment", "reports", "auth")
IGNORED_COLUMNS = {"auth.user": {"last_login"}}


# The JSON API (api/): the personal token pages are forms; the API itself is
# fuzzed from its OpenAPI document (tests/api/test_schema_fuzz.py).


def _own_token(world: World) -> int:
    from api.models import ApiToken

    token, _ = ApiToken.objects.get_or_create(
        user=world.cast["manager_a"],
        name="Fuzzed",
        defaults={"prefix": "lpsa_fuzzed", "digest": "f" * 64},
    )
    return token.pk


ENDPOINTS += [
    Endpoint(
        "api:token_create",
        "go_a",
        lambda w: "/api/tokens/new/",
        lambda w: {"name": "Regional spreadsheet"},
    ),
    Endpoint(
        "api:token_revoke",
        "manager_a",
        lambda w: f"/api/tokens/{_own_token(w)}/revoke/",
        examples=5,
    ),
]
NOT_FORMS |= {"api:tokens"} | {
    name for name in url_names() if name.startswith("api:v1:")
}
SNAPSHOT_APPS = (*SNAPSHOT_APPS, "api")


# Frameworks from workbooks: the import page also reads XLSX and ODS files.
# The reference framework as a workbook with one cell replaced, and workbooks
# that must be refused before they are read (macros, encryption, a ZIP that
# unpacks to far more, a million repeated rows, sheets missing).


def _framework_workbook(data: dict[str, Any], kind: str) -> SimpleUploadedFile:
    from indicators.framework_sheets import write_workbook

    return SimpleUploadedFile(f"framework.{kind}", write_workbook(data, kind))


def _zipped(members: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, content in members.items():
            bundle.writestr(name, content)
    return archive.getvalue()


def _repeated_rows_ods() -> bytes:
    """An ODS file whose Indicators sheet repeats one row a million times."""
    import io
    import zipfile

    from indicators.framework_sheets import ODS, write_workbook

    source = zipfile.ZipFile(io.BytesIO(write_workbook(REFERENCE, ODS)))
    members = {name: source.read(name) for name in source.namelist()}
    members["content.xml"] = members["content.xml"].replace(
        b"<table:table-row>",
        b'<table:table-row table:number-rows-repeated="1000000">',
        1,
    )
    return _zipped(members)


def nasty_framework_workbooks() -> list[SimpleUploadedFile]:
    from indicators.framework_sheets import ODS_MIMETYPE

    files = {
        "macro.xlsm": _zipped(
            {"[Content_Types].xml": b"application/vnd.ms-excel.sheet.macroEnabled"}
        ),
        "encrypted.xlsx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
        "bomb.ods": _zipped(
            {"mimetype": ODS_MIMETYPE, "content.xml": b" " * (30 * 1024 * 1024)}
        ),
        "broken.ods": _zipped({"mimetype": ODS_MIMETYPE, "content.xml": b"<a"}),
        "repeated.ods": _repeated_rows_ods(),
        "empty.xlsx": _zipped(
            {
                "[Content_Types].xml": (
                    b"application/vnd.openxmlformats-officedocument."
                    b"spreadsheetml.sheet.main"
                )
            }
        ),
    }
    return [SimpleUploadedFile(name, content) for name, content in files.items()]


CELL_VALUES = st.one_of(
    NASTY,
    st.text(max_size=40),
    st.integers(),
    st.floats(),
    st.none(),
)


@st.composite
def framework_workbooks(draw: Any) -> SimpleUploadedFile:
    """The reference framework as XLSX or ODS with one cell's value replaced."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    from indicators.framework_sheets import ODS, XLSX

    kind = draw(st.sampled_from([XLSX, ODS]))
    data = copy.deepcopy(REFERENCE)
    paths = []
    for path in _paths(data)[1:]:
        target = data
        for key in path:
            target = target[key]
        if not isinstance(target, dict | list) and path[0] != "periods":
            paths.append(path)
    path = draw(st.sampled_from(paths))
    target = data
    for key in path[:-1]:
        target = target[key]
    value = draw(CELL_VALUES)
    if kind == XLSX and isinstance(value, str):
        # openpyxl cannot write control characters at all.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    target[path[-1]] = value
    return _framework_workbook(data, kind)


# Relationships with other regeneration bodies: the partnership's managers,
# through the flow members and LSP relationships share.


def _body_link(world: World) -> int:
    from partnerships.models import RegenerationBodyLink

    link, _ = RegenerationBodyLink.objects.get_or_create(
        partnership=world.partnership_a, kind="srb", name="Hostile SRB"
    )
    return link.pk


def _make_body_link(client: Client, world: World) -> None:
    _body_link(world)


ENDPOINTS += [
    Endpoint(
        "indicators:import",
        "admin",
        lambda w: "/frameworks/import/",
        examples=15,
        files={"file": framework_workbooks()},
        valid_files=lambda: {"file": _framework_workbook(REFERENCE, "ods")},
        always=lambda: [{"file": upload} for upload in nasty_framework_workbooks()],
    ),
    Endpoint(
        "partnerships:body_add",
        "manager_a",
        lambda w: f"{_a(w)}/bodies/add/",
        lambda w: {"kind": "new_deal", "name": "Little Horton NDC"},
    ),
    Endpoint(
        "partnerships:body_edit",
        "manager_a",
        lambda w: f"{_a(w)}/bodies/{_body_link(w)}/edit/",
        lambda w: {"kind": "srb", "name": "Hostile SRB", "involvement": "Board"},
        prepare=_make_body_link,
    ),
    Endpoint(
        "partnerships:body_delete",
        "manager_a",
        lambda w: f"{_a(w)}/bodies/{_body_link(w)}/remove/",
        examples=5,
        prepare=_make_body_link,
    ),
]


# The evidence library: a file's facts, deleting a file nothing links to,
# keeping a file carried forward (the world's file is linked to A's D1.1).
def _unlinked_file(world: World) -> int:
    from assessment.models import EvidenceFile

    evidence_file, _ = EvidenceFile.objects.get_or_create(
        partnership=world.partnership_a,
        title="Unused minutes",
        defaults={
            "file": "evidence/unused.pdf",
            "original_name": "unused.pdf",
            "content_type": "application/pdf",
            "size": 10,
        },
    )
    return evidence_file.pk


# Local statements: the GO officer of Yorkshire and the Humber adds its
# statements from a file (any framework-like file fuzzed), one at a time on a
# draft's page, copies and publishes them.
NOT_FORMS |= {
    "indicators:supplement_list",
    "indicators:supplement_detail",
    "indicators:supplement_export",
}


def _supplement_file() -> SimpleUploadedFile:
    from tests.indicators.test_supplements import _yaml

    return SimpleUploadedFile("local.yaml", _yaml(), "application/yaml")


def _draft_supplement(world: World) -> int:
    from indicators.models import Supplement

    supplement, _ = Supplement.objects.get_or_create(
        framework=world.framework,
        period=world.return_a.period,
        region=world.partnership_a.region,
        version=1,
        defaults={"name": "Hostile local statements"},
    )
    return supplement.pk


def _make_draft_supplement(client: Client, world: World) -> None:
    _draft_supplement(world)


def _local_statement(world: World) -> int:
    from indicators.models import Indicator

    statement, _ = Indicator.objects.get_or_create(
        supplement_id=_draft_supplement(world),
        dimension=world.d1,
        code="D1.L1",
        defaults={"statement": "Hostile statement", "order": 101},
    )
    return statement.pk


ENDPOINTS += [
    Endpoint(
        "assessment:evidence_edit",
        "manager_a",
        lambda w: f"/evidence/{w.attachment.evidence_file_id}/edit/",
        lambda w: {
            "title": "Minutes of the board, May 2003",
            **date_fields("document_date", ("14", "5", "2003")),
            **date_fields("review_by", ("31", "3", "2005")),
        },
        examples=15,
    ),
    Endpoint(
        "assessment:evidence_delete",
        "manager_a",
        lambda w: f"/evidence/{_unlinked_file(w)}/delete/",
        examples=5,
    ),
    Endpoint(
        "assessment:evidence_keep",
        "manager_a",
        lambda w: f"/returns/{w.return_a.pk}/attachments/{w.attachment.pk}/keep/",
        examples=5,
    ),
]
NOT_FORMS |= {"assessment:evidence_library"}


ENDPOINTS += [
    Endpoint(
        "indicators:supplement_import",
        "go_a",
        lambda w: "/frameworks/local/import/",
        examples=10,
        files={"file": framework_files()},
        valid_files=lambda: {"file": _supplement_file()},
        always=lambda: [{"file": upload} for upload in nasty_framework_files()],
    ),
    Endpoint(
        "indicators:supplement_create",
        "go_a",
        lambda w: "/frameworks/local/new/",
        lambda w: {"name": "Humber statements", "period": w.return_a.period_id},
    ),
    Endpoint(
        "indicators:supplement_create",
        "admin",
        lambda w: "/frameworks/local/new/",
        lambda w: {
            "name": "Tyne and Wear statements",
            "period": w.return_a.period_id,
            "local_lsc": w.llsc_other.pk,
        },
    ),
    Endpoint(
        "indicators:supplement_statement_add",
        "go_a",
        lambda w: f"/frameworks/local/{_draft_supplement(w)}/statements/add/",
        lambda w: {
            "dimension": w.d1.pk,
            "statement": "Runs a Humber bidding clinic.",
            "pmf_quality": "strategic",
        },
        examples=25,
        prepare=_make_draft_supplement,
    ),
    Endpoint(
        "indicators:supplement_statement_remove",
        "go_a",
        lambda w: (
            f"/frameworks/local/{_draft_supplement(w)}/statements/"
            f"{_local_statement(w)}/remove/"
        ),
        examples=3,
        prepare=_make_draft_supplement,
    ),
    Endpoint(
        "indicators:supplement_new_version",
        "go_a",
        lambda w: f"/frameworks/local/{_draft_supplement(w)}/new-version/",
        examples=3,
        prepare=_make_draft_supplement,
    ),
    Endpoint(
        "indicators:supplement_publish",
        "go_a",
        lambda w: f"/frameworks/local/{_draft_supplement(w)}/publish/",
        examples=3,
        prepare=_make_draft_supplement,
    ),
]


@cache
def _snapshot_queries() -> tuple[tuple[str, str, tuple[Any, ...]], ...]:
    """The query of every row of every model of the project's apps and of
    auth (ordered by key), compiled once: building a query through the ORM
    costs many times what running it does, and a fuzzed form takes hundreds
    of snapshots."""
    queries = []
    for label in SNAPSHOT_APPS:
        for model in apps.get_app_config(label).get_models():
            name = model._meta.label_lower
            columns = [
                f.attname
                for f in model._meta.concrete_fields
                if f.attname not in IGNORED_COLUMNS.get(name, set())
            ]
            rows = model._default_manager.order_by("pk").values_list(*columns)
            sql, params = rows.query.sql_with_params()
            queries.append((name, sql, tuple(params)))
    return tuple(queries)


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every model of the project's apps and of auth, each value
    as the database holds it (a change to any is a change to the row)."""
    rows = {}
    with connection.cursor() as cursor:
        for name, sql, params in _snapshot_queries():
            cursor.execute(sql, params)
            rows[name] = cursor.fetchall()
    return rows


def changed_tables(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after[name]]


def _request(client: Client, endpoint: Endpoint, url: str, data: dict) -> Any:
    if endpoint.method == "get":
        response = client.get(url, data)
    else:
        response = client.post(url, data)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    return response


@pytest.mark.parametrize(
    "endpoint",
    ENDPOINTS,
    ids=[f"{e.name}-{e.user}" for e in ENDPOINTS],
)
def test_fuzzed_form_input_is_never_a_server_error(endpoint, world, client_as):
    client = client_as(endpoint.user)
    if endpoint.prepare is not None:
        endpoint.prepare(client, world)
    url = endpoint.url(world)
    valid = endpoint.valid(world)
    # Every example is rolled back, so each starts from this.
    before = snapshot()

    @settings(FUZZ, max_examples=endpoint.examples)
    @given(data=changed(valid, endpoint.values, endpoint.files))
    def post(data: dict[str, Any]) -> None:
        for value in data.values():
            if isinstance(value, UploadedFile):
                value.seek(0)  # an explicit example's file is sent again
        with transaction.atomic():
            response = _request(client, endpoint, url, data)
            assert response.status_code < 500
            if not 300 <= response.status_code < 400:
                assert changed_tables(before, snapshot()) == []
            transaction.set_rollback(True)

    for data in endpoint.always():
        post = example(data=data)(post)
    # A pack's plans and a summary are drawn by WeasyPrint: the forms are the
    # point here.
    with (
        mock.patch("reports.packs.render_pdf", return_value=b"%PDF-1.7\n"),
        mock.patch("reports.pdf.html_to_pdf", return_value=b"%PDF-1.7\n"),
    ):
        post()


def test_the_valid_posts_are_accepted(world, client):
    """The fuzzer starts from posts that work: each is accepted."""
    for endpoint in ENDPOINTS:
        # Submitting refuses a return with unscored indicators, whatever is sent.
        if endpoint.method != "post" or endpoint.name == "assessment:check":
            continue
        client.logout()
        user = world.cast[endpoint.user]
        if user.is_authenticated:
            client.force_login(user, backend="partnerships.backends.PasswordBackend")
        if endpoint.prepare is not None:
            endpoint.prepare(client, world)
        data = endpoint.valid(world)
        data.update(endpoint.valid_files())
        with transaction.atomic():
            with (
                mock.patch("reports.packs.render_pdf", return_value=b"%PDF-1.7\n"),
                mock.patch("reports.pdf.html_to_pdf", return_value=b"%PDF-1.7\n"),
            ):
                response = client.post(endpoint.url(world), data)
            transaction.set_rollback(True)
        assert response.status_code == 302, endpoint.name


# Path parameters: text where the URL takes text, huge numbers where it
# takes a number.

SEGMENT = st.one_of(NASTY, st.text(min_size=1, max_size=30), HUGE).filter(
    lambda value: value not in ("", ".", "..")
)
DIGITS = st.integers(min_value=0, max_value=10**40).map(str)

PATHS: list[tuple[str, str, Callable[[World, str], str]]] = [
    ("manager_a", "post", lambda w, x: f"/returns/{w.return_a.pk}/dimensions/D1/{x}/"),
    ("manager_a", "get", lambda w, x: f"/returns/{w.return_a.pk}/dimensions/{x}/"),
    ("officer_elsewhere", "post", lambda w, x: f"/returns/{w.return_b.pk}/review/{x}/"),
    ("go_a", "post", lambda w, x: f"{_a(w)}/ratings/{x}/"),
    ("manager_b", "post", lambda w, x: f"{_plan(w)}/{x}/{w.action.pk}/remove/"),
    ("anonymous", "get", lambda w, x: f"/accounts/reset/{x}/{x}-{x}/"),
    ("admin", "get", lambda w, x: f"/returns/{x}/pdf/"),
    ("admin", "get", lambda w, x: f"/plans/{x}/"),
    ("admin", "get", lambda w, x: f"/partnerships/{x}/members/{x}/edit/"),
    ("admin", "get", lambda w, x: f"/attachments/{x}/"),
    ("admin", "post", lambda w, x: f"/evidence/{x}/edit/"),
    ("admin", "get", lambda w, x: f"/partnerships/{x}/evidence/"),
    ("admin", "get", lambda w, x: f"/packs/{x}/download/"),
    ("admin", "post", lambda w, x: f"/emails/{x}/retry/"),
    ("admin", "get", lambda w, x: f"/summaries/{x}/progress.json"),
    ("admin", "post", lambda w, x: f"/periods/open/{x}/"),
    ("admin", "post", lambda w, x: f"/periods/{x}/change/"),
]


@pytest.mark.parametrize("user, method, path", PATHS, ids=range(len(PATHS)))
def test_fuzzed_path_is_never_a_server_error(user, method, path, world, client_as):
    client = client_as(user)

    @settings(FUZZ, max_examples=12)
    @given(value=st.one_of(SEGMENT, DIGITS))
    def request(value: str) -> None:
        url = path(world, quote(value, safe=""))
        with transaction.atomic():
            response = getattr(client, method)(url)
            assert response.status_code < 500
            transaction.set_rollback(True)

    request()


# Server errors the fuzzer found, kept as plain tests. Each file of
# nasty_framework_files() up to here was one: RecursionError, hours spent
# expanding aliases, TypeError, OverflowError, NUL refused by PostgreSQL,
# ValueError.

NASTY_FRAMEWORK_PROBLEMS = [
    "line 1: nested more than 20 levels deep",
    "line 21: nested more than 20 levels deep",
    "line 2: aliases (*l0) are not allowed",
    "periods: must be a list of periods like 2003-04",
    "periods: must be a list of periods like 2003-04",
    "version: must be 2147483647 or less",
    "name: must not contain a NUL character",
    "description: must not contain a NUL character",
    "file: a value cannot be read (day is out of range for month)",
    "file: a value cannot be read (Exceeds the limit (4300 digits)",
]


@pytest.mark.parametrize("index", range(len(NASTY_FRAMEWORK_PROBLEMS)))
def test_a_framework_file_that_was_a_server_error_is_refused(
    index, client_as, framework
):
    upload = nasty_framework_files()[index]

    response = client_as("admin").post("/frameworks/import/", {"file": upload})

    assert response.status_code == 200
    problems = response.context["problems"]
    assert len(problems) == 1
    assert NASTY_FRAMEWORK_PROBLEMS[index] in problems[0]
    assert Framework.objects.count() == 1


@pytest.mark.parametrize("code", ["a\x00b", "D9.9", "x" * 100_000])
def test_dismissing_what_is_no_suggestion_keeps_nothing(code, world, client_as):
    """A NUL in the stored list was a server error on PostgreSQL, and any text
    posted was kept in the plan."""
    url = f"/plans/{world.plan.pk}/suggestions/"

    response = client_as("manager_b").post(url, {"code": code, "action": "dismiss"})

    assert response.status_code == 302
    world.plan.refresh_from_db()
    assert world.plan.dismissed_suggestions == []


@pytest.mark.parametrize("pk", [str(2**63), str(-(2**63) - 1), "9" * 30])
def test_an_indicator_id_beyond_64_bits_is_refused(pk, world, client_as):
    """SQLite raised OverflowError looking the indicators up."""
    before = snapshot()
    data = _priority(world) | {"indicators": [pk]}

    response = client_as("manager_b").post(f"{_plan(world)}/priorities/add/", data)

    assert response.status_code == 200
    assert response.context["form"].errors["indicators"]
    assert changed_tables(before, snapshot()) == []

"""A framework's role: read from its file and workbook (regeneration unless
given), each role's dimension codes its own letter, the shipped collaboration
framework valid; a period runs one published framework per role."""

from __future__ import annotations

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators.framework_files import FrameworkFileError, parse_framework_file
from indicators.framework_sheets import XLSX
from indicators.models import Framework, FrameworkRole, Period
from indicators.selectors import framework_for_period, frameworks_for_period
from indicators.services import (
    COLLABORATION_FRAMEWORK,
    framework_export,
    framework_export_file,
    framework_import,
    framework_import_file,
    framework_publish,
    period_framework_add,
)

SMALL = """\
name: Small collaboration
version: 1
status: draft
role: collaboration
periods: []
score_levels:
  - {value: 1, label: Low, descriptor: Little is in place.}
  - {value: 2, label: High, descriptor: Everything is in place.}
dimensions:
  - code: C1
    title: Coherence
    description: The first.
    indicators:
      - {code: C1.1, statement: The first statement.}
"""


def with_changes(text: str, **changes: object) -> str:
    data = yaml.safe_load(text)
    data.update(changes)
    return yaml.safe_dump(data, sort_keys=False)


def test_the_shipped_collaboration_framework_is_valid_and_cites_its_sources():
    parsed = parse_framework_file(COLLABORATION_FRAMEWORK.read_text("utf-8"))

    assert parsed.role == FrameworkRole.COLLABORATION
    assert [d["code"] for d in parsed.dimensions] == ["C1", "C2", "C3", "C4"]
    indicators = [i for d in parsed.dimensions for i in d["indicators"]]
    assert 16 <= len(indicators) <= 24
    assert [level["value"] for level in parsed.score_levels] == [1, 2, 3, 4]
    # Every statement says where in the source documents it comes from.
    assert all(i["guidance"].startswith("Source: 0") for i in indicators)
    assert all(i["evidence_examples"] for i in indicators)


def test_the_import_command_loads_the_shipped_file(db):
    from django.core.management import call_command

    call_command("import_framework", str(COLLABORATION_FRAMEWORK))
    framework = Framework.objects.get(role=FrameworkRole.COLLABORATION)
    assert framework.is_published
    assert framework.dimensions.count() == 4


def test_a_file_without_a_role_is_regeneration(db):
    framework = framework_import(
        text=with_changes(
            SMALL,
            role=None,
            dimensions=[
                {
                    "code": "D1",
                    "title": "First",
                    "description": "The first.",
                    "indicators": [{"code": "D1.1", "statement": "A statement."}],
                }
            ],
        )
    )
    assert framework.role == FrameworkRole.REGENERATION


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"role": "renewal"}, "role: must be one of regeneration, collaboration"),
        ({"role": "regeneration"}, "'C1' is not a code like D1"),
    ],
)
def test_a_role_is_checked_with_its_codes(db, changes, problem):
    with pytest.raises(FrameworkFileError) as refused:
        framework_import(text=with_changes(SMALL, **changes))
    assert any(problem in p for p in refused.value.problems), refused.value.problems
    assert not Framework.objects.exists()


def test_a_collaboration_file_refuses_regeneration_codes(db):
    text = SMALL.replace("C1", "D1")
    with pytest.raises(FrameworkFileError) as refused:
        framework_import(text=text)
    assert "'D1' is not a code like C1" in str(refused.value)


def test_the_role_survives_yaml_and_workbook_round_trips(db):
    framework = framework_import(text=SMALL)
    text = framework_export(framework=framework)
    assert "role: collaboration" in text
    workbook = framework_export_file(framework=framework, file_format=XLSX)
    Framework.objects.all().delete()

    copy = framework_import_file(content=workbook)

    assert copy.role == FrameworkRole.COLLABORATION
    assert framework_export(framework=copy) == text


def test_the_upload_page_names_a_bad_role(client_as, db):
    client = client_as("admin")
    upload = SimpleUploadedFile(
        "framework.yaml", with_changes(SMALL, role="renewal").encode()
    )
    response = client.post("/frameworks/import/", {"file": upload})
    assert response.status_code == 200
    assert "must be one of regeneration, collaboration" in response.text
    assert not Framework.objects.exists()


def test_a_period_runs_each_role_side_by_side(framework, collaboration):
    period = Period.objects.get(code="2003-04")
    collaboration.periods.add(period)

    assert frameworks_for_period(period=period) == [framework, collaboration]
    # The return's own framework stays the regeneration one.
    assert framework_for_period(period=period) == framework


def test_a_period_refuses_a_second_framework_of_a_role(framework, admin):
    period = Period.objects.get(code="2003-04")
    rival = framework_import(
        text=with_changes(
            framework_export(framework=framework),
            name="A rival regeneration framework",
            periods=[],
        )
    )
    framework_publish(framework=rival)

    with pytest.raises(ValidationError) as refused:
        period_framework_add(user=admin, period=period, framework=rival)

    assert "already runs Learning and regeneration self-assessment" in str(
        refused.value
    )
    assert frameworks_for_period(period=period) == [framework]


def test_publishing_refuses_a_second_framework_of_a_role_in_a_period(
    client_as, framework
):
    rival = framework_import(
        text=with_changes(
            framework_export(framework=framework),
            name="A rival regeneration framework",
            status="draft",
        )
    )
    response = client_as("admin").post(f"/frameworks/{rival.pk}/publish/", follow=True)

    assert "was not published: 2003-04 already runs" in response.text
    rival.refresh_from_db()
    assert not rival.is_published


def test_a_period_refuses_clashing_dimension_codes(framework, admin):
    clash = Framework.objects.create(
        name="Clash", version=1, role=FrameworkRole.COLLABORATION, status="published"
    )
    clash.dimensions.create(code="D1", title="Clash", description="x", order=1)

    with pytest.raises(ValidationError) as refused:
        period_framework_add(
            user=admin, period=Period.objects.get(code="2003-04"), framework=clash
        )
    assert "Dimension codes D1 are used by another framework" in str(refused.value)


def test_a_period_takes_a_framework_of_another_role(framework, collaboration, admin):
    period = Period.objects.get(code="2003-04")
    period_framework_add(user=admin, period=period, framework=collaboration)
    assert frameworks_for_period(period=period) == [framework, collaboration]


def test_the_framework_pages_name_the_role(client_as, framework, collaboration):
    client = client_as("admin")
    listing = client.get("/frameworks/").text
    assert "Collaboration role" in listing
    assert "Regeneration role" in listing
    detail = client.get(f"/frameworks/{collaboration.pk}/").text
    assert "Collaboration role, version 1, published" in detail
    assert "C3.5" in detail

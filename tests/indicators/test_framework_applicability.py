"""Which indicators may be answered "not applicable" and which structure
models each applies to: read from the framework file and the workbooks,
checked with a problem naming the indicator, written back the same."""

from __future__ import annotations

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators.framework_files import FrameworkFileError, parse_framework_file
from indicators.framework_sheets import ODS, XLSX, read_workbook, write_workbook
from indicators.models import Framework, Indicator
from indicators.services import (
    framework_export,
    framework_export_file,
    framework_import,
    framework_import_file,
    reference_framework_load,
)

from .test_frameworks import SMALL


def small(**first_indicator: object) -> dict:
    data = yaml.safe_load(SMALL)
    data["dimensions"][0]["indicators"][0].update(first_indicator)
    return data


def test_reference_framework_marks_d4_3_as_may_be_not_applicable(db):
    framework = reference_framework_load()
    flagged = Indicator.objects.filter(
        dimension__framework=framework, may_be_not_applicable=True
    )
    assert [i.code for i in flagged] == ["D4.3"]
    d4_3 = flagged.get()
    assert d4_3.offers_not_applicable
    assert d4_3.applies_to == []


def test_file_keys_are_read_and_exported_back(db):
    text = yaml.safe_dump(
        small(may_be_not_applicable=True, applies_to=["shire", "multi_borough"]),
        sort_keys=False,
    )
    framework = framework_import(text=text)
    first = Indicator.objects.get(dimension__framework=framework, code="D1.1")
    second = Indicator.objects.get(dimension__framework=framework, code="D1.2")
    assert first.may_be_not_applicable is True
    assert first.applies_to == ["shire", "multi_borough"]
    assert (second.may_be_not_applicable, second.applies_to) == (False, [])

    exported = yaml.safe_load(framework_export(framework=framework))
    indicators = exported["dimensions"][0]["indicators"]
    assert indicators[0]["may_be_not_applicable"] is True
    assert indicators[0]["applies_to"] == ["shire", "multi_borough"]
    # An indicator without them keeps its file as it was.
    assert "may_be_not_applicable" not in indicators[1]
    assert "applies_to" not in indicators[1]


def test_unknown_structure_model_is_refused_naming_the_indicator():
    text = yaml.safe_dump(small(applies_to=["shire", "county"]), sort_keys=False)
    with pytest.raises(FrameworkFileError) as raised:
        parse_framework_file(text)
    [problem] = raised.value.problems
    assert "D1.1" in problem
    assert "'county' is not a structure model" in problem
    assert "unitary, shire, multi_borough" in problem
    assert problem.startswith("line ")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"may_be_not_applicable": "perhaps"},
            "must be true or false for indicator D1.1",
        ),
        (
            {"applies_to": "shire"},
            "must be a list of structure models for indicator D1.1",
        ),
    ],
)
def test_malformed_applicability_is_refused(changes, expected):
    text = yaml.safe_dump(small(**changes), sort_keys=False)
    with pytest.raises(FrameworkFileError) as raised:
        parse_framework_file(text)
    assert any(expected in problem for problem in raised.value.problems)


@pytest.mark.parametrize("kind", [XLSX, ODS])
def test_workbook_round_trip_keeps_applicability(db, kind):
    text = yaml.safe_dump(
        small(may_be_not_applicable=True, applies_to=["shire"]), sort_keys=False
    )
    original = framework_import(text=text)
    yaml_text = framework_export(framework=original)
    content = framework_export_file(framework=original, file_format=kind)
    original.delete()

    copy = framework_import_file(content=content)

    first = Indicator.objects.get(dimension__framework=copy, code="D1.1")
    assert (first.may_be_not_applicable, first.applies_to) == (True, ["shire"])
    assert framework_export(framework=copy) == yaml_text


@pytest.mark.parametrize("kind", [XLSX, ODS])
def test_workbook_names_the_cell_of_an_unknown_structure_model(kind):
    data = small(applies_to=["county"])
    content = write_workbook(data, kind)
    read, _places = read_workbook(content, kind)
    assert read["dimensions"][0]["indicators"][0]["applies_to"] == ["county"]
    with pytest.raises(FrameworkFileError) as raised:
        framework_import_file(content=content)
    [problem] = raised.value.problems
    assert problem.startswith("sheet 'Indicators', row 2, column H (applies_to)")
    assert "D1.1" in problem


def test_import_page_shows_the_problem(client_as):
    text = yaml.safe_dump(small(applies_to=["county"]), sort_keys=False)
    upload = SimpleUploadedFile("framework.yaml", text.encode(), "application/yaml")
    response = client_as("admin").post("/frameworks/import/", {"file": upload})
    assert response.status_code == 200
    assert "is not a structure model, in indicator D1.1" in response.content.decode()
    assert not Framework.objects.filter(name="Small framework").exists()

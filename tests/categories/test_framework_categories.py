"""Category lists declared by the framework file: read from YAML and from
workbooks, every problem named with its place, shown on the framework's page,
written back out and copied into a new version."""

from __future__ import annotations

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators.framework_files import FrameworkFileError, parse_framework_file
from indicators.framework_sheets import ODS, XLSX, write_workbook
from indicators.models import Category, CategoryList
from indicators.services import (
    framework_export,
    framework_export_file,
    framework_import,
    framework_import_file,
    framework_new_version,
    reference_framework_load,
)
from tests.indicators.test_frameworks import SMALL

CATEGORIES = """\
categories:
  barriers:
    - code: funding_streams
      name: Funding streams
    - code: llsc
      name: The local LSC
  impact:
    - code: learners
      name: On learners
"""


def lists_of(framework) -> dict[str, list[tuple[str, str]]]:
    return {
        category_list.kind: [
            (c.code, c.name) for c in category_list.categories.order_by("order")
        ]
        for category_list in framework.category_lists.all()
    }


def test_yaml_categories_are_imported_in_order(db):
    framework = framework_import(text=SMALL + CATEGORIES)
    assert lists_of(framework) == {
        "barriers": [("funding_streams", "Funding streams"), ("llsc", "The local LSC")],
        "impact": [("learners", "On learners")],
    }
    assert framework.category_lists.get(kind="barriers").title == "Barriers"


def test_a_framework_without_categories_still_imports(db):
    framework = framework_import(text=SMALL)
    assert lists_of(framework) == {}
    assert "categories" not in framework_export(framework=framework)


def test_reference_framework_declares_the_studies_lists(db):
    framework = reference_framework_load()
    lists = lists_of(framework)
    assert [name for _, name in lists["barriers"]] == [
        "Within the partnership and its members",
        "Local Strategic Partnerships",
        "National policy",
        "Funding streams",
        "The local LSC",
        "Competition and self-interest between providers",
    ]
    assert ("employers", "On employers") in lists["impact"]
    assert len(lists["added_value"]) == 7


@pytest.mark.parametrize(
    ("categories", "problem"),
    [
        (
            "categories:\n  obstacles:\n    - code: a\n      name: A\n",
            "'obstacles' is not one of barriers, impact, added_value",
        ),
        (
            "categories:\n  barriers:\n    - code: a\n      name: A\n"
            "    - code: a\n      name: B\n",
            "categories.barriers[1].code: a appears twice in barriers",
        ),
        (
            "categories:\n  barriers:\n    - code: Funding Streams\n      name: A\n",
            "'Funding Streams' is not a code of lower-case letters",
        ),
        (
            "categories:\n  barriers:\n    - code: a\n",
            "categories.barriers[0].name: is missing",
        ),
        (
            "categories:\n  barriers: []\n",
            "categories.barriers: must be a list with at least one entry",
        ),
        (
            "categories: [barriers]\n",
            "categories: must be a mapping of barriers, impact, added_value to lists",
        ),
    ],
)
def test_bad_categories_are_named_with_their_line(db, categories, problem):
    with pytest.raises(FrameworkFileError) as raised:
        parse_framework_file(SMALL + categories)
    assert len(raised.value.problems) == 1
    assert problem in raised.value.problems[0]
    assert raised.value.problems[0].startswith("line ")


def test_import_page_lists_category_problems(client_as, db):
    text = (
        SMALL
        + "categories:\n  barriers:\n    - code: a\n      name: A\n"
        + ("    - code: a\n      name: B\n")
    )
    upload = SimpleUploadedFile("bad.yaml", text.encode())
    response = client_as("admin").post("/frameworks/import/", {"file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert "categories.barriers[1].code: a appears twice in barriers" in html
    assert not CategoryList.objects.exists()


@pytest.mark.parametrize("kind", [XLSX, ODS])
def test_categories_round_trip_through_a_workbook(db, kind):
    original = framework_import(text=SMALL + CATEGORIES)
    yaml_text = framework_export(framework=original)
    content = framework_export_file(framework=original, file_format=kind)
    expected = lists_of(original)
    original.delete()
    copy = framework_import_file(content=content)
    assert lists_of(copy) == expected
    assert framework_export(framework=copy) == yaml_text


@pytest.mark.parametrize("kind", [XLSX, ODS])
def test_workbook_category_problems_name_the_cell(db, kind):
    data = yaml.safe_load(SMALL + CATEGORIES)
    data["categories"]["barriers"][1]["code"] = "funding_streams"
    data["categories"]["obstacles"] = [{"code": "x", "name": "X"}]
    with pytest.raises(FrameworkFileError) as raised:
        framework_import_file(content=write_workbook(data, kind))
    assert raised.value.problems == [
        "sheet 'Categories', row 3, column B (code): funding_streams appears twice "
        "in barriers",
        "sheet 'Categories', row 5, column A (kind): 'obstacles' is not one of "
        "barriers, impact, added_value",
    ]


def test_a_new_version_copies_the_categories(db):
    framework = framework_import(text=SMALL + CATEGORIES)
    copy = framework_new_version(framework=framework)
    assert copy.version == 2
    assert lists_of(copy) == lists_of(framework)
    assert Category.objects.filter(category_list__framework=copy).count() == 3


def test_framework_page_shows_the_categories(client_as, db):
    framework = framework_import(text=SMALL + CATEGORIES)
    response = client_as("admin").get(f"/frameworks/{framework.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Funding streams" in html
    assert "On learners" in html
    assert html.index("Barriers") < html.index("Impact")

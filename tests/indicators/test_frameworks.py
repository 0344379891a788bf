"""Indicator frameworks: the reference file, import and export, refused files,
versions and publishing, the commands, and the pages for every role."""

from __future__ import annotations

import re
from io import StringIO

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from indicators.models import (
    Dimension,
    Framework,
    FrameworkStatus,
    Indicator,
    Period,
    ScoreLevel,
)
from indicators.services import (
    REFERENCE_FRAMEWORK,
    FrameworkFileError,
    framework_export,
    framework_import,
    framework_new_version,
    framework_publish,
    reference_framework_load,
)

SMALL = """\
name: Small framework
version: 1
status: draft
periods: ["2004-05"]
description: A framework for the tests.
score_levels:
  - value: 1
    label: Low
    descriptor: Little is in place.
  - value: 2
    label: High
    descriptor: Everything is in place.
dimensions:
  - code: D1
    title: First dimension
    description: The first.
    indicators:
      - code: D1.1
        statement: The first statement.
        guidance: Some guidance.
        pmf_quality: strategic
      - code: D1.2
        statement: The second statement.
        evidence_examples: Minutes.
  - code: D2
    title: Second dimension
    description: The second.
    indicators:
      - code: D2.1
        statement: The third statement.
"""

MODELS = (Framework, Dimension, Indicator, ScoreLevel, Period)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    """The 1-based line number of the nth line ending with ``fragment``."""
    found = [
        n for n, line in enumerate(text.splitlines(), 1) if line.endswith(fragment)
    ]
    return found[occurrence - 1]


def contents(framework: Framework) -> dict:
    """Everything a framework file carries, apart from the name and version."""
    return {
        "status": framework.status,
        "description": framework.description,
        "periods": sorted(p.code for p in framework.periods.all()),
        "levels": list(
            framework.score_levels.values_list("value", "label", "descriptor")
        ),
        "dimensions": list(
            framework.dimensions.values_list("code", "title", "description", "order")
        ),
        "indicators": list(
            Indicator.objects.filter(dimension__framework=framework)
            .order_by("dimension__order", "order")
            .values_list(
                "dimension__code",
                "code",
                "statement",
                "guidance",
                "evidence_examples",
                "pmf_quality",
                "order",
            )
        ),
    }


def renamed(text: str, name: str | None = None, version: int | None = None) -> str:
    data = yaml.safe_load(text)
    old_name, old_version = data["name"], data["version"]
    if name is not None:
        text = text.replace(f"name: {old_name}", f"name: {name}", 1)
    if version is not None:
        text = text.replace(f"version: {old_version}", f"version: {version}", 1)
    return text


# The reference framework -------------------------------------------------------


def test_reference_framework_imports_four_dimensions_of_indicators(db):
    framework = reference_framework_load()

    assert framework.is_published
    assert framework.published_at is not None
    assert sorted(p.code for p in framework.periods.all()) == ["2002-03", "2003-04"]
    dimensions = list(framework.dimensions.all())
    assert [d.code for d in dimensions] == ["D1", "D2", "D3", "D4"]
    for dimension in dimensions:
        indicators = list(dimension.indicators.all())
        assert 5 <= len(indicators) <= 8
        assert [i.code for i in indicators] == [
            f"{dimension.code}.{n}" for n in range(1, len(indicators) + 1)
        ]
        assert all(i.statement and i.guidance for i in indicators)
    assert list(framework.score_levels.values_list("value", flat=True)) == [1, 2, 3, 4]
    assert framework.score_levels.get(value=4).label == "Advanced"


def test_reference_framework_load_twice_imports_once(db):
    first = reference_framework_load()
    before = counts()
    assert reference_framework_load() == first
    assert counts() == before


# Export and import -----------------------------------------------------------------


def test_export_then_import_as_a_renamed_copy_round_trips(db):
    original = reference_framework_load()
    # A period runs one published framework of a role: the copy, published
    # under another name, is for no period yet.
    original.periods.clear()
    text = framework_export(framework=original)

    copy = framework_import(text=renamed(text, name="Copied framework"))

    assert (copy.name, copy.version) == ("Copied framework", 1)
    assert copy.pk != original.pk
    assert contents(copy) == contents(original)
    assert len(contents(copy)["indicators"]) == 28
    # And the copy exports to the same file, apart from its name.
    assert framework_export(framework=copy) == renamed(text, name="Copied framework")


def test_export_then_import_as_a_new_version_round_trips(db):
    original = framework_import(text=SMALL)
    text = framework_export(framework=original)

    copy = framework_import(text=renamed(text, version=5))

    assert (copy.name, copy.version) == ("Small framework", 5)
    assert contents(copy) == contents(original)
    assert contents(copy)["indicators"][0] == (
        "D1",
        "D1.1",
        "The first statement.",
        "Some guidance.",
        "",
        "strategic",
        1,
    )


def test_import_creates_the_periods_it_names(db):
    framework = framework_import(text=SMALL)
    period = Period.objects.get(code="2004-05")
    assert (str(period.starts_on), str(period.ends_on)) == ("2004-04-01", "2005-03-31")
    assert list(framework.periods.all()) == [period]
    assert framework.status == FrameworkStatus.DRAFT
    assert framework.published_at is None


# Refused files ---------------------------------------------------------------------


def assert_refused(text: str, *expected: str) -> list[str]:
    """The file is refused with each expected message and nothing is created."""
    before = counts()
    with pytest.raises(FrameworkFileError) as caught:
        framework_import(text=text)
    assert counts() == before
    for message in expected:
        assert message in caught.value.problems, caught.value.problems
    return caught.value.problems


def test_missing_statement_names_the_line_and_field(db):
    text = SMALL.replace("        statement: The second statement.\n", "")
    line = line_of(text, "- code: D1.2")
    assert_refused(
        text, f"line {line}, dimensions[0].indicators[1].statement: is missing"
    )


def test_bad_yaml_names_the_line(db):
    text = SMALL.replace('periods: ["2004-05"]', 'periods: ["2004-05"')
    problems = assert_refused(text)
    assert len(problems) == 1
    assert re.match(r"line \d+: not valid YAML", problems[0])
    # The parser notices the missing "]" on the line after it.
    periods_line = line_of(text, 'periods: ["2004-05"')
    assert problems[0].startswith(f"line {periods_line + 1}:")


def test_tab_indentation_is_bad_yaml_on_its_line(db):
    text = SMALL.replace("  - code: D2\n", "\t- code: D2\n")
    problems = assert_refused(text)
    assert problems[0].startswith(f"line {line_of(text, '- code: D2')}: not valid")


def test_duplicate_indicator_code_is_refused(db):
    text = SMALL.replace("- code: D1.2", "- code: D1.1")
    line = line_of(text, "- code: D1.1", occurrence=2)
    assert_refused(
        text, f"line {line}, dimensions[0].indicators[1].code: D1.1 appears twice"
    )


def test_duplicate_dimension_code_is_refused(db):
    text = SMALL.replace("- code: D2\n", "- code: D1\n").replace("D2.1", "D1.3")
    line = line_of(text, "- code: D1", occurrence=2)
    assert_refused(text, f"line {line}, dimensions[1].code: D1 appears twice")


def test_indicator_code_must_belong_to_its_dimension(db):
    text = SMALL.replace("- code: D2.1", "- code: D1.9")
    line = line_of(text, "- code: D1.9")
    assert_refused(
        text,
        f"line {line}, dimensions[1].indicators[0].code: 'D1.9' is not a code "
        "like D2.1",
    )


def test_bad_pmf_quality_is_refused(db):
    text = SMALL.replace("pmf_quality: strategic", "pmf_quality: brilliant")
    line = line_of(text, "pmf_quality: brilliant")
    problems = assert_refused(text)
    assert problems == [
        f"line {line}, dimensions[0].indicators[0].pmf_quality: 'brilliant' is not "
        "one of strategic, inclusive, action_focussed, performance_managed, "
        "efficient, learning"
    ]


def test_score_values_with_a_gap_are_refused(db):
    text = SMALL.replace("  - value: 2\n", "  - value: 3\n")
    line = line_of(text, "score_levels:")
    assert_refused(
        text, f"line {line}, score_levels: values must run 1, 2, 3 ... without gaps"
    )


def test_score_values_not_starting_at_one_are_refused(db):
    text = SMALL.replace("  - value: 1\n", "  - value: 3\n")
    assert_refused(
        text,
        f"line {line_of(text, 'score_levels:')}, score_levels: values must run "
        "1, 2, 3 ... without gaps",
    )


def test_every_problem_is_listed_at_once(db):
    text = (
        SMALL.replace("pmf_quality: strategic", "pmf_quality: brilliant")
        .replace("    title: Second dimension\n", "")
        .replace("version: 1", "version: none")
    )
    problems = assert_refused(text)
    assert len(problems) == 3
    assert problems[0] == "line 2, version: must be a whole number, 1 or more"
    assert any("dimensions[1].title: is missing" in p for p in problems)
    assert any("pmf_quality: 'brilliant'" in p for p in problems)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "file: must be a mapping of fields"),
        ("- just\n- a list\n", "line 1: must be a mapping of fields"),
        (
            SMALL.replace('periods: ["2004-05"]', 'periods: ["2004-06"]'),
            "line 4, periods[0]: '2004-06' is not a period like 2003-04",
        ),
        (
            SMALL.replace("status: draft", "status: final"),
            "line 3, status: must be draft or published",
        ),
        (
            SMALL.replace("  - value: 2\n", "  - value: 1\n"),
            "line 10, score_levels[1].value: 1 appears twice",
        ),
        (
            SMALL.replace("    indicators:\n      - code: D2.1\n", "").replace(
                "        statement: The third statement.\n", ""
            ),
            "line 25, dimensions[1].indicators: must be a list with at least one entry",
        ),
    ],
)
def test_other_refusals(db, text, problem):
    assert_refused(text, problem)


def test_same_name_and_version_twice_is_refused(db):
    framework_import(text=SMALL)
    assert_refused(
        SMALL,
        f"line {line_of(SMALL, 'version: 1')}, version: 'Small framework' version 1 "
        "already exists; give the file a new version number",
    )


def test_same_name_and_version_twice_names_the_version_line(db):
    framework_import(text=SMALL)
    problems = assert_refused(SMALL)
    assert problems[0].startswith(f"line {line_of(SMALL, 'version: 1')}, version:")


# New versions and publishing ------------------------------------------------------


def test_new_version_is_a_draft_copy_with_the_next_number(db):
    original = reference_framework_load()

    copy = framework_new_version(framework=original)

    assert (copy.name, copy.version, copy.status) == (original.name, 2, "draft")
    assert copy.published_at is None
    expected = contents(original)
    expected["status"] = "draft"
    assert contents(copy) == expected
    # The original is untouched.
    original.refresh_from_db()
    assert original.is_published
    # A copy of the original again takes the number after the newest.
    assert framework_new_version(framework=original).version == 3


def test_publish_publishes_a_draft_once(db):
    framework = framework_import(text=SMALL)

    framework_publish(framework=framework)
    framework.refresh_from_db()
    assert framework.is_published
    published_at = framework.published_at
    assert published_at is not None

    framework_publish(framework=framework)
    framework.refresh_from_db()
    assert framework.published_at == published_at


def test_export_right_after_publishing(db):
    framework = framework_import(text=SMALL)
    framework_publish(framework=framework)
    assert "status: published" in framework_export(framework=framework)


# Commands --------------------------------------------------------------------------


def test_import_framework_command(db, tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    out = StringIO()

    call_command("import_framework", str(path), stdout=out)

    assert "Imported Small framework (version 1)." in out.getvalue()
    assert Framework.objects.get(name="Small framework").dimensions.count() == 2


def test_import_framework_command_reference_file(db):
    call_command("import_framework", str(REFERENCE_FRAMEWORK), stdout=StringIO())
    assert Indicator.objects.count() == 28


def test_import_framework_command_refuses_a_bad_file_naming_the_line(db, tmp_path):
    text = SMALL.replace("        statement: The second statement.\n", "")
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    before = counts()

    with pytest.raises(CommandError) as caught:
        call_command("import_framework", str(path), stdout=StringIO())

    line = line_of(text, "- code: D1.2")
    assert f"{path} was not imported" in str(caught.value)
    assert f"line {line}, dimensions[0].indicators[1].statement: is missing" in str(
        caught.value
    )
    assert counts() == before


def test_import_framework_command_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_framework", str(tmp_path / "nope.yaml"))


def test_export_framework_command_handle(db):
    """The command's work, called past its (broken) argument parser."""
    from indicators.management.commands.export_framework import Command

    framework = framework_import(text=SMALL)
    framework_import(text=renamed(SMALL, version=2))
    out = StringIO()
    Command(stdout=out).handle(name="Small framework", framework_version=1)
    assert out.getvalue() == framework_export(framework=framework)

    latest = StringIO()
    Command(stdout=latest).handle(name="Small framework", framework_version=None)
    assert yaml.safe_load(latest.getvalue())["version"] == 2

    with pytest.raises(CommandError, match="No framework called 'Small framework'"):
        Command().handle(name="Small framework", framework_version=7)


def test_export_framework_command(db):
    framework = framework_import(text=SMALL)
    framework_import(text=renamed(SMALL, version=2))
    out = StringIO()

    call_command(
        "export_framework", "Small framework", "--framework-version", "1", stdout=out
    )

    assert out.getvalue() == framework_export(framework=framework)
    assert yaml.safe_load(out.getvalue())["version"] == 1

    latest = StringIO()
    call_command("export_framework", "Small framework", stdout=latest)
    assert yaml.safe_load(latest.getvalue())["version"] == 2


def test_export_framework_command_unknown(db):
    with pytest.raises(CommandError, match="No framework called 'Nothing'"):
        call_command("export_framework", "Nothing")


# Pages -------------------------------------------------------------------------------


@pytest.fixture
def published(db) -> Framework:
    return reference_framework_load()


@pytest.fixture
def draft(published) -> Framework:
    """Version 2 of the reference framework, a draft (imported, not copied, so
    it does not depend on framework_new_version)."""
    text = framework_export(framework=published).replace(
        "status: published", "status: draft"
    )
    return framework_import(text=renamed(text, version=2))


ROLES = ["manager_a", "manager_b", "officer_a", "officer_elsewhere", "go_a", "admin"]
NOT_ADMIN = [name for name in ROLES if name != "admin"]


@pytest.mark.parametrize("name", ROLES)
def test_list_shows_published_frameworks_to_every_role(client_as, draft, name):
    response = client_as(name).get("/frameworks/")
    assert response.status_code == 200
    frameworks = list(response.context["frameworks"])
    if name == "admin":
        assert [f.version for f in frameworks] == [2, 1]
        assert "Import a framework file" in response.content.decode()
    else:
        assert [f.version for f in frameworks] == [1]
        assert "Draft" not in response.content.decode()
        assert "Import a framework file" not in response.content.decode()
    assert "Learning and regeneration self-assessment" in response.content.decode()


def test_list_for_a_user_without_a_role_is_empty(client_as, draft):
    response = client_as("no_role").get("/frameworks/")
    assert response.status_code == 200
    assert list(response.context["frameworks"]) == []
    assert "No framework yet." in response.content.decode()


@pytest.mark.parametrize("name", ROLES)
def test_detail_of_published_framework(client_as, published, name):
    response = client_as(name).get(f"/frameworks/{published.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "D4.7" in html
    assert "Significant progress" in html
    assert ("Make a new draft version" in html) == (name == "admin")


@pytest.mark.parametrize("name", ROLES)
def test_draft_is_visible_only_to_admin(client_as, draft, name):
    response = client_as(name).get(f"/frameworks/{draft.pk}/")
    assert response.status_code == (200 if name == "admin" else 404)
    export = client_as(name).get(f"/frameworks/{draft.pk}/export/")
    assert export.status_code == (200 if name == "admin" else 404)


def test_export_downloads_the_file(client_as, published):
    response = client_as("officer_a").get(f"/frameworks/{published.pk}/export/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="learning-and-regeneration-self-assessment-v1.yaml"'
    )
    assert response.content.decode() == framework_export(framework=published)


@pytest.mark.parametrize("name", [*NOT_ADMIN, "no_role"])
def test_import_is_forbidden_to_non_admins(client_as, published, name):
    client = client_as(name)
    before = counts()
    assert client.get("/frameworks/import/").status_code == 403
    upload = SimpleUploadedFile("small.yaml", SMALL.encode())
    assert client.post("/frameworks/import/", {"file": upload}).status_code == 403
    assert counts() == before


@pytest.mark.parametrize("name", NOT_ADMIN)
def test_new_version_and_publish_are_forbidden_to_non_admins(
    client_as, published, name
):
    client = client_as(name)
    before = counts()
    assert client.post(f"/frameworks/{published.pk}/new-version/").status_code == 403
    assert client.post(f"/frameworks/{published.pk}/publish/").status_code == 403
    assert counts() == before


def test_new_version_and_publish_without_a_role_are_not_found(client_as, published):
    client = client_as("no_role")
    assert client.post(f"/frameworks/{published.pk}/new-version/").status_code == 404
    assert client.post(f"/frameworks/{published.pk}/publish/").status_code == 404
    assert Framework.objects.count() == 1


def test_admin_imports_a_file(client_as, published):
    upload = SimpleUploadedFile("small.yaml", SMALL.encode())
    response = client_as("admin").post("/frameworks/import/", {"file": upload})
    framework = Framework.objects.get(name="Small framework")
    assert response.status_code == 302
    assert response["Location"] == f"/frameworks/{framework.pk}/"
    assert framework.dimensions.count() == 2


def test_import_page_shows_the_problems_of_a_bad_file(client_as, published):
    text = SMALL.replace("        statement: The second statement.\n", "").replace(
        "pmf_quality: strategic", "pmf_quality: brilliant"
    )
    upload = SimpleUploadedFile("bad.yaml", text.encode())
    before = counts()

    response = client_as("admin").post("/frameworks/import/", {"file": upload})

    assert response.status_code == 200
    html = response.content.decode()
    assert "The file was not imported: 2 problems" in html
    assert "Nothing has been saved" in html
    line = line_of(text, "- code: D1.2")
    assert f"line {line}, dimensions[0].indicators[1].statement: is missing" in html
    assert "dimensions[0].indicators[0].pmf_quality" in html
    assert counts() == before


def test_import_page_refuses_a_file_that_is_not_text(client_as, published):
    upload = SimpleUploadedFile("bad.yaml", b"\xff\xfe\x00binary")
    before = counts()
    response = client_as("admin").post("/frameworks/import/", {"file": upload})
    assert response.status_code == 200
    assert "The framework file must be UTF-8 text" in response.content.decode()
    assert counts() == before


def test_import_page_refuses_a_file_over_1_mb(client_as, published):
    upload = SimpleUploadedFile("big.yaml", SMALL.encode() + b"#" * (1024 * 1024))
    before = counts()
    response = client_as("admin").post("/frameworks/import/", {"file": upload})
    assert response.status_code == 200
    assert "The framework file must be smaller than 1 MB" in response.content.decode()
    assert counts() == before


def test_admin_makes_a_new_version_and_publishes_it(client_as, published):
    client = client_as("admin")

    response = client.post(f"/frameworks/{published.pk}/new-version/")
    copy = Framework.objects.get(name=published.name, version=2)
    assert response["Location"] == f"/frameworks/{copy.pk}/"
    assert copy.status == "draft"
    page = client.get(f"/frameworks/{copy.pk}/").content.decode()
    assert "Publish this version" in page

    response = client.post(f"/frameworks/{copy.pk}/publish/")
    assert response["Location"] == f"/frameworks/{copy.pk}/"
    copy.refresh_from_db()
    assert copy.is_published
    assert (
        "Publish this version"
        not in client.get(f"/frameworks/{copy.pk}/").content.decode()
    )


def test_admin_publishes_a_draft(client_as, draft):
    client = client_as("admin")
    assert (
        "Publish this version"
        in client.get(f"/frameworks/{draft.pk}/").content.decode()
    )

    response = client.post(f"/frameworks/{draft.pk}/publish/")

    assert response["Location"] == f"/frameworks/{draft.pk}/"
    draft.refresh_from_db()
    assert draft.is_published
    assert draft.published_at is not None
    page = client.get(f"/frameworks/{draft.pk}/").content.decode()
    assert "Publish this version" not in page
    # Published, it is now visible to everyone with a role.
    assert client_as("manager_b").get(f"/frameworks/{draft.pk}/").status_code == 200


def test_new_version_and_publish_refuse_get(client_as, published):
    client = client_as("admin")
    assert client.get(f"/frameworks/{published.pk}/new-version/").status_code == 405
    assert client.get(f"/frameworks/{published.pk}/publish/").status_code == 405
    assert Framework.objects.count() == 1


@pytest.mark.parametrize(
    "url", ["/frameworks/", "/frameworks/import/", "/frameworks/{pk}/"]
)
def test_anonymous_is_sent_to_sign_in(anonymous, published, url):
    url = url.format(pk=published.pk)
    response = anonymous.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"

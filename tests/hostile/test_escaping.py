"""Script, markup, SQL and spreadsheet-formula payloads typed into every
free-text field (see conftest.py) come out as text on every surface: escaped
in HTML, as typed in PDFs and plain-text emails, never a live formula in the
CSV and Excel exports, never an element in the SVG charts."""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from html.parser import HTMLParser
from typing import Any
from unittest import mock
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
import yaml
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from assessment.models import Answer, EvidenceFile, Notification, Return
from assessment.reminders import send_reminders
from indicators.models import Period
from reports import pdf as reports_pdf
from reports.exports import EXPORT_HEADERS
from reports.models import Pack, SummaryDocument
from tests.assessment.helpers import (
    answer,
    dimension_url,
    form_data,
    indicator_url,
)
from tests.plans.helpers import action_data, date_fields, pdf_text
from tests.spreadsheets import ods_sheets, same_cells, xlsx_sheets

from .conftest import (
    FORMULAS,
    TEXT,
    Hostile,
    escaped,
    hostile_framework_file,
    script,
)

MARKUP = [field for field, value in TEXT.items() if "<" in value]


class _LiveMarkup(HTMLParser):
    """Elements and attributes a payload would have made, had it not been
    escaped: event handler attributes, the payload's image, script that
    alerts."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, _ in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
        if tag == "img" and dict(attrs).get("src") == "x":
            self.found.append("<img src=x>")
        if tag == "script":
            self._in_script = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and "alert(" in data:
            self.found.append(f"<script>{data[:40]}")


@pytest.fixture
def cast(hostile: Hostile) -> dict[str, Any]:
    """The cast of the module's hostile world (and so ``client_as`` signs its
    people in), not a second cast beside it."""
    return hostile.cast


def assert_no_live_markup(body: str) -> None:
    for field in MARKUP:
        assert TEXT[field] not in body, f"{field} is written unescaped"
    parser = _LiveMarkup()
    parser.feed(body)
    parser.close()
    assert parser.found == []


@pytest.mark.parametrize(
    "live",
    [
        TEXT["evidence"],
        TEXT["planned_action"],
        '<a href="#" onclick="x()">',
        "<svg onload=alert(1)>",
    ],
)
def test_the_check_finds_live_markup(live):
    with pytest.raises(AssertionError):
        assert_no_live_markup(f"<p>{live}</p>")


def assert_page(response: Any, fields: list[str]) -> str:
    """A page with no payload live, and each field's payload shown escaped."""
    assert response.status_code == 200
    body = response.content.decode()
    assert_no_live_markup(body)
    assert [f for f in fields if escaped(f) not in body] == []
    return body


def check_pages(client: Any, pages: dict[str, list[str]]) -> None:
    for url, fields in pages.items():
        try:
            assert_page(client.get(url), fields)
        except AssertionError as error:
            raise AssertionError(f"{url}: {error}") from error


# The fields each page shows; every payload is on at least one page
# (test_every_field_is_checked_on_a_page).
SHOWS: dict[str, list[str]] = {
    "home": ["name", "person"],
    "partnership list": ["name", "llsc"],
    "profile": [
        "name",
        "host_organisation",
        "manager_name",
        "chair_name",
        "member",
        "linking_structure",
        "lsp",
        "llsc",
        "person",
        "dimension",
        "rationale",
    ],
    "profile form": ["name", "host_organisation", "manager_name", "chair_name"],
    "member": ["member"],
    "LSP relationship form": ["lsp", "linking_structure"],
    "LSP relationship": ["lsp"],
    "LLSC relationship": ["llsc"],
    "task list": ["name", "dimension"],
    "return": ["name"],
    "check answers": [
        "evidence_title",
        "statement",
        "evidence",
        "barriers",
        "planned_action",
        "dimension",
    ],
    "history": ["evidence", "barriers", "planned_action", "reasons", "person"],
    "evidence library": ["name", "evidence_title"],
    "evidence file form": ["name", "evidence_title"],
    "return document": [
        "evidence_title",
        "framework",
        "statement",
        "evidence",
        "barriers",
        "planned_action",
        "officer_comment",
        "overall_comment",
    ],
    "dimension": ["dimension", "dimension_description", "statement"],
    "indicator": [
        "evidence_title",
        "level",
        "descriptor",
        "dimension",
        "statement",
        "guidance",
        "examples",
        "evidence",
        "barriers",
        "category",
        "planned_action",
    ],
    "review queue": ["name"],
    "reminders": ["name", "person"],
    "ratings": ["name", "rationale"],
    "review": ["name", "dimension"],
    "moderation": [
        "evidence_title",
        "statement",
        "evidence",
        "barriers",
        "planned_action",
        "officer_comment",
    ],
    "moderation check": ["officer_comment", "overall_comment"],
    "plan": [
        "name",
        "barriers",
        "priority",
        "priority_description",
        "plausibility",
        "action",
        "lead_person",
        "resources",
        "funding",
        "success",
        "measure",
        "unit",
        "narrative",
        "approval",
    ],
    "suggestions": ["statement", "barriers", "planned_action"],
    "new priority": ["statement", "dimension"],
    "priority form": ["priority", "priority_description", "plausibility"],
    "action form": [
        "member",
        "action",
        "lead_person",
        "resources",
        "funding",
        "success",
    ],
    "target form": ["measure", "unit"],
    "progress form": ["name"],
    "priority": ["priority"],
    "action": ["action"],
    "target": ["measure"],
    "approval": ["approval"],
    "framework list": ["framework"],
    "framework": [
        "framework",
        "framework_description",
        "level",
        "descriptor",
        "dimension",
        "dimension_description",
        "statement",
        "guidance",
        "examples",
        "category",
    ],
    # The categories counted, not the barriers' free text.
    "dashboard": ["name", "llsc", "category"],
    "dashboard partnership": ["name", "priority"],
    "rating": ["name", "rationale"],
    "manager's notifications": ["name", "reasons"],
    "officer's notifications": ["name"],
}


def squashed(value: str) -> str:
    """Whitespace removed: a PDF line break may fall inside a payload."""
    return "".join(value.split())


# HTML pages.


def test_partnership_pages(hostile, client_as):
    pk = hostile.partnership.pk
    member = hostile.partnership.members.get().pk
    lsp = hostile.partnership.lsp_relationships.get().pk
    llsc = hostile.partnership.llsc_relationships.get().pk
    base = f"/partnerships/{pk}"
    check_pages(
        client_as("manager_a"),
        {
            "/": SHOWS["home"],
            "/partnerships/": SHOWS["partnership list"],
            f"{base}/": SHOWS["profile"],
            f"{base}/edit/": SHOWS["profile form"],
            f"{base}/members/{member}/edit/": SHOWS["member"],
            f"{base}/members/{member}/remove/": SHOWS["member"],
            f"{base}/lsps/{lsp}/edit/": SHOWS["LSP relationship form"],
            f"{base}/lsps/{lsp}/remove/": SHOWS["LSP relationship"],
        },
    )
    # The local LSC link is its LSC's officer's (and national administrators').
    check_pages(
        client_as("officer_a"),
        {
            f"{base}/llscs/{llsc}/edit/": SHOWS["LLSC relationship"],
            f"{base}/llscs/{llsc}/remove/": SHOWS["LLSC relationship"],
        },
    )


def test_search_box_shows_the_search_escaped(hostile, client_as):
    response = client_as("manager_a").get("/partnerships/", {"q": TEXT["name"]})

    body = assert_page(response, ["name"])
    assert f'value="{escaped("name")}"' in body


def test_return_pages(hostile, client_as):
    pk = hostile.return_record.pk
    check_pages(
        client_as("manager_a"),
        {
            f"/returns/{pk}/": SHOWS["task list"],
            f"/returns/{pk}/profile/": SHOWS["return"],
            f"/returns/{pk}/check/": SHOWS["check answers"],
            f"/returns/{pk}/submitted/": SHOWS["return"],
            f"/returns/{pk}/history/": SHOWS["history"],
            f"/returns/{pk}/document/": SHOWS["return document"],
        },
    )


def test_evidence_library_pages(hostile, client_as):
    evidence_file = EvidenceFile.objects.get(partnership=hostile.partnership)
    base = f"/evidence/{evidence_file.pk}"
    library = f"/partnerships/{hostile.partnership.pk}/evidence/"
    check_pages(
        client_as("manager_a"),
        {
            library: SHOWS["evidence library"],
            f"{base}/edit/": SHOWS["evidence file form"],
            f"{base}/delete/": SHOWS["evidence file form"],
        },
    )
    # Read by the officer too: the return was submitted.
    check_pages(client_as("officer_a"), {library: SHOWS["evidence library"]})


def test_dimension_page_and_its_conflict(hostile, client_as):
    record = hostile.return_record
    Return.objects.filter(pk=record.pk).update(status="returned")
    client = client_as("manager_a")
    check_pages(
        client,
        {
            dimension_url(record, "D1"): SHOWS["dimension"],
            indicator_url(record, "D1.1"): SHOWS["indicator"],
        },
    )

    # A save based on an older version: the page shows both versions.
    d11 = answer(record, "D1.1")
    data = form_data([d11], {"D1.1": {"evidence": script("mine")}})
    data[f"version-{d11.pk}"] = d11.version - 1
    response = client.post(indicator_url(record, "D1.1"), data)

    body = assert_page(response, ["evidence"])
    assert "Someone else saved this indicator" in body
    assert script("mine") not in body
    assert "&lt;script&gt;alert(&quot;mine&quot;)&lt;/script&gt;" in body


def test_review_pages(hostile, client_as):
    pk = hostile.return_record.pk
    client = client_as("officer_a")
    review = f"/returns/{pk}/review/"
    check_pages(
        client,
        {
            "/reviews/": SHOWS["review queue"],
            review: SHOWS["review"],
            f"{review}D1/": SHOWS["moderation"],
            f"{review}check/": SHOWS["moderation check"],
        },
    )
    # Opened for a decision: the comments are in the form's text areas.
    Return.objects.filter(pk=pk).update(status="in_review")
    check_pages(
        client,
        {
            f"{review}D1/": ["officer_comment", "evidence"],
            f"{review}check/": ["officer_comment"],
        },
    )


def test_plan_pages(hostile, client_as):
    priority = hostile.priority.pk
    base = f"/plans/{hostile.plan.pk}"
    under = f"{base}/priorities/{priority}"
    check_pages(
        client_as("manager_a"),
        {
            f"{base}/": SHOWS["plan"],
            f"{base}/suggestions/": SHOWS["suggestions"],
            f"{base}/priorities/add/": SHOWS["new priority"],
            f"{under}/edit/": SHOWS["priority form"],
            f"{under}/actions/{hostile.action.pk}/edit/": SHOWS["action form"],
            f"{under}/targets/{hostile.target.pk}/edit/": SHOWS["target form"],
            f"{base}/progress/add/": SHOWS["progress form"],
            f"{base}/priority/{priority}/remove/": SHOWS["priority"],
            f"{base}/action/{hostile.action.pk}/remove/": SHOWS["action"],
            f"{base}/target/{hostile.target.pk}/remove/": SHOWS["target"],
        },
    )
    check_pages(client_as("officer_a"), {f"{base}/approve/": SHOWS["approval"]})


def test_plan_workflow_pages(hostile, client_as):
    """What changed since approval, and the LLSC's reasons for returning the
    plan, are shown escaped wherever they are shown."""
    plan, priority = hostile.plan, hostile.priority
    manager = client_as("manager_a")
    edit = f"/plans/{plan.pk}/priorities/{priority.pk}/actions/{hostile.action.pk}"
    response = manager.post(
        f"{edit}/edit/",
        action_data(
            description=f"{TEXT['action']} in four centres",
            lead_person=TEXT["lead_person"],
            resources=TEXT["resources"],
            funding_source=TEXT["funding"],
            success_measure=TEXT["success"],
        ),
    )
    assert response.status_code == 302
    base = f"/plans/{plan.pk}"
    changed = ["priority", "action", "approval"]
    check_pages(
        client_as("officer_a"),
        {f"{base}/": changed, f"{base}/approve/": changed, "/plans/to-approve/": []},
    )

    response = client_as("officer_a").post(
        f"{base}/approve/", {"decision": "return", "comment": TEXT["approval"]}
    )
    assert response.status_code == 302
    check_pages(
        client_as("manager_a"),
        {f"{base}/": changed, f"{base}/submit/": ["approval", "priority", "action"]},
    )


def test_messages_show_what_was_typed_escaped(hostile, client_as):
    client = client_as("manager_a")
    url = f"/plans/{hostile.plan.pk}/suggestions/"

    # The message names the accepted suggestion: its code and statement.
    accepted = client.post(url, {"code": "D1.1"}, follow=True)
    body = assert_page(accepted, ["statement"])
    assert "Priority added" in body

    # A code that is no suggestion is named back to the user, escaped.
    refused = client.post(
        url, {"code": TEXT["evidence"], "action": "dismiss"}, follow=True
    )
    body = assert_page(refused, ["evidence"])
    assert "is no longer a suggestion" in body


def test_forms_shown_again_with_errors_escape_what_was_typed(hostile, client_as):
    # The region is the national administrator's to choose.
    client = client_as("admin")
    partnership = hostile.partnership
    response = client.post(
        f"/partnerships/{partnership.pk}/edit/",
        {
            "name": script("typed-name"),
            "region": "",
            "structure_model": "unitary",
            "host_organisation": TEXT["host_organisation"],
            "host_type": "other",
            "manager_name": TEXT["manager_name"],
        },
    )
    body = assert_page(response, ["host_organisation", "manager_name"])
    assert "Select the Government Office region" in body
    assert "&lt;script&gt;alert(&quot;typed-name&quot;)" in body

    client = client_as("manager_a")
    plan = hostile.plan
    response = client.post(
        f"/plans/{plan.pk}/priorities/{hostile.priority.pk}/actions/add/",
        action_data(description=TEXT["action"], starts_on_0="31", starts_on_1="2"),
    )
    body = assert_page(response, ["action"])
    assert "Enter a real date" in body


def test_framework_pages(hostile, client_as):
    client = client_as("admin")
    check_pages(
        client,
        {
            "/frameworks/": SHOWS["framework list"],
            f"/frameworks/{hostile.framework.pk}/": SHOWS["framework"],
        },
    )

    # The exported file is YAML to download, never a page, and reads back.
    exported = client.get(f"/frameworks/{hostile.framework.pk}/export/")
    assert exported["Content-Type"].startswith("application/yaml")
    assert exported["Content-Disposition"].startswith("attachment;")
    data = yaml.safe_load(exported.content)
    assert data["dimensions"][0]["indicators"][0]["statement"] == TEXT["statement"]

    # A refused file's problems quote it back, escaped.
    data["version"] = 2
    data["dimensions"][0]["code"] = script("code")
    upload = SimpleUploadedFile(
        "framework.yaml", yaml.safe_dump(data).encode(), "application/yaml"
    )
    response = client.post("/frameworks/import/", {"file": upload})
    body = assert_page(response, [])
    assert "is not a code like D1" in body
    assert "&lt;script&gt;alert(&quot;code&quot;)&lt;/script&gt;" in body


def test_dashboard_and_rating_pages(hostile, client_as):
    pk = hostile.partnership.pk
    for user in ("go_a", "officer_a"):
        check_pages(
            client_as(user),
            {
                "/dashboard/": SHOWS["dashboard"],
                f"/dashboard/partnerships/{pk}/": SHOWS["dashboard partnership"],
                # A filter's bad value is carried into the page's links.
                "/dashboard/?" + urlencode({"period": TEXT["evidence"]}): ["name"],
            },
        )
    check_pages(
        client_as("go_a"),
        {f"/partnerships/{pk}/ratings/2003-04/": SHOWS["rating"]},
    )


def test_reminder_and_ratings_pages(
    hostile, client_as, django_capture_on_commit_callbacks
):
    client = client_as("go_a")
    # 2002-03 is not started: its reminder would go to manager_a.
    check_pages(
        client,
        {
            "/reminders/?period=2002-03": SHOWS["reminders"],
            # A bad period shows the current one, where A has submitted.
            "/reminders/?" + urlencode({"period": TEXT["evidence"]}): [],
            "/ratings/2003-04/": SHOWS["ratings"],
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/reminders/send/", {"period": "2002-03"})
    check_pages(client, {"/reminders/?period=2002-03": ["name"]})


def test_notifications_page(hostile, client_as):
    assert Notification.objects.filter(user__username="manager_a").exists()
    check_pages(
        client_as("manager_a"), {"/notifications/": SHOWS["manager's notifications"]}
    )
    check_pages(
        client_as("officer_a"), {"/notifications/": SHOWS["officer's notifications"]}
    )


def test_local_statement_pages(hostile, client_as):
    """A local LSC's statements (its name a payload, the statement one) on
    their own page and labelled on the partnership's task list."""
    from indicators.models import Indicator, Supplement
    from partnerships.models import LocalLSC

    llsc = LocalLSC.objects.get(name=TEXT["llsc"])
    supplement = Supplement.objects.create(
        framework=hostile.framework,
        period=hostile.period,
        local_lsc=llsc,
        name=TEXT["framework"],
        version=1,
        status="published",
    )
    Indicator.objects.create(
        dimension=hostile.framework.dimensions.get(code="D1"),
        supplement=supplement,
        code="D1.L1",
        statement=TEXT["statement"],
        order=101,
    )
    check_pages(
        client_as("admin"),
        {
            "/frameworks/local/": ["framework", "llsc"],
            f"/frameworks/local/{supplement.pk}/": ["framework", "llsc", "statement"],
        },
    )


def test_every_field_is_checked_on_a_page():
    shown = {field for fields in SHOWS.values() for field in fields}
    assert shown == set(TEXT)


# Charts.


def svg_elements(body: str) -> list[ElementTree.Element]:
    """Every inline SVG of a page, parsed as the XML it must be."""
    found = re.findall(r"<svg\b.*?</svg>", body, flags=re.S)
    assert found
    # The service's own output, not untrusted XML.
    return [ElementTree.fromstring(svg) for svg in found]  # noqa: S314


def assert_svg_text(body: str) -> None:
    """No script or event handler in any chart; the partnership name is a
    chart's title and label, as text."""
    titles = []
    for svg in svg_elements(body):
        for element in svg.iter():
            assert element.tag.rsplit("}", 1)[-1].lower() != "script"
            assert [name for name in element.attrib if name.startswith("on")] == []
            if element.tag.endswith("title") and element.text:
                titles.append(element.text)
        titles.append(str(svg.get("aria-label")))
    # Read as XML, the title is the text typed: it was escaped in the markup.
    assert any(title.startswith(TEXT["name"]) for title in titles), titles


def test_radar_chart_of_a_partnership(hostile, client_as):
    response = client_as("go_a").get(
        f"/dashboard/partnerships/{hostile.partnership.pk}/"
    )

    body = assert_page(response, ["name"])
    assert_svg_text(body)


# Exports.


def export_rows(rows: list[list[Any]]) -> dict[str, list[Any]]:
    """The rows of partnership A by indicator code."""
    assert list(rows[0]) == EXPORT_HEADERS
    return {str(row[5]): list(row) for row in rows[1:]}


def test_csv_export_neutralises_formulas(hostile, client_as):
    response = client_as("go_a").get("/dashboard/scores.csv", {"period": "2003-04"})

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = export_rows(list(csv.reader(io.StringIO(body))))
    first = rows["D1.1"]
    # Shown as typed, after the apostrophe that keeps a spreadsheet from
    # evaluating it.
    assert first[0] == "'" + TEXT["name"]
    assert first[6] == "'" + TEXT["statement"]
    assert first[9] == "'" + TEXT["barriers"]
    for code, formula in FORMULAS.items():
        assert rows[code][9] == "'" + formula
    # Text that is no formula is left alone.
    assert first[1] == "Yorkshire and the Humber"
    assert rows["D2.1"][6] == hostile_statement("D2.1")
    assert not any(
        cell.startswith(("=", "+", "-", "@")) for row in rows.values() for cell in row
    )


def hostile_statement(code: str) -> str:
    data = yaml.safe_load(hostile_framework_file())
    dimension = next(d for d in data["dimensions"] if code.startswith(d["code"] + "."))
    return next(i["statement"] for i in dimension["indicators"] if i["code"] == code)


def test_xlsx_export_keeps_formulas_as_text(hostile, client_as):
    response = client_as("go_a").get("/dashboard/scores.xlsx", {"period": "2003-04"})

    content = b"".join(response.streaming_content)
    # No cell of any sheet is a formula.
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert len(sheets) == 4
        for name in sheets:
            sheet_xml = archive.read(name).decode()
            assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    sheet = load_workbook(io.BytesIO(content))["Scores"]
    rows = export_rows([[cell.value for cell in row] for row in sheet.iter_rows()])
    cells = {str(row[5].value): row for row in sheet.iter_rows(min_row=2)}
    first = rows["D1.1"]
    # The text exactly as typed, in a text cell marked as text.
    assert first[0] == TEXT["name"]
    assert first[6] == TEXT["statement"]
    assert first[9] == TEXT["barriers"]
    for code, formula in FORMULAS.items():
        assert rows[code][9] == formula
        cell = cells[code][9]
        assert (cell.data_type, cell.quotePrefix) == ("s", True)
    assert (cells["D1.1"][0].data_type, cells["D1.1"][0].quotePrefix) == ("s", True)
    # The sheet of partnerships as on the page keeps the name as text too.
    name = load_workbook(io.BytesIO(content))["Partnerships"]["A2"]
    assert (name.value, name.data_type, name.quotePrefix) == (TEXT["name"], "s", True)


def test_ods_export_keeps_formulas_as_text(hostile, client_as):
    client = client_as("go_a")
    response = client.get("/dashboard/scores.ods", {"period": "2003-04"})
    content = b"".join(response.streaming_content)
    # No cell is a formula: every typed value is a text cell.
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert "table:formula" not in archive.read("content.xml").decode()
    sheets = ods_sheets(content)
    rows = export_rows(sheets["Scores"])
    first = rows["D1.1"]
    # The text exactly as typed, as the workbook holds it.
    assert first[0] == TEXT["name"]
    assert first[6] == TEXT["statement"]
    assert first[9] == TEXT["barriers"]
    for code, formula in FORMULAS.items():
        assert rows[code][9] == formula
    assert sheets["Partnerships"][1][0] == TEXT["name"]
    workbook = b"".join(
        client.get("/dashboard/scores.xlsx", {"period": "2003-04"}).streaming_content
    )
    same_cells(sheets, xlsx_sheets(workbook))


# PDFs.


def assert_pdf_text(response: Any, fields: list[str]) -> str:
    """A PDF whose text holds each field's payload as typed: printed, not read
    as markup, and not escaped twice."""
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert re.fullmatch(
        r'inline; filename="[a-z0-9-]+\.pdf"', response["Content-Disposition"]
    )
    content = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    text = pdf_text(content)
    assert [f for f in fields if squashed(TEXT[f]) not in squashed(text)] == []
    assert "&lt;" not in text and "&quot;" not in text and "&amp;" not in text
    return text


def test_plan_pdf(hostile, client_as):
    response = client_as("manager_a").get(f"/plans/{hostile.plan.pk}/pdf/")

    assert_pdf_text(
        response,
        [
            "name",
            "person",
            "barriers",
            "priority",
            "priority_description",
            "plausibility",
            "action",
            "lead_person",
            "resources",
            "funding",
            "success",
            "measure",
            "unit",
            "narrative",
            "approval",
        ],
    )


def test_return_pdf(hostile, client_as):
    response = client_as("manager_a").get(f"/returns/{hostile.return_record.pk}/pdf/")

    assert_pdf_text(
        response,
        [
            "name",
            "framework",
            "dimension",
            "statement",
            "evidence",
            "barriers",
            "planned_action",
            "officer_comment",
            "overall_comment",
        ],
    )


def test_regional_summary_pdf(hostile, client_as):
    sources: list[str] = []
    real = reports_pdf.html_to_pdf

    def keep(html: str) -> bytes:
        sources.append(html)
        return real(html)

    client = client_as("go_a")
    with mock.patch.object(reports_pdf, "html_to_pdf", side_effect=keep):
        client.post("/dashboard/summary/")
    summary = SummaryDocument.objects.get()
    response = client.get(f"/summaries/{summary.pk}/download/")

    assert_pdf_text(response, ["name", "lsp", "category", "priority"])
    # Its page names the region and the filters, nothing typed.
    assert_page(client.get(f"/summaries/{summary.pk}/"), [])
    # The HTML it was drawn from, charts included.
    (source,) = sources
    assert_no_live_markup(source)
    assert escaped("name") in source
    assert_svg_text(source)


# Emails and notifications.


def assert_plain_emails(messages: list[Any]) -> None:
    for message in messages:
        assert "\n" not in message.subject and "\r" not in message.subject
        assert message.content_subtype == "plain"
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                assert_no_live_markup(str(content))


def test_emails_are_plain_text(hostile, cast):
    by_recipient: dict[str, list[Any]] = {}
    for message in mail.outbox:
        for address in message.to:
            by_recipient.setdefault(address, []).append(message)
    officer = by_recipient[cast["officer_a"].email]
    manager = by_recipient[cast["manager_a"].email]
    # The return submitted twice; the plan submitted for approval.
    assert len(officer) == 3
    # The return returned, then taken into review (the officer saved agreed
    # scores) and accepted; the plan approved.
    assert len(manager) == 4
    assert_plain_emails(mail.outbox)
    # Plain text: what was typed, as typed.
    assert all(TEXT["name"] in message.body for message in mail.outbox)
    assert any(TEXT["reasons"] in message.body for message in manager)
    assert any(TEXT["approval"] in message.body for message in manager)


def test_reminder_email_is_plain_text(
    hostile, cast, period_2002, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    today = timezone.localdate()
    Period.objects.filter(pk=period_2002.pk).update(
        submission_deadline=today + datetime.timedelta(days=5)
    )

    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(days=14, today=today)

    assert_plain_emails(mail.outbox)
    (message,) = [m for m in mail.outbox if m.to == [cast["manager_a"].email]]
    assert message.subject == f"Self-assessment due: {TEXT['name']}"
    assert TEXT["name"] in message.body


@pytest.fixture
def period_2002(hostile) -> Period:
    return Period.objects.get(code="2002-03")


def edit_partnership(client, partnership, name: str, host: str):
    """The partnership's edit form, posted with this name and host."""
    return client.post(
        f"/partnerships/{partnership.pk}/edit/",
        {
            "name": name,
            "region": partnership.region_id,
            "structure_model": "unitary",
            "host_organisation": host,
            "host_type": "other",
            "manager_name": "Manager",
            "is_active": "on",
        },
    )


def test_the_edit_form_puts_a_name_on_one_line(hostile, client_as):
    """A line break or tab (pasted, or posted by hand) in a one-line box
    becomes a space."""
    partnership = hostile.partnership
    response = edit_partnership(
        client_as("manager_a"),
        partnership,
        name="Alpha\r\nBcc: everyone@example.org",
        host="Host\tOrganisation\n",
    )
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert partnership.name == "Alpha Bcc: everyone@example.org"
    assert partnership.host_organisation == "Host Organisation"


def test_a_name_cannot_reorder_what_others_see(hostile, client_as):
    """A right-to-left override or isolate typed into a name is dropped, so
    the GO officer reads the name as the manager meant it to look."""
    partnership = hostile.partnership
    response = edit_partnership(
        client_as("manager_a"),
        partnership,
        name="Alpha \u202egninraeL\u202c \u2067Partnership\u2069",
        host="Host\u200f Organisation\u200b",
    )
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert partnership.name == "Alpha gninraeL Partnership"
    assert partnership.host_organisation == "Host Organisation"
    page = client_as("go_a").get(f"/partnerships/{partnership.pk}/").content.decode()
    assert "Alpha gninraeL Partnership" in page
    assert not any(mark in page for mark in "\u202e\u202c\u2067\u2069\u200f\u200b")


def test_the_edit_form_refuses_hidden_control_characters(hostile, client_as):
    partnership = hostile.partnership
    before = partnership.name
    response = edit_partnership(
        client_as("manager_a"), partnership, name="Alpha\x07Learning", host="Host"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Name must not include hidden control characters" in page
    partnership.refresh_from_db()
    assert partnership.name == before


def test_a_line_break_in_a_name_cannot_break_the_reminders(
    hostile, client_as, cast, period_2002, django_capture_on_commit_callbacks
):
    """A name stored with a line break (from before the forms put names on one
    line, or an import): an email header cannot hold one (Django refuses to send it), so
    the reminder's subject is one line and every partnership is still
    reminded."""
    partnership = hostile.partnership
    partnership.name = "Alpha\nBcc: everyone@example.org"
    partnership.save()
    mail.outbox.clear()
    today = timezone.localdate()
    Period.objects.filter(pk=period_2002.pk).update(submission_deadline=today)

    with django_capture_on_commit_callbacks(execute=True):
        sent = send_reminders(days=14, today=today)

    assert {s.partnership.name for s in sent} == {partnership.name, "Bravo Learning"}
    (message,) = [m for m in mail.outbox if m.to == [cast["manager_a"].email]]
    assert message.subject == "Self-assessment due: Alpha Bcc: everyone@example.org"
    headers = message.message()
    assert headers["Bcc"] is None
    assert message.recipients() == [cast["manager_a"].email]


# Packs.


def test_pack_readme_and_page(hostile, client_as):
    client = client_as("go_a")

    client.post("/packs/", {"period": "2003-04"})

    pack = Pack.objects.get()
    assert pack.status == "complete"
    content = b"".join(client.get(f"/packs/{pack.pk}/download/").streaming_content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        manifest = archive.read("README.txt").decode()
    assert all(re.fullmatch(r"[a-z0-9-]+\.pdf|README\.txt", name) for name in names)
    # A text file: the name as typed.
    assert TEXT["name"] in manifest
    assert_page(client.get(f"/packs/{pack.pk}/"), [])

    # A plan that fails is listed on the pack's page by name, with the error.
    with mock.patch(
        "reports.packs.render_pdf", side_effect=RuntimeError(script("error"))
    ):
        client.post("/packs/", {"period": "2003-04"})
    failed = Pack.objects.exclude(pk=pack.pk).get()
    assert failed.failures == [{"partnership": TEXT["name"], "error": script("error")}]
    body = assert_page(client.get(f"/packs/{failed.pk}/"), ["name"])
    assert "&lt;script&gt;alert(&quot;error&quot;)&lt;/script&gt;" in body


def test_answers_are_stored_as_typed(hostile):
    """The SQL payload is a value like any other."""
    hostile.partnership.refresh_from_db()
    assert hostile.partnership.chair_name == TEXT["chair_name"]
    first = Answer.objects.get(
        return_record=hostile.return_record, indicator__code="D1.1"
    )
    assert (first.evidence, first.barriers, first.officer_comment) == (
        TEXT["evidence"],
        TEXT["barriers"],
        TEXT["officer_comment"],
    )


def test_long_text_is_shown_isolated(hostile, client_as):
    """Evidence, barriers, planned action and comments are shown in elements
    of their own direction (dir="auto"): an override typed into one cannot
    reorder the text after it."""
    record = hostile.return_record
    page = (
        client_as("officer_a").get(f"/returns/{record.pk}/review/D1/").content.decode()
    )
    for label in ("Evidence", "Barriers", "Planned action"):
        assert re.search(
            rf'<dt class="govuk-summary-list__key">{label}</dt>'
            r'<dd class="govuk-summary-list__value" dir="auto">',
            page,
        ), label


def test_period_pages(hostile, client_as):
    """The periods list, and opening a period from the hostile framework: its
    name is shown escaped on the framework question and the check page."""
    client = client_as("admin")
    check_pages(client, {"/periods/": ["framework"]})
    answers = {
        "code": {"code": "2004-05"},
        "dates": {
            **date_fields("starts_on", ("1", "4", "2004")),
            **date_fields("ends_on", ("31", "3", "2005")),
        },
        "deadline": date_fields("submission_deadline", ("31", "5", "2005")),
        "framework": {"framework_use": "draft"},
    }
    for step, data in answers.items():
        assert client.post(f"/periods/open/{step}/", data).status_code == 302
    check_pages(
        client,
        {
            "/periods/open/framework/": ["framework"],
            "/periods/open/check/": ["framework"],
        },
    )

"""The development plan and the scored return as HTML pages and as PDFs: what
they show, that the PDF is tagged A4 with embedded fonts, the chart's text
alternative, and who may fetch them.

WeasyPrint takes a second or more a document, so each PDF is made once per
module (the data behind it is the same in every test) and shared."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

import pytest
from pypdf import PdfReader

from assessment.models import Return
from assessment.services import return_start, return_submit
from plans import services as plan_services
from plans.selectors import plan_document

from .conftest import PRIORITY_TITLES
from .helpers import (
    AGREED_SCORES,
    CODES,
    SELF_SCORES,
    fill_answers,
    pdf_text,
    signed_in,
    table,
    tables,
    text,
    words,
)

# Dimension means of SELF and AGREED (helpers), worked out by hand:
# D1 self 16/7, agreed 2; D2 self 2, agreed 3; D3 3 and 3; D4 self 25/7,
# agreed 19/7. Last year (2002-03, self scores only): every indicator 2, D3 1.
MEANS = {
    "D1": ("2.29", "2.00", "2.00"),
    "D2": ("2.00", "3.00", "2.00"),
    "D3": ("3.00", "3.00", "1.00"),
    "D4": ("3.57", "2.71", "2.00"),
}
IN_SCOPE = ["manager_a", "officer_a", "go_a", "admin"]
OUT_OF_SCOPE = ["manager_b", "officer_elsewhere", "go_elsewhere", "no_role"]

# Made once per module: {name: (response headers, content, extracted text)}.
_PDFS: dict[str, tuple[dict[str, str], bytes, str]] = {}


def fetch_pdf(key: str, client, url: str) -> tuple[dict[str, str], bytes, str]:
    if key not in _PDFS:
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        headers = {
            "Content-Type": response["Content-Type"],
            "Content-Disposition": response["Content-Disposition"],
        }
        _PDFS[key] = (headers, response.content, pdf_text(response.content))
    return _PDFS[key]


@pytest.fixture
def last_year(partnership_a, manager_a, period_2002) -> Return:
    """Partnership A's 2002-03 return: every indicator self scored 2 (D3: 1)."""
    previous = return_start(
        partnership=partnership_a, period=period_2002, user=manager_a
    )
    fill_answers(
        previous,
        {code: 1 if code.startswith("D3") else 2 for code in CODES},
    )
    return_submit(return_record=previous, user=manager_a)
    return previous


@pytest.fixture
def plan(last_year, plan_a, furnish):
    return furnish(plan_a)


@pytest.fixture
def plan_pdf(plan, client_as) -> tuple[dict[str, str], bytes, str]:
    return fetch_pdf("plan", client_as("manager_a"), f"/plans/{plan.pk}/pdf/")


@pytest.fixture
def return_pdf(accepted_a, client_as) -> tuple[dict[str, str], bytes, str]:
    return fetch_pdf("return", client_as("officer_a"), f"/returns/{accepted_a.pk}/pdf/")


def reader(content: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(content))


def fonts(pdf: PdfReader) -> list[Any]:
    """Every font dictionary used by the pages and the forms they draw."""
    found: dict[int, Any] = {}
    seen: set[int] = set()

    def walk(resources: Any) -> None:
        resources = resources.get_object() if resources is not None else None
        if not resources or id(resources) in seen:
            return
        seen.add(id(resources))
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            found[id(font)] = font
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                walk(xobject.get("/Resources"))

    for page in pdf.pages:
        walk(page.get("/Resources"))
    return list(found.values())


def descriptor(font: Any) -> Any:
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    return font["/FontDescriptor"].get_object()


def score_rows(page: str) -> list[list[str]]:
    """The rows of the plan's score table (the chart's data), without the header."""
    found = tables(page, "Mean scores by dimension (the data of the chart)")
    assert len(found) == 1
    return found[0][1:]


# The plan page


def test_the_plan_page_shows_the_scores_priorities_actions_and_targets(plan, client_as):
    response = client_as("manager_a").get(f"/plans/{plan.pk}/")

    assert response.status_code == 200
    header = table(response, "Mean scores by dimension (the data of the chart)")[0]
    assert header == [
        "Dimension",
        "Self score",
        "Agreed score",
        "Last year",
        "Agreed stage",
    ]
    rows = score_rows(response.content.decode())
    assert [row[0][:2] for row in rows] == ["D1", "D2", "D3", "D4"]
    assert {row[0][:2]: tuple(row[1:4]) for row in rows} == MEANS
    page = text(response)
    for title in PRIORITY_TITLES:
        assert title in page
    for number in (1, 2, 3):
        assert f"Action {number}: extend outreach to a new ward" in page
        assert f"Measure {number} (learners)" in page
    targets = tables(response.content.decode(), "Targets")
    assert targets[0][0] == [
        "Measure",
        "Baseline",
        "Floor",
        "Aspirational",
        "Jul 2003",
        "Nov 2003",
        "Mar 2004",
        "Progress",
    ]
    assert targets[0][1][1:] == [
        "100",
        "150",
        "200",
        "120",
        "160.50",
        "–",
        "Floor target met",
    ]


def test_target_progress_is_judged_on_the_latest_actual_value(
    plan_a, indicators, client_as, manager_a
):
    priority = plan_services.priority_save(
        plan=plan_a,
        user=manager_a,
        title="Targets",
        dimension=indicators["D1.1"].dimension,
        indicators=[],
    )
    first, second, third = plan_a.monitoring_points.order_by("due_on")
    cases = [
        # measure, baseline, floor, aspirational, actuals by point
        ("None yet", "100", "150", "200", {}),
        ("Rising, below floor", "100", "150", "200", {first: "120"}),
        ("Rising, floor met", "100", "150", "200", {first: "90", second: "150"}),
        ("Rising, aspiration met", "100", "150", "200", {third: "200"}),
        ("Rising, fell back", "100", "150", "200", {first: "210", second: "140"}),
        ("Falling, floor met", "40", "35", "30", {first: "38", second: "33"}),
        ("Falling, aspiration met", "40", "35", "30", {third: "29.5"}),
        ("Falling, below floor", "40", "35", "30", {second: "36"}),
    ]
    for measure, baseline, floor, aspirational, actuals in cases:
        plan_services.target_save(
            priority=priority,
            user=manager_a,
            measure=measure,
            unit="%",
            baseline=Decimal(baseline),
            floor=Decimal(floor),
            aspirational=Decimal(aspirational),
            actuals={point.pk: Decimal(value) for point, value in actuals.items()},
        )

    response = client_as("manager_a").get(f"/plans/{plan_a.pk}/")

    rows = table(response, "Targets")[1:]
    assert {row[0].split(" (%)")[0]: row[-1] for row in rows} == {
        "None yet": "No actual value yet",
        "Rising, below floor": "Below the floor target",
        "Rising, floor met": "Floor target met",
        "Rising, aspiration met": "Aspirational target met",
        "Rising, fell back": "Below the floor target",
        "Falling, floor met": "Floor target met",
        "Falling, aspiration met": "Aspirational target met",
        "Falling, below floor": "Below the floor target",
    }
    by_measure = {row[0].split(" (%)")[0]: row[4:7] for row in rows}
    assert by_measure["Rising, fell back"] == ["210", "140", "–"]
    assert by_measure["Falling, aspiration met"] == ["–", "–", "29.50"]


def test_the_chart_is_inline_svg_with_a_text_alternative_and_its_data_follows(
    plan, client_as
):
    page = client_as("manager_a").get(f"/plans/{plan.pk}/").content.decode()

    svg = re.search(r"<svg\b[^>]*>", page)
    assert svg is not None
    opening = svg.group(0)
    assert 'role="img"' in opening
    label = re.search(r'aria-label="([^"]+)"', opening)
    assert label is not None
    assert label.group(1) == "Dimension scores, 2003-04"
    end = page.index("</svg>", svg.start())
    # The next table after the drawing is its data.
    after = page[end:]
    first_table = after.index("<table")
    assert after.index("Mean scores by dimension (the data of the chart)") > first_table
    assert "<svg" not in after[:first_table]
    caption = re.search(r"<figcaption[^>]*>(.*?)</figcaption>", after, re.S)
    assert caption is not None
    assert words(caption.group(1)).startswith(
        "Dimension scores, 2003-04. Self score: D1 2.29, D2 2.00, D3 3.00, D4 3.57; "
        "Agreed score: D1 2.00, D2 3.00, D3 3.00, D4 2.71; "
        "Last year: D1 2.00, D2 2.00, D3 1.00, D4 2.00."
    )


# The plan PDF


def test_the_plan_pdf_is_a_pdf(plan_pdf):
    headers, content, _ = plan_pdf

    assert content.startswith(b"%PDF")
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == (
        'inline; filename="development-plan-alpha-learning-2003-04.pdf"'
    )


def test_the_plan_pdf_has_the_partnership_and_every_priority(plan_pdf):
    found = plan_pdf[2]

    assert "Alpha Learning Learning Partnership" in found
    for title in PRIORITY_TITLES:
        assert words(title) in found
    for number in (1, 2, 3):
        assert f"Action {number}: extend outreach to a new ward" in found
    assert "Outreach started in two of the three centres." in found
    # The PDF has no links to change the plan.
    for link in ("Remove", "Add a priority", "Report progress", "Download the plan"):
        assert link not in found


def test_the_plan_pdf_scores_are_those_of_the_page(plan, plan_pdf, client_as):
    page = client_as("manager_a").get(f"/plans/{plan.pk}/").content.decode()
    found = plan_pdf[2]

    rows = score_rows(page)
    assert len(rows) == 4
    for row in rows:
        assert " ".join(row) in found
    assert {row[0][:2]: tuple(row[1:4]) for row in rows} == MEANS


def test_the_plan_pdf_is_tagged_english_a4_with_embedded_fonts(plan_pdf):
    pdf = reader(plan_pdf[1])

    assert "Alpha Learning" in pdf.metadata["/Title"]
    root = pdf.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert "/MarkInfo" in root or "/StructTreeRoot" in root
    if "/MarkInfo" in root:
        assert root["/MarkInfo"]["/Marked"]
    assert len(pdf.pages) >= 2
    for page in pdf.pages:
        box = page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    used = fonts(pdf)
    assert used
    for font in used:
        held = descriptor(font)
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(held), font["/BaseFont"]


def test_a_plan_of_sixty_actions_renders(plan_a, furnish, plan_pdf, client_as):
    """A plan as long as the longest the service expects lays out page after page.

    Slow: it is the whole PDF of a plan of 60 actions (about ten pages), made
    as a manager asks for it; a shorter plan would not show the long one works.
    """
    big = furnish(plan_a, actions=60, targets=9)

    response = client_as("manager_a").get(f"/plans/{big.pk}/pdf/")

    assert response.status_code == 200
    pdf = reader(response.content)
    assert len(pdf.pages) > len(reader(plan_pdf[1]).pages)
    found = pdf_text(response.content)
    for number in range(1, 61):
        assert f"Action {number}: extend outreach to a new ward" in found
    pages = len(pdf.pages)
    assert f"Page {pages} of {pages}" in found


# The scored return


def indicator_scores(found: str) -> dict[str, tuple[str, str]]:
    """Each indicator's self and agreed score, from the document's text."""
    return {
        code: (self_score, agreed)
        for code, self_score, agreed in re.findall(
            r"Indicator (D\d\.\d) .*?Self score (\d) .*?Agreed score (\d)", found
        )
    }


def test_the_return_document_has_every_indicator_with_both_scores(
    accepted_a, client_as
):
    response = client_as("manager_a").get(f"/returns/{accepted_a.pk}/document/")

    assert response.status_code == 200
    assert indicator_scores(text(response)) == {
        code: (str(SELF_SCORES[code]), str(AGREED_SCORES[code])) for code in CODES
    }
    # Each mean with the stage it stands for beside it.
    summary = {
        row[0][:2]: (row[1].split()[0], row[2].split()[0])
        for row in table(response, "Mean scores by dimension")[1:]
    }
    assert summary == {code: means[:2] for code, means in MEANS.items()}


def test_the_return_pdf_has_every_indicator_with_both_scores(
    accepted_a, return_pdf, client_as
):
    headers, content, found = return_pdf
    page = client_as("manager_a").get(f"/returns/{accepted_a.pk}/document/")

    assert content.startswith(b"%PDF")
    assert headers["Content-Type"] == "application/pdf"
    assert "Alpha Learning Learning Partnership" in found
    assert indicator_scores(found) == indicator_scores(text(page))
    for code in CODES:
        assert f"Evidence for {code}" in found
    for row in table(page, "Mean scores by dimension")[1:]:
        assert " ".join(row) in found
    pdf = reader(content)
    assert "Alpha Learning" in pdf.metadata["/Title"]
    assert pdf.trailer["/Root"]["/Lang"] == "en-GB"
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


# Who may fetch the documents


@pytest.fixture
def stub_pdf(monkeypatch):
    """Scoping needs no real PDF: the view's scoping and context run as ever,
    WeasyPrint does not."""
    import reports.views

    made = []

    def render(template, context, request=None):
        made.append(template)
        return b"%PDF-1.7 stub"

    monkeypatch.setattr(reports.views, "render_pdf", render)
    return made


def document_urls(plan) -> list[str]:
    return [
        f"/plans/{plan.pk}/",
        f"/plans/{plan.pk}/pdf/",
        f"/returns/{plan.source_return_id}/pdf/",
        f"/returns/{plan.source_return_id}/document/",
    ]


@pytest.mark.parametrize("name", IN_SCOPE)
def test_people_in_scope_get_the_documents(plan, cast, stub_pdf, name):
    client = signed_in(cast[name])

    for url in document_urls(plan):
        assert client.get(url).status_code == 200, url

    assert stub_pdf == ["reports/plan_pdf.html", "reports/return_pdf.html"]


@pytest.mark.parametrize("name", OUT_OF_SCOPE)
def test_people_out_of_scope_get_404(plan, cast, stub_pdf, name):
    client = signed_in(cast[name])

    for url in document_urls(plan):
        assert client.get(url).status_code == 404, url

    assert stub_pdf == []


def test_anonymous_people_are_sent_to_sign_in(plan, anonymous, stub_pdf):
    for url in document_urls(plan):
        response = anonymous.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"/accounts/login/?next={url}"

    assert stub_pdf == []


def test_the_documents_of_another_partnership_are_404(
    plan, client_as, partnership_b, manager_b, period_2003, stub_pdf
):
    other_return = return_start(
        partnership=partnership_b, period=period_2003, user=manager_b
    )
    other = plan_services.plan_create(return_record=other_return, user=manager_b)
    client = client_as("manager_a")

    for url in document_urls(other):
        assert client.get(url).status_code == 404, url
    assert stub_pdf == []
    # ... while the administrator sees them.
    admin = client_as("admin")
    for url in document_urls(other):
        assert admin.get(url).status_code == 200, url


def test_the_return_pdf_is_a_get(accepted_a, client_as, stub_pdf):
    client = client_as("manager_a")

    assert client.post(f"/returns/{accepted_a.pk}/pdf/").status_code == 405
    assert client.post(f"/plans/{accepted_a.pk}/pdf/").status_code == 405


def test_last_years_unsubmitted_draft_stays_out_of_the_plan(
    partnership_a, manager_a, period_2002, plan_a, client_as
):
    previous = return_start(
        partnership=partnership_a, period=period_2002, user=manager_a
    )
    fill_answers(previous, dict.fromkeys(CODES, 4))

    assert plan_document(plan=plan_a).last_year == {}
    page = text(client_as("officer_a").get(f"/plans/{plan_a.pk}/"))
    assert "Last year: D1 4.00" not in page

    return_submit(return_record=previous, user=manager_a)
    assert plan_document(plan=plan_a).last_year["D1"] == 4

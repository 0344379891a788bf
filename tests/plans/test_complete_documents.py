"""The scored return's page and PDF hold everything the return says, in
full: every indicator's statement, self score, evidence, barriers, planned
action, and the LLSC's agreed score and comments once the reader may see
them, with the radar of self against agreed scores. The plan's and the
return's PDFs keep headings with what follows them and start with a full
first page. Nothing is cut with an ellipsis.

PDF text is read as pdftotext (poppler-utils) reads it; each PDF is made
once per module, WeasyPrint taking a second or more."""

from __future__ import annotations

import re
import subprocess

import pytest

from assessment.models import Answer, Return, ReturnStatus
from indicators.models import Indicator, ScoreLevel

from .helpers import AGREED_SCORES, CODES, SELF_SCORES, fill_answers, text

PLANNED = {code: f"Planned for {code}: a review day with members." for code in CODES}
BARRIERS = {code: f"Barrier of {code}: funding streams." for code in CODES}
COMMENTS = {code: f"LLSC view on {code}: well evidenced." for code in CODES}
OVERALL = "An honest self-assessment; the agreed scores follow the evidence."

_PDFS: dict[str, bytes] = {}


def pdf_pages(content: bytes) -> list[list[str]]:
    """Each page's non-empty lines as pdftotext reads them, without the
    running header and the page number."""
    done = subprocess.run(
        ["pdftotext", "-", "-"],  # noqa: S607
        input=content,
        capture_output=True,
        check=True,
    )
    pages = done.stdout.decode().split("\f")
    lines = [
        [line.strip() for line in page.splitlines() if line.strip()] for page in pages
    ]
    return [
        [
            line
            for line in page
            if not re.fullmatch(r"Page \d+ of \d+", line) and "·" not in line
        ]
        for page in lines
        if page
    ]


def pdf_words(content: bytes) -> str:
    return " ".join(" ".join(" ".join(page) for page in pdf_pages(content)).split())


def headings(html: str) -> list[str]:
    """The text of every heading of a page, spaces collapsed."""
    found = re.findall(r"<h([1-4])\b[^>]*>(.*?)</h\1>", html, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", body).split()) for _, body in found]


def last_lines_not_headings(pages: list[list[str]], page_headings: list[str]) -> None:
    """No page's last line is a heading (or a heading's last line)."""
    for number, lines in enumerate(pages, start=1):
        ending = lines[-1]
        assert not any(h.endswith(ending) for h in page_headings), (number, ending)


def scored(label: str, value: int, stages: dict[int, str]) -> str:
    return f"{label} {value} ({stages[value]})"


def fetch(key: str, client, url: str) -> bytes:
    if key not in _PDFS:
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        _PDFS[key] = response.content
    return _PDFS[key]


def review(return_record: Return, status: str) -> Return:
    """The LLSC's agreed scores and comments, and the overall comment."""
    for code, score in AGREED_SCORES.items():
        Answer.objects.filter(return_record=return_record, indicator__code=code).update(
            agreed_score=score, officer_comment=COMMENTS[code]
        )
    Return.objects.filter(pk=return_record.pk).update(
        status=status, review_comment=OVERALL
    )
    return Return.objects.get(pk=return_record.pk)


@pytest.fixture
def scored_a(return_a, manager_a) -> Return:
    """Partnership A's return with every score, barrier and planned action."""
    from assessment.services import return_submit

    fill_answers(return_a, SELF_SCORES, barriers=BARRIERS, planned=PLANNED)
    return_submit(return_record=return_a, user=manager_a)
    return Return.objects.get(pk=return_a.pk)


@pytest.fixture
def reviewed_a(scored_a) -> Return:
    return review(scored_a, ReturnStatus.ACCEPTED)


@pytest.fixture
def statements(framework) -> dict[str, str]:
    return {
        i.code: i.statement
        for i in Indicator.objects.filter(dimension__framework=framework)
    }


@pytest.fixture
def stages(framework) -> dict[int, str]:
    return dict(
        ScoreLevel.objects.filter(framework=framework).values_list("value", "label")
    )


# The page


def test_the_return_page_shows_every_indicator_in_full_with_the_review(
    reviewed_a, client_as, statements, stages, django_assert_max_num_queries
):
    client = client_as("manager_a")
    with django_assert_max_num_queries(16):
        response = client.get(f"/returns/{reviewed_a.pk}/document/")

    assert response.status_code == 200
    page = text(response)
    assert len(statements) == 28
    for code in CODES:
        assert statements[code] in page
        assert PLANNED[code] in page
        assert BARRIERS[code] in page
        assert COMMENTS[code] in page
        assert f"Evidence for {code}" in page
    for code in ("D1.1", "D4.7"):
        block = page[page.index(f"Indicator {code}") :]
        assert block.index(scored("Self score", SELF_SCORES[code], stages)) < 400
        assert scored("Agreed score", AGREED_SCORES[code], stages) in block
    assert OVERALL in page
    assert "…" not in page and "..." not in page


def test_the_return_page_carries_the_radar_of_self_against_agreed(
    reviewed_a, client_as
):
    response = client_as("go_a").get(f"/returns/{reviewed_a.pk}/document/")

    body = response.content.decode()
    assert body.count("<svg") == 1
    assert 'aria-label="Self and agreed scores by dimension, 2003-04"' in body
    # The chart's text alternative gives both series, dimension by dimension.
    assert "Self score: D1 2.29, D2 2.00, D3 3.00, D4 3.57" in text(response)
    assert "Agreed score: D1 2.00, D2 3.00, D3 3.00, D4 2.71" in text(response)


def test_a_stage_is_named_only_beside_a_score(reviewed_a, client_as, stages):
    Answer.objects.filter(return_record=reviewed_a, indicator__code="D2.3").update(
        score=None, agreed_score=None
    )

    page = text(client_as("manager_a").get(f"/returns/{reviewed_a.pk}/document/"))

    block = page[page.index("Indicator D2.3") : page.index("Indicator D2.4")]
    assert "Self score Not scored" in block
    assert "Agreed score Not agreed" in block
    assert not any(label in block for label in stages.values())
    assert "()" not in page and "Stage: -" not in page


def test_the_review_stays_the_officers_until_decided(scored_a, client_as):
    """Saved moderation is not shown to the manager while the return is in
    review; its reviewer sees it."""
    in_review = review(scored_a, ReturnStatus.IN_REVIEW)

    manager = text(client_as("manager_a").get(f"/returns/{in_review.pk}/document/"))
    officer = text(client_as("officer_a").get(f"/returns/{in_review.pk}/document/"))

    assert COMMENTS["D1.1"] not in manager and OVERALL not in manager
    assert "Agreed score" not in manager
    assert PLANNED["D1.1"] in manager
    assert COMMENTS["D1.1"] in officer and OVERALL in officer
    assert f"Agreed score {AGREED_SCORES['D1.1']}" in officer


# The return's PDF


@pytest.fixture
def return_pdf(reviewed_a, client_as) -> bytes:
    return fetch("return", client_as("manager_a"), f"/returns/{reviewed_a.pk}/pdf/")


def test_the_return_pdf_has_every_statement_planned_action_and_comment(
    return_pdf, statements, stages
):
    found = pdf_words(return_pdf)

    for code in CODES:
        assert statements[code] in found, code
        assert PLANNED[code] in found, code
        assert BARRIERS[code] in found, code
        assert COMMENTS[code] in found, code
        assert scored("Agreed score", AGREED_SCORES[code], stages) in found
    assert OVERALL in found
    assert "…" not in found and "..." not in found


def test_the_return_pdf_draws_the_radar(return_pdf):
    lines = [line for page in pdf_pages(return_pdf) for line in page]

    # The SVG's own title and axis labels, drawn by WeasyPrint as text.
    assert "Self and agreed scores by dimension, 2003-04" in lines
    assert {"D1", "D2", "D3", "D4"} <= set(lines)


def test_no_page_of_the_return_pdf_ends_with_a_heading(
    return_pdf, reviewed_a, client_as
):
    page_headings = headings(
        client_as("manager_a")
        .get(f"/returns/{reviewed_a.pk}/document/")
        .content.decode()
    )
    pages = pdf_pages(return_pdf)

    assert len(pages) > 2
    last_lines_not_headings(pages, page_headings)
    assert len(pages[0]) > 25


# The plan's PDF


@pytest.fixture
def plan_pdf(plan_a, furnish, client_as) -> bytes:
    plan = furnish(plan_a)
    return fetch("plan", client_as("manager_a"), f"/plans/{plan.pk}/pdf/")


def test_the_plan_pdf_first_page_is_full_and_no_page_ends_with_a_heading(
    plan_pdf, plan_a, client_as
):
    page_headings = headings(
        client_as("manager_a").get(f"/plans/{plan_a.pk}/").content.decode()
    )
    pages = pdf_pages(plan_pdf)

    # The cover flows on into the scores: more than its few lines.
    assert len(pages[0]) > 20
    assert "Dimension scores" in pages[0]
    last_lines_not_headings(pages, page_headings)
    assert "…" not in " ".join(" ".join(page) for page in pages)


# A priority taken from a suggestion


def test_a_long_statement_becomes_a_title_of_whole_words_without_an_ellipsis(
    plan_a, client_as, statements
):
    statement = statements["D1.2"]
    assert len(statement) > 194  # longer than a title holds after "D1.2: "

    response = client_as("manager_a").post(
        f"/plans/{plan_a.pk}/suggestions/", {"code": "D1.2", "action": "accept"}
    )

    assert response.status_code == 302
    priority = plan_a.priorities.get()
    assert priority.title == (
        "D1.2: The partnership's membership and structures involve the voluntary "
        "and community sector, employers, learners and residents of regeneration "
        "areas as well as providers"
    )
    assert "…" not in priority.title
    # The statement in full goes with the priority.
    assert f"Indicator D1.2: {statement}" in priority.description
    page = text(client_as("manager_a").get(f"/plans/{plan_a.pk}/"))
    assert statement in page and "…" not in page


def test_the_priority_form_names_each_indicator_by_its_whole_statement(
    plan_a, client_as, statements
):
    page = text(client_as("manager_a").get(f"/plans/{plan_a.pk}/priorities/add/"))

    for code in ("D1.2", "D2.4", "D3.6"):
        assert f"{code} {statements[code]}" in page
    assert "…" not in page

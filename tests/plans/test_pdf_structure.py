"""The plan and return PDFs tag their tables as tables: every header cell
has a scope, rows are TR, the caption is the table's own, a table running
over pages is one table, and the page margins are artifacts. Read from the
structure tree a screen reader is given (tests/pdf_structure.py) and checked
by an independent PDF/UA checker (a subset of its rules).

Each PDF is made once per module and shared."""

from __future__ import annotations

import logging

import pytest

from reports.pdf_tags import tags_finished
from tests.pdf_structure import (
    marked_texts,
    pdf_tables,
    pdfua_check,
    tree_problems,
)

ACTIONS = 40  # enough for the actions tables to run over pages
_PDFS: dict[str, bytes] = {}


def fetch(key: str, client, url: str) -> bytes:
    if key not in _PDFS:
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        _PDFS[key] = response.content
    return _PDFS[key]


@pytest.fixture
def plan_pdf(plan_a, furnish, client_as) -> bytes:
    plan = furnish(plan_a, actions=ACTIONS, targets=6)
    return fetch("plan", client_as("manager_a"), f"/plans/{plan.pk}/pdf/")


@pytest.fixture
def return_pdf(accepted_a, client_as) -> bytes:
    return fetch("return", client_as("officer_a"), f"/returns/{accepted_a.pk}/pdf/")


@pytest.fixture(params=["plan", "return"])
def document(request) -> bytes:
    return request.getfixturevalue(f"{request.param}_pdf")


def test_every_header_cell_has_a_scope(document):
    tables = pdf_tables(document)

    headers = [h for t in tables for h in t.headers]
    assert tables and headers
    assert [h for h in headers if h.scope not in ("Column", "Row")] == []


def test_every_table_has_rows_and_its_caption_first_and_no_table_inside(document):
    for table in pdf_tables(document):
        assert table.rows, table.caption
        assert all(row for row in table.rows)
        assert table.caption, table.children
        assert table.children[0] == "Caption"
        assert table.children.count("Caption") == 1
        assert not table.nested


def test_the_score_table_has_column_and_row_headers(document):
    table = pdf_tables(document)[0]

    assert table.caption.startswith("Mean scores by dimension")
    scopes = {h.text: h.scope for h in table.headers}
    assert scopes["Dimension"] == "Column"
    assert scopes["D1 Internal partnership arrangements"] == "Row"
    assert scopes["D4 Influencing regeneration policy and agencies"] == "Row"


def test_an_actions_table_over_pages_is_one_table(plan_pdf):
    actions = [t for t in pdf_tables(plan_pdf) if t.caption == "Actions"]

    # One table a priority, each with its header row once and every action.
    assert len(actions) == 3
    assert sum(len(t.rows) for t in actions) == ACTIONS + 3
    assert all(t.rows[0] == ["TH"] * len(t.rows[0]) for t in actions)
    assert all("TH" not in row[1:] for t in actions for row in t.rows[1:])
    assert any(len(t.pages) > 1 for t in actions)
    assert [h.text for h in actions[0].headers][:2] == ["Action", "Lead"]


def test_the_page_margins_are_artifacts(document):
    pages = marked_texts(document)

    assert len(pages) > 1
    for number, text in enumerate(pages, 1):
        assert f"Page {number} of" not in text
        assert "·" not in text  # the running header


def test_the_tree_the_parent_tree_and_the_ids_agree(document):
    assert tree_problems(document) == []


def test_the_independent_checker_passes(document, tmp_path):
    checked = pdfua_check(document, tmp_path)

    assert checked.returncode == 0, checked.stdout
    assert "PASS" in checked.stdout


def test_a_pdf_that_cannot_be_mended_is_kept_as_it_was(caplog):
    broken = b"%PDF-1.7\nnot really a PDF"

    with caplog.at_level(logging.WARNING, logger="reports.pdf_tags"):
        assert tags_finished(broken) == broken

    assert "PDF tags left as WeasyPrint wrote them" in caplog.text

"""The regional summary PDF tags its tables as tables: the heatmap's
visually hidden caption is the table's own caption (not tables nested in the
table), every header cell has a scope, and an independent PDF/UA checker
passes (a subset of its rules). Read from the structure tree
(tests/pdf_structure.py); the PDF is made once per module."""

from __future__ import annotations

import pytest

from tests.pdf_structure import (
    marked_texts,
    pdf_tables,
    pdfua_check,
    tree_problems,
)

from .test_regional_pdf import summary_pdf

_PDFS: dict[str, bytes] = {}


@pytest.fixture
def summary(region_set, client_as) -> bytes:
    if "summary" not in _PDFS:
        _PDFS["summary"] = summary_pdf(client_as("go_a"), {"period": "2003-04"})
    return _PDFS["summary"]


def test_the_heatmaps_hidden_caption_is_its_caption(summary):
    heatmap = pdf_tables(summary)[0]

    assert heatmap.caption == (
        "Scores of each partnership in 2003-04: the mean self score and the"
        " mean agreed score of each dimension"
    )
    assert heatmap.children == ["Caption", "THead", "TBody"]
    assert not heatmap.nested
    assert heatmap.rows[0][0] == "TH"


def test_every_table_has_a_caption_rows_and_no_table_inside(summary):
    tables = pdf_tables(summary)

    assert len(tables) > 5
    for table in tables:
        assert table.caption and table.children[0] == "Caption"
        assert table.rows and all(table.rows)
        assert not table.nested
    assert tables[-1].caption == "Each partnership's LSP relationships"


def test_every_header_cell_has_its_scope(summary):
    heatmap = pdf_tables(summary)[0]

    headers = [h for t in pdf_tables(summary) for h in t.headers]
    assert [h for h in headers if h.scope not in ("Column", "Row")] == []
    scopes = {h.text: h.scope for h in heatmap.headers}
    assert scopes["Partnership"] == "Column"
    assert scopes["Aire Partnership"] == "Row"


def test_the_page_margins_are_artifacts_and_the_tree_agrees(summary):
    pages = marked_texts(summary)

    assert all(f"Page {n} of" not in text for n, text in enumerate(pages, 1))
    assert tree_problems(summary) == []


def test_the_independent_checker_passes(summary, tmp_path):
    checked = pdfua_check(summary, tmp_path)

    assert checked.returncode == 0, checked.stdout

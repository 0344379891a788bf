"""The documents' style: a print stylesheet of the GOV.UK rules they use,
parsed once per process, charts styled by attributes rather than a
stylesheet in every chart, and tables at fixed column widths."""

from __future__ import annotations

import io
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.template.loader import render_to_string
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from plans.selectors import plan_context
from reports import pdf
from reports.charts import radar_chart
from reports.document_stylesheet import document_stylesheet


@pytest.fixture
def fresh_style(monkeypatch):
    """No stylesheet parsed yet in this thread."""
    monkeypatch.delattr(pdf._parsed, "style", raising=False)


def test_the_stylesheets_are_parsed_once_for_many_documents(
    fresh_style, plan_a, client_as
):
    client = client_as("manager_a")
    with (
        mock.patch.object(pdf, "CSS", wraps=pdf.CSS) as parsed,
        mock.patch.object(
            pdf, "FontConfiguration", wraps=pdf.FontConfiguration
        ) as fonts,
    ):
        first = client.get(f"/plans/{plan_a.pk}/pdf/")
        second = client.get(f"/plans/{plan_a.pk}/pdf/")

    assert first.status_code == second.status_code == 200
    assert first.content.startswith(b"%PDF")
    assert parsed.call_count == len(pdf.DOCUMENT_STYLESHEETS)
    assert fonts.call_count == 1
    # Both documents laid out the same with the stylesheets reused.
    pages = [len(PdfReader(io.BytesIO(r.content)).pages) for r in (first, second)]
    assert pages[0] == pages[1]


def test_a_pdf_no_longer_fetches_govuk_frontend(plan_a, client_as):
    fetched: list[str] = []
    fetch = pdf.StaticOnlyFetcher.fetch

    def recording(self, url, headers=None):
        fetched.append(url)
        return fetch(self, url, headers)

    with mock.patch.object(pdf.StaticOnlyFetcher, "fetch", recording):
        response = client_as("manager_a").get(f"/plans/{plan_a.pk}/pdf/")

    assert response.status_code == 200
    assert not [url for url in fetched if "govuk-frontend" in url]


def test_the_documents_are_styled_by_the_document_stylesheets(plan_a, client_as):
    """The page's own HTML links no stylesheet, yet the print layout applies:
    its page footer comes from print.css, one of the document stylesheets."""
    assert len(pdf.document_style().stylesheets) == len(pdf.DOCUMENT_STYLESHEETS)

    response = client_as("manager_a").get(f"/plans/{plan_a.pk}/pdf/")
    page = PdfReader(io.BytesIO(response.content)).pages[0]
    assert "Page 1 of" in page.extract_text()


def test_the_committed_stylesheet_is_up_to_date():
    call_command("document_stylesheet", "--check")


def test_check_fails_when_the_stylesheet_is_out_of_date(tmp_path):
    stale = tmp_path / "govuk-print.css"
    stale.write_text(".govuk-header{}\n", encoding="utf-8")
    command = "reports.management.commands.document_stylesheet.print_stylesheet_path"
    with (
        mock.patch(command, return_value=stale),
        pytest.raises(CommandError, match="out of date"),
    ):
        call_command("document_stylesheet", "--check")


def test_the_stylesheet_keeps_the_rules_documents_use_and_no_others():
    css = document_stylesheet()

    assert ".govuk-summary-list__key{" in css  # written by the templates
    assert ".govuk-tag--blue{" in css  # written by the status_tag filter
    assert ".govuk-header" not in css  # a page's component, never a document's
    assert ":hover" not in css and ":focus" not in css
    assert "@media" not in css  # print rules unwrapped, screen rules gone
    assert len(css.encode()) < 20_000


def test_a_chart_in_a_pdf_has_no_style_element_but_the_same_colours():
    chart = radar_chart(
        title="Scores", axes=["D1", "D2", "D3"], series={"Self": [1, 2, 3]}, maximum=4
    )

    assert "<style" not in chart.print_svg
    assert 'fill="#1d70b8"' in chart.print_svg  # the first series, GOV.UK blue
    assert 'font-family="Liberation Sans' in chart.print_svg


def test_a_printed_chart_leaves_out_what_only_a_pointer_shows():
    chart = radar_chart(
        title="Scores", axes=["D1", "D2", "D3"], series={"Self": [1, 2, 3]}, maximum=4
    )

    assert "<desc" in chart.svg and "tooltip-overlay" in chart.svg  # on screen
    assert "<desc" not in chart.print_svg
    assert "tooltip-overlay" not in chart.print_svg
    assert chart.print_svg.count("<title") == 1
    assert "<title>Scores</title>" in chart.print_svg  # the chart's own title
    assert " class=" not in chart.print_svg.split(">", 1)[1]
    assert "<g>" not in chart.print_svg and "transition=" not in chart.print_svg


def test_every_table_in_a_plan_pdf_is_laid_out_at_fixed_column_widths(plan_a, furnish):
    furnish(plan_a, actions=3, targets=2)
    html = render_to_string(
        "reports/plan_pdf.html", {**plan_context(plan=plan_a), "for_pdf": True}
    )
    style = pdf.document_style()
    document = HTML(
        string=html, base_url="file:///", url_fetcher=pdf.StaticOnlyFetcher()
    ).render(stylesheets=style.stylesheets, font_config=style.font_config)
    tables = {
        box.element.get("class"): box
        for page in document.pages
        for box in page._page_box.descendants()
        if isinstance(box, boxes.TableBox) and box.element_tag == "table"
    }

    assert {"app-doc-table--actions", "app-doc-table--targets"} <= {
        name for classes in tables for name in classes.split()
    }
    assert all(box.style["table_layout"] == "fixed" for box in tables.values())
    actions = next(box for name, box in tables.items() if "actions" in name)
    # The action's own column is the widest, as sizing to content made it.
    assert max(actions.column_widths) == actions.column_widths[0]


@pytest.mark.parametrize(("count", "fixed"), [(4, True), (6, False)])
def test_the_heatmap_is_fixed_only_for_the_dimensions_its_widths_are_for(count, fixed):
    """Its printed widths add up for four dimensions; with more, the table is
    sized to its content rather than running off the page."""
    data = mock.MagicMock()
    data.dimension_names = {f"D{n}": f"Dimension {n}" for n in range(1, count + 1)}
    data.rows = []
    dimensions = list(data.dimension_names)
    html = render_to_string(
        "reports/includes/heatmap.html",
        {"data": data, "dimensions": dimensions, "for_pdf": True},
    )
    assert ("app-heatmap--fixed" in html) is fixed
    assert html.count("app-heatmap__self-column") == count

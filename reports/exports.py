"""The regional view's score downloads: one row per partnership, indicator and
period, scoped and filtered like the page; a draft's rows only for the
partnership's managers and administrators. The CSV is streamed row by row; the
Excel workbook is written row by row and spooled to disk when large. Text a
spreadsheet would run as a formula is kept as text in both."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from itertools import chain
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from assessment.selectors import answers_for_user
from indicators.models import Period
from partnerships.users import AnyUser

from .selectors import DashboardFilters, dashboard_partnerships

EXPORT_HEADERS = [
    "Partnership",
    "Region",
    "Period",
    "Return status",
    "Dimension",
    "Indicator",
    "Statement",
    "Self score",
    "Agreed score",
    "Barriers",
]
# The Excel columns' widths, one per header.
COLUMN_WIDTHS = (28, 24, 9, 14, 10, 10, 60, 10, 12, 50)

# A spreadsheet reads a cell that starts with one of these as a formula
# (OWASP, "CSV injection"): partnership names, statements and barriers are
# typed by users.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def score_rows(
    *, user: AnyUser, filters: DashboardFilters, period: Period | None = None
) -> Iterator[list[Any]]:
    """One row per partnership x indicator x period, for the exports; streamed
    from the database in chunks."""
    # A draft's answers are its managers' until submitted: for others its
    # rows are left out (the regional view shows its status).
    answers = answers_for_user(user).filter(
        return_record__partnership__in=dashboard_partnerships(
            user=user, filters=filters
        )
    )
    if period is not None:
        answers = answers.filter(return_record__period=period)
    if filters.status:
        answers = answers.filter(return_record__status=filters.status)
    values = answers.order_by(
        "return_record__partnership__name",
        "-return_record__period__starts_on",
        "indicator__dimension__order",
        "indicator__order",
    ).values_list(
        "return_record__partnership__name",
        "return_record__partnership__region__name",
        "return_record__period__code",
        "return_record__status",
        "indicator__dimension__code",
        "indicator__code",
        "indicator__statement",
        "score",
        "agreed_score",
        "barriers",
    )
    for row in values.iterator(chunk_size=2000):
        yield list(row)


class _Echo:
    """A file that hands back what is written to it: csv.writer then makes
    one line at a time for the streamed response."""

    def write(self, value: str) -> str:
        return value


def scores_csv_response(
    *, user: AnyUser, filters: DashboardFilters, period: Period | None
) -> StreamingHttpResponse:
    """The scores as a CSV download, streamed as the rows are read."""
    writer = csv.writer(_Echo())
    rows = chain(
        [EXPORT_HEADERS], score_rows(user=user, filters=filters, period=period)
    )
    response = StreamingHttpResponse(
        (writer.writerow([_csv_text(value) for value in row]) for row in rows),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{_export_name(period)}.csv"'
    )
    return response


def scores_xlsx_response(
    *, user: AnyUser, filters: DashboardFilters, period: Period | None
) -> FileResponse:
    """The scores as an Excel download: a bold, frozen header row, filters on
    every column."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Scores")
    sheet.freeze_panes = "A2"
    header = []
    for title in EXPORT_HEADERS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in score_rows(user=user, filters=filters, period=period):
        sheet.append([_xlsx_value(sheet, value) for value in row])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(EXPORT_HEADERS))}{count + 1}"
    for number, width in enumerate(COLUMN_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    # Spooled to disk when large, then streamed out.
    spool = tempfile.SpooledTemporaryFile(max_size=5 * 1024 * 1024)  # noqa: SIM115
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"{_export_name(period)}.xlsx",
        content_type=XLSX_TYPE,
    )


def _csv_text(value: Any) -> Any:
    """Text a spreadsheet would evaluate, with an apostrophe in front so it
    shows as typed; anything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def _xlsx_value(sheet: Any, value: Any) -> Any:
    """Text a spreadsheet would evaluate as a text cell, marked as text
    (Excel's own leading apostrophe, which is not part of the value);
    openpyxl would otherwise write text starting with = as a formula."""
    if not (isinstance(value, str) and value.startswith(FORMULA_STARTS)):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def _export_name(period: Period | None) -> str:
    return f"learning-partnership-scores-{period.code if period else 'all-periods'}"

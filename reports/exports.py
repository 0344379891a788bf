"""The regional view's downloads, of what the page shows: its period, scope and
filters. The Excel workbook and the OpenDocument spreadsheet have a sheet with
one row per partnership as on the page, the medians, the categories named (the
share of partnerships naming each, by dimension, with the change since the
previous period) and a sheet with one row per partnership and indicator
(scores, evidence, barriers, planned action, the officer's comment and the
categories ticked); the CSV has the indicator rows. A draft's answers only
for the partnership's managers and administrators. The CSV is streamed row by
row, with a byte-order mark so that spreadsheets read it as UTF-8; the
spreadsheets are written row by row and spooled to disk when large. Text a
spreadsheet would run as a formula is kept as text in all three.

The writers (``csv_response``, ``xlsx_response`` and ``ods_response``) take
any rows: the audit trail's downloads use them too."""

from __future__ import annotations

import csv
import datetime
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from assessment.models import Answer, ReturnStatus
from assessment.selectors import answers_for_user
from partnerships.models import BodyKind
from partnerships.users import AnyUser

from .ods import Sheet, ods_response
from .selectors import Dashboard, DashboardRow

# The indicator rows' columns, with their widths in the workbook.
SCORE_COLUMNS = (
    ("Partnership", 28),
    ("Region", 22),
    ("Period", 9),
    ("Return status", 16),
    ("Dimension", 30),
    ("Indicator", 9),
    ("Statement", 60),
    ("Self score", 10),
    ("Evidence", 60),
    ("Barriers", 40),
    ("Planned action", 50),
    ("Agreed score", 12),
    ("Officer's comment", 50),
    ("Why not applicable", 40),
    ("Categories ticked", 50),
)
EXPORT_HEADERS = [title for title, _ in SCORE_COLUMNS]
# The indicator columns of running text: wrapped, read from the top.
_TEXT_COLUMNS = frozenset(
    (
        "Statement",
        "Evidence",
        "Barriers",
        "Planned action",
        "Officer's comment",
        "Why not applicable",
        "Categories ticked",
    )
)
_WRAPPED = Alignment(wrap_text=True, vertical="top")

# A spreadsheet reads a cell that starts with one of these as a formula
# (OWASP, "CSV injection"): partnership names, statements, evidence, barriers
# and comments are typed by users.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"
NOT_APPLICABLE = "N/A"
_STATUS_LABELS = {status.value: str(status.label) for status in ReturnStatus}


def score_rows(*, user: AnyUser, data: Dashboard | None) -> Iterator[list[Any]]:
    """One row per partnership and indicator of the returns the regional view
    shows (its period and filters), as far as the user may read them; streamed
    from the database in chunks; the categories ticked on them read first, in
    one query."""
    if data is None:
        return
    returns = [row.return_record.pk for row in data.rows if row.return_record]
    # A draft's answers are its managers' until submitted: for others its
    # rows are left out (the regional view shows its status).
    answers = answers_for_user(user).filter(return_record__in=returns)
    ticked = _ticked_names(answers.values("pk"))
    values = answers.order_by(
        "return_record__partnership__name",
        "indicator__dimension__order",
        "indicator__order",
    ).values_list(
        "return_record__partnership__name",
        "return_record__partnership__region__name",
        "return_record__period__code",
        "return_record__status",
        "indicator__dimension__title",
        "indicator__code",
        "indicator__statement",
        "score",
        "evidence",
        "barriers",
        "planned_action",
        "agreed_score",
        "officer_comment",
        "not_applicable_reason",
        "not_applicable",
        "indicator__supplement__region__name",
        "indicator__supplement__local_lsc__name",
        "pk",
    )
    for row in values.iterator(chunk_size=2000):
        values_row: list[Any] = list(row)
        values_row[3] = _STATUS_LABELS.get(str(values_row[3]), values_row[3])
        answer_id, region, llsc = values_row[-1], values_row[-3], values_row[-2]
        del values_row[-3:]
        if values_row.pop():
            # Not applicable: no score to show, and no agreed one counted.
            values_row[7] = values_row[11] = NOT_APPLICABLE
        if region or llsc:
            # A local statement, labelled with its area as on every page.
            area = region or f"{llsc} LSC"
            values_row[6] = f"Local statement: {area}. {values_row[6]}"
        values_row.append("; ".join(ticked.get(answer_id, [])))
        yield values_row


def _ticked_names(answers: Any) -> dict[int, list[str]]:
    """Per answer, the names of the categories ticked on it, list by list."""
    ticked: dict[int, list[str]] = {}
    for answer_id, name in (
        Answer.categories.through.objects.filter(answer__in=answers)
        .order_by("category__category_list_id", "category__order")
        .values_list("answer_id", "category__name")
    ):
        ticked.setdefault(answer_id, []).append(name)
    return ticked


def partnership_columns(data: Dashboard) -> list[tuple[str, int]]:
    """The columns of the sheet with one row per partnership, as on the
    page: two per dimension (self and agreed), with their widths."""
    scores = [
        (f"{name} ({code}): {which}", 16)
        for code, name in data.dimension_names.items()
        for which in ("self", "agreed")
    ]
    since = f" since {data.previous.code}" if data.previous else ""
    return [
        ("Partnership", 28),
        ("Region", 22),
        ("Return status", 16),
        ("Overdue", 9),
        *scores,
        ("Overall", 9),
        ("Stage", 22),
        (f"Change{since}", 12),
        ("GO rating", 10),
        ("Local agreement", 30),
        ("LSP recognition", 30),
        ("Other regeneration bodies", 34),
    ]


def partnership_rows(data: Dashboard) -> Iterator[list[Any]]:
    """The page's rows: numbers as numbers, an empty cell where there is
    no score."""
    for row in data.rows:
        scores = [
            value
            for code in data.dimensions
            for value in (row.self_scores[code], row.agreed_scores[code])
        ]
        yield [
            row.partnership.name,
            row.partnership.region.name,
            row.status_label,
            "Yes" if row.overdue else "No",
            *scores,
            row.overall,
            row.stage,
            row.change,
            row.rating.rating if row.rating else None,
            row.agreement.get_agreement_status_display()
            if row.agreement
            else "No local LSC",
            row.recognition.get_recognition_display() if row.recognition else "No LSP",
            _body_kinds(row),
        ]


def _body_kinds(row: DashboardRow) -> str:
    """The kinds of other regeneration bodies the partnership has a
    relationship with, as the regional view counts them."""
    kinds = {link.kind for link in getattr(row.partnership, "regeneration_links", [])}
    named = [kind.label for kind in BodyKind if kind in kinds]
    return "; ".join(named) or "None recorded"


MEDIAN_COLUMNS = (
    ("Dimension", 50),
    ("Code", 8),
    ("Median of the selected partnerships", 20),
    ("Median in England", 20),
)


def median_rows(data: Dashboard) -> Iterator[list[Any]]:
    for code, name in data.dimension_names.items():
        yield [name, code, data.regional_median[code], data.national_median[code]]


def category_columns(data: Dashboard) -> list[tuple[str, int]]:
    """The Categories sheet's columns: the list, the category, how many
    partnerships named it, their share and its change, then the share in
    each dimension."""
    since = f" since {data.previous.code}" if data.previous else ""
    return [
        ("List", 14),
        ("Category", 50),
        ("Code", 22),
        ("Partnerships naming it", 14),
        ("Of partnerships with a submitted return", 16),
        ("Share (%)", 10),
        ("Previous share (%)", 12),
        (f"Change{since} (points)", 14),
        *[(f"{code}: share (%)", 12) for code in data.categories.dimensions],
    ]


def category_rows(data: Dashboard) -> Iterator[list[Any]]:
    """A row per category, numbers as numbers, empty where there is nothing
    to divide by or compare with."""
    counts = data.categories
    for row in counts.rows:
        yield [
            row.kind_label,
            row.name,
            row.code,
            row.any.count,
            counts.partnerships,
            row.any.share,
            row.any.previous_share,
            row.any.change,
            *[cell.share for cell in row.dimension_cells],
        ]


class _Echo:
    """A file that hands back what is written to it: csv.writer then makes
    one line at a time for the streamed response."""

    def write(self, value: str) -> str:
        return value


def scores_csv_response(
    *, user: AnyUser, data: Dashboard | None, name: str
) -> StreamingHttpResponse:
    """The indicator rows as a CSV download, streamed as they are read."""
    return csv_response(
        headers=EXPORT_HEADERS, rows=score_rows(user=user, data=data), name=name
    )


def csv_response(
    *, headers: Sequence[str], rows: Iterable[Sequence[Any]], name: str
) -> StreamingHttpResponse:
    """Rows as a CSV download, streamed as they are read: a byte-order mark,
    the headings, then a line per row; dates and times written as the
    spreadsheets show them."""
    writer = csv.writer(_Echo())
    lines = (
        writer.writerow([_csv_text(value) for value in row])
        for row in chain([headers], rows)
    )
    response = StreamingHttpResponse(
        chain([BOM], lines), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def score_sheets(*, user: AnyUser, data: Dashboard | None) -> list[Sheet]:
    """The workbook's sheets: the partnerships as on the page, the medians,
    the categories named, and the indicator rows (only the last when there
    are no returns)."""
    sheets = []
    if data is not None:
        sheets += [
            Sheet("Partnerships", partnership_columns(data), partnership_rows(data)),
            Sheet("Medians", list(MEDIAN_COLUMNS), median_rows(data)),
            Sheet("Categories", category_columns(data), category_rows(data)),
        ]
    sheets.append(
        Sheet(
            "Scores",
            list(SCORE_COLUMNS),
            score_rows(user=user, data=data),
            wrapped=_TEXT_COLUMNS,
        )
    )
    return sheets


def scores_xlsx_response(
    *, user: AnyUser, data: Dashboard | None, name: str
) -> FileResponse:
    """The workbook: the partnerships as on the page, the medians, and the
    indicator rows."""
    return xlsx_response(sheets=score_sheets(user=user, data=data), name=name)


def scores_ods_response(
    *, user: AnyUser, data: Dashboard | None, name: str
) -> FileResponse:
    """The same sheets as the workbook, as an OpenDocument spreadsheet."""
    return ods_response(sheets=score_sheets(user=user, data=data), name=name)


def xlsx_response(*, sheets: Iterable[Sheet], name: str) -> FileResponse:
    """The sheets as an Excel workbook, each with a bold, frozen header row,
    filters on every column and widths that fit what they hold."""
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        _write_sheet(
            workbook.create_sheet(sheet.name),
            list(sheet.columns),
            iter(sheet.rows),
            wrapped=sheet.wrapped,
        )
    # Spooled to disk when large, then streamed out.
    spool = tempfile.SpooledTemporaryFile(max_size=5 * 1024 * 1024)  # noqa: SIM115
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=f"{name}.xlsx", content_type=XLSX_TYPE
    )


def _write_sheet(
    sheet: WriteOnlyWorksheet,
    columns: list[tuple[str, int]],
    rows: Iterator[Sequence[Any]],
    *,
    wrapped: frozenset[str] = frozenset(),
) -> None:
    """A header row in bold, frozen, then the rows; an autofilter over them
    all and each column's width (set before the rows: a write-only sheet
    writes its columns first)."""
    for number, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for title, _ in columns:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        cell.alignment = _WRAPPED
        header.append(cell)
    sheet.append(header)
    wrap = [title in wrapped for title, _ in columns]
    count = 0
    for row in rows:
        sheet.append(
            [
                _xlsx_value(sheet, value, wrap=wrap[n] and bool(value))
                for n, value in enumerate(row)
            ]
        )
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"


def _csv_text(value: Any) -> Any:
    """Text a spreadsheet would evaluate, with an apostrophe in front so it
    shows as typed; a time as the service shows it, to the second; anything
    else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return value


def _xlsx_value(sheet: Any, value: Any, *, wrap: bool = False) -> Any:
    """Text a spreadsheet would evaluate as a text cell, marked as text
    (Excel's own leading apostrophe, which is not part of the value);
    openpyxl would otherwise write text starting with = as a formula. Long
    text wrapped within its column. A time in the service's time zone, to
    the second (a workbook has no time zones)."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        return value.replace(microsecond=0)
    formula_like = isinstance(value, str) and value.startswith(FORMULA_STARTS)
    if not (formula_like or wrap):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    if formula_like:
        cell.data_type = "s"
        cell.quotePrefix = True
    if wrap:
        cell.alignment = _WRAPPED
    return cell


def export_name(data: Dashboard | None) -> str:
    period = data.period.code if data else "no-returns-yet"
    return f"learning-partnership-scores-{period}"

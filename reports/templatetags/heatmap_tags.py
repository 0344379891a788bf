"""The regional view's heatmap rows, written in Python: a region has a hundred
rows or more, and each row's markup is kept short (the table's stylesheet
styles its cells by their place, not a class on each). The PDF's rows keep
GOV.UK's cell classes, which its print stylesheet styles."""

from __future__ import annotations

from functools import lru_cache
from html import escape as _escape
from typing import Any
from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from assessment.templatetags.assessment_tags import status_tag
from reports.cells import ScoreCell
from reports.selectors import Dashboard, DashboardRow

register = template.Library()

HIDDEN = '<span class="govuk-visually-hidden">{}</span>'
DASH = '<span aria-hidden="true">–</span>' + HIDDEN
STAGE = '<br><span class="govuk-body-s app-heatmap__stage">{}</span>'
OVERDUE = ' <strong class="govuk-tag govuk-tag--red">Overdue</strong>'
PDF_OVERDUE = (
    ' <strong class="govuk-tag govuk-tag--red govuk-!-margin-top-1">Overdue</strong>'
)


class _Links:
    """The row links the user may follow, asked once for the whole table."""

    def __init__(self, user: Any, data: Dashboard, query: str) -> None:
        self.reviews = user.has_perm("assessment.review_returns")
        self.rates = user.has_perm("assessment.rate_partnership")
        self.period = data.period.code
        self.query = f"?{query}" if query else ""
        # The addresses differ only by their ids: reversed once each.
        self.page = reverse("reports:dashboard_partnership", args=[0])
        self.document = reverse("reports:return_document", args=[0])
        self.review = reverse("assessment:review", args=[0])
        self.plan = reverse("plans:detail", args=[0])
        self.rating = reverse("assessment:rating", args=[0, "2000-01"])
        self._tags: dict[str | None, str] = {}

    def tag(self, row: DashboardRow) -> str:
        """The return's status tag: the same few for the whole table."""
        status = row.return_record.status if row.return_record else None
        if status not in self._tags:
            self._tags[status] = status_tag(row.return_record)
        return self._tags[status]

    def of(self, row: DashboardRow) -> str:
        """The row's links, each named by its word and the partnership's name
        (the row header's link, ``n<id>``) for a list of links out of the table."""
        pk = row.partnership.pk
        record = row.return_record
        items = []
        if row.may_read and record is not None:
            items.append(("r", _with(self.document, record.pk), "Return"))
        if row.awaits_review and self.reviews and record is not None:
            items.append(("v", _with(self.review, record.pk), "Review"))
        if row.plan is not None:
            items.append(("p", _with(self.plan, row.plan.pk), "Plan"))
        if self.rates:
            rating = _with(self.rating, pk).replace("2000-01", quote(self.period))
            items.append(("g", rating, "Change rating" if row.rating else "Rate"))
        return "".join(
            f'<li><a href="{_e(address)}" id="{kind}{pk}"'
            f' aria-labelledby="{kind}{pk} n{pk}">{word}</a></li>'
            for kind, address, word in items
        )


def _with(address: str, pk: int) -> str:
    """The address reversed with id 0, for this id."""
    return address.replace("/0/", f"/{pk}/", 1)


def _missing(pdf: bool) -> str:
    """A missing figure's cell content: a dash hidden from screen readers and
    why in words; on a page the dash is drawn by the stylesheet."""
    return DASH if pdf else HIDDEN


def _e(value: Any) -> str:
    """Escaped as Django's escape() escapes (& < > " '), without building a
    safe string for each of a region's thousand cells."""
    return _escape(str(value), quote=True)


# A region's thousand score cells take a few dozen values: each written once.
@lru_cache(maxsize=1024)
def _score(cell: ScoreCell, classes: str, pdf: bool) -> str:
    if cell.is_missing:
        inside = _missing(pdf).format(_e(cell.missing))
        return f'<td class="{_e(classes)}{_e(cell.heat)}">{inside}</td>'
    return f'<td class="{_e(classes)}{_e(cell.heat)}">{_e(cell.text)}</td>'


def _overall(row: DashboardRow, classes: str, pdf: bool) -> str:
    if row.overall is None:
        inside = _missing(pdf).format("no score")
        return f'<td class="{_e(classes)}{_e(row.overall_heat)}">{inside}</td>'
    stage = STAGE.format(_e(row.stage))
    return (
        f'<td class="{_e(classes)}{_e(row.overall_heat)}">'
        f"{_e(row.overall_text)}{stage}</td>"
    )


def _change(row: DashboardRow, classes: str, pdf: bool) -> str:
    if row.change is None:
        # On a page, app-nil draws the dash.
        missing = classes if pdf else "app-nil"
        inside = _missing(pdf).format("no change to show")
        return f'<td class="{_e(missing)}">{inside}</td>'
    return f"<td{_class(classes)}>{_e(row.change_text)}</td>"


def _rating(row: DashboardRow, classes: str) -> str:
    if row.rating:
        return f"<td{_class(classes)}>{_e(row.rating.rating)}</td>"
    return f'<td{_class(classes)}><span class="govuk-body-s">Not rated</span></td>'


def _class(classes: str) -> str:
    return f' class="{_e(classes)}"' if classes else ""


def _page_row(row: DashboardRow, links: _Links) -> str:
    pk = row.partnership.pk
    page = _with(links.page, pk) + links.query
    items = links.of(row)
    overdue = OVERDUE if row.overdue else ""
    return "".join(
        [
            f'<tr><th scope="row"><a href="{_e(page)}" id="n{pk}">'
            f"{_e(row.partnership.name)}</a>",
            f"<ul>{items}</ul></th>" if items else "</th>",
            f"<td>{links.tag(row)}{overdue}</td>",
            *(_score(cell, "", pdf=False) for cell in row.cells),
            _overall(row, "", pdf=False),
            _change(row, "", pdf=False),
            _rating(row, ""),
            "</tr>",
        ]
    )


# The PDF's cells keep GOV.UK's classes, which its print stylesheet styles.
CELL = "govuk-table__cell govuk-table__cell--numeric"


def _pdf_row(row: DashboardRow) -> str:
    overdue = PDF_OVERDUE if row.overdue else ""
    return "".join(
        [
            '<tr class="govuk-table__row">',
            format_html(
                '<th scope="row" class="govuk-table__header app-heatmap__name">{}</th>',
                row.partnership.name,
            ),
            '<td class="govuk-table__cell">',
            f"{status_tag(row.return_record)}{overdue}</td>",
            *(
                _score(cell, f"{CELL} app-heatmap__score ", pdf=True)
                for cell in row.cells
            ),
            _overall(row, f"{CELL} ", pdf=True),
            _change(row, CELL, pdf=True),
            _rating(row, CELL),
            "</tr>",
        ]
    )


@register.simple_tag(takes_context=True)
def heatmap_rows(context: template.Context, data: Dashboard) -> SafeString:
    """The heatmap's body rows: the partnership (with its links on a page),
    the return's status, the self and agreed score of each dimension, the
    overall score and stage, the change and the GO rating."""
    if context.get("for_pdf"):
        # Each part is escaped as it is formatted.
        rows = "".join(_pdf_row(row) for row in data.rows)
        return mark_safe(rows)  # noqa: S308  # nosec B308 B703
    links = _Links(context["user"], data, context.get("query") or "")
    # Each part is escaped as it is formatted.
    rows = "\n".join(_page_row(row, links) for row in data.rows)
    return mark_safe(rows)  # noqa: S308  # nosec B308 B703

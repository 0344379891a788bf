"""The regional view's heatmap rows, written in Python: a region has a hundred
rows or more, and each row's markup is kept short (the table's stylesheet
styles its cells by their place, not a class on each). The PDF's rows keep
GOV.UK's cell classes, which its print stylesheet styles."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from assessment.templatetags.assessment_tags import status_tag
from reports.cells import ScoreCell
from reports.selectors import Dashboard, DashboardRow

register = template.Library()

HIDDEN = '<span class="govuk-visually-hidden">{}</span>'
DASH = '<span aria-hidden="true">–</span>' + HIDDEN
STAGE = '<br><span class="govuk-body-s app-heatmap__stage">{}</span>'
TAG = '<strong class="govuk-tag govuk-tag--red{}">Overdue</strong>'


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

    def of(self, row: DashboardRow, name: str) -> str:
        items = []
        if row.may_read and row.return_record is not None:
            items.append(
                (_with(self.document, row.return_record.pk), "Return", f" of {name}")
            )
        if row.awaits_review and self.reviews and row.return_record is not None:
            items.append(
                (
                    _with(self.review, row.return_record.pk),
                    "Review",
                    f" the return of {name}",
                )
            )
        if row.plan is not None:
            items.append((_with(self.plan, row.plan.pk), "Plan", f" of {name}"))
        if self.rates:
            rating = _with(self.rating, row.partnership.pk).replace(
                "2000-01", quote(self.period)
            )
            label = "Change rating" if row.rating else "Rate"
            items.append((rating, label, f" {name}'s engagement in {self.period}"))
        return "".join(
            format_html(
                '<li><a class="govuk-link" href="{}">{}' + HIDDEN + "</a></li>", *item
            )
            for item in items
        )


def _with(address: str, pk: int) -> str:
    """The address reversed with id 0, for this id."""
    return address.replace("/0/", f"/{pk}/", 1)


def _score(cell: ScoreCell, extra: str) -> str:
    if cell.is_missing:
        return format_html(
            '<td class="{}{}">' + DASH + "</td>", extra, cell.heat, cell.missing
        )
    return format_html('<td class="{}{}">{}</td>', extra, cell.heat, cell.text)


def _page_row(row: DashboardRow, links: _Links) -> str:
    name = conditional_escape(row.partnership.name)
    page = _with(links.page, row.partnership.pk) + links.query
    items = links.of(row, str(row.partnership.name))
    overdue = format_html(" " + TAG, "") if row.overdue else ""
    parts = [
        format_html(
            '<tr><th scope="row"><a class="govuk-link" href="{}">{}</a>', page, name
        ),
        f"<ul>{items}</ul></th>" if items else "</th>",
        f"<td>{status_tag(row.return_record)}{overdue}</td>",
        *(_score(cell, "") for cell in row.cells),
        _overall(row, ""),
        _change(row, "<td>"),
        _rating(row, "<td>"),
        "</tr>",
    ]
    return "".join(parts)


def _overall(row: DashboardRow, extra: str) -> str:
    if row.overall is None:
        return format_html(
            '<td class="{}{}">' + DASH + "</td>", extra, row.overall_heat, "no score"
        )
    return format_html(
        '<td class="{}{}">{}' + STAGE + "</td>",
        extra,
        row.overall_heat,
        row.overall_text,
        row.stage,
    )


def _change(row: DashboardRow, opening: str) -> str:
    if row.change is None:
        return opening + format_html(DASH, "no change to show") + "</td>"
    return opening + format_html("{}", row.change_text) + "</td>"


def _rating(row: DashboardRow, opening: str) -> str:
    if row.rating:
        return opening + format_html("{}", row.rating.rating) + "</td>"
    return opening + '<span class="govuk-body-s">Not rated</span></td>'


CELL = "govuk-table__cell govuk-table__cell--numeric "


def _pdf_row(row: DashboardRow) -> str:
    overdue = format_html(" " + TAG, " govuk-!-margin-top-1") if row.overdue else ""
    numeric = f'<td class="{CELL.strip()}">'
    parts = [
        '<tr class="govuk-table__row">',
        format_html(
            '<th scope="row" class="govuk-table__header app-heatmap__name">{}</th>',
            row.partnership.name,
        ),
        f'<td class="govuk-table__cell">{status_tag(row.return_record)}{overdue}</td>',
        *(_score(cell, CELL + "app-heatmap__score ") for cell in row.cells),
        _overall(row, CELL),
        _change(row, numeric),
        _rating(row, numeric),
        "</tr>",
    ]
    return "".join(parts)


@register.simple_tag(takes_context=True)
def heatmap_rows(context: template.Context, data: Dashboard) -> SafeString:
    """The heatmap's body rows: the partnership (with its links on a page),
    the return's status, the self and agreed score of each dimension, the
    overall score and stage, the change and the GO rating."""
    if context.get("for_pdf"):
        return mark_safe("".join(_pdf_row(row) for row in data.rows))  # noqa: S308
    links = _Links(context["user"], data, context.get("query") or "")
    # Each part is escaped as it is formatted.
    return mark_safe("\n".join(_page_row(row, links) for row in data.rows))  # noqa: S308

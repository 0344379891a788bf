"""Shared data and helpers of the development plan tests: the scores used
throughout, the POSTs a browser sends from the plan's forms, and reading text
and tables from HTML and PDFs."""

from __future__ import annotations

import datetime
import html as html_lib
import io
import re
from html.parser import HTMLParser
from typing import Any

from django.test import Client
from pypdf import PdfReader

from assessment.models import Answer, Return
from plans.models import DevelopmentPlan


def by_dimension(scores: dict[str, list[int]]) -> dict[str, int]:
    """{"D1": [1, 2, ...]} as {"D1.1": 1, "D1.2": 2, ...}."""
    return {
        f"{dimension}.{n}": score
        for dimension, values in scores.items()
        for n, score in enumerate(values, start=1)
    }


# The partnership's own scores (the reference scale runs 1 to 4) ...
SELF = {
    "D1": [1, 2, 3, 4, 1, 2, 3],
    "D2": [2, 2, 2, 2, 2, 2, 2],
    "D3": [3, 3, 3, 3, 3, 3, 3],
    "D4": [4, 4, 4, 4, 4, 4, 1],
}
# ... and the scores the LLSC officer agrees.
AGREED = {
    "D1": [2, 2, 2, 2, 2, 2, 2],
    "D2": [3, 3, 3, 3, 3, 3, 3],
    "D3": [3, 3, 3, 3, 3, 3, 3],
    "D4": [3, 3, 3, 3, 3, 3, 1],
}
SELF_SCORES = by_dimension(SELF)
AGREED_SCORES = by_dimension(AGREED)
CODES = list(SELF_SCORES)


def fill_answers(
    return_record: Return,
    scores: dict[str, int],
    *,
    barriers: dict[str, str] | None = None,
    planned: dict[str, str] | None = None,
) -> None:
    """Give each answer its score and some evidence, straight in the database."""
    barriers = barriers or {}
    planned = planned or {}
    for code, score in scores.items():
        Answer.objects.filter(return_record=return_record, indicator__code=code).update(
            score=score,
            evidence=f"Evidence for {code}",
            barriers=barriers.get(code, ""),
            planned_action=planned.get(code, ""),
        )


def agree(return_record: Return, scores: dict[str, int]) -> None:
    """The officer's agreed scores, straight in the database, and the return
    accepted."""
    for code, score in scores.items():
        Answer.objects.filter(return_record=return_record, indicator__code=code).update(
            agreed_score=score
        )
    Return.objects.filter(pk=return_record.pk).update(status="accepted")


def signed_in(user) -> Client:
    """A client of its own, for when two people act in one test."""
    client = Client()
    client.force_login(user, backend="partnerships.backends.PasswordBackend")
    return client


def words(value: str) -> str:
    """Whitespace collapsed to single spaces."""
    return " ".join(value.split())


def text(response) -> str:
    """The page as text a reader sees: tags dropped, entities decoded, spaces
    collapsed."""
    body = response.content.decode()
    return words(html_lib.unescape(re.sub(r"<[^>]+>", " ", body)))


def errors(response) -> dict[str, list[str]]:
    """The form's errors by field, from the page's context."""
    return {
        name: list(messages)
        for name, messages in response.context["form"].errors.items()
    }


def pdf_text(content: bytes) -> str:
    """Every page's extracted text, whitespace collapsed."""
    reader = PdfReader(io.BytesIO(content))
    return words(" ".join(page.extract_text() or "" for page in reader.pages))


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[str, Any]] = []
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None
        self._row: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "table":
            self.tables.append({"caption": "", "rows": []})
        elif tag == "caption":
            self._caption = []
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption" and self._caption is not None:
            self.tables[-1]["caption"] = words("".join(self._caption))
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(words("".join(self._cell)))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1]["rows"].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        for sink in (self._cell, self._caption):
            if sink is not None:
                sink.append(data)


def tables(content: str, caption: str) -> list[list[list[str]]]:
    """The rows (header row first) of each table whose caption starts so."""
    parser = _Tables()
    parser.feed(content)
    return [t["rows"] for t in parser.tables if t["caption"].startswith(caption)]


def table(response, caption: str) -> list[list[str]]:
    """The rows of the one table whose caption starts so."""
    found = tables(response.content.decode(), caption)
    assert len(found) == 1, caption
    return found[0]


def date_fields(name: str, value: datetime.date | tuple[str, str, str]) -> dict:
    """The day, month and year boxes of a date."""
    if isinstance(value, datetime.date):
        value = (str(value.day), str(value.month), str(value.year))
    return {f"{name}_0": value[0], f"{name}_1": value[1], f"{name}_2": value[2]}


def action_data(**changes: Any) -> dict[str, Any]:
    """A valid action form POST, with changes."""
    data: dict[str, Any] = {
        "description": "Pilot outreach learning in three community centres",
        "lead_member": "",
        "lead_person": "Pat Manager",
        "improvement_area": "services",
        **date_fields("starts_on", datetime.date(2003, 5, 1)),
        **date_fields("due_on", datetime.date(2004, 1, 31)),
        "resources": "Two days a month",
        "funding_source": "LSC core funding",
        "success_measure": "Three centres running courses",
        "status": "on_track",
    }
    data.update(changes)
    return data


def target_data(plan: DevelopmentPlan, actuals: list[str], **changes: Any) -> dict:
    """A valid target form POST, with an actual value per monitoring point."""
    data: dict[str, Any] = {
        "measure": "New learners from regeneration wards",
        "unit": "learners",
        "baseline": "420",
        "floor": "500",
        "aspirational": "600",
    }
    points = list(plan.monitoring_points.order_by("due_on"))
    for point, actual in zip(points, actuals, strict=False):
        data[f"actual-{point.pk}"] = actual
    data.update(changes)
    return data


def priority_data(framework_dimension, indicators=(), **changes: Any) -> dict:
    """A valid priority form POST."""
    data: dict[str, Any] = {
        "title": "Reach the regeneration wards",
        "description": "Most residents of the wards have not learnt since school.",
        "dimension": framework_dimension.pk,
        "indicators": [i.pk for i in indicators],
        "plausibility": "medium",
        "plausibility_rationale": "Last year's pilot reached the same residents.",
    }
    data.update(changes)
    return data

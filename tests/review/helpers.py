"""Shared data and helpers of the review tests: the scores used throughout,
the POST a browser sends from the review page, and reading tables from HTML."""

from __future__ import annotations

import html as html_lib
import re
from fractions import Fraction
from html.parser import HTMLParser
from typing import Any

from django.test import Client

from assessment.models import Answer, Return

# The scores and how they are stored are shared with the plan tests.
from tests.plans.helpers import AGREED as AGREED
from tests.plans.helpers import AGREED_SCORES as AGREED_SCORES
from tests.plans.helpers import SELF as SELF
from tests.plans.helpers import SELF_SCORES as SELF_SCORES
from tests.plans.helpers import by_dimension as by_dimension
from tests.plans.helpers import fill_answers as fill_answers


def hand_gap(dimension: str) -> str:
    """Agreed mean minus self mean, exactly, then shown to two decimals."""
    agreed = Fraction(sum(AGREED[dimension]), len(AGREED[dimension]))
    own = Fraction(sum(SELF[dimension]), len(SELF[dimension]))
    return f"{float(agreed - own):.2f}"


def answers_by_code(return_record: Return) -> dict[str, Answer]:
    return {
        a.indicator.code: a
        for a in Answer.objects.filter(return_record=return_record).select_related(
            "indicator"
        )
    }


def review_data(
    return_record: Return,
    *,
    decision: str = "accepted",
    agreed: dict[str, int] | None = None,
    comments: dict[str, str] | None = None,
    overall: str = "",
    reasons: str = "",
) -> dict[str, Any]:
    """What the review form posts: an agreed score (the self score unless
    given) and a comment per answer, the overall comment, decision, reasons."""
    agreed = agreed or {}
    comments = comments or {}
    data: dict[str, Any] = {
        "seen_status": return_record.status,
        "overall_comment": overall,
        "decision": decision,
        "reasons": reasons,
    }
    for code, item in answers_by_code(return_record).items():
        data[f"agreed-{item.pk}"] = agreed.get(code, item.score)
        data[f"comment-{item.pk}"] = comments.get(code, "")
    return data


def review_url(return_record: Return) -> str:
    return f"/returns/{return_record.pk}/review/"


def signed_in(user) -> Client:
    """A client of its own, for when two people act at once."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def text(response) -> str:
    """The page as text a reader sees: tags dropped, entities decoded, spaces
    collapsed."""
    body = response.content.decode()
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", body)).split())


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
            self.tables[-1]["caption"] = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1]["rows"].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        for sink in (self._cell, self._caption):
            if sink is not None:
                sink.append(data)


def table(response, caption: str) -> list[list[str]]:
    """The rows (header row first) of the table whose caption starts so."""
    parser = _Tables()
    parser.feed(response.content.decode())
    found = [t for t in parser.tables if t["caption"].startswith(caption)]
    assert len(found) == 1, [t["caption"] for t in parser.tables]
    return found[0]["rows"]

"""Shared data and helpers of the review tests: the scores used throughout,
the POST a browser sends from the review page, and reading tables from HTML."""

from __future__ import annotations

from fractions import Fraction
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
from tests.plans.helpers import table as table
from tests.plans.helpers import text as text


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
    client.force_login(user, backend="partnerships.backends.PasswordBackend")
    return client

"""Shared data and helpers of the review tests: the scores used throughout,
the POSTs a browser sends from the moderation pages, and reading tables from
HTML."""

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
    overall: str = "",
    reasons: str = "",
) -> dict[str, Any]:
    """What the check page's decision form posts: the status it was opened
    at, the overall comment, the decision and the reasons."""
    return {
        "seen_status": return_record.status,
        "overall_comment": overall,
        "decision": decision,
        "reasons": reasons,
    }


def moderation_data(
    return_record: Return,
    dimension: str,
    *,
    agreed: dict[str, int] | None = None,
    comments: dict[str, str] | None = None,
    action: str = "later",
) -> dict[str, Any]:
    """What a dimension's moderation page posts: per indicator the agreed score
    (the self score unless given), a comment and the version read; and which
    button was pressed."""
    agreed = agreed or {}
    comments = comments or {}
    data: dict[str, Any] = {"seen_status": return_record.status, "action": action}
    for code, item in answers_by_code(return_record).items():
        if not code.startswith(f"{dimension}."):
            continue
        data[f"agreed-{item.pk}"] = agreed.get(code, item.score)
        data[f"comment-{item.pk}"] = comments.get(code, "")
        data[f"version-{item.pk}"] = item.version
    return data


def moderate(
    client: Client,
    return_record: Return,
    *,
    agreed: dict[str, int] | None = None,
    comments: dict[str, str] | None = None,
) -> None:
    """Save the agreed scores and comments of every dimension, as an officer
    does page by page."""
    for dimension in ("D1", "D2", "D3", "D4"):
        response = client.post(
            moderation_url(return_record, dimension),
            moderation_data(return_record, dimension, agreed=agreed, comments=comments),
        )
        assert response.status_code == 302, response.content.decode()[:2000]


def decide(
    client: Client,
    return_record: Return,
    *,
    agreed: dict[str, int] | None = None,
    comments: dict[str, str] | None = None,
    **decision: Any,
):
    """Moderate every dimension (when agreed scores or comments are given),
    then post the decision from the check page."""
    if agreed or comments:
        moderate(client, return_record, agreed=agreed, comments=comments)
        return_record.refresh_from_db()
    return client.post(check_url(return_record), review_data(return_record, **decision))


def review_url(return_record: Return) -> str:
    return f"/returns/{return_record.pk}/review/"


def moderation_url(return_record: Return, dimension: str) -> str:
    return f"/returns/{return_record.pk}/review/{dimension}/"


def check_url(return_record: Return) -> str:
    return f"/returns/{return_record.pk}/review/check/"


def signed_in(user) -> Client:
    """A client of its own, for when two people act at once."""
    client = Client()
    client.force_login(user, backend="partnerships.backends.PasswordBackend")
    return client

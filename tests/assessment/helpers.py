"""Building the POST a browser sends from an indicator's page, and returns for
earlier years."""

from __future__ import annotations

import datetime
from typing import Any

from django.test import Client

from assessment.models import Answer, Return
from assessment.services import return_start
from indicators.models import Framework, Period

FIELDS = ("score", "evidence", "barriers", "planned_action")


def answers_of(return_record: Return, code: str) -> list[Answer]:
    """The answers of one dimension, in indicator order, fresh from the database."""
    return list(
        Answer.objects.filter(
            return_record=return_record, indicator__dimension__code=code
        )
        .select_related("indicator")
        .order_by("indicator__order")
    )


def answer(return_record: Return, indicator_code: str) -> Answer:
    return Answer.objects.get(
        return_record=return_record, indicator__code=indicator_code
    )


def form_data(
    answers: list[Answer],
    changes: dict[str, dict[str, Any]] | None = None,
    action: str = "continue",
) -> dict[str, Any]:
    """What the form posts when opened on ``answers`` (as read then, versions
    included) with ``changes`` typed in, by indicator code. An unselected score
    is left out, as a browser leaves out an unchecked radio."""
    changes = changes or {}
    data: dict[str, Any] = {"action": action}
    for item in answers:
        values = {name: getattr(item, name) for name in FIELDS}
        values["version"] = item.version
        values.update(changes.get(item.indicator.code, {}))
        for name, value in values.items():
            if name == "score" and value in (None, ""):
                continue
            if name.startswith("attachment"):
                continue
            data[f"{name}-{item.pk}"] = value
        upload = changes.get(item.indicator.code, {}).get("attachment")
        if upload is not None:
            data[f"attachment-{item.pk}"] = upload
    return data


def dimension_url(return_record: Return, code: str) -> str:
    return f"/returns/{return_record.pk}/dimensions/{code}/"


def indicator_url(return_record: Return, indicator_code: str) -> str:
    """The page of one indicator (its dimension read from the database)."""
    dimension = Answer.objects.get(
        return_record=return_record, indicator__code=indicator_code
    ).indicator.dimension.code
    return f"/returns/{return_record.pk}/dimensions/{dimension}/{indicator_code}/"


def post_answer(
    client: Client,
    return_record: Return,
    indicator_code: str,
    changes: dict[str, Any] | None = None,
    action: str = "continue",
    **kwargs: Any,
):
    """Post one indicator's page as opened now, with ``changes`` typed in."""
    item = answer(return_record, indicator_code)
    return client.post(
        indicator_url(return_record, indicator_code),
        form_data([item], {indicator_code: changes or {}}, action),
        **kwargs,
    )


def score_dimension(
    client: Client,
    return_record: Return,
    code: str,
    score: int = 2,
    action: str = "continue",
    **extra: Any,
):
    """Score every indicator of a dimension through its pages, one after the
    other with Save and continue (the last with ``action``); the last response."""
    answers = answers_of(return_record, code)
    response = None
    for position, item in enumerate(answers):
        response = post_answer(
            client,
            return_record,
            item.indicator.code,
            {"score": score, **extra},
            action if position == len(answers) - 1 else "continue",
        )
        if response.status_code != 302:
            return response
    return response


def snapshot(return_record: Return) -> list[tuple[Any, ...]]:
    """Every stored value of every answer of the return, to show nothing changed."""
    return list(
        Answer.objects.filter(return_record=return_record)
        .order_by("pk")
        .values_list("pk", *FIELDS, "version", "carried_forward", "updated_by")
    )


def earlier_returns(
    *, partnership: Any, framework: Framework, user: Any, before: int, years: int
) -> None:
    """A draft return of the partnership for each of the ``years`` periods
    before the one starting in April ``before``, under the framework."""
    for year in range(before - years, before):
        period = Period.objects.create(
            code=f"{year}-{(year + 1) % 100:02d}",
            starts_on=datetime.date(year, 4, 1),
            ends_on=datetime.date(year + 1, 3, 31),
        )
        framework.periods.add(period)
        return_start(partnership=partnership, period=period, user=user)

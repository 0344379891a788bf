"""The audit trail download of national administrators: every workflow step
and answer change of a period and region, in the order they happened, with
who did it; the same rows as CSV, Excel and ODS; refused to every other
role; a bad period, region or format is shown on the form.

The steps are taken through the services, as the views take them, inside
the context the history middleware gives them (the user who saves)."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from simple_history.models import HistoricalRecords

from assessment.models import Answer, ReturnStatus
from assessment.moderation import review_decide, review_scores_save
from assessment.services import AgreedScore, answer_save, return_start, return_submit
from indicators.models import Dimension
from plans.models import DevelopmentPlan, PlanStatus, PlanTransition
from reports.audit import AUDIT_HEADERS, audit_rows
from tests.factories import LearningPartnershipFactory
from tests.spreadsheets import ODS_TYPE, ods_sheets, same_cells, xlsx_sheets

URL = "/audit-trail/"


@contextmanager
def acting_as(user) -> Iterator[None]:
    """What the history middleware does for a request: saves are the user's."""
    HistoricalRecords.context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        del HistoricalRecords.context.request


def save(return_record, code: str, user, **values: Any) -> None:
    stored = Answer.objects.get(return_record=return_record, indicator__code=code)
    fields = {
        name: getattr(stored, name)
        for name in ("score", "evidence", "barriers", "planned_action")
    }
    with acting_as(user):
        answer_save(
            return_record=return_record,
            answer=stored,
            values={**fields, **values},
            version=stored.version,
            user=user,
        )


def score_all(return_record, user, score: int = 2) -> None:
    for answer in Answer.objects.filter(return_record=return_record).select_related(
        "indicator"
    ):
        save(
            return_record,
            answer.indicator.code,
            user,
            score=score,
            evidence=f"Evidence for {answer.indicator.code}",
        )


@pytest.fixture
def trail(cast, return_a, period_2002, period_2003, partnership_b, manager_a2):
    """Partnership A's 2003-04 return from start to its second submission,
    its development plan's steps; partnership B's and A's 2002-03 returns
    (outside the region or the period asked for)."""
    manager_a, officer_a = cast["manager_a"], cast["officer_a"]
    score_all(return_a, manager_a)
    save(return_a, "D1.1", manager_a2, score=3, barriers="Funding")
    with acting_as(manager_a):
        return_submit(return_record=return_a, user=manager_a)
    d1 = Dimension.objects.get(framework=return_a.framework, code="D1")
    answers = Answer.objects.filter(return_record=return_a, indicator__dimension=d1)
    agreed = {
        a.pk: AgreedScore(
            score=2, comment="No minutes seen" if a.indicator.code == "D1.1" else ""
        )
        for a in answers.select_related("indicator")
    }
    with acting_as(officer_a):
        review_scores_save(
            return_record=return_a,
            dimension=d1,
            agreed=agreed,
            versions={a.pk: a.version for a in answers},
            user=officer_a,
        )
        review_decide(
            return_record=return_a,
            user=officer_a,
            overall_comment="",
            decision=ReturnStatus.RETURNED,
            reasons="Add the minutes",
        )
    return_a.refresh_from_db()
    save(return_a, "D1.1", manager_a, evidence="Minutes of 4 May")
    with acting_as(manager_a):
        return_submit(return_record=return_a, user=manager_a)
    plan = DevelopmentPlan.objects.create(
        partnership=return_a.partnership, period=period_2003, source_return=return_a
    )
    for frm, to, who, reason in (
        (PlanStatus.DRAFT, PlanStatus.SUBMITTED, manager_a, ""),
        (PlanStatus.SUBMITTED, PlanStatus.APPROVED, officer_a, "A sound plan"),
    ):
        PlanTransition.objects.create(
            plan=plan, from_status=frm, to_status=to, by=who, at=timezone.now(),
            reason=reason,
        )  # fmt: skip
    # Outside what is asked for: another region, another period.
    other = return_start(
        partnership=partnership_b, period=period_2003, user=cast["manager_b"]
    )
    save(other, "D1.1", cast["manager_b"], score=4)
    earlier = return_start(
        partnership=return_a.partnership, period=period_2002, user=manager_a
    )
    save(earlier, "D1.1", manager_a, score=1)
    return return_a


@pytest.fixture
def names(cast) -> dict[str, str]:
    """The cast's names as the trail shows them."""
    return {
        key: user.get_full_name() or user.username
        for key, user in cast.items()
        if user.is_authenticated
    }


def _body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"))))


def _query(return_a, file_format: str = "csv", region: Any = None) -> dict:
    region = return_a.partnership.region_id if region is None else region
    return {"period": "2003-04", "region": region, "format": file_format}


def test_admin_gets_the_region_and_period_in_order(client_as, trail, names):
    rows = _csv(client_as("admin").get(URL, _query(trail)))
    assert rows[0] == AUDIT_HEADERS
    body = rows[1:]
    assert {row[3] for row in body} == {trail.partnership.name}
    assert {row[4] for row in body} == {trail.partnership.region.name}
    assert {row[5] for row in body} == {"2003-04"}
    # In the order they happened.
    times = [datetime.datetime.fromisoformat(row[0]) for row in body]
    assert times == sorted(times)
    steps = [
        (row[1], row[2], row[6], row[-1])
        for row in body
        if row[6] not in ("Answer changed", "Agreed score changed")
    ]
    manager = (names["manager_a"], "Partnership manager")
    officer = (names["officer_a"], "LLSC officer")
    assert steps == [
        (*manager, "Self-assessment started", ""),
        (*manager, "Self-assessment submitted", ""),
        (*officer, "Self-assessment taken into review", ""),
        (*officer, "Self-assessment returned for revision", "Add the minutes"),
        (*manager, "Self-assessment submitted again", ""),
        (*manager, "Development plan submitted for approval", ""),
        (*officer, "Development plan approved", "A sound plan"),
    ]


def test_answer_changes_say_what_changed(client_as, trail, names):
    rows = _csv(client_as("admin").get(URL, _query(trail)))[1:]
    d11 = [row for row in rows if row[7] == "D1.1"]
    columns = [6, 1, 8, 9, 10, 11, 12, 13, 14]
    assert [[row[n] for n in columns] for row in d11] == [
        ["Answer changed", names["manager_a"], "", "2", "Developing", "Draft",
         "Yes", "Score, Evidence", ""],
        ["Answer changed", "Second Manager", "2", "3", "Significant progress", "Draft",
         "No", "Score, Barriers", ""],
        ["Agreed score changed", names["officer_a"], "", "2", "Developing",
         "In review", "", "Agreed score, Comment", "No minutes seen"],
        ["Answer changed", names["manager_a"], "3", "3", "Significant progress",
         "Returned for revision", "Yes", "Evidence", ""],
    ]  # fmt: skip
    # Every indicator scored once by the manager, D1.1 thrice; agreed scores
    # of D1 saved by the officer and the rest agreed at the decision.
    changes = [row for row in rows if row[6] == "Answer changed"]
    assert len(changes) == 28 + 2
    agreed = [row for row in rows if row[6] == "Agreed score changed"]
    assert len(agreed) == 28
    assert {row[1] for row in agreed} == {names["officer_a"]}


def test_all_of_england(client_as, trail, partnership_b):
    rows = _csv(client_as("admin").get(URL, _query(trail, region="")))[1:]
    assert {row[3] for row in rows} == {trail.partnership.name, partnership_b.name}
    assert {row[5] for row in rows} == {"2003-04"}
    theirs = [row[6] for row in rows if row[3] == partnership_b.name]
    assert theirs == ["Self-assessment started", "Answer changed"]


def test_spreadsheets_hold_the_csv_rows(client_as, trail):
    client = client_as("admin")
    rows = _csv(client.get(URL, _query(trail)))
    response = client.get(URL, _query(trail, "ods"))
    assert response["Content-Type"] == ODS_TYPE
    name = f"audit-trail-2003-04-{trail.partnership.region.name.lower()}"
    name = name.replace(" ", "-")
    assert response["Content-Disposition"] == f'attachment; filename="{name}.ods"'
    ods = ods_sheets(_body(response))
    xlsx_response = client.get(URL, _query(trail, "xlsx"))
    assert f'filename="{name}.xlsx"' in xlsx_response["Content-Disposition"]
    same_cells(ods, xlsx_sheets(_body(xlsx_response)))
    sheet = ods["Audit trail"]
    assert sheet[0] == AUDIT_HEADERS
    assert len(sheet) == len(rows)
    # Times as dates, scores as numbers, no value as an empty cell.
    started = sheet[1]
    assert isinstance(started[0], datetime.datetime)
    assert started[0].strftime("%Y-%m-%d %H:%M:%S") == rows[1][0]
    first_change = next(row for row in sheet if row[6] == "Answer changed")
    assert first_change[8] is None and first_change[9] == 2
    for ods_row, csv_row in zip(sheet[1:], rows[1:], strict=True):
        shown = ["" if v is None else str(v) for v in ods_row[1:]]
        assert shown == csv_row[1:]


def test_form_page_for_admins(client_as, trail):
    response = client_as("admin").get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<form method="get" action="/audit-trail/"' in page
    assert '<option value="2003-04">2003-04</option>' in page
    assert "All of England" in page
    home = client_as("admin").get("/").content.decode()
    assert 'href="/audit-trail/"' in home


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"period": "abc", "format": "csv"}, "There is no such period"),
        ({"period": "999999", "format": "csv"}, "There is no such period"),
        ({"period": "2003-04", "region": "12x", "format": "ods"}, "no such region"),
        ({"period": "2003-04", "region": "-1", "format": "xlsx"}, "no such region"),
        ({"period": "2003-04", "format": "pdf"}, "Select CSV, Excel workbook or ODS"),
        ({"format": "csv"}, "Select the period"),
        ({"period": "2003-04"}, "Select the file format"),
    ],
)
def test_bad_queries_are_form_errors(client_as, trail, query, message):
    response = client_as("admin").get(URL, query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()


@pytest.mark.parametrize(
    "who", ["manager_a", "officer_a", "go_a", "go_elsewhere", "no_role"]
)
def test_other_roles_are_refused(client_as, trail, who):
    assert client_as(who).get(URL).status_code == 403
    assert client_as(who).get(URL, _query(trail)).status_code == 403


def test_sign_in_first(anonymous, trail):
    response = anonymous.get(URL, _query(trail))
    assert response.status_code == 302
    assert "next=/audit-trail/" in response["Location"]


def _count_queries(client, query: dict) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        rows = _csv(client.get(URL, query))
    return len(queries), len(rows)


def test_queries_do_not_grow_with_the_rows(client_as, cast, period_2003, region_a):
    """The same queries for one partnership's trail and for ten times more."""
    client = client_as("admin")
    query = {"period": "2003-04", "region": region_a.pk, "format": "csv"}

    def add_partnership() -> None:
        # A fresh user: the partnerships one manages are cached on the object.
        manager = get_user_model().objects.get(pk=cast["manager_a"].pk)
        partnership = LearningPartnershipFactory(region=region_a)
        partnership.managers.add(manager)
        record = return_start(partnership=partnership, period=period_2003, user=manager)
        for code in ("D1.1", "D1.2", "D2.1"):
            save(record, code, manager, score=3, evidence="Seen")
        with acting_as(manager):
            Answer.objects.filter(return_record=record, score__isnull=True).update(
                score=1
            )
            return_submit(return_record=record, user=manager)

    add_partnership()
    few, few_rows = _count_queries(client, query)
    for _ in range(9):
        add_partnership()
    many, many_rows = _count_queries(client, query)
    assert many_rows - 1 == 10 * (few_rows - 1)
    assert many == few


def test_formulas_stay_text(client_as, cast, return_a):
    """Reasons and comments are typed by users: kept from being run as
    formulas, as in the regional view's downloads."""
    formula = '=HYPERLINK("http://example.org","Click")'
    plan = DevelopmentPlan.objects.create(
        partnership=return_a.partnership, period=return_a.period
    )
    PlanTransition.objects.create(
        plan=plan,
        from_status=PlanStatus.SUBMITTED,
        to_status=PlanStatus.RETURNED,
        by=cast["officer_a"],
        at=timezone.now(),
        reason=formula,
    )
    client = client_as("admin")
    rows = _csv(client.get(URL, _query(return_a)))
    assert rows[-1][-1] == "'" + formula
    content = _body(client.get(URL, _query(return_a, "xlsx")))
    sheet = load_workbook(io.BytesIO(content))["Audit trail"]
    cell = sheet.cell(row=sheet.max_row, column=len(AUDIT_HEADERS))
    assert (cell.value, cell.data_type, cell.quotePrefix) == (formula, "s", True)
    content = _body(client.get(URL, _query(return_a, "ods")))
    assert ods_sheets(content)["Audit trail"][-1][-1] == formula
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert "table:formula" not in archive.read("content.xml").decode()


@pytest.mark.parametrize("who", ["manager_a", "officer_a", "go_a", "no_role"])
def test_the_rows_refuse_other_roles_before_reading(cast, period_2003, who):
    with pytest.raises(PermissionDenied):
        audit_rows(user=cast[who], period=period_2003, region=None)

"""Starting and editing a development plan through the pages: who may, what
the forms refuse (and that nothing is saved then), changes and removals."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from assessment.services import return_start, return_submit
from plans import services as plan_services
from plans.models import (
    DevelopmentPlan,
    MonitoringPoint,
    PlanAction,
    Priority,
    ProgressUpdate,
    Target,
    TargetValue,
)

from .helpers import (
    SELF_SCORES,
    action_data,
    date_fields,
    errors,
    fill_answers,
    priority_data,
    signed_in,
    target_data,
    text,
)

OUT_OF_SCOPE = ["manager_b", "officer_elsewhere", "go_elsewhere"]
READ_ONLY = ["officer_a", "go_a"]


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            DevelopmentPlan,
            MonitoringPoint,
            Priority,
            PlanAction,
            Target,
            TargetValue,
            ProgressUpdate,
        )
    }


@pytest.fixture
def parts(plan_a, furnish):
    """Plan A with priorities, actions, targets and an update; the first
    priority with its first action and target."""
    plan = furnish(plan_a)
    priority = plan.priorities.order_by("order").first()
    return {
        "plan": plan,
        "priority": priority,
        "action": priority.actions.first(),
        "target": priority.targets.first(),
    }


def edit_requests(parts, dimension) -> list[tuple[str, str, dict]]:
    """Every request that changes plan A, with a valid POST where one is sent."""
    plan, priority = parts["plan"], parts["priority"]
    action, target = parts["action"], parts["target"]
    base = f"/plans/{plan.pk}"
    prio = f"{base}/priorities/{priority.pk}"
    point = plan.monitoring_points.first()
    requests = [
        ("post", f"/returns/{plan.source_return_id}/plan/", {}),
        ("post", f"{base}/priorities/add/", priority_data(dimension)),
        ("post", f"{prio}/edit/", priority_data(dimension, title="Changed")),
        ("post", f"{prio}/actions/add/", action_data()),
        ("post", f"{prio}/actions/{action.pk}/edit/", action_data()),
        ("post", f"{prio}/targets/add/", target_data(plan, ["1"])),
        ("post", f"{prio}/targets/{target.pk}/edit/", target_data(plan, ["1"])),
        ("post", f"{base}/action/{action.pk}/remove/", {}),
        ("post", f"{base}/target/{target.pk}/remove/", {}),
        ("post", f"{base}/priority/{priority.pk}/remove/", {}),
        (
            "post",
            f"{base}/progress/add/",
            {"point": point.pk, "status": "on_track", "narrative": "Going well"},
        ),
        ("post", f"{base}/suggestions/", {"code": "D1.1", "action": "accept"}),
    ]
    gets = [
        f"{base}/priorities/add/",
        f"{prio}/edit/",
        f"{prio}/actions/add/",
        f"{prio}/actions/{action.pk}/edit/",
        f"{prio}/targets/add/",
        f"{prio}/targets/{target.pk}/edit/",
        f"{base}/action/{action.pk}/remove/",
        f"{base}/progress/add/",
    ]
    return requests + [("get", url, {}) for url in gets]


# Starting a plan


def test_starting_a_plan_from_a_submitted_return(submitted_a, client_as):
    client = client_as("manager_a")

    response = client.post(f"/returns/{submitted_a.pk}/plan/")

    plan = DevelopmentPlan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/plans/{plan.pk}/"
    assert plan.partnership == submitted_a.partnership
    assert plan.period == submitted_a.period
    assert plan.source_return == submitted_a
    assert plan.status == "draft"
    assert submitted_a.period.starts_on == datetime.date(2003, 4, 1)
    points = list(plan.monitoring_points.order_by("due_on"))
    # End of July, November and March of the 2003-04 period.
    assert [p.due_on for p in points] == [
        datetime.date(2003, 7, 31),
        datetime.date(2003, 11, 30),
        datetime.date(2004, 3, 31),
    ]
    assert all(
        submitted_a.period.starts_on <= p.due_on <= submitted_a.period.ends_on
        for p in points
    )
    assert client.get(response["Location"]).status_code == 200


def test_starting_twice_gives_the_same_plan(submitted_a, client_as):
    client = client_as("manager_a")
    first = client.post(f"/returns/{submitted_a.pk}/plan/")
    before = counts()

    second = client.post(f"/returns/{submitted_a.pk}/plan/")

    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    assert counts() == before
    assert before["DevelopmentPlan"] == 1
    assert before["MonitoringPoint"] == 3


def test_the_return_page_offers_to_start_the_plan_once_submitted(
    return_a, manager_a, client_as
):
    client = client_as("manager_a")
    draft = client.get(f"/returns/{return_a.pk}/").content.decode()
    fill_answers(return_a, SELF_SCORES)
    return_submit(return_record=return_a, user=manager_a)

    submitted = client.get(f"/returns/{return_a.pk}/").content.decode()

    start = f'action="/returns/{return_a.pk}/plan/"'
    assert start not in draft
    assert start in submitted


def test_a_plan_cannot_be_started_from_a_draft_return(return_a, client_as):
    response = client_as("manager_a").post(f"/returns/{return_a.pk}/plan/")

    assert response.status_code < 500
    assert not DevelopmentPlan.objects.exists()


def test_starting_is_a_post(submitted_a, client_as):
    response = client_as("manager_a").get(f"/returns/{submitted_a.pk}/plan/")

    assert response.status_code == 405
    assert not DevelopmentPlan.objects.exists()


def test_the_administrator_may_start_and_edit(submitted_a, client_as, dimensions):
    client = client_as("admin")

    response = client.post(f"/returns/{submitted_a.pk}/plan/")
    plan = DevelopmentPlan.objects.get()
    added = client.post(
        f"/plans/{plan.pk}/priorities/add/", priority_data(dimensions["D1"])
    )

    assert response.status_code == 302
    assert added.status_code == 302
    assert plan.priorities.count() == 1


# Who may change a plan


@pytest.mark.parametrize("name", READ_ONLY)
def test_readers_in_scope_may_not_start_or_change(
    parts, cast, dimensions, name
) -> None:
    client = signed_in(cast[name])
    before = counts()
    plan = parts["plan"]
    updated_at = plan.updated_at

    for method, url, data in edit_requests(parts, dimensions["D1"]):
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, (method, url)

    assert counts() == before
    plan.refresh_from_db()
    assert plan.updated_at == updated_at
    assert plan.dismissed_suggestions == []
    assert client.get(f"/plans/{plan.pk}/").status_code == 200


@pytest.mark.parametrize("name", OUT_OF_SCOPE)
def test_people_out_of_scope_get_404(parts, cast, dimensions, name) -> None:
    client = signed_in(cast[name])
    before = counts()

    for method, url, data in edit_requests(parts, dimensions["D1"]):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url)

    assert counts() == before
    assert client.get(f"/plans/{parts['plan'].pk}/").status_code == 404


def test_a_reader_sees_no_change_links(parts, client_as):
    plan = parts["plan"]

    page = client_as("officer_a").get(f"/plans/{plan.pk}/").content.decode()

    assert f"/plans/{plan.pk}/priorities/add/" not in page
    assert "/remove/" not in page
    assert "/edit/" not in page


def test_the_manager_sees_the_change_links(parts, client_as):
    plan, priority = parts["plan"], parts["priority"]

    page = client_as("manager_a").get(f"/plans/{plan.pk}/").content.decode()

    assert f"/plans/{plan.pk}/priorities/add/" in page
    assert f"/plans/{plan.pk}/priorities/{priority.pk}/edit/" in page
    assert f"/plans/{plan.pk}/action/{parts['action'].pk}/remove/" in page


# Validation, through the pages


@pytest.fixture
def priority(plan_a, indicators, manager_a):
    return plan_services.priority_save(
        plan=plan_a,
        user=manager_a,
        title="Reach the regeneration wards",
        description="",
        dimension=indicators["D2.1"].dimension,
        indicators=[indicators["D2.1"]],
    )


def _refused(response, field: str, message: str) -> None:
    assert response.status_code == 200
    assert errors(response)[field] == [message]
    assert message in text(response)
    assert "<title>Error: " in response.content.decode()


def test_due_date_before_start_date_is_refused(plan_a, priority, client_as):
    before = counts()
    data = action_data(
        **date_fields("starts_on", datetime.date(2003, 9, 1)),
        **date_fields("due_on", datetime.date(2003, 8, 31)),
    )

    response = client_as("manager_a").post(
        f"/plans/{plan_a.pk}/priorities/{priority.pk}/actions/add/", data
    )

    _refused(
        response, "due_on", "The due date must be the same as or after the start date"
    )
    # One plain-English error, not also the database constraint's.
    assert list(errors(response)) == ["due_on"]
    assert counts() == before


def test_due_date_on_the_start_date_is_accepted(plan_a, priority, client_as):
    data = action_data(
        **date_fields("starts_on", datetime.date(2003, 9, 1)),
        **date_fields("due_on", datetime.date(2003, 9, 1)),
    )

    response = client_as("manager_a").post(
        f"/plans/{plan_a.pk}/priorities/{priority.pk}/actions/add/", data
    )

    assert response.status_code == 302
    assert priority.actions.get().due_on == datetime.date(2003, 9, 1)


def test_missing_lead_is_refused(plan_a, priority, client_as):
    before = counts()

    response = client_as("manager_a").post(
        f"/plans/{plan_a.pk}/priorities/{priority.pk}/actions/add/",
        action_data(lead_member="", lead_person="   "),
    )

    _refused(
        response, "lead_person", "Name the lead: a member organisation or a person"
    )
    assert list(errors(response)) == ["lead_person"]
    assert counts() == before


def test_a_member_organisation_alone_is_a_lead(plan_a, priority, client_as):
    member = plan_a.partnership.members.get()

    response = client_as("manager_a").post(
        f"/plans/{plan_a.pk}/priorities/{priority.pk}/actions/add/",
        action_data(lead_member=member.pk, lead_person=""),
    )

    assert response.status_code == 302
    assert priority.actions.get().lead == "Leeds College"


def test_a_member_of_another_partnership_is_refused(
    plan_a, priority, client_as, member_b
):
    before = counts()

    response = client_as("manager_a").post(
        f"/plans/{plan_a.pk}/priorities/{priority.pk}/actions/add/",
        action_data(lead_member=member_b.pk),
    )

    assert response.status_code == 200
    assert "lead_member" in errors(response)
    assert counts() == before


@pytest.mark.parametrize(
    ("day", "month", "year"), [("31", "2", "2004"), ("30", "13", "2003")]
)
def test_an_impossible_date_is_refused(plan_a, priority, client_as, day, month, year):
    before = counts()

    response = client_as("manager_a").post(
        f"/plans/{plan_a.pk}/priorities/{priority.pk}/actions/add/",
        action_data(**date_fields("starts_on", (day, month, year))),
    )

    _refused(response, "starts_on", "Enter a real date")
    assert counts() == before


def test_an_actual_value_that_is_not_a_number_is_refused(plan_a, priority, client_as):
    before = counts()
    second = plan_a.monitoring_points.order_by("due_on")[1]

    response = client_as("manager_a").post(
        f"/plans/{plan_a.pk}/priorities/{priority.pk}/targets/add/",
        target_data(plan_a, ["450", "abc"]),
    )

    _refused(
        response,
        f"actual-{second.pk}",
        f"The actual value at {second.label} must be a number",
    )
    assert second.label == "Monitoring point 2"
    assert list(errors(response)) == [f"actual-{second.pk}"]
    assert counts() == before


def test_a_baseline_that_is_not_a_number_is_refused(plan_a, priority, client_as):
    before = counts()

    response = client_as("manager_a").post(
        f"/plans/{plan_a.pk}/priorities/{priority.pk}/targets/add/",
        target_data(plan_a, ["450"], baseline="x"),
    )

    _refused(response, "baseline", "The baseline must be a number, like 120 or 12.5")
    assert counts() == before


@pytest.mark.parametrize(
    ("baseline", "floor", "aspirational"),
    [("100", "250", "200"), ("50", "20", "30")],
)
def test_a_floor_beyond_the_aspiration_is_refused(
    plan_a, priority, client_as, baseline, floor, aspirational
):
    before = counts()

    response = client_as("manager_a").post(
        f"/plans/{plan_a.pk}/priorities/{priority.pk}/targets/add/",
        target_data(
            plan_a, ["150"], baseline=baseline, floor=floor, aspirational=aspirational
        ),
    )

    _refused(
        response, "floor", "The floor target must not go beyond the aspirational target"
    )
    assert counts() == before


def test_a_falling_target_is_accepted(plan_a, priority, client_as):
    response = client_as("manager_a").post(
        f"/plans/{plan_a.pk}/priorities/{priority.pk}/targets/add/",
        target_data(plan_a, ["45"], baseline="60", floor="50", aspirational="40"),
    )

    assert response.status_code == 302
    assert priority.targets.get().floor == 50


def test_an_indicator_of_another_dimension_is_refused(
    plan_a, client_as, dimensions, indicators
):
    before = counts()
    updated_at = DevelopmentPlan.objects.get(pk=plan_a.pk).updated_at

    response = client_as("manager_a").post(
        f"/plans/{plan_a.pk}/priorities/add/",
        priority_data(
            dimensions["D1"], indicators=[indicators["D1.2"], indicators["D2.1"]]
        ),
    )

    _refused(response, "indicators", "D2.1 is not an indicator of D1")
    assert counts() == before
    assert DevelopmentPlan.objects.get(pk=plan_a.pk).updated_at == updated_at


def test_a_priority_needs_a_title_and_a_dimension(plan_a, client_as, dimensions):
    before = counts()

    response = client_as("manager_a").post(
        f"/plans/{plan_a.pk}/priorities/add/",
        priority_data(dimensions["D1"], title="", dimension=""),
    )

    assert response.status_code == 200
    assert errors(response) == {
        "title": ["Enter the priority"],
        "dimension": ["Select the dimension the priority belongs to"],
    }
    assert counts() == before


def test_a_progress_update_at_another_plans_point_is_refused(
    plan_a, client_as, partnership_b, manager_b, period_2003
):
    other = plan_services.plan_create(
        return_record=return_start(
            partnership=partnership_b, period=period_2003, user=manager_b
        ),
        user=manager_b,
    )
    before = counts()

    response = client_as("manager_a").post(
        f"/plans/{plan_a.pk}/progress/add/",
        {
            "point": other.monitoring_points.first().pk,
            "status": "on_track",
            "narrative": "Going well",
        },
    )

    assert response.status_code == 200
    assert "point" in errors(response)
    assert counts() == before


# Changes and removals


def test_adding_parts_through_the_pages(plan_a, client_as, dimensions, indicators):
    client = client_as("manager_a")
    url = f"/plans/{plan_a.pk}"

    added = client.post(
        f"{url}/priorities/add/",
        priority_data(dimensions["D1"], indicators=[indicators["D1.2"]]),
    )
    priority = plan_a.priorities.get()
    action = client.post(f"{url}/priorities/{priority.pk}/actions/add/", action_data())
    target = client.post(
        f"{url}/priorities/{priority.pk}/targets/add/",
        target_data(plan_a, ["450", "", "512.5"]),
    )
    point = plan_a.monitoring_points.order_by("due_on").first()
    update = client.post(
        f"{url}/progress/add/",
        {
            "point": point.pk,
            "status": "at_risk",
            "narrative": "Tutor training is behind.",
            "soft_outcomes": ["attitudes", "new_partners"],
        },
    )

    assert added["Location"] == f"{url}/"
    assert action["Location"] == f"{url}/#priority-{priority.pk}"
    assert target["Location"] == f"{url}/#priority-{priority.pk}"
    assert update["Location"] == f"{url}/#monitoring"
    assert priority.title == "Reach the regeneration wards"
    assert list(priority.indicators.values_list("code", flat=True)) == ["D1.2"]
    assert priority.dimension == dimensions["D1"]
    assert priority.plausibility == "medium"
    saved_action = priority.actions.get()
    assert saved_action.lead == "Pat Manager"
    assert saved_action.due_on == datetime.date(2004, 1, 31)
    assert saved_action.status == "on_track"
    saved_target = priority.targets.get()
    values = {v.point.due_on.month: v.actual for v in saved_target.values.all()}
    assert values == {7: Decimal("450"), 3: Decimal("512.5")}
    progress = ProgressUpdate.objects.get(plan=plan_a)
    assert progress.soft_outcomes == ["attitudes", "new_partners"]
    page = text(client.get(f"{url}/"))
    assert "Reach the regeneration wards" in page
    assert "Pilot outreach learning in three community centres" in page
    assert "Tutor training is behind." in page


def test_changing_parts_through_the_pages(parts, client_as, dimensions):
    client = client_as("manager_a")
    plan, priority = parts["plan"], parts["priority"]
    action, target = parts["action"], parts["target"]
    url = f"/plans/{plan.pk}"
    before = counts()

    changed_priority = client.post(
        f"{url}/priorities/{priority.pk}/edit/",
        priority_data(dimensions["D3"], title="A changed priority"),
    )
    changed_action = client.post(
        f"{url}/priorities/{priority.pk}/actions/{action.pk}/edit/",
        action_data(description="A changed action", status="complete"),
    )
    changed_target = client.post(
        f"{url}/priorities/{priority.pk}/targets/{target.pk}/edit/",
        target_data(plan, ["", "99", "101"], measure="A changed measure"),
    )

    assert changed_priority["Location"] == f"{url}/"
    assert changed_action["Location"] == f"{url}/#priority-{priority.pk}"
    assert changed_target["Location"] == f"{url}/#priority-{priority.pk}"
    priority.refresh_from_db()
    assert priority.title == "A changed priority"
    assert priority.dimension == dimensions["D3"]
    assert list(priority.indicators.all()) == []
    action.refresh_from_db()
    assert (action.description, action.status) == ("A changed action", "complete")
    target.refresh_from_db()
    assert target.measure == "A changed measure"
    # The first point's value was blanked, so it is gone.
    values = sorted(
        (v.point.due_on, v.actual) for v in target.values.select_related("point")
    )
    assert values == [
        (datetime.date(2003, 11, 30), Decimal("99")),
        (datetime.date(2004, 3, 31), Decimal("101")),
    ]
    # One value removed, one added: nothing else made or lost.
    assert counts() == before


def test_the_edit_pages_show_what_is_saved(parts, client_as):
    client = client_as("manager_a")
    plan, priority, target = parts["plan"], parts["priority"], parts["target"]
    first = plan.monitoring_points.order_by("due_on").first()

    page = client.get(
        f"/plans/{plan.pk}/priorities/{priority.pk}/targets/{target.pk}/edit/"
    )

    form = page.context["form"]
    assert form[f"actual-{first.pk}"].value() == Decimal("120")
    assert form["measure"].value() == "Measure 1"


@pytest.mark.parametrize("kind", ["action", "target", "priority"])
def test_removing_a_part(parts, client_as, kind):
    client = client_as("manager_a")
    plan = parts["plan"]
    part = parts[kind]
    url = f"/plans/{plan.pk}/{kind}/{part.pk}/remove/"

    confirm = client.get(url)
    response = client.post(url)

    assert confirm.status_code == 200
    assert response.status_code == 302
    assert response["Location"] == f"/plans/{plan.pk}/"
    assert not type(part).objects.filter(pk=part.pk).exists()
    if kind == "priority":
        # Its actions and targets go with it.
        assert not PlanAction.objects.filter(pk=parts["action"].pk).exists()
        assert not Target.objects.filter(pk=parts["target"].pk).exists()
    assert plan.priorities.count() == (2 if kind == "priority" else 3)


def test_an_unknown_kind_of_part_is_404(parts, client_as):
    client = client_as("manager_a")
    plan, action = parts["plan"], parts["action"]
    before = counts()

    for kind in ("update", "plan", "monitoringpoint", "actions"):
        url = f"/plans/{plan.pk}/{kind}/{action.pk}/remove/"
        assert client.get(url).status_code == 404, kind
        assert client.post(url).status_code == 404, kind

    assert counts() == before


def test_parts_of_another_plan_are_404_through_this_plan(
    parts, client_as, partnership_b, manager_b, period_2003, dimensions
):
    """The administrator may change both plans, but not one plan's parts
    through the other's address."""
    other = plan_services.plan_create(
        return_record=return_start(
            partnership=partnership_b, period=period_2003, user=manager_b
        ),
        user=manager_b,
    )
    plan, priority = parts["plan"], parts["priority"]
    action, target = parts["action"], parts["target"]
    client = client_as("admin")
    before = counts()

    requests = [
        f"/plans/{other.pk}/priorities/{priority.pk}/edit/",
        f"/plans/{other.pk}/priorities/{priority.pk}/actions/add/",
        f"/plans/{other.pk}/priorities/{priority.pk}/targets/add/",
        f"/plans/{other.pk}/priority/{priority.pk}/remove/",
        f"/plans/{other.pk}/action/{action.pk}/remove/",
        f"/plans/{other.pk}/target/{target.pk}/remove/",
    ]
    for url in requests:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url
    assert (
        client.post(
            f"/plans/{plan.pk}/priorities/{priority.pk}/actions/{action.pk}/edit/",
            action_data(),
        ).status_code
        == 302
    )

    assert counts() == before


def test_every_change_touches_the_plan(parts, client_as):
    plan = parts["plan"]
    before = DevelopmentPlan.objects.get(pk=plan.pk).updated_at

    client_as("manager_a").post(f"/plans/{plan.pk}/action/{parts['action'].pk}/remove/")

    assert DevelopmentPlan.objects.get(pk=plan.pk).updated_at > before

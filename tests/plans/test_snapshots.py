"""What changed since approval, compared from two copies of a plan's
content (plans.snapshots): no database needed."""

from __future__ import annotations

from plans.snapshots import compare


def priority(pk: int, title: str, actions=(), targets=(), **fields: str) -> dict:
    return {
        "id": pk,
        "fields": {"title": title, "description": "", **fields},
        "actions": list(actions),
        "targets": list(targets),
    }


def action(pk: int, description: str, **fields: str) -> dict:
    return {"id": pk, "fields": {"description": description, **fields}}


def target(pk: int, measure: str, **fields: str) -> dict:
    return {"id": pk, "fields": {"measure": measure, "floor": "10", **fields}}


def plan(*priorities: dict) -> dict:
    return {"priorities": list(priorities)}


def summaries(before: dict, after: dict) -> list[str]:
    return [change.summary for change in compare(before, after)]


def test_the_same_content_is_no_change():
    content = plan(priority(1, "Reach the wards", [action(1, "Outreach")]))

    assert compare(content, content) == []


def test_changed_fields_are_named_with_before_and_after():
    before = plan(priority(1, "Reach the wards", targets=[target(5, "Learners")]))
    after = plan(
        priority(1, "Reach every ward", targets=[target(5, "Learners", floor="12.5")])
    )

    changes = compare(before, after)

    assert [c.summary for c in changes] == [
        "Priority “Reach every ward” changed",
        "Target “Learners” changed (priority “Reach every ward”)",
    ]
    assert [(f.label, f.before, f.after) for f in changes[0].fields] == [
        ("Title", "Reach the wards", "Reach every ward")
    ]
    assert [(f.label, f.before, f.after) for f in changes[1].fields] == [
        ("Floor target", "10", "12.5")
    ]


def test_added_and_removed_parts():
    before = plan(
        priority(1, "Reach the wards", [action(1, "Outreach"), action(2, "Train")]),
        priority(2, "Train tutors"),
    )
    after = plan(
        priority(1, "Reach the wards", [action(1, "Outreach"), action(3, "Survey")]),
        priority(
            3, "Know the needs", [action(4, "Ask residents")], [target(9, "Asked")]
        ),
    )

    assert summaries(before, after) == [
        "Action “Survey” added (priority “Reach the wards”)",
        "Action “Train” removed (priority “Reach the wards”)",
        "Priority “Know the needs” added",
        "Action “Ask residents” added (priority “Know the needs”)",
        "Target “Asked” added (priority “Know the needs”)",
        "Priority “Train tutors” removed",
    ]


def test_a_long_name_is_shortened():
    after = plan(priority(1, "A" * 200))

    (change,) = compare(plan(), after)

    assert change.name == "A" * 79 + "…"

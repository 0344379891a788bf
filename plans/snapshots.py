"""What a development plan commits the partnership to, as it stood at its
approval, and what changed since.

The snapshot holds the priorities, their actions and their targets in the
words the plan shows (display labels, formatted dates and numbers), so that
the comparison reads as it would on the page without looking anything up.

Progress is left out on purpose: an action's status and a target's actual
values at the monitoring points are what the manager reports during the year
(the approved plan asks for exactly that), so reporting them does not undo the
approval. Progress updates are not part of the plan's content either."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.db import models
from django.utils.dateformat import format as format_date
from django.utils.text import Truncator, capfirst

from .models import PlanAction, Priority, Target

Snapshot = dict[str, Any]

PRIORITY_FIELDS = [
    "title",
    "description",
    "dimension",
    "indicators",
    "plausibility",
    "plausibility_rationale",
]
ACTION_FIELDS = [
    "description",
    "lead_member",
    "lead_person",
    "improvement_area",
    "starts_on",
    "due_on",
    "resources",
    "funding_source",
    "success_measure",
]
TARGET_FIELDS = ["measure", "unit", "baseline", "floor", "aspirational"]

KINDS: dict[str, tuple[type[models.Model], list[str]]] = {
    "priority": (Priority, PRIORITY_FIELDS),
    "action": (PlanAction, ACTION_FIELDS),
    "target": (Target, TARGET_FIELDS),
}


def _shown(instance: models.Model, name: str) -> str:
    """A field's value as the plan shows it."""
    if name == "dimension":
        dimension = instance.dimension  # type: ignore[attr-defined]
        return f"{dimension.code} {dimension.title}"
    if name == "indicators":
        codes = sorted(i.code for i in instance.indicators.all())  # type: ignore[attr-defined]
        return ", ".join(codes)
    if name == "lead_member":
        member = instance.lead_member  # type: ignore[attr-defined]
        return str(member) if member is not None else ""
    model_field = instance._meta.get_field(name)
    value = getattr(instance, name)
    if getattr(model_field, "choices", None):
        return str(getattr(instance, f"get_{name}_display")())
    if isinstance(model_field, models.DateField):
        return format_date(value, "j F Y")
    if isinstance(model_field, models.DecimalField):
        return f"{Decimal(value).normalize():f}"
    return str(value)


def _part(instance: models.Model, names: list[str]) -> dict[str, str]:
    return {name: _shown(instance, name) for name in names}


def plan_snapshot(priorities: Iterable[Priority]) -> Snapshot:
    """The plan's content, from its priorities with their dimension,
    indicators, actions (and lead organisation) and targets already loaded."""
    return {
        "priorities": [
            {
                "id": priority.pk,
                "fields": _part(priority, PRIORITY_FIELDS),
                "actions": [
                    {"id": action.pk, "fields": _part(action, ACTION_FIELDS)}
                    for action in priority.actions.all()
                ],
                "targets": [
                    {"id": target.pk, "fields": _part(target, TARGET_FIELDS)}
                    for target in priority.targets.all()
                ],
            }
            for priority in priorities
        ]
    }


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class PartChange:
    """A priority, action or target added, changed or removed since approval."""

    kind: str
    change: str
    name: str
    priority: str = ""
    fields: list[FieldChange] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """One line: "Action “Pilot outreach” changed (priority “Reach…”)"."""
        under = f" (priority “{self.priority}”)" if self.priority else ""
        return f"{capfirst(self.kind)} “{self.name}” {self.change}{under}"


def _label(kind: str, name: str) -> str:
    model, _ = KINDS[kind]
    model_field = cast(models.Field[Any, Any], model._meta.get_field(name))
    return str(capfirst(model_field.verbose_name))


def _name(kind: str, fields: dict[str, str]) -> str:
    text = fields.get("title") or fields.get("measure") or fields.get("description")
    return str(Truncator(text or "").chars(80))


def _compare_parts(
    kind: str,
    before: list[dict[str, Any]],
    after: list[dict[str, Any]],
    priority: str,
) -> list[PartChange]:
    old = {part["id"]: part["fields"] for part in before}
    new = {part["id"]: part["fields"] for part in after}
    changes = []
    for pk, fields in new.items():
        if pk not in old:
            changes.append(PartChange(kind, "added", _name(kind, fields), priority))
            continue
        differing = [
            FieldChange(_label(kind, name), old[pk].get(name, ""), value)
            for name, value in fields.items()
            if old[pk].get(name, "") != value
        ]
        if differing:
            changes.append(
                PartChange(kind, "changed", _name(kind, fields), priority, differing)
            )
    changes += [
        PartChange(kind, "removed", _name(kind, fields), priority)
        for pk, fields in old.items()
        if pk not in new
    ]
    return changes


def compare(before: Snapshot, after: Snapshot) -> list[PartChange]:
    """What was added, changed or removed between two snapshots of a plan:
    priorities first, each followed by the changes to its actions and targets."""
    old = {part["id"]: part for part in before.get("priorities", [])}
    new = {part["id"]: part for part in after.get("priorities", [])}
    changes: list[PartChange] = []
    for pk, part in new.items():
        title = _name("priority", part["fields"])
        previous = old.get(pk, {"actions": [], "targets": []})
        changes += _compare_parts(
            "priority",
            [{"id": pk, "fields": previous["fields"]}] if pk in old else [],
            [{"id": pk, "fields": part["fields"]}],
            "",
        )
        if pk not in old:
            # The new priority's own actions and targets are new with it.
            changes += _compare_parts("action", [], part["actions"], title)
            changes += _compare_parts("target", [], part["targets"], title)
            continue
        changes += _compare_parts("action", previous["actions"], part["actions"], title)
        changes += _compare_parts("target", previous["targets"], part["targets"], title)
    for pk, part in old.items():
        if pk not in new:
            # Removing a priority removes its actions and targets with it.
            changes.append(
                PartChange("priority", "removed", _name("priority", part["fields"]))
            )
    return changes

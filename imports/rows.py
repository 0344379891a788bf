"""What each row of a file would do: create a record, change one (and how),
leave one unchanged, or nothing because of a problem, said by row and column.

The records the rows name are read in bulk, a fixed number of queries for the
whole file, never one a row. The models' own field checks run on each record
as it would be saved (all but the checks that need a query: those are the
keys, checked here for the whole file at once, and the services' own checks
when the rows are saved)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower

from partnerships.locks import oversight_lock, region_locked_message
from partnerships.models import (
    LSP,
    LearningPartnership,
    LocalLSC,
    MemberOrganisation,
    Profile,
    Role,
)

from .cells import (
    EMPTY,
    References,
    cell_text,
    check_headers,
    parse,
    shown,
)
from .columns import (
    DATE,
    LIST_SEPARATOR,
    SPECS,
    YES_NO,
    KindSpec,
)
from .models import Kind
from .outcomes import (
    CHANGE,
    CREATE,
    PROBLEM,
    UNCHANGED,
    Change,
    Preview,
    RowPlan,
)
from .reading import Table

# The rows.


@dataclass
class ReadRow:
    """One row's cells, read: the values of the non-empty cells by column,
    and which columns the file has."""

    number: int
    values: dict[str, Any]
    texts: dict[str, str]


def _read_rows(
    table: Table, spec: KindSpec, names: list[str], refs: References
) -> tuple[list[ReadRow], list[RowPlan]]:
    read: list[ReadRow] = []
    plans: list[RowPlan] = []
    for number, cells in table.rows:
        texts = {
            name: cell_text(cells[i] if i < len(cells) else None)
            for i, name in enumerate(names)
            if name
        }
        extra = [cell_text(c) for c in cells[len(names) :]]
        key = " / ".join(texts.get(k, "") for k in spec.key) or "(no key)"
        plan = RowPlan(number=number, key=key)
        if any(extra):
            plan.problem("", "has more cells than the header row", table.sheet)
        values: dict[str, Any] = {}
        for column in spec.columns:
            text = texts.get(column.name, "")
            if not text:
                if column.required:
                    plan.problem(
                        column.name, f"Enter the {column.label.lower()}", table.sheet
                    )
                continue
            try:
                values[column.name] = parse(column, text, refs)
            except ValueError as error:
                plan.problem(column.name, f"{column.label} {error}", table.sheet)
        read.append(ReadRow(number, values, texts))
        plans.append(plan)
    return read, plans


def _duplicates(
    read: list[ReadRow], plans: list[RowPlan], spec: KindSpec, sheet: str
) -> None:
    """A key given twice in the file: the later rows are problems."""
    first: dict[tuple[str, ...], int] = {}
    for row, plan in zip(read, plans, strict=True):
        key = tuple(row.texts.get(k, "").lower() for k in spec.key)
        if not all(key):
            continue
        if key in first:
            plan.problem(
                spec.key[-1],
                f"The same {spec.record} as row {first[key]}: give each once",
                sheet,
            )
        else:
            first[key] = row.number


def _lower_in(
    queryset: models.QuerySet[Any], field_name: str, values: Iterable[str]
) -> models.QuerySet[Any]:
    lowered = {value.lower() for value in values if value}
    return queryset.annotate(_key=Lower(field_name)).filter(_key__in=lowered)


def _model_problems(
    instance: models.Model, plan: RowPlan, sheet: str, columns: dict[str, str]
) -> None:
    """The model's own checks that need no query (lengths, formats, its
    clean()), each said against the column it concerns."""
    exclude = [
        f.name
        for f in instance._meta.concrete_fields
        if isinstance(f, models.ForeignKey)
    ]
    try:
        instance.full_clean(
            exclude=exclude, validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            for message in messages:
                plan.problem(columns.get(name, ""), message, sheet)


def _compare(
    plan: RowPlan, spec: KindSpec, row: ReadRow, existing: Any, fields: dict[str, str]
) -> None:
    """Set the row's values on a copy of the existing record (or a new one's
    defaults), and list what changes. ``fields``: column -> model field."""
    for column_name, field_name in fields.items():
        column = spec.column(column_name)
        if column_name in row.values:
            value = row.values[column_name]
        elif existing is not None or column.required:
            # An empty cell leaves a record's value as it is; an empty
            # required one is a problem already.
            continue
        elif column.holds == YES_NO:
            value = column.default
        elif column.holds == DATE:
            value = None
        else:
            value = ""
        if existing is not None:
            old = getattr(existing, field_name)
            if _same(old, value):
                continue
            plan.changes.append(
                Change(column.label, shown(old, column), shown(value, column))
            )
        elif value not in ("", None):
            plan.changes.append(Change(column.label, EMPTY, shown(value, column)))
        plan.fields[field_name] = value


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, models.Model) or isinstance(new, models.Model):
        return getattr(old, "pk", None) == getattr(new, "pk", None)
    return bool(old == new)


def _settle(plan: RowPlan) -> None:
    if plan.problems:
        plan.action = PROBLEM
    elif plan.existing is None:
        plan.action = CREATE
    else:
        plan.action = CHANGE if plan.changes else UNCHANGED


def _column_fields(spec: KindSpec) -> dict[str, str]:
    """Column -> model field, for the kinds whose columns are fields."""
    return {column.name: column.name for column in spec.columns}


def _plan_simple(
    table: Table,
    spec: KindSpec,
    names: list[str],
    *,
    model: type[models.Model],
    user: Any,
) -> list[RowPlan]:
    """Local LSCs, LSPs and partnerships: one record a row, found by name."""
    refs = References()
    read, plans = _read_rows(table, spec, names, refs)
    _duplicates(read, plans, spec, table.sheet)
    existing = {
        record.name.lower(): record
        for record in _lower_in(
            model._default_manager.select_related("region"),
            "name",
            (row.texts.get("name", "") for row in read),
        )
    }
    fields = _column_fields(spec)
    columns = {value: key for key, value in fields.items()}
    for row, plan in zip(read, plans, strict=True):
        plan.existing = existing.get(row.texts.get("name", "").lower())
        _compare(plan, spec, row, plan.existing, fields)
        if not plan.problems:
            instance = _copy(plan.existing, model)
            for name, value in plan.fields.items():
                setattr(instance, name, value)
            _model_problems(instance, plan, table.sheet, columns)
        if (
            not plan.problems
            and model is LearningPartnership
            and plan.existing is not None
            and "region" in plan.fields
        ):
            reason = oversight_lock(partnership=plan.existing)
            if reason:
                plan.problem("region", region_locked_message(reason), table.sheet)
        _settle(plan)
    return plans


def _copy(existing: Any, model: type[models.Model]) -> Any:
    if existing is None:
        return model()
    instance = model()
    instance.__dict__.update(
        {f.attname: getattr(existing, f.attname) for f in model._meta.concrete_fields}
    )
    return instance


def _plan_members(
    table: Table, spec: KindSpec, names: list[str], *, user: Any
) -> list[RowPlan]:
    texts = [
        cell_text(cells[names.index("partnership")])
        if names.index("partnership") < len(cells)
        else ""
        for _, cells in table.rows
    ]
    refs = References(partnership_names=texts)
    read, plans = _read_rows(table, spec, names, refs)
    _duplicates(read, plans, spec, table.sheet)
    partnership_ids = {p.pk for p in refs.partnerships.values()}
    existing = {
        (member.partnership_id, member.name.lower()): member
        for member in MemberOrganisation.objects.filter(
            partnership_id__in=partnership_ids
        )
    }
    fields = {"name": "name", "sector": "sector", "is_board_member": "is_board_member"}
    for row, plan in zip(read, plans, strict=True):
        partnership = row.values.get("partnership")
        if partnership is not None:
            plan.existing = existing.get(
                (partnership.pk, row.texts.get("name", "").lower())
            )
        _compare(plan, spec, row, plan.existing, fields)
        if partnership is not None:
            plan.fields["partnership"] = partnership
        if not plan.problems:
            instance = _copy(plan.existing, MemberOrganisation)
            for name, value in plan.fields.items():
                setattr(instance, name, value)
            _model_problems(
                instance, plan, table.sheet, {v: k for k, v in fields.items()}
            )
        _settle(plan)
    return plans


def _plan_users(
    table: Table, spec: KindSpec, names: list[str], *, user: Any
) -> list[RowPlan]:
    user_model = get_user_model()
    texts: list[str] = []
    if "partnerships" in names:
        index = names.index("partnerships")
        for _, cells in table.rows:
            cell = cell_text(cells[index]) if index < len(cells) else ""
            texts += [name.strip() for name in cell.split(LIST_SEPARATOR)]
    refs = References(partnership_names=texts)
    read, plans = _read_rows(table, spec, names, refs)
    _duplicates(read, plans, spec, table.sheet)
    usernames = [row.texts.get("username", "") for row in read]
    emails = [row.texts.get("email", "") for row in read]
    accounts = {
        account.username.lower(): account
        for account in _lower_in(
            user_model.objects.select_related("profile__llsc", "profile__region"),
            "username",
            usernames,
        )
    }
    by_email: dict[str, list[str]] = {}
    for username, email in _lower_in(
        user_model.objects.all(), "email", emails
    ).values_list("username", "email"):
        by_email.setdefault(email.lower(), []).append(username.lower())
    managed: dict[int, set[int]] = {}
    through = LearningPartnership.managers.through
    for user_id, partnership_id in through.objects.filter(
        user_id__in=[a.pk for a in accounts.values()]
    ).values_list("user_id", "learningpartnership_id"):
        managed.setdefault(user_id, set()).add(partnership_id)
    fields = {
        "username": "username",
        "email": "email",
        "first_name": "first_name",
        "last_name": "last_name",
    }
    seen_emails: dict[str, int] = {}
    for row, plan in zip(read, plans, strict=True):
        account = accounts.get(row.texts.get("username", "").lower())
        plan.existing = account
        _compare(plan, spec, row, account, fields)
        _user_email(plan, row, by_email, seen_emails, table.sheet)
        _user_role(plan, spec, row, account, user, table.sheet)
        chosen = row.values.get("partnerships", [])
        if chosen and plan.fields.get("role", _role_of(account)) != Role.MANAGER:
            plan.problem(
                "partnerships",
                "Only partnership managers manage partnerships: leave this empty "
                "for other roles",
                table.sheet,
            )
        already = managed.get(account.pk, set()) if account else set()
        plan.partnerships = [p for p in chosen if p.pk not in already]
        if plan.partnerships:
            plan.changes.append(
                Change(
                    spec.column("partnerships").label,
                    EMPTY if account is None else "(adds)",
                    shown([p.name for p in plan.partnerships]),
                )
            )
        _settle(plan)
    return plans


def _role_of(account: Any) -> str:
    profile = getattr(account, "profile", None) if account is not None else None
    try:
        return str(profile.role) if profile is not None else ""
    except Profile.DoesNotExist:  # pragma: no cover - guarded by getattr
        return ""


def _user_email(
    plan: RowPlan,
    row: ReadRow,
    by_email: dict[str, list[str]],
    seen: dict[str, int],
    sheet: str,
) -> None:
    email = row.texts.get("email", "").lower()
    if not email or "email" not in row.values:
        return
    username = row.texts.get("username", "").lower()
    others = [name for name in by_email.get(email, []) if name != username]
    if others:
        plan.problem(
            "email",
            f"Email is already the email of the account {others[0]}",
            sheet,
        )
    elif email in seen:
        plan.problem("email", f"Email is also given in row {seen[email]}", sheet)
    else:
        seen[email] = row.number


def _user_role(
    plan: RowPlan,
    spec: KindSpec,
    row: ReadRow,
    account: Any,
    user: Any,
    sheet: str,
) -> None:
    """The role and the area it covers, checked as Profile checks them."""
    if "role" not in row.values:
        return
    role = row.values["role"]
    llsc = row.values.get("local_lsc")
    region = row.values.get("region")
    profile = None
    if account is not None:
        try:
            profile = account.profile
        except Profile.DoesNotExist:
            profile = None
    old_role = profile.role if profile is not None else ""
    old_llsc = profile.llsc if profile is not None else None
    old_region_id = profile.region_id if profile is not None else None
    if role == Role.LLSC_OFFICER and llsc is None:
        plan.problem("local_lsc", "Enter the local LSC of the LLSC officer", sheet)
    if role != Role.LLSC_OFFICER and llsc is not None:
        plan.problem("local_lsc", "Only LLSC officers have a local LSC", sheet)
    if role == Role.GO_OFFICER and region is None:
        plan.problem("region", "Enter the region of the GO officer", sheet)
    if role != Role.GO_OFFICER and region is not None:
        plan.problem("region", "Only GO officers have a region", sheet)
    if account is not None and account.pk == user.pk and role != old_role:
        plan.problem("role", "You cannot change your own role", sheet)
    plan.fields.update({"role": role, "llsc": llsc, "region": region})
    role_column = spec.column("role")
    if role != old_role:
        plan.changes.append(
            Change(
                role_column.label,
                shown(old_role, role_column),
                shown(role, role_column),
            )
        )
    if getattr(old_llsc, "pk", None) != getattr(llsc, "pk", None):
        plan.changes.append(Change("Local LSC", shown(old_llsc), shown(llsc)))
    if old_region_id != getattr(region, "pk", None):
        plan.changes.append(
            Change(
                "Region",
                shown(profile.region if profile is not None else None),
                shown(region),
            )
        )


Planner = Callable[..., list[RowPlan]]

_PLANNERS: dict[str, Planner] = {
    Kind.LLSCS: lambda t, s, n, user: _plan_simple(t, s, n, model=LocalLSC, user=user),
    Kind.LSPS: lambda t, s, n, user: _plan_simple(t, s, n, model=LSP, user=user),
    Kind.PARTNERSHIPS: lambda t, s, n, user: _plan_simple(
        t, s, n, model=LearningPartnership, user=user
    ),
    Kind.MEMBERS: lambda t, s, n, user: _plan_members(t, s, n, user=user),
    Kind.USERS: lambda t, s, n, user: _plan_users(t, s, n, user=user),
}


def preview_table(*, table: Table, kind: str, user: Any) -> Preview:
    """What importing the table's rows as ``kind`` would do; FileRefused if
    its header row does not fit the kind."""
    spec = SPECS[kind]
    names = check_headers(table, spec)
    rows = _PLANNERS[kind](table, spec, names, user=user)
    return Preview(
        kind=kind,
        file_format=table.file_format,
        sheet=table.sheet,
        other_sheets=table.other_sheets,
        rows=rows,
    )

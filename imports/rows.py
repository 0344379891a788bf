"""What each row of a file would do: create a record, change one (and how),
leave one unchanged, or nothing because of a problem, said by row and column.

The records the rows name are read in bulk, a fixed number of queries for the
whole file, never one a row. The models' own field checks run on each record
as it would be saved (all but the checks that need a query: those are the
keys, checked here for the whole file at once, and the services' own checks
when the rows are saved)."""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models.functions import Lower

from govuk.forms import one_line
from partnerships.locks import oversight_lock, region_locked_message
from partnerships.models import (
    LSP,
    LearningPartnership,
    LocalLSC,
    MemberOrganisation,
    Profile,
    Region,
    Role,
)

from .columns import (
    CHOICE,
    DATE,
    EMAIL,
    LIST_SEPARATOR,
    LOCAL_LSC,
    PARTNERSHIP,
    PARTNERSHIPS,
    REGION,
    SPECS,
    USERNAME,
    YES_NO,
    Column,
    KindSpec,
)
from .models import Kind
from .reading import FileRefused, Table

CREATE = "create"
CHANGE = "change"
UNCHANGED = "unchanged"
PROBLEM = "problem"

EMPTY = "(empty)"
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}
FORMULA_STARTS = ("=", "+", "-", "@")
# Problems listed in the summary at the top of the page; the rows show all.
SUMMARY_LIMIT = 100


@dataclass(frozen=True)
class Problem:
    """Why a row (or the file) cannot be imported, where a spreadsheet shows
    it: the sheet, the row number and the column's header."""

    row: int
    column: str
    message: str
    sheet: str = ""

    @property
    def where(self) -> str:
        parts = [f"Sheet {self.sheet}"] if self.sheet else []
        parts.append(f"row {self.row}" if parts else f"Row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


@dataclass
class RowPlan:
    """What one row would do, and what saving it needs."""

    number: int
    key: str
    action: str = CREATE
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # The record the row matches, if any; the values to save, by model field.
    existing: Any = None
    fields: dict[str, Any] = field(default_factory=dict)
    # For users, the partnerships to add to those they manage.
    partnerships: list[LearningPartnership] = field(default_factory=list)

    def problem(self, column: str, message: str, sheet: str) -> None:
        self.problems.append(Problem(self.number, column, message, sheet))

    def outcome(self) -> dict[str, Any]:
        """The row as the log keeps it."""
        return {
            "row": self.number,
            "action": self.action,
            "key": self.key,
            "changes": [[c.label, c.old, c.new] for c in self.changes],
        }


@dataclass
class Preview:
    kind: str
    file_format: str
    sheet: str
    other_sheets: list[str]
    rows: list[RowPlan]

    @property
    def problems(self) -> list[Problem]:
        return [problem for row in self.rows for problem in row.problems]

    @property
    def summary_problems(self) -> list[Problem]:
        return self.problems[:SUMMARY_LIMIT]

    @property
    def more_problems(self) -> int:
        return max(len(self.problems) - SUMMARY_LIMIT, 0)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {
            action: self.count(action)
            for action in (CREATE, CHANGE, UNCHANGED, PROBLEM)
        }

    @property
    def fingerprint(self) -> str:
        """Changes whenever what the import would do changes: confirming is
        refused unless it is what the preview showed."""
        data = [self.kind, [row.outcome() for row in self.rows]]
        text = json.dumps(data, sort_keys=True, ensure_ascii=True)
        return hashlib.sha256(text.encode()).hexdigest()


# Reading one cell.


def cell_text(value: Any) -> str:
    """A cell as the text it shows: whole numbers without ".0", dates as
    2001-09-01, on one line, without invisible formatting; an apostrophe
    that keeps a spreadsheet from running the cell as a formula is dropped."""
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, datetime.datetime):
        text = (
            value.date().isoformat()
            if value.time() == datetime.time()
            else value.isoformat(sep=" ")
        )
    elif isinstance(value, datetime.date):
        text = value.isoformat()
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, float | int | decimal.Decimal):
        text = str(value)
    else:
        text = str(value)
    text = one_line(text).strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]
    return text


def header_name(value: Any) -> str:
    """A header as a column name: "Local authority" is local_authority."""
    return cell_text(value).lower().replace(" ", "_").replace("-", "_")


def check_headers(table: Table, spec: KindSpec) -> list[str]:
    """The columns of the file, in order; FileRefused if one is missing,
    unknown or twice."""
    # A column's label ("Date established") names it as well as its name.
    aliases = {header_name(column.label): column.name for column in spec.columns}
    names = [header_name(value) for value in table.headers]
    names = [name if name in spec.names else aliases.get(name, name) for name in names]
    while names and not names[-1]:
        names.pop()
    problems: list[str] = []
    unknown = [n or "(a column without a header)" for n in names if n not in spec.names]
    twice = sorted({n for n in names if n and names.count(n) > 1})
    missing = [n for n in spec.required if n not in names]
    if missing:
        problems.append("has no column " + ", ".join(missing))
    if unknown:
        problems.append(
            "has columns that a file of "
            + spec.records
            + " does not have: "
            + ", ".join(dict.fromkeys(unknown))
        )
    if twice:
        problems.append("has more than one column " + ", ".join(twice))
    if problems:
        raise FileRefused(
            "The header row "
            + "; it ".join(problems)
            + ". See the columns each kind of file has"
        )
    return names


# The records the rows name, read once for the whole file.


class References:
    """Regions, local LSCs and partnerships by their lower-cased names."""

    def __init__(self, *, partnership_names: Iterable[str] = ()) -> None:
        self.regions: dict[str, Region] = {}
        for region in Region.objects.all():
            self.regions[region.name.lower()] = region
            self.regions[region.code.lower()] = region
        self.region_names = {region.pk: region.name for region in self.regions.values()}
        self.llscs = {llsc.name.lower(): llsc for llsc in LocalLSC.objects.all()}
        names = {name.lower() for name in partnership_names if name}
        self.partnerships = (
            {
                p.name.lower(): p
                for p in LearningPartnership.objects.annotate(
                    lower_name=Lower("name")
                ).filter(lower_name__in=names)
            }
            if names
            else {}
        )

    def region(self, text: str) -> Region:
        region = self.regions.get(text.lower())
        if region is None:
            raise ValueError(
                "must be one of the regions: "
                + ", ".join(sorted(set(self.region_names.values())))
            )
        return region

    def llsc(self, text: str) -> LocalLSC:
        lower = text.lower()
        llsc = self.llscs.get(lower) or self.llscs.get(lower.removesuffix(" lsc"))
        if llsc is None:
            raise ValueError("is not the name of a local LSC in the service")
        return llsc

    def partnership(self, text: str) -> LearningPartnership:
        partnership = self.partnerships.get(text.lower())
        if partnership is None:
            raise ValueError("is not the name of a partnership in the service")
        return partnership


def _choice(column: Column, text: str) -> str:
    choices: list[tuple[Any, Any]] = (
        list(column.choices.choices) if column.choices is not None else []
    )
    lower = text.lower()
    for value, label in choices:
        if lower in (str(value).lower(), str(label).lower()):
            return str(value)
    labels = ", ".join(str(label) for _, label in choices)
    raise ValueError(f"must be one of: {labels}")


def _date(text: str) -> datetime.date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError("must be a real date, written as 2001-09-01 or 01/09/2001")


def parse(column: Column, text: str, refs: References) -> Any:
    """The value of a cell that is not empty, or ValueError saying why not."""
    if column.max_length and len(text) > column.max_length:
        raise ValueError(f"must be {column.max_length} characters or fewer")
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise ValueError("must not include hidden control characters")
    if column.holds == CHOICE:
        return _choice(column, text)
    if column.holds == YES_NO:
        if text.lower() in YES:
            return True
        if text.lower() in NO:
            return False
        raise ValueError("must be yes or no")
    if column.holds == DATE:
        return _date(text)
    if column.holds == EMAIL:
        try:
            validate_email(text)
        except ValidationError as error:
            raise ValueError(
                "must be an email address, like name@example.org"
            ) from error
        return text
    if column.holds == USERNAME:
        try:
            UnicodeUsernameValidator()(text)
        except ValidationError as error:
            raise ValueError(
                "must hold only letters, digits and the characters @ . + - _"
            ) from error
        return text
    if column.holds == REGION:
        return refs.region(text)
    if column.holds == LOCAL_LSC:
        return refs.llsc(text)
    if column.holds == PARTNERSHIP:
        return refs.partnership(text)
    if column.holds == PARTNERSHIPS:
        names = [name.strip() for name in text.split(LIST_SEPARATOR) if name.strip()]
        found = []
        for name in names:
            try:
                found.append(refs.partnership(name))
            except ValueError as error:
                raise ValueError(f"names {name}, which {error}") from error
        return found
    return text


def shown(value: Any, column: Column | None = None) -> str:
    """A value as the preview and the log show it."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if column is not None and column.choices is not None:
        return str(dict(column.choices.choices).get(value, value))
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    if isinstance(value, LocalLSC):
        return value.name
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


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

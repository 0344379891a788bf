"""What a file's cells say: each cell as text and as the value its column
takes, the header row checked, and the regions, local LSCs and partnerships
the cells name, read in bulk (a fixed number of queries for the whole file)."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower

from govuk.forms import one_line
from partnerships.models import LearningPartnership, LocalLSC, Region

from .columns import (
    CHOICE,
    DATE,
    EMAIL,
    LIST_SEPARATOR,
    LOCAL_LSC,
    PARTNERSHIP,
    PARTNERSHIPS,
    REGION,
    USERNAME,
    YES_NO,
    Column,
    KindSpec,
)
from .reading import FileRefused, Table

EMPTY = "(empty)"
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}
FORMULA_STARTS = ("=", "+", "-", "@")


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

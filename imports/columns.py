"""The columns of each kind of file: their headers, whether each is required,
what it holds and the values it allows. The column guide, the templates and
the checks of every row are all read from here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import TextChoices

from partnerships.models import (
    LSP,
    HostType,
    LearningPartnership,
    LocalLSC,
    LSPTier,
    MemberOrganisation,
    Role,
    Sector,
    StructureModel,
)

from .models import Kind

# What a column holds, which decides how a cell is read.
TEXT = "text"
EMAIL = "email"
CHOICE = "choice"
YES_NO = "yes_no"
DATE = "date"
REGION = "region"
LOCAL_LSC = "local_lsc"
PARTNERSHIP = "partnership"
PARTNERSHIPS = "partnerships"
USERNAME = "username"

# Partnerships in one cell are separated by semicolons (names hold commas).
LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    holds: str
    required: bool = False
    max_length: int = 0
    choices: type[TextChoices] | None = None
    help: str = ""
    # For a new record, the value of an empty optional yes/no cell.
    default: bool = False


@dataclass(frozen=True)
class KindSpec:
    kind: Kind
    # "local LSC", "local LSCs": one row's record, and many, in a sentence.
    record: str
    records: str
    # The columns that together say which record a row is.
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    intro: str
    # One row of the template, by column name (names of existing records are
    # filled in when the template is made).
    example: dict[str, str] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def required(self) -> list[str]:
        return [column.name for column in self.columns if column.required]

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)


def _length(model: Any, name: str) -> int:
    return int(model._meta.get_field(name).max_length)


REGION_HELP = "A region's name or code, for example Yorkshire and the Humber or YH."

SPECS: dict[str, KindSpec] = {
    Kind.LLSCS: KindSpec(
        kind=Kind.LLSCS,
        record="local LSC",
        records="local LSCs",
        key=("name",),
        intro="One row a local LSC, found by its name.",
        columns=(
            Column(
                "name",
                "Name",
                TEXT,
                required=True,
                max_length=_length(LocalLSC, "name"),
                help="Without the word LSC, for example West Yorkshire.",
            ),
            Column("region", "Region", REGION, required=True, help=REGION_HELP),
        ),
        example={"name": "Humberside", "region": "Yorkshire and the Humber"},
    ),
    Kind.LSPS: KindSpec(
        kind=Kind.LSPS,
        record="LSP",
        records="LSPs",
        key=("name",),
        intro="One row a Local Strategic Partnership, found by its name.",
        columns=(
            Column(
                "name",
                "Name",
                TEXT,
                required=True,
                max_length=_length(LSP, "name"),
            ),
            Column(
                "local_authority",
                "Local authority",
                TEXT,
                required=True,
                max_length=_length(LSP, "local_authority"),
                help="The local authority that leads it.",
            ),
            Column("tier", "Tier", CHOICE, required=True, choices=LSPTier),
            Column("region", "Region", REGION, required=True, help=REGION_HELP),
            Column(
                "nrf_funded",
                "Neighbourhood Renewal Fund",
                YES_NO,
                help="Yes if it receives Neighbourhood Renewal Fund money.",
            ),
        ),
        example={
            "name": "Hull Citysafe Partnership",
            "local_authority": "Kingston upon Hull City Council",
            "tier": "Unitary",
            "region": "Yorkshire and the Humber",
            "nrf_funded": "yes",
        },
    ),
    Kind.PARTNERSHIPS: KindSpec(
        kind=Kind.PARTNERSHIPS,
        record="partnership",
        records="partnerships",
        key=("name",),
        intro="One row a Learning Partnership, found by its name. A change of "
        "region is refused while one of its returns is submitted or in review.",
        columns=(
            Column(
                "name",
                "Name",
                TEXT,
                required=True,
                max_length=_length(LearningPartnership, "name"),
            ),
            Column("region", "Region", REGION, required=True, help=REGION_HELP),
            Column(
                "structure_model",
                "Structure model",
                CHOICE,
                required=True,
                choices=StructureModel,
                help=str(
                    LearningPartnership._meta.get_field("structure_model").help_text
                ),
            ),
            Column(
                "host_organisation",
                "Host organisation",
                TEXT,
                required=True,
                max_length=_length(LearningPartnership, "host_organisation"),
            ),
            Column("host_type", "Host type", CHOICE, required=True, choices=HostType),
            Column(
                "manager_name",
                "Manager",
                TEXT,
                required=True,
                max_length=_length(LearningPartnership, "manager_name"),
            ),
            Column("manager_email", "Manager's email", EMAIL, max_length=254),
            Column(
                "chair_name",
                "Chair",
                TEXT,
                max_length=_length(LearningPartnership, "chair_name"),
            ),
            Column(
                "established_on",
                "Date established",
                DATE,
                help="As 2001-09-01 (or 01/09/2001), today or in the past.",
            ),
            Column(
                "is_active",
                "Active",
                YES_NO,
                default=True,
                help="No for a partnership that has stopped working. A new "
                "partnership is active unless this says no.",
            ),
        ),
        example={
            "name": "Humber Learning Partnership",
            "region": "Yorkshire and the Humber",
            "structure_model": "Unitary",
            "host_organisation": "Hull College",
            "host_type": "FE college",
            "manager_name": "Sam Example",
            "manager_email": "sam.example@example.org",
            "chair_name": "Alex Example",
            "established_on": "1999-09-01",
            "is_active": "yes",
        },
    ),
    Kind.MEMBERS: KindSpec(
        kind=Kind.MEMBERS,
        record="member organisation",
        records="member organisations",
        key=("partnership", "name"),
        intro="One row a member organisation of a partnership, found by the "
        "partnership's name and the organisation's name.",
        columns=(
            Column(
                "partnership",
                "Partnership",
                PARTNERSHIP,
                required=True,
                help="The name of a partnership already in the service.",
            ),
            Column(
                "name",
                "Organisation",
                TEXT,
                required=True,
                max_length=_length(MemberOrganisation, "name"),
            ),
            Column("sector", "Sector", CHOICE, required=True, choices=Sector),
            Column("is_board_member", "Board member", YES_NO),
        ),
        example={
            "partnership": "Humber Learning Partnership",
            "name": "Hull College",
            "sector": "FE college",
            "is_board_member": "yes",
        },
    ),
    Kind.USERS: KindSpec(
        kind=Kind.USERS,
        record="user",
        records="users",
        key=("username",),
        intro="One row a user account, found by its username. A new account has "
        "no password: its holder sets one with the Forgotten your password link "
        "of the sign-in page, sent to the email given here.",
        columns=(
            Column(
                "username",
                "Username",
                USERNAME,
                required=True,
                max_length=150,
                help="Letters, digits and @ . + - _ only.",
            ),
            Column(
                "email",
                "Email",
                EMAIL,
                required=True,
                max_length=254,
                help="Not the email of another account.",
            ),
            Column("first_name", "First name", TEXT, max_length=150),
            Column("last_name", "Last name", TEXT, max_length=150),
            Column("role", "Role", CHOICE, required=True, choices=Role),
            Column(
                "local_lsc",
                "Local LSC",
                LOCAL_LSC,
                help="For an LLSC officer only, and required for one: the name "
                "of a local LSC already in the service.",
            ),
            Column(
                "region",
                "Region",
                REGION,
                help="For a GO officer only, and required for one. " + REGION_HELP,
            ),
            Column(
                "partnerships",
                "Partnerships managed",
                PARTNERSHIPS,
                help="For a partnership manager only: the names of partnerships "
                "already in the service, separated by semicolons. They are added "
                "to those the user manages already; none is taken away.",
            ),
        ),
        example={
            "username": "sam.example",
            "email": "sam.example@example.org",
            "first_name": "Sam",
            "last_name": "Example",
            "role": "Partnership manager",
            "local_lsc": "",
            "region": "",
            "partnerships": "Humber Learning Partnership",
        },
    ),
}

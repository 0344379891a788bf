"""How a demo partnership is written down: the partnership with its links to
its local LSCs and its LSPs, and the sectors missing from its members."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from partnerships.models import (
    AgreementStatus,
    HostType,
    LSPTier,
    Recognition,
    Sector,
    StructureModel,
)

# The core roles a local agreement can cover.
ALL_ROLES = ("collaboration", "needs", "learner_feedback")


@dataclass(frozen=True)
class DemoLSP:
    name: str
    local_authority: str
    tier: LSPTier
    nrf: bool
    recognition: Recognition
    on_board: bool = False
    linking: str = ""
    stages: tuple[int, ...] = ()


@dataclass(frozen=True)
class DemoLLSC:
    name: str
    coterminous: bool = False
    status: AgreementStatus = AgreementStatus.NONE
    signed: datetime.date | None = None
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoPartnership:
    name: str
    region: str
    structure: StructureModel
    host: str
    host_type: HostType
    manager: str
    chair: str
    established: datetime.date
    llscs: tuple[DemoLLSC, ...]
    lsps: tuple[DemoLSP, ...]
    fe: str
    he: str
    connexions: str
    missing: tuple[Sector, ...] = field(default=())

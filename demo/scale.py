"""Synthetic data at any scale, for benchmarks and load tests.

Partnerships are named "Synthetic partnership NNNN"; running again with a larger
number adds the missing ones and leaves existing rows alone.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction

from partnerships.models import (
    LSP,
    HostType,
    LearningPartnership,
    LLSCRelationship,
    LocalLSC,
    LSPRelationship,
    LSPTier,
    MemberOrganisation,
    Recognition,
    Region,
    Sector,
    StructureModel,
)

PREFIX = "Synthetic partnership"
PARTNERSHIPS_PER_LLSC = 4
MEMBERS_PER_PARTNERSHIP = 12
LAST_PERIOD_START = datetime.date(2003, 4, 1)


@transaction.atomic
def generate_scale_data(
    *, partnerships: int, years: int, region_code: str | None = None, seed: int = 2003
) -> int:
    """Create up to ``partnerships`` synthetic partnerships; returns how many are new.

    Each has one local LSC (shared by about four partnerships), one to four
    LSPs and a dozen members. Establishment dates spread over the ``years``
    years before the 2003-04 period.
    """
    rng = random.Random(seed)  # noqa: S311 (synthetic data, not security)
    regions = list(Region.objects.order_by("code"))
    if region_code is not None:
        regions = [r for r in regions if r.code == region_code]
        if not regions:
            raise ValueError(f"No region has the code {region_code!r}.")
    existing = set(
        LearningPartnership.objects.filter(name__startswith=PREFIX).values_list(
            "name", flat=True
        )
    )
    wanted = [(i, f"{PREFIX} {i:04d}") for i in range(1, partnerships + 1)]
    wanted = [(i, name) for i, name in wanted if name not in existing]
    if not wanted:
        return 0
    llscs = _llscs(wanted, regions)
    created = _create_partnerships(
        wanted,
        llscs,
        region=None if region_code is None else regions[0],
        years=years,
        rng=rng,
    )
    _create_links_and_members(wanted, created, llscs, rng=rng)
    return len(wanted)


def _llsc_number(i: int) -> int:
    return (i - 1) // PARTNERSHIPS_PER_LLSC + 1


def _llscs(wanted: list[tuple[int, str]], regions: list[Region]) -> dict[int, LocalLSC]:
    """The synthetic local LSCs the wanted partnerships need, by number."""
    llscs: dict[int, LocalLSC] = {}
    for i, _ in wanted:
        number = _llsc_number(i)
        if number not in llscs:
            region = regions[number % len(regions)]
            llscs[number] = LocalLSC.objects.get_or_create(
                name=f"Synthetic LSC {number:03d}", defaults={"region": region}
            )[0]
    return llscs


def _create_partnerships(
    wanted: list[tuple[int, str]],
    llscs: dict[int, LocalLSC],
    *,
    region: Region | None,
    years: int,
    rng: random.Random,
) -> dict[str, LearningPartnership]:
    """The wanted partnerships, in their local LSC's region unless ``region``
    is given; returns them by name."""
    new_partnerships = []
    for i, name in wanted:
        days_back = rng.randrange(max(years, 1) * 365)
        new_partnerships.append(
            LearningPartnership(
                name=name,
                region=llscs[_llsc_number(i)].region if region is None else region,
                structure_model=rng.choice(list(StructureModel)),
                host_organisation=f"Host organisation {i:04d}",
                host_type=rng.choice(list(HostType)),
                manager_name=f"Manager {i:04d}",
                chair_name=f"Chair {i:04d}",
                established_on=LAST_PERIOD_START - datetime.timedelta(days=days_back),
            )
        )
    LearningPartnership.objects.bulk_create(new_partnerships)
    return {
        p.name: p
        for p in LearningPartnership.objects.filter(name__in=[n for _, n in wanted])
    }


def _create_links_and_members(
    wanted: list[tuple[int, str]],
    created: dict[str, LearningPartnership],
    llscs: dict[int, LocalLSC],
    *,
    rng: random.Random,
) -> None:
    """Each new partnership's local LSC link, one to four LSPs with their links,
    and its members."""
    lsps, lsp_links, llsc_links, members = [], [], [], []
    for i, name in wanted:
        partnership = created[name]
        llsc_links.append(
            LLSCRelationship(
                partnership=partnership,
                llsc=llscs[_llsc_number(i)],
                agreement_status="none",
                covers_collaboration=rng.random() < 0.5,
            )
        )
        for j in range(rng.randint(1, 4)):
            lsp = LSP(
                name=f"Synthetic LSP {i:04d}-{j + 1}",
                local_authority=f"Authority {i:04d}-{j + 1}",
                tier=rng.choice(list(LSPTier)),
                region=partnership.region,
                nrf_funded=rng.random() < 0.4,
            )
            lsps.append(lsp)
            lsp_links.append(
                LSPRelationship(
                    partnership=partnership,
                    lsp=lsp,
                    recognition=rng.choice(list(Recognition)),
                    sits_on_board=rng.random() < 0.6,
                    stage_aligning=rng.random() < 0.8,
                    stage_own_structures=rng.random() < 0.4,
                    stage_funded_projects=rng.random() < 0.1,
                )
            )
        sectors = list(Sector)
        for k in range(MEMBERS_PER_PARTNERSHIP):
            members.append(
                MemberOrganisation(
                    partnership=partnership,
                    name=f"Member {k + 1:02d} of {name}",
                    sector=sectors[(i + k) % len(sectors)],
                    is_board_member=k < 5,
                )
            )
    LSP.objects.bulk_create(lsps)
    LLSCRelationship.objects.bulk_create(llsc_links)
    LSPRelationship.objects.bulk_create(lsp_links)
    MemberOrganisation.objects.bulk_create(members)

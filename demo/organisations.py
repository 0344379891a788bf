"""Demo data: the twenty Learning Partnerships of Annex 1 of the 2003 study of
partnerships and regeneration and five more in Yorkshire and the Humber, in
their Government Office regions, with plausible local LSCs, LSPs,
relationships and members, and four demo users.

Loading is idempotent: rows are looked up by their natural keys, so a second
run changes nothing.
"""

from __future__ import annotations

from django.db import transaction

from partnerships.models import (
    LSP,
    LearningPartnership,
    LLSCRelationship,
    LocalLSC,
    LSPRelationship,
    MemberOrganisation,
    Region,
    Sector,
)

from .partnership_records import DemoPartnership
from .partnerships_1_to_10 import PARTNERSHIPS_1_TO_10
from .partnerships_11_to_20 import PARTNERSHIPS_11_TO_20
from .partnerships_yorkshire import PARTNERSHIPS_YORKSHIRE
from .people import DEMO_USERS, DemoUser, load_demo_users

LLSC_REGIONS = {
    "Humberside": "YH",
    "South Yorkshire": "YH",
    "West Yorkshire": "YH",
    "Black Country": "WM",
    "Birmingham and Solihull": "WM",
    "Lincolnshire and Rutland": "EM",
    "Nottinghamshire": "EM",
    "Leicestershire": "EM",
    "Kent and Medway": "SE",
    "Berkshire": "SE",
    "Sussex": "SE",
    "Cambridgeshire": "EE",
    "Hertfordshire": "EE",
    "Bedfordshire and Luton": "EE",
    "Greater Manchester": "NW",
    "Greater Merseyside": "NW",
    "London Central": "LON",
    "London South": "LON",
    "County Durham": "NE",
    "Tees Valley": "NE",
    "Gloucestershire": "SW",
}

# In Annex 1's order, which is the order they are created in, then the rest
# of Yorkshire and the Humber.
PARTNERSHIPS: tuple[DemoPartnership, ...] = (
    *PARTNERSHIPS_1_TO_10,
    *PARTNERSHIPS_11_TO_20,
    *PARTNERSHIPS_YORKSHIRE,
)

S = Sector
BOARD_SECTORS = {S.LEA, S.FE_COLLEGE, S.HE, S.VOLUNTARY, S.EMPLOYER}


def _member_names(p: DemoPartnership, local_authority: str) -> dict[Sector, str]:
    place = p.name
    return {
        S.LEA: f"{local_authority} (LEA)",
        S.FE_COLLEGE: p.fe,
        S.SIXTH_FORM: f"{place} Sixth Form Colleges' Forum",
        S.SCHOOL: f"{place} Secondary Headteachers' Association",
        S.HE: p.he,
        S.WORK_BASED: f"{place} Training Providers' Network",
        S.VOLUNTARY: f"{place} Council for Voluntary Service",
        S.EMPLOYER: f"{place} Chamber of Commerce",
        S.CONNEXIONS: p.connexions,
        S.IAG: f"{place} Information, Advice and Guidance Partnership",
        S.JOBCENTRE_PLUS: f"Jobcentre Plus {place} District",
        S.TRADE_UNION: f"TUC Learning Services ({place})",
        S.HEALTH: f"{place} Primary Care Trust",
        S.OTHER: f"{place} Library Service",
    }


@transaction.atomic
def load_demo_data() -> list[DemoUser]:
    """Create or refresh the demo partnerships and users; returns the users."""
    regions = {region.code: region for region in Region.objects.all()}
    llscs = {
        name: LocalLSC.objects.update_or_create(
            name=name, defaults={"region": regions[code]}
        )[0]
        for name, code in LLSC_REGIONS.items()
    }
    for p in PARTNERSHIPS:
        _load_partnership(p, regions[p.region], llscs)
    load_demo_users(humberside=llscs["Humberside"], yorkshire=regions["YH"])
    return list(DEMO_USERS)


def _load_partnership(
    p: DemoPartnership, region: Region, llscs: dict[str, LocalLSC]
) -> None:
    partnership, _ = LearningPartnership.objects.update_or_create(
        name=p.name,
        defaults={
            "region": region,
            "structure_model": p.structure,
            "host_organisation": p.host,
            "host_type": p.host_type,
            "manager_name": p.manager,
            "manager_email": "",
            "chair_name": p.chair,
            "established_on": p.established,
            "is_active": True,
        },
    )
    for link in p.llscs:
        LLSCRelationship.objects.update_or_create(
            partnership=partnership,
            llsc=llscs[link.name],
            defaults={
                "is_coterminous": link.coterminous,
                "agreement_status": link.status,
                "agreement_date": link.signed,
                "covers_collaboration": "collaboration" in link.roles,
                "covers_needs": "needs" in link.roles,
                "covers_learner_feedback": "learner_feedback" in link.roles,
            },
        )
    _load_lsps(p, partnership, region)
    local_authority = p.lsps[0].local_authority
    for sector, name in _member_names(p, local_authority).items():
        if sector in p.missing:
            continue
        MemberOrganisation.objects.update_or_create(
            partnership=partnership,
            name=name,
            defaults={"sector": sector, "is_board_member": sector in BOARD_SECTORS},
        )


def _load_lsps(
    p: DemoPartnership, partnership: LearningPartnership, region: Region
) -> None:
    for demo_lsp in p.lsps:
        lsp, _ = LSP.objects.update_or_create(
            name=demo_lsp.name,
            defaults={
                "local_authority": demo_lsp.local_authority,
                "tier": demo_lsp.tier,
                "region": region,
                "nrf_funded": demo_lsp.nrf,
            },
        )
        LSPRelationship.objects.update_or_create(
            partnership=partnership,
            lsp=lsp,
            defaults={
                "recognition": demo_lsp.recognition,
                "sits_on_board": demo_lsp.on_board,
                "linking_structure": demo_lsp.linking,
                "stage_aligning": 1 in demo_lsp.stages,
                "stage_own_structures": 2 in demo_lsp.stages,
                "stage_funded_projects": 3 in demo_lsp.stages,
            },
        )

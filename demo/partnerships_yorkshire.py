"""Five more partnerships in Yorkshire and the Humber, beside Hull and
Doncaster of Annex 1: the rest of the Humberside LSC's area (so the demo LLSC
officer has several returns to review) and two in the rest of the region (so
the demo GO officer has a region to compare)."""

from __future__ import annotations

import datetime

from partnerships.models import (
    AgreementStatus,
    HostType,
    LSPTier,
    Recognition,
    Sector,
    StructureModel,
)

from .partnership_records import ALL_ROLES, DemoLLSC, DemoLSP, DemoPartnership

T, AS, R, S = LSPTier, AgreementStatus, Recognition, Sector
D = datetime.date
UNITARY = StructureModel.UNITARY


def _humberside(status: AgreementStatus, signed: datetime.date | None) -> DemoLLSC:
    return DemoLLSC("Humberside", status=status, signed=signed, roles=ALL_ROLES)


PARTNERSHIPS_YORKSHIRE: tuple[DemoPartnership, ...] = (
    DemoPartnership(
        "East Riding",
        "YH",
        UNITARY,
        "East Riding College",
        HostType.FE_COLLEGE,
        "Helen Marsden",
        "Councillor Brian Ferris",
        D(2000, 1, 10),
        (_humberside(AS.MOU, D(2003, 3, 14)),),
        (
            DemoLSP(
                "East Riding Strategic Partnership",
                "East Riding of Yorkshire Council",
                T.UNITARY,
                False,
                R.LEAD_AGENCY,
                True,
                "Lifelong learning theme group",
                (1, 2),
            ),
        ),
        "East Riding College",
        "University of Hull",
        "Connexions Humber",
        (S.TRADE_UNION, S.HEALTH),
    ),
    DemoPartnership(
        "North Lincolnshire",
        "YH",
        UNITARY,
        "North Lincolnshire Council",
        HostType.LOCAL_AUTHORITY,
        "Stephen Oakley",
        "Margaret Ingham",
        D(1999, 10, 4),
        (_humberside(AS.CONCORDAT, D(2002, 11, 29)),),
        (
            DemoLSP(
                "North Lincolnshire Strategic Partnership",
                "North Lincolnshire Council",
                T.UNITARY,
                True,
                R.INFORMAL,
                False,
                "",
                (1,),
            ),
        ),
        "North Lindsey College",
        "University of Lincoln",
        "Connexions Humber",
        (S.IAG,),
    ),
    DemoPartnership(
        "North East Lincolnshire",
        "YH",
        UNITARY,
        "Grimsby Institute of Further and Higher Education",
        HostType.FE_COLLEGE,
        "Rachel Dunmore",
        "Councillor Keith Walsh",
        D(2000, 3, 1),
        (_humberside(AS.IN_DISCUSSION, None),),
        (
            DemoLSP(
                "Shaping Our Future",
                "North East Lincolnshire Council",
                T.UNITARY,
                True,
                R.LEARNING_ARM,
                True,
                "Learning and skills partnership board",
                (1, 2, 3),
            ),
        ),
        "Grimsby Institute of Further and Higher Education",
        "University of Hull",
        "Connexions Humber",
        (S.TRADE_UNION,),
    ),
    DemoPartnership(
        "Barnsley",
        "YH",
        UNITARY,
        "Barnsley College",
        HostType.FE_COLLEGE,
        "Paul Whitaker",
        "Linda Brook",
        D(1999, 9, 20),
        (
            DemoLLSC(
                "South Yorkshire",
                status=AS.MOU,
                signed=D(2003, 7, 1),
                roles=("collaboration", "needs"),
            ),
        ),
        (
            DemoLSP(
                "One Barnsley",
                "Barnsley Metropolitan Borough Council",
                T.METROPOLITAN,
                True,
                R.LEAD_AGENCY,
                True,
                "Skills and learning theme group",
                (1, 3),
            ),
        ),
        "Barnsley College",
        "University of Sheffield",
        "Connexions South Yorkshire",
        (S.HEALTH,),
    ),
    DemoPartnership(
        "Bradford",
        "YH",
        UNITARY,
        "Bradford Council",
        HostType.LOCAL_AUTHORITY,
        "Imran Qureshi",
        "Dr Susan Pickles",
        D(1999, 6, 14),
        (DemoLLSC("West Yorkshire", coterminous=False),),
        (
            DemoLSP(
                "Bradford Vision",
                "City of Bradford Metropolitan District Council",
                T.METROPOLITAN,
                True,
                R.INFORMAL,
                False,
                "",
                (1,),
            ),
        ),
        "Bradford College",
        "University of Bradford",
        "Connexions West Yorkshire",
        (S.TRADE_UNION, S.IAG),
    ),
)

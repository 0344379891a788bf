"""Demo data: the twenty Learning Partnerships of Annex 1 of the 2003 study of
partnerships and regeneration, in their Government Office regions, with
plausible local LSCs, LSPs, relationships and members, and four demo users.

Loading is idempotent: rows are looked up by their natural keys, so a second
run changes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from partnerships.models import (
    LSP,
    AgreementStatus,
    HostType,
    LearningPartnership,
    LLSCRelationship,
    LocalLSC,
    LSPRelationship,
    LSPTier,
    MemberOrganisation,
    Profile,
    Recognition,
    Region,
    Role,
    Sector,
    StructureModel,
)

DEMO_PASSWORD = "learning-2003"  # noqa: S105 (printed for the demo on purpose)


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


LLSC_REGIONS = {
    "Humberside": "YH",
    "South Yorkshire": "YH",
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

ALL_ROLES = ("collaboration", "needs", "learner_feedback")
T, AS, R, S = LSPTier, AgreementStatus, Recognition, Sector
D = datetime.date

PARTNERSHIPS: tuple[DemoPartnership, ...] = (
    DemoPartnership(
        "Hull",
        "YH",
        StructureModel.UNITARY,
        "Hull City Council",
        HostType.LOCAL_AUTHORITY,
        "Alison Harper",
        "Councillor Peter Wray",
        D(1999, 9, 1),
        (
            DemoLLSC(
                "Humberside",
                status=AS.CONCORDAT,
                signed=D(2003, 6, 30),
                roles=ALL_ROLES,
            ),
        ),
        (
            DemoLSP(
                "Hull CityVision",
                "Kingston upon Hull City Council",
                T.UNITARY,
                True,
                R.LEARNING_ARM,
                True,
                "CityVision learning theme group",
                (1, 2, 3),
            ),
        ),
        "Hull College",
        "University of Hull",
        "Connexions Humber",
        (S.TRADE_UNION,),
    ),
    DemoPartnership(
        "Doncaster",
        "YH",
        StructureModel.UNITARY,
        "Doncaster College",
        HostType.FE_COLLEGE,
        "Martin Castle",
        "Jean Holroyd",
        D(1999, 11, 15),
        (
            DemoLLSC(
                "South Yorkshire",
                status=AS.MOU,
                signed=D(2003, 9, 12),
                roles=("collaboration", "needs"),
            ),
        ),
        (
            DemoLSP(
                "Doncaster Strategic Partnership",
                "Doncaster Metropolitan Borough Council",
                T.METROPOLITAN,
                True,
                R.LEAD_AGENCY,
                True,
                "",
                (1, 3),
            ),
        ),
        "Doncaster College",
        "Sheffield Hallam University",
        "Connexions South Yorkshire",
        (S.HEALTH, S.IAG),
    ),
    DemoPartnership(
        "Wolverhampton",
        "WM",
        StructureModel.UNITARY,
        "Learning City Wolverhampton",
        HostType.LEARNING_CITY,
        "Sunita Bains",
        "Professor David Allen",
        D(1999, 7, 1),
        (
            DemoLLSC(
                "Black Country",
                status=AS.CONCORDAT,
                signed=D(2003, 5, 20),
                roles=ALL_ROLES,
            ),
        ),
        (
            DemoLSP(
                "Wolverhampton Partnership",
                "Wolverhampton City Council",
                T.METROPOLITAN,
                True,
                R.LEARNING_ARM,
                True,
                "Lifelong learning theme group",
                (1, 2),
            ),
        ),
        "City of Wolverhampton College",
        "University of Wolverhampton",
        "Connexions Black Country",
    ),
    DemoPartnership(
        "Solihull",
        "WM",
        StructureModel.UNITARY,
        "Solihull College",
        HostType.FE_COLLEGE,
        "Gareth Lewis",
        "Margaret Dunn",
        D(2000, 1, 10),
        (DemoLLSC("Birmingham and Solihull", status=AS.IN_DISCUSSION),),
        (
            DemoLSP(
                "Solihull Partnership",
                "Solihull Metropolitan Borough Council",
                T.METROPOLITAN,
                False,
                R.INFORMAL,
                False,
                "",
                (1,),
            ),
        ),
        "Solihull College",
        "University of Central England",
        "Connexions Birmingham and Solihull",
        (S.TRADE_UNION, S.HEALTH, S.JOBCENTRE_PLUS),
    ),
    DemoPartnership(
        "Lincs and Rutland",
        "EM",
        StructureModel.SHIRE,
        "Lincolnshire County Council",
        HostType.LOCAL_AUTHORITY,
        "Helen Marsh",
        "Richard Coupland",
        D(1999, 10, 4),
        (
            DemoLLSC(
                "Lincolnshire and Rutland",
                coterminous=True,
                status=AS.CONCORDAT,
                signed=D(2003, 10, 1),
                roles=("collaboration", "learner_feedback"),
            ),
        ),
        (
            DemoLSP(
                "Lincolnshire Assembly",
                "Lincolnshire County Council",
                T.COUNTY,
                False,
                R.LEAD_AGENCY,
                True,
                "",
                (1,),
            ),
            DemoLSP(
                "Lincoln Community Strategy Partnership",
                "City of Lincoln Council",
                T.DISTRICT,
                False,
                R.INFORMAL,
                False,
                "Lincoln local learning group",
                (2,),
            ),
            DemoLSP(
                "Boston Area Partnership",
                "Boston Borough Council",
                T.DISTRICT,
                False,
                R.NONE,
            ),
            DemoLSP(
                "Rutland Together",
                "Rutland County Council",
                T.UNITARY,
                False,
                R.INFORMAL,
                False,
                "Rutland learning forum",
                (2,),
            ),
        ),
        "Lincoln College",
        "University of Lincoln",
        "Connexions Lincolnshire and Rutland",
        (S.SIXTH_FORM,),
    ),
    DemoPartnership(
        "Greater Nottingham",
        "EM",
        StructureModel.MULTI_BOROUGH,
        "Greater Nottingham Partnership",
        HostType.SUB_REGIONAL,
        "Paul Whitby",
        "Anne Sheridan",
        D(1999, 9, 20),
        (
            DemoLLSC(
                "Nottinghamshire", status=AS.MOU, signed=D(2003, 7, 14), roles=ALL_ROLES
            ),
        ),
        (
            DemoLSP(
                "One Nottingham",
                "Nottingham City Council",
                T.UNITARY,
                True,
                R.LEARNING_ARM,
                True,
                "City learning and skills group",
                (1, 2, 3),
            ),
            DemoLSP(
                "Broxtowe Partnership",
                "Broxtowe Borough Council",
                T.DISTRICT,
                False,
                R.INFORMAL,
            ),
            DemoLSP(
                "Gedling Partnership",
                "Gedling Borough Council",
                T.DISTRICT,
                False,
                R.NONE,
            ),
        ),
        "New College Nottingham",
        "Nottingham Trent University",
        "Connexions Nottinghamshire",
    ),
    DemoPartnership(
        "Kent",
        "SE",
        StructureModel.SHIRE,
        "Kent County Council",
        HostType.LOCAL_AUTHORITY,
        "Fiona Grant",
        "Michael Ashdown",
        D(1999, 12, 1),
        (
            DemoLLSC(
                "Kent and Medway",
                status=AS.CONCORDAT,
                signed=D(2003, 4, 28),
                roles=("collaboration", "needs"),
            ),
        ),
        (
            DemoLSP(
                "Kent Partnership",
                "Kent County Council",
                T.COUNTY,
                False,
                R.LEAD_AGENCY,
                True,
                "",
                (1,),
            ),
            DemoLSP(
                "Thanet Local Strategic Partnership",
                "Thanet District Council",
                T.DISTRICT,
                True,
                R.LEARNING_ARM,
                True,
                "Thanet learning forum",
                (1, 2, 3),
            ),
            DemoLSP(
                "Swale Local Strategic Partnership",
                "Swale Borough Council",
                T.DISTRICT,
                False,
                R.INFORMAL,
                False,
                "Swale local learning group",
                (2,),
            ),
            DemoLSP(
                "Dover District Local Strategic Partnership",
                "Dover District Council",
                T.DISTRICT,
                False,
                R.NONE,
            ),
        ),
        "Canterbury College",
        "Canterbury Christ Church University College",
        "Connexions Kent and Medway",
        (S.SIXTH_FORM, S.TRADE_UNION),
    ),
    DemoPartnership(
        "Slough",
        "SE",
        StructureModel.UNITARY,
        "Slough Borough Council",
        HostType.LOCAL_AUTHORITY,
        "Rajesh Mistry",
        "Carol Bennett",
        D(2000, 3, 6),
        (DemoLLSC("Berkshire", status=AS.NONE),),
        (
            DemoLSP(
                "Slough Focus",
                "Slough Borough Council",
                T.UNITARY,
                False,
                R.LEAD_AGENCY,
                True,
                "",
                (1,),
            ),
        ),
        "East Berkshire College",
        "Thames Valley University",
        "Connexions Berkshire",
        (S.HE, S.HEALTH, S.OTHER),
    ),
    DemoPartnership(
        "Cambridgeshire",
        "EE",
        StructureModel.SHIRE,
        "Cambridgeshire County Council",
        HostType.LOCAL_AUTHORITY,
        "Kate Oldfield",
        "Dr Simon Reeve",
        D(1999, 10, 18),
        (DemoLLSC("Cambridgeshire", coterminous=True, status=AS.IN_DISCUSSION),),
        (
            DemoLSP(
                "Cambridgeshire Together",
                "Cambridgeshire County Council",
                T.COUNTY,
                False,
                R.LEAD_AGENCY,
                True,
                "",
                (1,),
            ),
            DemoLSP(
                "Fenland Local Strategic Partnership",
                "Fenland District Council",
                T.DISTRICT,
                False,
                R.INFORMAL,
                False,
                "Fenland learning network",
                (2,),
            ),
            DemoLSP(
                "Cambridge Local Strategic Partnership",
                "Cambridge City Council",
                T.DISTRICT,
                False,
                R.INFORMAL,
            ),
        ),
        "Cambridge Regional College",
        "Anglia Polytechnic University",
        "Connexions Cambridgeshire and Peterborough",
        (S.JOBCENTRE_PLUS,),
    ),
    DemoPartnership(
        "Hertfordshire",
        "EE",
        StructureModel.SHIRE,
        "Oaklands College",
        HostType.FE_COLLEGE,
        "Nicola Pryce",
        "John Fairweather",
        D(1999, 11, 1),
        (
            DemoLLSC(
                "Hertfordshire",
                coterminous=True,
                status=AS.CONCORDAT,
                signed=D(2003, 11, 3),
                roles=ALL_ROLES,
            ),
        ),
        (
            DemoLSP(
                "Hertfordshire Forward",
                "Hertfordshire County Council",
                T.COUNTY,
                False,
                R.LEAD_AGENCY,
                True,
                "",
                (1,),
            ),
            DemoLSP(
                "Stevenage Partnership",
                "Stevenage Borough Council",
                T.DISTRICT,
                False,
                R.LEARNING_ARM,
                True,
                "Stevenage learning group",
                (1, 2),
            ),
            DemoLSP(
                "Dacorum Partnership",
                "Dacorum Borough Council",
                T.DISTRICT,
                False,
                R.NONE,
            ),
        ),
        "Oaklands College",
        "University of Hertfordshire",
        "Connexions Hertfordshire",
    ),
    DemoPartnership(
        "Manchester",
        "NW",
        StructureModel.UNITARY,
        "Manchester City Council",
        HostType.LOCAL_AUTHORITY,
        "Declan Murphy",
        "Councillor Val Stevens",
        D(1999, 6, 14),
        (
            DemoLLSC(
                "Greater Manchester",
                status=AS.MOU,
                signed=D(2003, 8, 29),
                roles=("collaboration", "learner_feedback"),
            ),
        ),
        (
            DemoLSP(
                "Manchester Partnership",
                "Manchester City Council",
                T.METROPOLITAN,
                True,
                R.LEARNING_ARM,
                True,
                "Learning and skills theme group",
                (1, 2, 3),
            ),
        ),
        "Manchester College of Arts and Technology",
        "Manchester Metropolitan University",
        "Connexions Greater Manchester",
        (S.SIXTH_FORM,),
    ),
    DemoPartnership(
        "Halton",
        "NW",
        StructureModel.UNITARY,
        "Halton Borough Council",
        HostType.LOCAL_AUTHORITY,
        "Joanne Kerr",
        "Bill Dawson",
        D(2000, 2, 1),
        (
            DemoLLSC(
                "Greater Merseyside",
                status=AS.CONCORDAT,
                signed=D(2003, 7, 1),
                roles=ALL_ROLES,
            ),
        ),
        (
            DemoLSP(
                "Halton Strategic Partnership",
                "Halton Borough Council",
                T.UNITARY,
                True,
                R.LEARNING_ARM,
                True,
                "Employment, learning and skills group",
                (1, 3),
            ),
        ),
        "Riverside College Halton",
        "Liverpool John Moores University",
        "Connexions Greater Merseyside",
        (S.HE, S.TRADE_UNION),
    ),
    DemoPartnership(
        "Cross River",
        "LON",
        StructureModel.MULTI_BOROUGH,
        "Cross River Partnership",
        HostType.SUB_REGIONAL,
        "Grace Adeyemi",
        "Tom Hollis",
        D(2000, 4, 3),
        (
            DemoLLSC("London Central", status=AS.IN_DISCUSSION),
            DemoLLSC("London South", status=AS.NONE),
        ),
        (
            DemoLSP(
                "Lambeth First",
                "London Borough of Lambeth",
                T.LONDON_BOROUGH,
                True,
                R.LEAD_AGENCY,
                True,
                "",
                (1, 2),
            ),
            DemoLSP(
                "Southwark Alliance",
                "London Borough of Southwark",
                T.LONDON_BOROUGH,
                True,
                R.INFORMAL,
            ),
            DemoLSP(
                "Westminster City Partnership",
                "Westminster City Council",
                T.LONDON_BOROUGH,
                True,
                R.INFORMAL,
                False,
                "",
                (1,),
            ),
        ),
        "Westminster Kingsway College",
        "London South Bank University",
        "Connexions Central London",
        (S.SCHOOL, S.SIXTH_FORM),
    ),
    DemoPartnership(
        "London South",
        "LON",
        StructureModel.MULTI_BOROUGH,
        "Croydon College",
        HostType.FE_COLLEGE,
        "Priya Shah",
        "Andrew Cole",
        D(1999, 12, 13),
        (
            DemoLLSC(
                "London South",
                status=AS.CONCORDAT,
                signed=D(2003, 9, 30),
                roles=("collaboration", "needs"),
            ),
        ),
        (
            DemoLSP(
                "Croydon Strategic Partnership",
                "London Borough of Croydon",
                T.LONDON_BOROUGH,
                False,
                R.LEAD_AGENCY,
                True,
                "",
                (1,),
            ),
            DemoLSP(
                "Merton Partnership",
                "London Borough of Merton",
                T.LONDON_BOROUGH,
                False,
                R.INFORMAL,
            ),
            DemoLSP(
                "Sutton Strategic Partnership",
                "London Borough of Sutton",
                T.LONDON_BOROUGH,
                False,
                R.NONE,
            ),
        ),
        "Croydon College",
        "Kingston University",
        "Connexions South London",
        (S.HEALTH,),
    ),
    DemoPartnership(
        "County Durham",
        "NE",
        StructureModel.SHIRE,
        "Durham County Council",
        HostType.LOCAL_AUTHORITY,
        "Susan Lamb",
        "Keith Robson",
        D(1999, 9, 6),
        (
            DemoLLSC(
                "County Durham",
                coterminous=True,
                status=AS.MOU,
                signed=D(2003, 6, 2),
                roles=ALL_ROLES,
            ),
        ),
        (
            DemoLSP(
                "County Durham Strategic Partnership",
                "Durham County Council",
                T.COUNTY,
                False,
                R.LEAD_AGENCY,
                True,
                "",
                (1,),
            ),
            DemoLSP(
                "Easington Local Strategic Partnership",
                "District of Easington",
                T.DISTRICT,
                True,
                R.LEARNING_ARM,
                True,
                "East Durham learning network",
                (1, 2, 3),
            ),
            DemoLSP(
                "Derwentside Partnership",
                "Derwentside District Council",
                T.DISTRICT,
                True,
                R.INFORMAL,
                False,
                "Derwentside learning group",
                (2,),
            ),
            DemoLSP(
                "Wear Valley Local Strategic Partnership",
                "Wear Valley District Council",
                T.DISTRICT,
                True,
                R.INFORMAL,
            ),
        ),
        "New College Durham",
        "University of Durham",
        "Connexions County Durham",
    ),
    DemoPartnership(
        "Tees Valley",
        "NE",
        StructureModel.MULTI_BOROUGH,
        "Tees Valley Partnership",
        HostType.SUB_REGIONAL,
        "Neil Carter",
        "Dr Ruth Atkinson",
        D(1999, 8, 16),
        (
            DemoLLSC(
                "Tees Valley",
                coterminous=True,
                status=AS.CONCORDAT,
                signed=D(2003, 5, 6),
                roles=("collaboration", "needs"),
            ),
        ),
        (
            DemoLSP(
                "Middlesbrough Partnership",
                "Middlesbrough Council",
                T.UNITARY,
                True,
                R.LEARNING_ARM,
                True,
                "Middlesbrough learning group",
                (1, 2, 3),
            ),
            DemoLSP(
                "Hartlepool Partnership",
                "Hartlepool Borough Council",
                T.UNITARY,
                True,
                R.LEAD_AGENCY,
                True,
                "",
                (1,),
            ),
            DemoLSP(
                "Stockton Renaissance",
                "Stockton-on-Tees Borough Council",
                T.UNITARY,
                True,
                R.INFORMAL,
            ),
            DemoLSP(
                "Redcar and Cleveland Partnership",
                "Redcar and Cleveland Borough Council",
                T.UNITARY,
                True,
                R.INFORMAL,
                False,
                "",
                (1,),
            ),
            DemoLSP(
                "Darlington Partnership",
                "Darlington Borough Council",
                T.UNITARY,
                False,
                R.NONE,
            ),
        ),
        "Middlesbrough College",
        "University of Teesside",
        "Connexions Tees Valley",
        (S.IAG,),
    ),
    DemoPartnership(
        "Gloucestershire",
        "SW",
        StructureModel.SHIRE,
        "Gloucestershire County Council",
        HostType.LOCAL_AUTHORITY,
        "Rachel Vaughan",
        "Colin Meredith",
        D(2000, 1, 24),
        (DemoLLSC("Gloucestershire", coterminous=True, status=AS.IN_DISCUSSION),),
        (
            DemoLSP(
                "Gloucestershire Strategic Partnership",
                "Gloucestershire County Council",
                T.COUNTY,
                False,
                R.INFORMAL,
                False,
                "",
                (1,),
            ),
            DemoLSP(
                "Gloucester City Partnership",
                "Gloucester City Council",
                T.DISTRICT,
                False,
                R.LEAD_AGENCY,
                True,
                "Gloucester learning forum",
                (1, 2),
            ),
            DemoLSP(
                "Forest of Dean Local Strategic Partnership",
                "Forest of Dean District Council",
                T.DISTRICT,
                False,
                R.INFORMAL,
            ),
        ),
        "Gloucestershire College of Arts and Technology",
        "University of Gloucestershire",
        "Connexions Gloucestershire",
        (S.TRADE_UNION, S.JOBCENTRE_PLUS),
    ),
    DemoPartnership(
        "Leicestershire and Leicester City",
        "EM",
        StructureModel.MULTI_BOROUGH,
        "De Montfort University",
        HostType.UNIVERSITY,
        "Imran Patel",
        "Elizabeth Ward",
        D(1999, 10, 11),
        (
            DemoLLSC(
                "Leicestershire",
                coterminous=True,
                status=AS.CONCORDAT,
                signed=D(2003, 12, 1),
                roles=ALL_ROLES,
            ),
        ),
        (
            DemoLSP(
                "Leicester Partnership",
                "Leicester City Council",
                T.UNITARY,
                True,
                R.LEARNING_ARM,
                True,
                "Leicester learning and skills group",
                (1, 2),
            ),
            DemoLSP(
                "Leicestershire Together",
                "Leicestershire County Council",
                T.COUNTY,
                False,
                R.LEAD_AGENCY,
                True,
                "",
                (1,),
            ),
            DemoLSP(
                "North West Leicestershire Local Strategic Partnership",
                "North West Leicestershire District Council",
                T.DISTRICT,
                False,
                R.INFORMAL,
            ),
        ),
        "Leicester College",
        "De Montfort University",
        "Connexions Leicester Shire",
    ),
    DemoPartnership(
        "Bedford",
        "EE",
        StructureModel.UNITARY,
        "Bedford College",
        HostType.FE_COLLEGE,
        "Laura Finch",
        "Graham Pike",
        D(2000, 5, 2),
        (DemoLLSC("Bedfordshire and Luton", status=AS.IN_DISCUSSION),),
        (
            DemoLSP(
                "Bedford Borough Partnership",
                "Bedford Borough Council",
                T.DISTRICT,
                False,
                R.LEAD_AGENCY,
                True,
                "",
                (1,),
            ),
        ),
        "Bedford College",
        "De Montfort University Bedford",
        "Connexions Bedfordshire",
        (S.HEALTH, S.TRADE_UNION, S.OTHER),
    ),
    DemoPartnership(
        "West Sussex",
        "SE",
        StructureModel.SHIRE,
        "West Sussex County Council",
        HostType.LOCAL_AUTHORITY,
        "Jonathan Price",
        "Mary Collins",
        D(1999, 11, 22),
        (
            DemoLLSC(
                "Sussex",
                status=AS.MOU,
                signed=D(2003, 10, 20),
                roles=("collaboration",),
            ),
        ),
        (
            DemoLSP(
                "West Sussex Strategic Partnership",
                "West Sussex County Council",
                T.COUNTY,
                False,
                R.LEAD_AGENCY,
                True,
                "",
                (1,),
            ),
            DemoLSP(
                "Crawley Local Strategic Partnership",
                "Crawley Borough Council",
                T.DISTRICT,
                False,
                R.LEARNING_ARM,
                True,
                "Crawley learning network",
                (1, 2),
            ),
            DemoLSP(
                "Adur Local Strategic Partnership",
                "Adur District Council",
                T.DISTRICT,
                False,
                R.INFORMAL,
            ),
            DemoLSP(
                "Arun Local Strategic Partnership",
                "Arun District Council",
                T.DISTRICT,
                False,
                R.NONE,
            ),
        ),
        "Chichester College",
        "University College Chichester",
        "Connexions Sussex",
        (S.SIXTH_FORM, S.IAG),
    ),
)

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


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: Role
    description: str


DEMO_USERS = (
    DemoUser("manager", "Alison", "Harper", Role.MANAGER, "manager of Hull"),
    DemoUser(
        "officer", "Graham", "Noble", Role.LLSC_OFFICER, "officer of Humberside LSC"
    ),
    DemoUser(
        "go", "Yvonne", "Ellis", Role.GO_OFFICER, "GO officer, Yorkshire and the Humber"
    ),
    DemoUser("admin", "Nadia", "Okafor", Role.NATIONAL_ADMIN, "national administrator"),
)


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
        partnership, _ = LearningPartnership.objects.update_or_create(
            name=p.name,
            defaults={
                "region": regions[p.region],
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
        for demo_lsp in p.lsps:
            lsp, _ = LSP.objects.update_or_create(
                name=demo_lsp.name,
                defaults={
                    "local_authority": demo_lsp.local_authority,
                    "tier": demo_lsp.tier,
                    "region": regions[p.region],
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
        local_authority = p.lsps[0].local_authority
        for sector, name in _member_names(p, local_authority).items():
            if sector in p.missing:
                continue
            MemberOrganisation.objects.update_or_create(
                partnership=partnership,
                name=name,
                defaults={"sector": sector, "is_board_member": sector in BOARD_SECTORS},
            )
    _load_demo_users(llscs["Humberside"], regions["YH"])
    return list(DEMO_USERS)


def _load_demo_users(humberside: LocalLSC, yorkshire: Region) -> None:
    User = get_user_model()
    hull = LearningPartnership.objects.get(name="Hull")
    for demo in DEMO_USERS:
        user = User.objects.filter(username=demo.username).first()
        if user is None:
            user = User.objects.create_user(
                username=demo.username,
                password=DEMO_PASSWORD,
                email=f"{demo.username}@example.org",
                first_name=demo.first_name,
                last_name=demo.last_name,
            )
        if demo.role == Role.NATIONAL_ADMIN and not (
            user.is_staff and user.is_superuser
        ):
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        Profile.objects.update_or_create(
            user=user,
            defaults={
                "role": demo.role,
                "llsc": humberside if demo.role == Role.LLSC_OFFICER else None,
                "region": yorkshire if demo.role == Role.GO_OFFICER else None,
            },
        )
        if demo.role == Role.MANAGER:
            hull.managers.add(user)

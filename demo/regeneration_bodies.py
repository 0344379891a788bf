"""The demo's relationships with regeneration bodies other than LSPs, for the
Yorkshire and the Humber partnerships (so the GO officer's regional view has
them to count), and one change of manager kept in a partnership's history."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from partnerships.models import (
    BodyKind,
    LearningPartnership,
    ManagerChange,
    RegenerationBodyLink,
)

K = BodyKind

# Partnership: (kind, name of the body, what the partnership does with it).
BODY_LINKS: dict[str, tuple[tuple[BodyKind, str, str], ...]] = {
    "Hull": (
        (K.SUB_REGIONAL, "Humber Economic Partnership", "Sits on its skills group"),
        (K.NEW_DEAL, "Preston Road NDC", "Leads the learning theme"),
        (K.SRB, "Hull SRB 5: Learning City", "Delivers the adult learning strand"),
    ),
    "Doncaster": (
        (K.RDA_SUB_REGIONAL, "South Yorkshire Partnership", "Attends its board"),
        (K.NEIGHBOURHOOD, "Doncaster Central neighbourhood management", ""),
    ),
    "Barnsley": (
        (K.RDA_SUB_REGIONAL, "South Yorkshire Partnership", "Attends its board"),
        (K.SRB, "Barnsley Coalfields SRB 6", "Funds two learning centres"),
    ),
    "Bradford": (
        (K.SUB_REGIONAL, "West Yorkshire Learning Partnerships' Network", ""),
        (K.NEW_DEAL, "Little Horton NDC", "Runs its community learning projects"),
        (K.NEIGHBOURHOOD, "Keighley neighbourhood management pathfinder", ""),
    ),
    "East Riding": (
        (K.SUB_REGIONAL, "Humber Economic Partnership", "Sits on its skills group"),
    ),
}

# Barnsley's manager took over from the partnership's first manager, this
# many days before the demo is loaded (it is dated around today).
MANAGER_CHANGE = ("Barnsley", "Margaret Hollis", 240)


@transaction.atomic
def load_demo_regeneration_bodies() -> int:
    """Add the demo's relationships with other regeneration bodies, and
    Barnsley's change of manager, to the partnerships that exist; changes
    nothing already there. Returns how many rows were added."""
    partnerships = {
        p.name: p
        for p in LearningPartnership.objects.filter(
            name__in=[*BODY_LINKS, MANAGER_CHANGE[0]]
        )
    }
    added = 0
    for name, links in BODY_LINKS.items():
        partnership = partnerships.get(name)
        if partnership is None:
            continue
        for kind, body, involvement in links:
            _, created = RegenerationBodyLink.objects.get_or_create(
                partnership=partnership,
                kind=kind,
                name=body,
                defaults={"involvement": involvement},
            )
            added += created
    name, previous, days_ago = MANAGER_CHANGE
    on = timezone.localdate() - datetime.timedelta(days=days_ago)
    partnership = partnerships.get(name)
    if partnership is not None and not partnership.manager_changes.exists():
        ManagerChange.objects.create(
            partnership=partnership,
            changed_at=timezone.make_aware(
                datetime.datetime.combine(on, datetime.time(9))
            ),
            previous_name=previous,
            new_name=partnership.manager_name,
            new_email=partnership.manager_email,
        )
        added += 1
    return added

"""A world of rows built once for a test module rather than for every test.

The build runs in a transaction opened for the module and rolled back at its
end (as tests/demo/conftest.py does for the demo); each test then runs in a
savepoint of its own inside it (pytest-django's ``db``), so what one test
changes the next does not see. What lives outside the database is kept and
put back for each test: the evidence files on disk (emptied before every test
by _empty_attachment_storage) and, if the module wants them, the emails.

Python objects would carry one test's changes into the next, so a module keeps
only row ids (``Rows``) and each test reads the rows afresh.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from assessment.models import EvidenceFile
from partnerships.models import LearningPartnership, Region, Role
from tests.factories import (
    LearningPartnershipFactory,
    LLSCRelationshipFactory,
    LocalLSCFactory,
    LSPRelationshipFactory,
    MemberOrganisationFactory,
    ProfileFactory,
    UserFactory,
)

T = TypeVar("T")

_FOLDERS = ("returns", "evidence")


def _attachments() -> Path:
    return Path(EvidenceFile._meta.get_field("file").storage.location)


def copy_attachments(source: Path | None, target: Path | None) -> None:
    """The evidence files from ``source`` to ``target`` (None: the storage)."""
    source, target = source or _attachments(), target or _attachments()
    for folder in _FOLDERS:
        if (source / folder).exists():
            shutil.copytree(source / folder, target / folder)


def module_cast() -> dict[str, Any]:
    """The fixed cast of tests/conftest.py, made as its fixtures make it and
    in the same order, by fixture name: each person (anonymous is Django's
    AnonymousUser), the partnerships, local LSCs, members and relationships."""
    region_a = Region.objects.get(code="YH")
    region_other = Region.objects.get(code="NE")
    llsc_a = LocalLSCFactory(name="West Yorkshire", region=region_a)
    partnership_a = LearningPartnershipFactory(name="Alpha Learning", region=region_a)
    llsc_relationship_a = LLSCRelationshipFactory(
        partnership=partnership_a, llsc=llsc_a
    )
    manager_a = ProfileFactory(user__username="manager_a", role=Role.MANAGER).user
    partnership_a.managers.add(manager_a)
    llsc_other = LocalLSCFactory(name="Tyne and Wear", region=region_other)
    partnership_b = LearningPartnershipFactory(
        name="Bravo Learning",
        region=region_other,
        structure_model=LearningPartnership.StructureModel.SHIRE,
    )
    LLSCRelationshipFactory(partnership=partnership_b, llsc=llsc_other)
    manager_b = ProfileFactory(user__username="manager_b", role=Role.MANAGER).user
    partnership_b.managers.add(manager_b)
    return {
        "manager_a": manager_a,
        "manager_b": manager_b,
        "officer_a": ProfileFactory(
            user__username="officer_a", role=Role.LLSC_OFFICER, llsc=llsc_a
        ).user,
        "officer_elsewhere": ProfileFactory(
            user__username="officer_elsewhere",
            role=Role.LLSC_OFFICER,
            llsc=llsc_other,
        ).user,
        "go_a": ProfileFactory(
            user__username="go_a", role=Role.GO_OFFICER, region=region_a
        ).user,
        "go_elsewhere": ProfileFactory(
            user__username="go_elsewhere", role=Role.GO_OFFICER, region=region_other
        ).user,
        "admin": ProfileFactory(
            user__username="admin",
            user__is_staff=True,
            user__is_superuser=False,
            role=Role.NATIONAL_ADMIN,
        ).user,
        "no_role": UserFactory(username="no_role"),
        "member_a": MemberOrganisationFactory(
            partnership=partnership_a, name="Leeds College"
        ),
        "member_b": MemberOrganisationFactory(
            partnership=partnership_b, name="Tyneside College"
        ),
        "lsp_relationship_a": LSPRelationshipFactory(
            partnership=partnership_a, lsp__name="Leeds Initiative"
        ),
        "lsp_relationship_b": LSPRelationshipFactory(
            partnership=partnership_b, lsp__name="Newcastle Partnership"
        ),
        "anonymous": AnonymousUser(),
        "llsc_a": llsc_a,
        "llsc_other": llsc_other,
        "partnership_a": partnership_a,
        "partnership_b": partnership_b,
        "llsc_relationship_a": llsc_relationship_a,
    }


PEOPLE = (
    "manager_a",
    "manager_b",
    "officer_a",
    "officer_elsewhere",
    "go_a",
    "go_elsewhere",
    "admin",
    "no_role",
    "anonymous",
)


@dataclass
class Rows:
    """Rows by name, as their model and id; the cast's people by id."""

    rows: dict[str, tuple[Any, int]]
    people: dict[str, int]

    @classmethod
    def of(cls, rows: dict[str, Any], cast: dict[str, Any]) -> Rows:
        return cls(
            rows={name: (type(row), row.pk) for name, row in rows.items()},
            people={name: user.pk for name, user in cast.items() if user.pk},
        )

    def read(self) -> dict[str, Any]:
        """Each row as the database holds it now."""
        return {
            name: model._base_manager.get(pk=pk)
            for name, (model, pk) in self.rows.items()
        }

    def cast(self) -> dict[str, Any]:
        """The cast by name, as tests/conftest.py's ``cast`` gives it."""
        users = get_user_model()._base_manager.in_bulk(self.people.values())
        cast: dict[str, Any] = {name: users[pk] for name, pk in self.people.items()}
        cast["anonymous"] = AnonymousUser()
        return cast

"""The preview reads the records its rows name in bulk: the same number of
queries for a file of 5 rows as for one of 50, of new and existing records.
So does the log's page, for 1 import or 30."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from imports.models import ImportLog
from partnerships.models import Role
from tests.factories import (
    LearningPartnershipFactory,
    LocalLSCFactory,
    LSPFactory,
    MemberOrganisationFactory,
    ProfileFactory,
    region,
)

from .helpers import upload, upload_file

pytestmark = pytest.mark.django_db


def _llscs(size: int) -> list[list[str]]:
    for n in range(size // 2):
        LocalLSCFactory(name=f"LSC {size} {n}", region=region("YH"))
    return [["name", "region"]] + [[f"LSC {size} {n}", "NE"] for n in range(size)]


def _lsps(size: int) -> list[list[str]]:
    for n in range(size // 2):
        LSPFactory(name=f"LSP {size} {n}", region=region("YH"))
    return [["name", "local_authority", "tier", "region", "nrf_funded"]] + [
        [f"LSP {size} {n}", f"Council {n}", "District", "NE", "yes"]
        for n in range(size)
    ]


def _partnerships(size: int) -> list[list[str]]:
    for n in range(size // 2):
        LearningPartnershipFactory(name=f"Partnership {size} {n}", region=region("NE"))
    header = [
        "name",
        "region",
        "structure_model",
        "host_organisation",
        "host_type",
        "manager_name",
        "is_active",
    ]
    return [header] + [
        [
            f"Partnership {size} {n}",
            "NE",
            "shire",
            "A college",
            "fe_college",
            "Pat",
            "no",
        ]
        for n in range(size)
    ]


def _members(size: int) -> list[list[str]]:
    partnerships = [
        LearningPartnershipFactory(name=f"Partnership {size} {n}")
        for n in range(size // 5)
    ]
    for n, partnership in enumerate(partnerships):
        MemberOrganisationFactory(partnership=partnership, name=f"Member {n}")
    return [["partnership", "name", "sector", "is_board_member"]] + [
        [f"Partnership {size} {n // 5}", f"Member {n % 5}", "employer", "yes"]
        for n in range(size)
    ]


def _users(size: int) -> list[list[str]]:
    llsc = LocalLSCFactory(name=f"Humberside {size}", region=region("YH"))
    partnerships = [
        LearningPartnershipFactory(name=f"Partnership {size} {n}")
        for n in range(size // 5)
    ]
    for n in range(size // 2):
        profile = ProfileFactory(
            user__username=f"user{size}.{n}", role=Role.LLSC_OFFICER, llsc=llsc
        )
        partnerships[0].managers.add(profile.user)
    rows = [["username", "email", "role", "local_lsc", "region", "partnerships"]]
    for n in range(size):
        if n % 2:
            rows.append(
                [
                    f"user{size}.{n}",
                    f"user{size}.{n}@example.org",
                    "GO officer",
                    "",
                    "NE",
                    "",
                ]
            )
        else:
            names = f"Partnership {size} {n // 5}; Partnership {size} 0"
            rows.append(
                [
                    f"user{size}.{n}",
                    f"u{size}.{n}@example.org",
                    "manager",
                    "",
                    "",
                    names,
                ]
            )
    return rows


FILES: dict[str, Callable[[int], list[list[str]]]] = {
    "llscs": _llscs,
    "lsps": _lsps,
    "partnerships": _partnerships,
    "members": _members,
    "users": _users,
}


def _preview_queries(client, kind: str, rows: list[list[str]]) -> int:
    response = upload(client, kind, upload_file("csv", rows))
    assert response.status_code == 302, response.context["form"].errors
    with CaptureQueriesContext(connection) as queries:
        preview = client.get(response["Location"])
    assert preview.status_code == 200
    assert len(preview.context["preview"].rows) == len(rows) - 1
    counts = preview.context["preview"].counts
    assert counts["change"] and counts["create"] and not counts["problem"], counts
    return len(queries)


@pytest.mark.parametrize("kind", FILES)
def test_the_preview_reads_in_bulk(kind, cast, client_as, django_db_blocker):
    client = client_as("admin")
    small = _preview_queries(client, kind, FILES[kind](5))
    ImportLog.objects.all().delete()

    large = _preview_queries(client, kind, FILES[kind](50))

    assert large == small


def test_a_users_preview_counts_its_queries(cast, client_as, django_assert_num_queries):
    client = client_as("admin")
    response = upload(client, "users", upload_file("csv", _users(10)))

    # The session, the user with their profile; the upload; the regions, the
    # local LSCs and the partnerships named; the accounts, the accounts
    # sharing their emails and the partnerships they manage.
    with django_assert_num_queries(9):
        client.get(response["Location"])


def test_the_log_page_reads_in_bulk(cast, client_as, django_assert_num_queries):
    client = client_as("admin")

    def add(count: int) -> None:
        for n in range(count):
            ImportLog.objects.create(
                kind="llscs",
                file_name=f"file{n}.csv",
                file_format="csv",
                imported_by=cast["admin"],
                imported_by_name="admin",
                rows=[{"row": 2, "action": "create", "key": "x", "changes": []}],
            )

    add(1)
    # The session, the user with their profile; the count and the page.
    with django_assert_num_queries(4):
        assert client.get("/imports/log/").status_code == 200
    add(29)
    with django_assert_num_queries(4):
        assert client.get("/imports/log/").status_code == 200

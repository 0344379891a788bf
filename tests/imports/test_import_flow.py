"""Importing each kind of record, through the pages, as a national
administrator: upload, the preview of every row (created, changed with old
and new values, unchanged, problems by row and column), confirm, the log."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.test import override_settings

from imports.models import ImportLog, Upload
from partnerships.models import (
    LSP,
    LearningPartnership,
    LocalLSC,
    MemberOrganisation,
    Region,
    Role,
)
from tests.factories import LocalLSCFactory, ProfileFactory

from .helpers import FORMATS, confirm, preview_of, text, upload_file

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long new passphrase 2003"


@pytest.mark.parametrize("file_format", FORMATS)
def test_local_lscs_are_created_changed_and_left_unchanged(
    file_format, cast, client_as, llsc_a, llsc_other
):
    client = client_as("admin")
    rows = [
        ["name", "region"],
        ["Humberside", "YH"],
        ["West Yorkshire", "North East"],
        ["tyne and wear", "ne"],
    ]

    preview = preview_of(client, "llscs", upload_file(file_format, rows))

    assert preview.status_code == 200
    # "tyne and wear" matches Tyne and Wear, and changes its capitals.
    assert preview.context["preview"].counts == {
        "create": 1,
        "change": 2,
        "unchanged": 0,
        "problem": 0,
    }
    page = text(preview)
    assert "Region : Yorkshire and the Humber → becomes North East" in page
    assert "Name : Humberside" in page
    assert LocalLSC.objects.filter(name="Humberside").count() == 0

    response = confirm(client, preview)

    assert response.status_code == 302
    assert LocalLSC.objects.get(name="Humberside").region.code == "YH"
    assert LocalLSC.objects.get(name="West Yorkshire").region.code == "NE"
    log = ImportLog.objects.get()
    assert response["Location"] == log.get_absolute_url()
    assert (log.kind, log.file_name, log.file_format) == (
        "llscs",
        f"records.{file_format}",
        file_format,
    )
    assert log.imported_by == cast["admin"]
    assert (log.created_count, log.changed_count) == (1, 2)
    assert [row["action"] for row in log.rows] == ["create", "change", "change"]
    assert log.rows[1]["changes"] == [
        ["Region", "Yorkshire and the Humber", "North East"]
    ]
    assert not Upload.objects.exists()
    listing = text(client.get("/imports/log/"))
    assert f"records.{file_format}" in listing and "admin" in listing


def test_a_name_differing_only_in_capitals_matches_and_is_corrected(
    cast, client_as, llsc_other
):
    client = client_as("admin")
    rows = [["name", "region"], ["tyne and wear", "NE"]]

    preview = preview_of(client, "llscs", upload_file("csv", rows))

    assert "Name : Tyne and Wear → becomes tyne and wear" in text(preview)
    assert LocalLSC.objects.count() == 2


def test_an_unchanged_row_is_shown_and_left_alone(cast, client_as, llsc_other):
    client = client_as("admin")
    rows = [["name", "region"], ["Tyne and Wear", "North East"]]

    preview = preview_of(client, "llscs", upload_file("csv", rows))
    assert preview.context["preview"].counts["unchanged"] == 1
    assert "Unchanged" in text(preview)
    response = confirm(client, preview)

    assert response.status_code == 302
    assert ImportLog.objects.get().unchanged_count == 1


@pytest.mark.parametrize("file_format", FORMATS)
def test_lsps(file_format, cast, client_as):
    client = client_as("admin")
    rows = [
        ["Name", "Local authority", "Tier", "Region", "nrf_funded"],
        ["Hull CitySafe", "Hull City Council", "Unitary", "YH", "yes"],
        ["Leeds Initiative", "Leeds City Council", "metropolitan", "YH", ""],
    ]

    preview = preview_of(client, "lsps", upload_file(file_format, rows))
    response = confirm(client, preview)

    assert response.status_code == 302, text(preview)
    hull = LSP.objects.get(name="Hull CitySafe")
    assert (hull.tier, hull.nrf_funded, hull.region.code) == ("unitary", True, "YH")
    leeds = LSP.objects.get(name="Leeds Initiative")
    assert (leeds.local_authority, leeds.tier) == ("Leeds City Council", "metropolitan")


@pytest.mark.parametrize("file_format", FORMATS)
def test_partnerships(file_format, cast, client_as, partnership_a):
    client = client_as("admin")
    rows = [
        [
            "name",
            "region",
            "structure_model",
            "host_organisation",
            "host_type",
            "manager_name",
            "manager_email",
            "chair_name",
            "established_on",
            "is_active",
        ],
        [
            "Charlie Learning",
            "London",
            "Multi-borough",
            "Camden Council",
            "local_authority",
            "Cam Manager",
            "cam@example.org",
            "",
            "2001-09-01",
            "",
        ],
        [
            "Alpha Learning",
            "Yorkshire and the Humber",
            "Unitary",
            partnership_a.host_organisation,
            "Local authority",
            "New Manager",
            "",
            "",
            "",
            "no",
        ],
    ]

    preview = preview_of(client, "partnerships", upload_file(file_format, rows))

    page = text(preview)
    assert f"Manager : {partnership_a.manager_name} → becomes New Manager" in page
    assert "Active : Yes → becomes No" in page
    response = confirm(client, preview)
    assert response.status_code == 302
    charlie = LearningPartnership.objects.get(name="Charlie Learning")
    assert charlie.region.name == "London"
    assert charlie.structure_model == "multi_borough"
    assert charlie.established_on == datetime.date(2001, 9, 1)
    assert charlie.is_active
    assert charlie.manager_email == "cam@example.org"
    partnership_a.refresh_from_db()
    assert (partnership_a.manager_name, partnership_a.is_active) == (
        "New Manager",
        False,
    )


@pytest.mark.parametrize("file_format", FORMATS)
def test_members(file_format, cast, client_as, partnership_a, member_a):
    client = client_as("admin")
    rows = [
        ["partnership", "name", "sector", "is_board_member"],
        ["Alpha Learning", "Leeds College", "Higher education", "yes"],
        ["alpha learning", "York College", "fe_college", ""],
        ["Bravo Learning", "York College", "FE college", "no"],
    ]

    preview = preview_of(client, "members", upload_file(file_format, rows))

    assert preview.context["preview"].counts["create"] == 2
    assert "Sector : FE college → becomes Higher education" in text(preview)
    response = confirm(client, preview)
    assert response.status_code == 302
    member_a.refresh_from_db()
    assert (member_a.sector, member_a.is_board_member) == ("he", True)
    assert MemberOrganisation.objects.filter(name="York College").count() == 2
    assert partnership_a.members.get(name="York College").sector == "fe_college"


@pytest.mark.parametrize("file_format", FORMATS)
def test_users(file_format, cast, client_as, llsc_a, partnership_a, partnership_b):
    client = client_as("admin")
    go_a = cast["go_a"]
    rows = [
        [
            "username",
            "email",
            "first_name",
            "last_name",
            "role",
            "local_lsc",
            "region",
            "partnerships",
        ],
        [
            "new.manager",
            "new.manager@example.org",
            "New",
            "Manager",
            "Partnership manager",
            "",
            "",
            "Alpha Learning; Bravo Learning",
        ],
        [
            "new.officer",
            "new.officer@example.org",
            "",
            "",
            "llsc_officer",
            "West Yorkshire LSC",
            "",
            "",
        ],
        ["go_a", "go.a@example.org", "", "", "GO officer", "", "NE", ""],
    ]

    preview = preview_of(client, "users", upload_file(file_format, rows))

    page = text(preview)
    assert "Region : Yorkshire and the Humber → becomes North East" in page
    assert f"Email : {go_a.email} → becomes go.a@example.org" in page
    response = confirm(client, preview)
    assert response.status_code == 302, page
    manager = cast["admin"].__class__.objects.get(username="new.manager")
    # No password anyone knows: the holder sets one through the reset.
    assert not manager.check_password("")
    assert manager.profile.role == Role.MANAGER
    assert set(manager.managed_partnerships.values_list("name", flat=True)) == {
        "Alpha Learning",
        "Bravo Learning",
    }
    officer = manager.__class__.objects.get(username="new.officer")
    assert (officer.profile.role, officer.profile.llsc) == (Role.LLSC_OFFICER, llsc_a)
    go_a.refresh_from_db()
    assert go_a.email == "go.a@example.org"
    assert go_a.profile.region.code == "NE"
    assert go_a.has_usable_password()


def test_a_new_user_signs_in_after_resetting_their_password(cast, client_as, client):
    admin = client_as("admin")
    rows = [
        ["username", "email", "role"],
        ["new.manager", "new.manager@example.org", "manager"],
    ]
    confirm(admin, preview_of(admin, "users", upload_file("csv", rows)))
    admin.logout()

    response = client.post(
        "/accounts/password_reset/", {"email": "new.manager@example.org"}
    )

    assert response.status_code == 302
    (sent,) = [m for m in mail.outbox if "new.manager@example.org" in m.to]
    link = re.search(r"/accounts/reset/[^/]+/[^/\s]+/", sent.body)
    assert link is not None
    form_page = client.get(link.group(0), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    client.logout()
    signed_in = client.post(
        "/accounts/login/", {"username": "new.manager", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302
    assert client.get("/").context["user"].username == "new.manager"


def test_users_problems_by_column(cast, client_as, partnership_a):
    client = client_as("admin")
    rows = [
        ["username", "email", "role", "local_lsc", "region", "partnerships"],
        ["a.go", "a.go@example.org", "GO officer", "", "", ""],
        ["an.officer", "manager_a@example.org", "LLSC officer", "", "", ""],
        ["a.manager", "a.manager@example.org", "manager", "", "YH", "Nowhere"],
        ["admin", "admin@example.org", "manager", "", "", ""],
        ["bad name!", "not an email", "Emperor", "", "", ""],
    ]

    preview = preview_of(client, "users", upload_file("csv", rows))

    problems = [str(p) for p in preview.context["preview"].problems]
    assert "Row 2, column region: Enter the region of the GO officer" in problems
    assert "Row 3, column local_lsc: Enter the local LSC of the LLSC officer" in (
        problems
    )
    assert (
        "Row 3, column email: Email is already the email of the account manager_a"
        in problems
    )
    assert "Row 4, column region: Only GO officers have a region" in problems
    assert any(
        p.startswith("Row 4, column partnerships: Partnerships") for p in problems
    )
    assert "Row 5, column role: You cannot change your own role" in problems
    assert any(p.startswith("Row 6, column username:") for p in problems)
    assert any(p.startswith("Row 6, column email:") for p in problems)
    assert any(
        p.startswith("Row 6, column role: Role must be one of: Partnership manager")
        for p in problems
    )
    assert b"/confirm/" not in preview.content


def test_one_bad_row_writes_nothing(cast, client_as, llsc_a):
    client = client_as("admin")
    rows = [
        ["name", "region"],
        ["Humberside", "YH"],
        ["Wessex", "Atlantis"],
        ["West Yorkshire", "NE"],
    ]

    preview = preview_of(client, "llscs", upload_file("csv", rows))

    assert preview.status_code == 200
    summary = preview.context["preview"].problems
    assert [(p.row, p.column) for p in summary] == [(3, "region")]
    page = text(preview)
    assert "There is a problem" in page
    assert "Row 3, column region: Region must be one of the regions:" in page
    assert 'href="#row-3"' in preview.content.decode()
    assert 'id="row-3"' in preview.content.decode()
    assert "Import 3 rows" not in page

    # Posting the confirm anyway is refused, and nothing is written.
    response = confirm(client, preview)

    assert response.status_code == 200
    assert "Nothing was imported: the file has problems" in text(response)
    assert not LocalLSC.objects.filter(name="Humberside").exists()
    assert LocalLSC.objects.get(name="West Yorkshire").region.code == "YH"
    assert not ImportLog.objects.exists()


def test_a_row_refused_when_saved_rolls_back_every_row(
    cast, client_as, llsc_a, monkeypatch
):
    """A check only the save makes (here, any refusal of the second row)
    undoes the rows saved before it."""
    from django.core.exceptions import ValidationError

    from imports import services

    client = client_as("admin")
    rows = [["name", "region"], ["Humberside", "YH"], ["Wessex", "SW"]]
    preview = preview_of(client, "llscs", upload_file("csv", rows))
    saved = services.local_lsc_save

    def refuse_wessex(**kwargs):
        if kwargs.get("name") == "Wessex":
            raise ValidationError("Wessex was refused")
        return saved(**kwargs)

    monkeypatch.setattr(services, "local_lsc_save", refuse_wessex)

    response = confirm(client, preview)

    assert response.status_code == 200
    page = text(response)
    assert "Nothing was imported: row 3 could not be saved" in page
    assert "Wessex was refused" in page
    assert not LocalLSC.objects.filter(name="Humberside").exists()
    assert not ImportLog.objects.exists()


def test_a_stale_preview_is_refused(cast, client_as, llsc_a):
    client = client_as("admin")
    rows = [["name", "region"], ["Humberside", "YH"]]
    preview = preview_of(client, "llscs", upload_file("csv", rows))
    # Someone else adds the same local LSC meanwhile.
    LocalLSCFactory(name="Humberside", region=Region.objects.get(code="NE"))

    response = confirm(client, preview)

    assert response.status_code == 200
    page = text(response)
    assert "the records changed since the preview was shown" in page
    assert "Region : North East → becomes Yorkshire and the Humber" in page
    assert LocalLSC.objects.get(name="Humberside").region.code == "NE"
    assert not ImportLog.objects.exists()
    assert Upload.objects.exists()

    # The page now shows what would happen; confirming that imports.
    again = confirm(client, response)

    assert again.status_code == 302
    assert LocalLSC.objects.get(name="Humberside").region.code == "YH"


def test_a_tampered_fingerprint_is_refused(cast, client_as, llsc_a):
    client = client_as("admin")
    rows = [["name", "region"], ["Humberside", "YH"]]
    preview = preview_of(client, "llscs", upload_file("csv", rows))
    upload = preview.context["upload"]

    response = client.post(
        f"/imports/uploads/{upload.pk}/confirm/", {"fingerprint": "0" * 64}
    )

    assert response.status_code == 200
    assert not LocalLSC.objects.filter(name="Humberside").exists()


def test_a_key_given_twice_is_a_problem(cast, client_as):
    client = client_as("admin")
    rows = [["name", "region"], ["Humberside", "YH"], ["HUMBERSIDE", "NE"]]

    preview = preview_of(client, "llscs", upload_file("csv", rows))

    assert [str(p) for p in preview.context["preview"].problems] == [
        "Row 3, column name: The same local LSC as row 2: give each once"
    ]


def test_a_members_key_is_the_partnership_and_the_name(cast, client_as):
    client = client_as("admin")
    rows = [
        ["partnership", "name", "sector"],
        ["Alpha Learning", "York College", "fe_college"],
        ["Alpha Learning", "york college", "fe_college"],
        ["Bravo Learning", "York College", "fe_college"],
    ]

    preview = preview_of(client, "members", upload_file("csv", rows))

    assert [(p.row, p.column) for p in preview.context["preview"].problems] == [
        (3, "name")
    ]


def test_the_sheet_is_named_in_problems_of_a_workbook(cast, client_as):
    client = client_as("admin")
    rows = [["name", "region"], ["Humberside", "Atlantis"]]

    preview = preview_of(client, "llscs", upload_file("xlsx", rows))

    assert str(preview.context["preview"].problems[0]).startswith(
        "Sheet Rows, row 2, column region:"
    )


def test_a_change_of_region_is_refused_while_a_return_is_in_review(
    cast, client_as, partnership_a, period_2003, framework
):
    from assessment.services import return_start, return_submit
    from tests.plans.helpers import SELF_SCORES, fill_answers

    manager = cast["manager_a"]
    return_record = return_start(
        partnership=partnership_a, period=period_2003, user=manager
    )
    fill_answers(return_record, SELF_SCORES)
    return_submit(return_record=return_record, user=manager)
    client = client_as("admin")
    rows = [
        [
            "name",
            "region",
            "structure_model",
            "host_organisation",
            "host_type",
            "manager_name",
        ],
        [
            "Alpha Learning",
            "London",
            partnership_a.structure_model,
            partnership_a.host_organisation,
            partnership_a.host_type,
            partnership_a.manager_name,
        ],
    ]

    preview = preview_of(client, "partnerships", upload_file("csv", rows))

    problems = [str(p) for p in preview.context["preview"].problems]
    assert len(problems) == 1
    assert problems[0].startswith("Row 2, column region: The region cannot change")


def test_another_administrators_upload_is_not_found(cast, client_as, client):
    other = ProfileFactory(user__username="admin2", role=Role.NATIONAL_ADMIN).user
    admin = client_as("admin")
    rows = [["name", "region"], ["Humberside", "YH"]]
    preview = preview_of(admin, "llscs", upload_file("csv", rows))
    upload = preview.context["upload"]
    client.force_login(other, backend="partnerships.backends.PasswordBackend")

    assert client.get(f"/imports/uploads/{upload.pk}/").status_code == 404
    response = client.post(
        f"/imports/uploads/{upload.pk}/confirm/",
        {"fingerprint": preview.context["preview"].fingerprint},
    )
    assert response.status_code == 404
    assert not LocalLSC.objects.filter(name="Humberside").exists()


@pytest.mark.parametrize("member", ["manager_a", "officer_a", "go_a", "no_role"])
def test_other_roles_are_refused(member, cast, client_as):
    client = client_as(member)
    rows = [["name", "region"], ["Humberside", "YH"]]

    response = client.post(
        "/imports/", {"kind": "llscs", "file": upload_file("csv", rows)}
    )

    assert response.status_code == 403
    assert not Upload.objects.exists()


def test_the_home_page_links_administrators_to_the_import(cast, client_as):
    assert b'href="/imports/"' in client_as("admin").get("/").content
    assert b'href="/imports/"' not in client_as("manager_a").get("/").content


def test_what_a_file_holds_is_shown_escaped(cast, client_as):
    client = client_as("admin")
    rows = [
        ["name", "region"],
        ['<script>alert("name")</script>', "YH"],
        ["Wessex", '<img src=x onerror=alert("region")>'],
    ]

    preview = preview_of(client, "llscs", upload_file("csv", rows))

    content = preview.content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;" in content
    assert "<img src=x" not in content


def test_the_kind_can_be_chosen_by_a_link(cast, client_as):
    response = client_as("admin").get("/imports/?kind=members")

    assert response.context["form"]["kind"].value() == "members"


def test_an_upload_that_no_longer_reads_is_refused_on_its_pages(cast, client_as):
    """A file kept under a larger size limit than today's, say."""
    upload = Upload.objects.create(
        kind="llscs",
        file_name="old.csv",
        file_format="csv",
        content=b"name,region\nHumberside,YH\n",
        uploaded_by=cast["admin"],
    )
    client = client_as("admin")

    with override_settings(IMPORT_MAX_BYTES=10):
        preview = client.get(f"/imports/uploads/{upload.pk}/")
        response = client.post(
            f"/imports/uploads/{upload.pk}/confirm/", {"fingerprint": "0" * 64}
        )

    assert preview.status_code == 200
    assert "The selected file must be smaller than 10 bytes" in text(preview)
    assert response.status_code == 200
    assert not LocalLSC.objects.filter(name="Humberside").exists()

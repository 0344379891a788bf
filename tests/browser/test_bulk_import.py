"""The national administrator imports local LSCs from a CSV file: a problem
shown by row and column, the corrected file previewed and imported, the log
entry; each page fits a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from imports.models import ImportLog
from partnerships.models import LocalLSC

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _fits_a_phone(person, page: Page, label: str) -> None:
    person.shot(f"{label} 1280")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate(
        "() => document.documentElement.scrollWidth <= window.innerWidth"
    ), f"{label} scrolls sideways at 390 px"
    person.shot(f"{label} 390")
    page.set_viewport_size({"width": 1280, "height": 900})


def _choose_file(page: Page, content: bytes) -> None:
    page.get_by_label("The file").set_input_files(
        {"name": "llscs.csv", "mimeType": "text/csv", "buffer": content}
    )


def test_the_administrator_imports_local_lscs(people, cast, llsc_a):
    """Upload, a problem, the corrected file, import, the log.

    Slow: a whole journey in a real Chromium, every page audited.
    """
    admin = people("admin")
    page = admin.sign_in("admin")
    admin.follow(
        page.get_by_role(
            "link", name="Import local LSCs, LSPs, partnerships, members or users"
        )
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Import records")
    _fits_a_phone(admin, page, "upload")

    page.get_by_label("Local LSCs").check()
    _choose_file(page, b"name,region\nHumberside,YH\nWest Yorkshire,Atlantis\n")
    admin.follow(page.get_by_role("button", name="Upload and preview"))

    expect(page).to_have_title(re.compile(r"^Error: Check the import"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Row 3, column region: Region must be one of")
    expect(page.get_by_role("button", name=re.compile("^Import"))).to_have_count(0)
    _fits_a_phone(admin, page, "preview with a problem")

    admin.follow(page.get_by_role("link", name="Upload a corrected file"))
    expect(page.get_by_label("Local LSCs")).to_be_checked()
    _choose_file(page, b"name,region\nHumberside,YH\nWest Yorkshire,North East\n")
    admin.follow(page.get_by_role("button", name="Upload and preview"))

    rows = page.get_by_role("region", name="Rows of the file")
    expect(rows).to_contain_text("Yorkshire and the Humber → becomes North East")
    _fits_a_phone(admin, page, "preview")
    admin.follow(page.get_by_role("button", name="Import 2 rows"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Import of llscs.csv")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "llscs.csv imported: 1 created, 1 changed, 0 unchanged."
    )
    _fits_a_phone(admin, page, "log entry")
    assert LocalLSC.objects.get(name="West Yorkshire").region.code == "NE"
    assert ImportLog.objects.get().created_count == 1

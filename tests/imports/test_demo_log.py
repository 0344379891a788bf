"""The demo's import log entry: added once, listed and opened like any."""

from __future__ import annotations

import pytest

from demo.imports import load_demo_imports
from imports.models import ImportLog

pytestmark = pytest.mark.django_db


def test_the_demo_log_entry_is_added_once_and_shown(cast, client_as, llsc_a):
    assert load_demo_imports() == 1
    assert load_demo_imports() == 0

    log = ImportLog.objects.get()
    assert (log.imported_by, log.unchanged_count) == (cast["admin"], 2)
    client = client_as("admin")
    assert b"local-lscs.csv" in client.get("/imports/log/").content
    page = client.get(log.get_absolute_url())
    assert page.status_code == 200
    assert b"West Yorkshire" in page.content

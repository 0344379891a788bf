"""The demo's import log: the national administrator's import of the local
LSCs, a week ago, every row unchanged (they were loaded with the demo)."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from imports.models import FileFormat, ImportLog, Kind
from partnerships.models import LocalLSC

FILE_NAME = "local-lscs.csv"


def load_demo_imports() -> int:
    """Add the demo's import log entry unless it is there; how many were added."""
    if ImportLog.objects.filter(file_name=FILE_NAME).exists():
        return 0
    admin = get_user_model().objects.filter(username="admin").first()
    llscs = list(LocalLSC.objects.select_related("region").order_by("name"))
    ImportLog.objects.create(
        kind=Kind.LLSCS,
        file_name=FILE_NAME,
        file_format=FileFormat.CSV,
        imported_by=admin,
        imported_by_name=admin.get_username() if admin else "admin",
        imported_at=timezone.now() - datetime.timedelta(days=7),
        unchanged_count=len(llscs),
        rows=[
            {"row": number, "action": "unchanged", "key": llsc.name, "changes": []}
            for number, llsc in enumerate(llscs, start=2)
        ],
    )
    return 1

"""PDFs under production's static files: collected into STATIC_ROOT with a
hash of their content in each name. WeasyPrint must find those files on disk,
and a pack must count a plan whose PDF cannot be made at all."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import override_settings
from weasyprint.urls import FatalURLFetchingError

from reports.pdf import static_file_path


def test_a_collected_file_with_a_hashed_name_is_found(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    (tmp_path / "govuk").mkdir()
    hashed = tmp_path / "govuk" / "govuk-frontend.min.1ed01ec6fd29.css"
    hashed.write_text("body{}")

    assert static_file_path("govuk/govuk-frontend.min.1ed01ec6fd29.css") == hashed
    assert static_file_path("govuk/not-there.css") is None
    assert static_file_path("../../etc/passwd") is None


def test_the_plan_pdf_is_made_with_production_static_files(tmp_path, plan_a, client_as):
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
        },
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "attachments")},
        },
    }
    with override_settings(STATIC_ROOT=tmp_path / "static", STORAGES=storages):
        call_command("collectstatic", "--noinput", verbosity=0)
        response = client_as("manager_a").get(f"/plans/{plan_a.pk}/pdf/")
        body = response.content

    assert response.status_code == 200
    assert body.startswith(b"%PDF")
    assert any(Path(tmp_path / "static" / "govuk").glob("govuk-frontend.min.*.css"))


@pytest.mark.django_db
def test_a_plan_whose_pdf_cannot_fetch_its_files_is_counted_as_failed(plan_a, go_a):
    from reports.models import Pack
    from reports.packs import build_pack

    pack = Pack.objects.create(
        period=plan_a.period, region=go_a.profile.region, created_by=go_a
    )
    error = FatalURLFetchingError('Error fetching "file:///static/missing.css"')
    with mock.patch("reports.packs.render_pdf", side_effect=error):
        build_pack.call(pack.pk)

    pack.refresh_from_db()
    assert (pack.status, pack.done, pack.total) == ("complete", 1, 1)
    assert pack.failures == [
        {
            "partnership": plan_a.partnership.name,
            "error": 'Error fetching "file:///static/missing.css"',
        }
    ]

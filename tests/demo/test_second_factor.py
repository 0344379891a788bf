"""The demo national administrator's authenticator app: a published secret,
and a command printing its current code, which the service accepts."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo.second_factor import DEMO_TOTP_SECRET, load_demo_second_factor
from partnerships.models import Role
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def test_the_demo_admin_signs_in_with_the_printed_code(client: Client) -> None:
    admin = ProfileFactory(user__username="admin", role=Role.NATIONAL_ADMIN).user
    assert load_demo_second_factor()
    assert not load_demo_second_factor()  # run again: nothing new
    assert TOTPDevice.objects.filter(user=admin).count() == 1
    assert len(DEMO_TOTP_SECRET) == 32

    output = io.StringIO()
    call_command("demo_totp_code", stdout=output)
    code = output.getvalue().strip()
    assert len(code) == 6 and code.isdigit()

    client.post("/accounts/login/", {"username": "admin", "password": PASSWORD})
    response = client.post("/accounts/second-factor/", {"code": code})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_the_command_never_prints_someone_s_own_code() -> None:
    admin = ProfileFactory(user__username="admin", role=Role.NATIONAL_ADMIN).user
    TOTPDevice.objects.create(user=admin, name="Their own", confirmed=True)
    assert not load_demo_second_factor()
    with pytest.raises(CommandError, match="no demo authenticator app"):
        call_command("demo_totp_code", stdout=io.StringIO())

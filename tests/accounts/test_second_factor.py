"""The second factor, through the pages: national administrators who sign in
with a password set up an authenticator app (QR code, secret, a code to
confirm, ten recovery codes shown once), then enter a code at each password
sign-in; until then every other page sends them to it. Other roles may set
one up. Wrong codes are throttled; recovery codes work once."""

from __future__ import annotations

import re
import time
from base64 import b32decode
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services

PASSWORD = "correct horse battery staple"
CODE_PAGE = reverse("accounts:second_factor")
SETUP_PAGE = reverse("accounts:second_factor_setup")
MANAGE_PAGE = reverse("accounts:second_factor_manage")
CODES_PAGE = reverse("accounts:recovery_codes")

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, next_url: str = "") -> str:
    """A password sign-in; where it sends the browser."""
    url = "/accounts/login/" + (f"?next={next_url}" if next_url else "")
    response = client.post(url, {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return response["Location"]


def authenticator_for(user, *, codes: tuple[str, ...] = ()) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="Authenticator app")
    recovery = StaticDevice.objects.create(user=user, name="Recovery codes")
    for code in codes:
        recovery.token_set.create(token=code)
    return device


def code_of(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key):06d}"


def test_password_sign_in_of_a_national_admin_asks_to_set_up_an_app(
    client: Client, admin
) -> None:
    assert sign_in(client, "admin", "/partnerships/") == (
        f"{CODE_PAGE}?next=%2Fpartnerships%2F"
    )
    # Every other page, Django admin included, sends them back.
    for path in ("/", "/partnerships/", "/admin/", MANAGE_PAGE):
        response = client.get(path)
        assert response.status_code == 302, path
        assert urlsplit(response["Location"]).path == CODE_PAGE, path
    # Without an app, the code page sends them on to set one up.
    response = client.get(f"{CODE_PAGE}?next=/partnerships/")
    assert response["Location"] == f"{SETUP_PAGE}?next=%2Fpartnerships%2F"

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "<svg" in page.text and "QR code for your authenticator app" in page.text
    secret = re.search(r'id="authenticator-secret">([A-Z2-7 ]+)<', page.text)
    assert secret is not None
    key = b32decode(secret.group(1).replace(" ", ""))

    wrong = client.post(f"{SETUP_PAGE}?next=/partnerships/", {"code": "000000"})
    assert "The code is not right" in wrong.text
    assert not TOTPDevice.objects.filter(user=admin).exists()

    done = client.post(
        f"{SETUP_PAGE}?next=/partnerships/", {"code": f"{totp(key):06d}"}
    )
    assert done["Location"] == f"{CODES_PAGE}?next=%2Fpartnerships%2F"
    device = TOTPDevice.objects.get(user=admin, confirmed=True)
    assert device.bin_key == key
    # The confirming code is used up: it does not sign in again.
    assert device.last_t == int(time.time()) // 30
    shown = client.get(done["Location"])
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", shown.text)
    assert len(codes) == 10
    assert sorted(codes) == sorted(
        StaticToken.objects.filter(device__user=admin).values_list("token", flat=True)
    )
    assert 'href="/partnerships/"' in shown.text
    # Shown once.
    assert client.get(CODES_PAGE)["Location"] == MANAGE_PAGE
    assert client.get("/partnerships/").status_code == 200


def test_with_an_app_a_national_admin_enters_its_code(client: Client, admin) -> None:
    device = authenticator_for(admin)
    location = sign_in(client, "admin")
    assert location == f"{CODE_PAGE}?next=%2F"
    assert client.get("/").status_code == 302
    page = client.get(location)
    assert page.status_code == 200 and "Enter your code" in page.text

    response = client.post(location, {"code": code_of(device)})
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_a_recovery_code_works_once(client: Client, admin) -> None:
    authenticator_for(admin, codes=("abcd2345", "efgh6723"))
    sign_in(client, "admin")
    # Typed as shown or with spaces and capitals.
    response = client.post(CODE_PAGE, {"code": "ABCD 2345"})
    assert response["Location"] == "/"
    home = client.get("/")
    assert "You used a recovery code: 1 left" in home.text
    assert list(
        StaticToken.objects.filter(device__user=admin).values_list("token", flat=True)
    ) == ["efgh6723"]

    client.post(reverse("logout"))
    sign_in(client, "admin")
    again = client.post(CODE_PAGE, {"code": "abcd2345"})
    assert again.status_code == 200
    assert "The code is not right" in again.text
    assert client.get("/").status_code == 302


def test_wrong_codes_are_throttled(client: Client, admin) -> None:
    device = authenticator_for(admin)
    sign_in(client, "admin")
    wrong = client.post(CODE_PAGE, {"code": "000000"})
    assert "The code is not right" in wrong.text
    # Straight after a wrong code even the right one is not looked at.
    too_soon = client.post(CODE_PAGE, {"code": code_of(device)})
    assert too_soon.status_code == 200
    assert "Too many wrong codes. Wait 1 second" in too_soon.text
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # Each wrong code doubles the wait.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=5)
    )
    client.post(CODE_PAGE, {"code": "000000"})
    assert "Wait 2 seconds" in client.post(CODE_PAGE, {"code": "000000"}).text
    assert client.get("/").status_code == 302
    # Once the wait is over the right code is accepted, and the count reset.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=5)
    )
    assert client.post(CODE_PAGE, {"code": code_of(device)})["Location"] == "/"
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_other_roles_are_not_asked_unless_they_set_up_an_app(
    client: Client, manager_a
) -> None:
    assert sign_in(client, "manager_a") == "/"
    assert client.get("/").status_code == 200
    # Optional: a manager may set one up, and is then asked too.
    device = authenticator_for(manager_a)
    client.post(reverse("logout"))
    assert sign_in(client, "manager_a") == f"{CODE_PAGE}?next=%2F"
    assert client.get("/").status_code == 302
    assert client.post(CODE_PAGE, {"code": code_of(device)})["Location"] == "/"
    assert client.get("/").status_code == 200


def test_new_recovery_codes_need_a_current_code(client: Client, admin) -> None:
    device = authenticator_for(admin, codes=("abcd2345",))
    sign_in(client, "admin")
    client.post(CODE_PAGE, {"code": code_of(device)})

    page = client.get(MANAGE_PAGE)
    assert "1 of 10" in page.text
    refused = client.post(MANAGE_PAGE, {"code": "999999", "action": "codes"})
    assert refused.status_code == 200 and "The code is not right" in refused.text
    assert StaticToken.objects.filter(device__user=admin).count() == 1

    # A recovery code is a current code too (and is used up by it).
    response = client.post(MANAGE_PAGE, {"code": "abcd2345", "action": "codes"})
    assert response["Location"] == CODES_PAGE
    shown = client.get(CODES_PAGE).text
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", shown)
    assert len(codes) == 10 and "abcd2345" not in codes
    assert StaticToken.objects.filter(device__user=admin).count() == 10


def test_removing_the_app_sends_a_national_admin_to_set_up_another(
    client: Client, admin
) -> None:
    device = authenticator_for(admin, codes=("abcd2345", "efgh6723"))
    sign_in(client, "admin")
    client.post(CODE_PAGE, {"code": "abcd2345"})
    response = client.post(MANAGE_PAGE, {"code": "efgh6723", "action": "remove"})
    assert response["Location"] == SETUP_PAGE
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert not StaticDevice.objects.filter(user=admin).exists()
    assert urlsplit(client.get("/").headers["Location"]).path == CODE_PAGE


def test_a_manager_may_remove_their_app(client: Client, manager_a) -> None:
    device = authenticator_for(manager_a)
    sign_in(client, "manager_a")
    client.post(CODE_PAGE, {"code": code_of(device)})
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    response = client.post(MANAGE_PAGE, {"code": code_of(device), "action": "remove"})
    assert response["Location"] == MANAGE_PAGE
    assert not TOTPDevice.objects.filter(user=manager_a).exists()
    assert client.get("/").status_code == 200


def test_a_change_without_choosing_one_is_refused(client: Client, admin) -> None:
    device = authenticator_for(admin)
    sign_in(client, "admin")
    client.post(CODE_PAGE, {"code": code_of(device)})
    response = client.post(MANAGE_PAGE, {"code": "123456", "action": "other"})
    assert "Choose new recovery codes or remove" in response.text
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_django_admin_sign_in_is_the_service_sign_in(client: Client) -> None:
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/"


def test_an_app_cannot_be_replaced_without_a_code(client: Client, admin) -> None:
    authenticator_for(admin)
    sign_in(client, "admin")
    # The setup page of someone with an app leads to the manage page, which
    # the middleware keeps behind the code.
    assert client.get(SETUP_PAGE)["Location"] == MANAGE_PAGE
    assert urlsplit(client.get(MANAGE_PAGE)["Location"]).path == CODE_PAGE


def test_codes_are_read_without_spaces_hyphens_or_capitals() -> None:
    assert services.normalise_code(" ab-CD 12 ") == "abcd12"


def test_django_admin_never_shows_a_secret_or_recovery_codes(client_as, admin) -> None:
    device = authenticator_for(admin, codes=("abcd2345",))
    client = client_as("admin")
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert page.status_code == 200
    assert device.key not in page.text
    config = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/")
    assert config.status_code == 403
    recovery = StaticDevice.objects.get(user=admin)
    page = client.get(f"/admin/otp_static/staticdevice/{recovery.pk}/change/")
    assert page.status_code == 200 and "abcd2345" not in page.text

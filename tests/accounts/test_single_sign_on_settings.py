"""Single sign-on while not configured (the test settings name no provider):
no button, and its addresses answer 404 to everyone. Configured by naming the
endpoints one by one, no discovery document is fetched. The full flow against
a real provider is in tests/oidc."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts import oidc

pytestmark = pytest.mark.django_db


def test_not_configured_means_no_button_and_404(client: Client, client_as) -> None:
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert "Sign in with" not in page.text
    assert "/accounts/sso/" not in page.text
    for name in ("accounts:oidc_start", "accounts:oidc_callback"):
        assert client.get(reverse(name)).status_code == 404
        assert client_as("admin").get(reverse(name)).status_code == 404


def test_half_configured_is_not_configured(settings) -> None:
    settings.OIDC_RP_CLIENT_ID = "client"
    settings.OIDC_RP_CLIENT_SECRET = ""
    settings.OIDC_OP_DISCOVERY = (
        "https://id.example.org/.well-known/openid-configuration"
    )
    assert not oidc.configured()
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_OP_DISCOVERY = ""
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://id.example.org/authorize"
    assert not oidc.configured()


def test_endpoints_named_one_by_one(client: Client, settings) -> None:
    settings.OIDC_RP_CLIENT_ID = "client"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_OP_DISCOVERY = ""
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://id.example.org/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://id.example.org/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://id.example.org/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = "https://id.example.org/jwks"
    settings.OIDC_PROVIDER_NAME = "Example ID"
    assert oidc.configured()
    assert "Sign in with Example ID" in client.get("/accounts/login/").text
    response = client.get(reverse("accounts:oidc_start") + "?next=/partnerships/")
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("https://id.example.org/authorize?")
    assert "client_id=client" in location
    assert "scope=openid+email" in location
    assert "code_challenge_method=S256" in location
    callback = "http%3A%2F%2Ftestserver%2Faccounts%2Fsso%2Fcallback%2F"
    assert f"redirect_uri={callback}" in location
    assert client.session["oidc_login_next"] == "/partnerships/"
    assert client.post(reverse("accounts:oidc_start")).status_code == 405


def test_a_password_sign_in_never_reaches_the_provider(
    client: Client, settings, manager_a
) -> None:
    # Configured, with a discovery document that cannot be fetched: a password
    # sign-in goes through every backend, and the single sign-on one must not
    # look for the provider.
    settings.OIDC_RP_CLIENT_ID = "client"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_OP_DISCOVERY = "http://127.0.0.1:9/.well-known/openid-configuration"
    oidc.forget_discovery()
    response = client.post(
        "/accounts/login/?code=x&state=y",
        {"username": "manager_a", "password": "correct horse battery staple"},
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200

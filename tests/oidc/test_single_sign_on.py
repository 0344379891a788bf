"""Single sign-on against a real OpenID Connect provider: the certified
oidc-provider package (Node.js) run on loopback by tests/oidc/provider.mjs.
Each test drives the whole authorization-code flow (with PKCE): the service's
start page, the provider's sign-in page, its redirect back, the service's
token exchange, ID token check and userinfo call.

Run by `make test-browser` (marked ``browser``: it needs tools outside
Python, here Node.js and the npm package `make oidc-provider` installs). A
missing Node.js or package is a failure, never a skip."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
import requests
from django.conf import settings as django_settings
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from accounts import oidc
from tests.factories import ProfileFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

ROOT = Path(django_settings.BASE_DIR)
SCRIPT = ROOT / "tests" / "oidc" / "provider.mjs"
PACKAGE = ROOT / "node_modules" / ".oidc" / "node_modules" / "oidc-provider"
CALLBACK = "http://testserver/accounts/sso/callback/"
# As registered in provider.mjs.
CLIENT_ID = "learning-partnerships"
CLIENT_SECRET = "a-secret-for-the-tests-only"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """The provider's address, once it answers."""
    node = shutil.which("node")
    if node is None:
        pytest.fail(
            "The single sign-on tests need Node.js (Debian: apt-get install nodejs "
            "npm), then `make oidc-provider`. These tests never skip."
        )
    version = subprocess.run(
        [node, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    major, minor = (int(part) for part in version.lstrip("v").split(".")[:2])
    if (major, minor) < (20, 19):
        pytest.fail(
            f"oidc-provider 9 needs Node.js 20.19 or later, and {node} is {version}. "
            "These tests never skip."
        )
    if not (PACKAGE / "lib" / "index.js").is_file():
        pytest.fail(
            f"No oidc-provider package at {PACKAGE}: run `make oidc-provider`. "
            "These tests never skip."
        )
    port = _free_port()
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(
            [node, str(SCRIPT), str(PACKAGE), str(port), CALLBACK],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    log.seek(0)
                    pytest.fail(f"The provider did not start:\n{log.read()}")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def sso(settings, provider: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The service configured for the provider, by its discovery document."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_DISCOVERY = f"{provider}/.well-known/openid-configuration"
    settings.OIDC_PROVIDER_NAME = "Test Identity"
    oidc.forget_discovery()
    yield provider
    oidc.forget_discovery()


def sign_on(client: Client, login: str, next_url: str = "") -> HttpResponse:
    """Start at the service, sign in at the provider as ``login``, and hand
    the provider's redirect back to the service: the service's answer."""
    start = reverse("accounts:oidc_start")
    if next_url:
        start += "?" + urlencode({"next": next_url})
    response = client.get(start)
    assert response.status_code == 302, response.content
    browser = requests.Session()
    browser.trust_env = False
    url = response["Location"]
    while not url.startswith("http://testserver/"):
        answer = browser.get(url, allow_redirects=False, timeout=10)
        if answer.status_code == 200:
            # The provider's sign-in page.
            action = re.search(r'<form method="post" action="([^"]+)"', answer.text)
            assert action is not None, answer.text
            answer = browser.post(
                urljoin(url, action.group(1)),
                data={"login": login},
                allow_redirects=False,
                timeout=10,
            )
        assert answer.status_code in (302, 303), (answer.status_code, answer.text)
        url = urljoin(url, answer.headers["Location"])
    back = urlsplit(url)
    assert back.path == reverse("accounts:oidc_callback")
    return client.get(f"{back.path}?{back.query}")  # type: ignore[return-value]


def test_the_account_with_the_verified_email_is_signed_in(
    client: Client, sso: str
) -> None:
    # The provider says Nadia.Okafor@Example.org: case does not matter.
    nadia = ProfileFactory(
        user__username="nadia",
        user__email="nadia.okafor@example.org",
        role="national_admin",
    ).user
    UserFactory(username="someone_else", email="other@example.org")
    page = client.get("/accounts/login/?next=/partnerships/")
    assert "Sign in with Test Identity" in page.text
    assert 'href="/accounts/sso/start/?next=%2Fpartnerships%2F"' in page.text

    response = sign_on(client, "nadia", next_url="/partnerships/")

    assert response.status_code == 302
    assert response["Location"] == "/partnerships/"
    assert client.session[SESSION_KEY] == str(nadia.pk)
    assert client.session[BACKEND_SESSION_KEY] == "accounts.backends.StaffSSOBackend"
    # A national administrator signed on is not asked for a second factor
    # here: the identity provider asks for its own.
    assert client.get("/partnerships/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_an_unverified_email_is_refused(client: Client, sso: str) -> None:
    UserFactory(username="nadia", email="nadia.okafor@example.org")
    response = sign_on(client, "unverified")
    assert response.status_code == 403
    assert "has not confirmed that your email address" in response.text
    assert SESSION_KEY not in client.session
    assert client.get("/").status_code == 302


def test_an_unknown_email_is_told_to_ask_their_administrator(
    client: Client, sso: str
) -> None:
    UserFactory(username="nadia", email="nadia.okafor@example.org")
    before = User.objects.count()
    response = sign_on(client, "stranger")
    assert response.status_code == 403
    text = " ".join(response.text.split())
    assert (
        "signed you in as <strong>stranger@example.org</strong>, but no account "
        "in this service has that email address" in text
    )
    assert "Ask your administrator to add you" in text
    assert User.objects.count() == before
    assert SESSION_KEY not in client.session


def test_an_email_two_accounts_share_signs_in_neither(client: Client, sso: str) -> None:
    UserFactory(username="one", email="shared@example.org")
    UserFactory(username="two", email="Shared@example.org")
    response = sign_on(client, "shared")
    assert response.status_code == 403
    assert "More than one account" in response.text
    assert SESSION_KEY not in client.session


def test_an_inactive_account_is_refused(client: Client, sso: str) -> None:
    UserFactory(username="nadia", email="nadia.okafor@example.org", is_active=False)
    response = sign_on(client, "nadia")
    assert response.status_code == 403
    assert "is no longer active" in response.text
    assert SESSION_KEY not in client.session


def test_a_replayed_callback_is_refused(client: Client, sso: str) -> None:
    UserFactory(username="nadia", email="nadia.okafor@example.org")
    response = sign_on(client, "nadia")
    assert response.status_code == 302
    callback = response.wsgi_request.get_full_path()
    client.post(reverse("logout"))
    # The state was used up: the same answer again signs nobody in.
    again = client.get(callback)
    assert again.status_code in (400, 403)
    assert SESSION_KEY not in client.session


def test_the_provider_out_of_reach_is_said(client: Client, settings) -> None:
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_DISCOVERY = (
        f"http://127.0.0.1:{_free_port()}/.well-known/openid-configuration"
    )
    settings.OIDC_PROVIDER_NAME = "Test Identity"
    oidc.forget_discovery()
    response = client.get(reverse("accounts:oidc_start"))
    assert response.status_code == 503
    assert "Test Identity cannot be reached" in response.text


def test_refusals_do_not_pause_sign_on_for_others(
    client: Client, sso: str, settings
) -> None:
    """A refused sign-on is not a wrong password: django-axes does not count
    it, so people behind one address are not paused by others' refusals."""
    settings.AXES_FAILURE_LIMIT = 2
    nadia = UserFactory(username="nadia", email="nadia.okafor@example.org")
    for _ in range(3):
        assert sign_on(Client(), "stranger").status_code == 403
    response = sign_on(client, "nadia")
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(nadia.pk)

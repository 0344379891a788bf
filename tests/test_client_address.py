"""Sign-in throttling counts failures under the client's own address.

``PROXY_COUNT`` says how many proxies stand in front of the service. Each
appends the address it was reached from to X-Forwarded-For, so only the last
``PROXY_COUNT`` entries of that header can be trusted: the client may put
anything before them. These tests build the settings from ``PROXY_COUNT`` as
the service does at start-up, then sign in through HTTP as browsers behind the
proxy would.
"""

from __future__ import annotations

import runpy
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings

BASE_SETTINGS = Path(__file__).resolve().parent.parent / "config/settings/base.py"
PASSWORD = "correct horse battery staple"
PROXY = "10.0.0.2"  # the proxy the service is reached from
OUTER_PROXY = "10.0.0.1"
CLIENT_X = "81.2.69.160"
CLIENT_Y = "81.2.69.161"
CLIENT_ADDRESS_SETTINGS = (
    "AXES_IPWARE_PROXY_ORDER",
    "AXES_IPWARE_PROXY_COUNT",
    "AXES_IPWARE_META_PRECEDENCE_ORDER",
    "IPWARE_STRICT",
)


@pytest.fixture
def proxy_count(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[int], None]]:
    """Run the settings with PROXY_COUNT set, and use what they derive from it."""
    overrides: list[override_settings] = []

    def use(count: int) -> None:
        monkeypatch.setenv("PROXY_COUNT", str(count))
        derived = runpy.run_path(str(BASE_SETTINGS))
        override = override_settings(
            **{name: derived[name] for name in CLIENT_ADDRESS_SETTINGS}
        )
        override.enable()
        overrides.append(override)

    yield use
    for override in reversed(overrides):
        override.disable()


def _sign_in(forwarded_for: str | None, password: str = "", remote: str = PROXY):
    """One sign-in as manager_a, with a wrong password unless one is given."""
    extra = {"REMOTE_ADDR": remote}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return Client().post(
        "/accounts/login/",
        {"username": "manager_a", "password": password or "not it"},
        **extra,
    )


def _fail_five_times(forwarded_for: Callable[[int], str | None], **kwargs) -> None:
    for attempt in range(4):
        assert _sign_in(forwarded_for(attempt), **kwargs).status_code == 200
    assert _sign_in(forwarded_for(4), **kwargs).status_code == 429


def _counted_under() -> set[str | None]:
    return set(AccessAttempt.objects.values_list("ip_address", flat=True))


def test_behind_one_proxy_a_client_locked_out_leaves_others_behind_it_free(
    proxy_count, manager_a
) -> None:
    proxy_count(1)

    _fail_five_times(lambda _: CLIENT_X)

    assert _counted_under() == {CLIENT_X}
    # The same username from another client behind the same proxy signs in...
    assert _sign_in(CLIENT_Y, PASSWORD).status_code == 302
    # ...while the client who failed five times is still paused.
    assert _sign_in(CLIENT_X, PASSWORD).status_code == 429


def test_addresses_the_client_prepends_are_ignored(proxy_count, manager_a) -> None:
    """A client varying what it puts before the proxy's entry, or naming
    someone else, is still counted (and locked out) under its own address."""
    proxy_count(1)

    _fail_five_times(lambda attempt: f"192.0.2.{attempt}, {CLIENT_Y}, {CLIENT_X}")

    assert _counted_under() == {CLIENT_X}
    assert _sign_in(f"{CLIENT_Y}, {CLIENT_X}", PASSWORD).status_code == 429
    assert _sign_in(CLIENT_Y, PASSWORD).status_code == 302


def test_behind_two_proxies_the_outer_proxy_s_entry_is_the_client(
    proxy_count, manager_a
) -> None:
    proxy_count(2)

    _fail_five_times(lambda attempt: f"198.51.100.{attempt}, {CLIENT_X}, {OUTER_PROXY}")

    assert _counted_under() == {CLIENT_X}
    assert _sign_in(f"{CLIENT_Y}, {OUTER_PROXY}", PASSWORD).status_code == 302


def test_without_proxies_the_header_is_never_read(proxy_count, manager_a) -> None:
    """Set by a client reaching the service directly, X-Forwarded-For would let
    it pick a new address for every attempt."""
    proxy_count(0)

    _fail_five_times(lambda attempt: f"81.2.69.{attempt}", remote=CLIENT_X)

    assert _counted_under() == {CLIENT_X}
    assert _sign_in(CLIENT_Y, PASSWORD, remote=CLIENT_X).status_code == 429
    assert _sign_in(CLIENT_X, PASSWORD, remote=CLIENT_Y).status_code == 302


def test_the_deployed_settings_read_proxy_count(monkeypatch) -> None:
    monkeypatch.setenv("PROXY_COUNT", "1")
    behind_one = runpy.run_path(str(BASE_SETTINGS))
    monkeypatch.delenv("PROXY_COUNT")
    direct = runpy.run_path(str(BASE_SETTINGS))

    assert behind_one["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ("HTTP_X_FORWARDED_FOR",)
    assert behind_one["AXES_IPWARE_PROXY_COUNT"] == 0
    assert direct["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ("REMOTE_ADDR",)
    assert direct["AXES_IPWARE_PROXY_COUNT"] is None


def test_behind_proxies_a_request_without_the_header_has_no_address(
    proxy_count, manager_a
) -> None:
    """Only a request that bypassed the proxies lacks the header: its failures
    count apart from those of any client behind the proxies."""
    proxy_count(1)

    _fail_five_times(lambda _: None)

    assert _counted_under() == {None}
    assert _sign_in(CLIENT_X, PASSWORD).status_code == 302

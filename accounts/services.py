"""Writes of a user's second factor: setting up an authenticator app (with
its recovery codes), checking a code, new recovery codes, removing it all.

Only ever the signed-in user's own: the views pass request.user, so no perm
is asked beyond being signed in."""

from __future__ import annotations

import time
from binascii import unhexlify
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnerships.users import User

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def normalise_code(code: str) -> str:
    """A code as typed: spaces and hyphens dropped, lower case (recovery
    codes are shown in groups)."""
    return "".join(code.split()).replace("-", "").lower()


def _time_step_of_code(*, key: str, code: str) -> int | None:
    """The time step whose code this is, for the key (hex), if any: the one
    before and after now count too, as TOTPDevice's default tolerance does."""
    if not code.isdigit():
        return None
    totp = TOTP(unhexlify(key.encode()), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time()
    if not totp.verify(int(code), tolerance=1):
        return None
    return int(totp.t())


def _new_recovery_codes(device: StaticDevice) -> list[str]:
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=code) for code in codes
    )
    return codes


@transaction.atomic
def authenticator_set_up(
    *, user: User, key: str, code: str
) -> tuple[TOTPDevice, list[str]] | None:
    """Confirm the authenticator app holding ``key`` (hex) by one of its
    codes: any earlier one of the user's is replaced, and ten new recovery
    codes made, returned once. None when the code is not the app's."""
    time_step = _time_step_of_code(key=key, code=normalise_code(code))
    if time_step is None:
        return None
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    # The confirming code is used up, as every code is once accepted.
    device = TOTPDevice(
        user=user,
        key=key,
        name=AUTHENTICATOR_NAME,
        confirmed=True,
        last_t=time_step,
    )
    device.full_clean()
    device.save()
    recovery = StaticDevice.objects.create(user=user, name=RECOVERY_NAME)
    return device, _new_recovery_codes(recovery)


@dataclass(frozen=True)
class Check:
    """What became of a code: the device it matched; or that it was wrong;
    or that it was not looked at, being too soon after a wrong one, and when
    the next may be."""

    device: TOTPDevice | StaticDevice | None = None
    wrong: bool = False
    wait_until: datetime | None = None


def _throttled_until(device: TOTPDevice | StaticDevice) -> datetime | None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    return (data or {}).get("locked_until")  # type: ignore[no-any-return]


@transaction.atomic
def second_factor_check(*, user: User, code: str) -> Check:
    """Check a code from the user's authenticator app, or one of their
    recovery codes (used up by the check). Every wrong code doubles the wait
    before the next is looked at (django-otp's throttling: 1, 2, 4, 8...
    seconds), for each of the two kinds separately; a right one resets it."""
    code = normalise_code(code)
    if code.isdigit():
        device: TOTPDevice | StaticDevice | None = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=True)
            .first()
        )
    else:
        device = (
            StaticDevice.objects.select_for_update()
            .filter(user=user, confirmed=True)
            .first()
        )
    if device is None:
        return Check(wrong=True)
    wait_until = _throttled_until(device)
    if wait_until is not None:
        return Check(wait_until=wait_until)
    if device.verify_token(code):
        return Check(device=device)
    return Check(wrong=True)


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """Ten new recovery codes in place of the user's old ones, returned once."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": RECOVERY_NAME}
    )
    return _new_recovery_codes(device)


@transaction.atomic
def second_factor_remove(*, user: User) -> None:
    """Remove the user's authenticator app and recovery codes."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()

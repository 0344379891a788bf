"""Reads of a user's second factor: their authenticator app and how many
recovery codes they have left."""

from __future__ import annotations

from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnerships.users import User


def authenticator_of(*, user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_left(*, user: User) -> int:
    """How many of the user's recovery codes are still unused."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()

"""The demo national administrator's authenticator app. National
administrators who sign in with a password enter a code from one; the demo's
has a fixed secret, published in README.md, so that anyone trying the demo
can add it to an app on their phone, or print the current code with
``python manage.py demo_totp_code``."""

from __future__ import annotations

from base64 import b32decode

from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

DEMO_ADMIN = "admin"
# Base32, as authenticator apps take it. Public: for the demo only.
DEMO_TOTP_SECRET = "LEARNINGPARTNERSHIPSDEMOADMINKEY"  # noqa: S105 (published)
DEMO_TOTP_KEY = b32decode(DEMO_TOTP_SECRET).hex()


def load_demo_second_factor() -> bool:
    """Give the demo national administrator the demo authenticator app,
    unless they have one (of their own or this): True when given."""
    user = get_user_model().objects.filter(username=DEMO_ADMIN).first()
    if user is None or TOTPDevice.objects.filter(user=user).exists():
        return False
    TOTPDevice.objects.create(
        user=user, name="Demo authenticator", key=DEMO_TOTP_KEY, confirmed=True
    )
    return True

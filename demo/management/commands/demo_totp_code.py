from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo.second_factor import DEMO_ADMIN, DEMO_TOTP_KEY


class Command(BaseCommand):
    help = (
        "Print the code the demo national administrator's authenticator app "
        "shows now (only for the demo's published secret, see README.md)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # Only the published demo secret: never anyone's own app.
        device = TOTPDevice.objects.filter(
            user__username=DEMO_ADMIN, key=DEMO_TOTP_KEY, confirmed=True
        ).first()
        if device is None:
            raise CommandError(
                f"The user {DEMO_ADMIN!r} has no demo authenticator app: run "
                "`python manage.py load_demo` first."
            )
        self.stdout.write(f"{totp(device.bin_key, device.step, device.t0):06d}")

"""Small helpers shared by the browser journeys."""

from __future__ import annotations

import subprocess
import time
from base64 import b32decode
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Locator, Page

from assessment.models import Answer, Return


def answer_ids(return_record: Return) -> dict[str, int]:
    """Answer ids by indicator code: the form fields are named after them."""
    return dict(
        Answer.objects.filter(return_record=return_record).values_list(
            "indicator__code", "pk"
        )
    )


def pdf_text(path: Path) -> str:
    """The text of a PDF as pdftotext (poppler-utils) reads it, whitespace
    collapsed."""
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    )
    return " ".join(done.stdout.split())


def chart_backgrounds(page) -> dict[str, list[str]]:
    """The background fill of each pygal chart on the page, by the page's
    address. With the service's chart style (static/css/charts.css: the
    Content-Security-Policy keeps out the style pygal writes into the SVG)
    it is white; without it, SVG's default black."""
    fills = page.evaluate(
        """() => [...document.querySelectorAll("svg.pygal-chart")].map((svg) => {
          const background = svg.querySelector(".graph > .background");
          return background ? getComputedStyle(background).fill : "none found";
        })"""
    )
    return {page.url: fills}


def pass_second_factor(
    page: Page, username: str, follow: Callable[[Locator], Page]
) -> Page:
    """After a password sign-in, the second factor if asked (national
    administrators; anyone with an authenticator app): without an app, set
    one up from the page's secret and go on past the recovery codes; with
    one, enter its code. ``follow`` clicks and waits for the next page."""
    path = urlsplit(page.url).path
    if path == "/accounts/second-factor/set-up/":
        secret = page.locator("#authenticator-secret").text_content() or ""
        key = b32decode(secret.replace(" ", ""))
        page.get_by_label("Code from the app").fill(f"{totp(key):06d}")
        page = follow(page.get_by_role("button", name="Confirm"))
        return follow(page.get_by_role("button", name="Continue"))
    if path == "/accounts/second-factor/":
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        # A code is taken once: after one used this half-minute, the next.
        while device.last_t >= int(time.time()) // device.step:
            time.sleep(0.5)
        page.get_by_label("Code", exact=True).fill(f"{totp(device.bin_key):06d}")
        return follow(page.get_by_role("button", name="Continue"))
    return page

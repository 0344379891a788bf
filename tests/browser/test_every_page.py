"""Every page each demo role can reach, crawled in a real Chromium on a phone
(390 px wide): no page scrolls sideways, axe-core finds nothing serious, and
the HTML the server sent is valid for the Nu Html Checker (vnu.jar). On a
desktop (1280 px) the service navigation fits one line for every role.

The crawl starts at each role's home page on the demo data and follows the
links it finds (GET only, no forms), at most a few addresses per route, so
that it covers every kind of page without reading all of them.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import time
from collections import Counter, deque
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve
from playwright.sync_api import Browser, Locator, Page

from demo.people import DEMO_PASSWORD

from .conftest import AXE_RUN, AXE_SOURCE, BLOCKING, CSP_LISTENER
from .helpers import pass_second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = Path(
    os.environ.get(
        "VNU_JAR",
        ROOT
        / "node_modules"
        / ".vnu"
        / "node_modules"
        / "vnu-jar"
        / "build"
        / "dist"
        / "vnu.jar",
    )
)
ROLES = ("manager", "officer", "go", "admin")
# Addresses of one route read at most: enough to see each kind of page with
# different data, few enough for the crawl to stay under a minute a role.
PER_ROUTE = 1
# Not the service's own pages: Django admin's, and the sign-out.
SKIPPED_PREFIXES = ("/admin/", "/static/", "/media/", "/accounts/logout")
# Routes whose answers are files (PDFs, spreadsheets, evidence, progress
# figures), not pages: the journeys and the suite read those.
FILE_ROUTES = {
    "indicators:export",
    "assessment:attachment",
    "reports:scores_csv",
    "reports:scores_xlsx",
    "reports:scores_ods",
    "reports:summary_progress",
    "reports:summary_download",
    "reports:pack_progress",
    "reports:pack_download",
    "reports:plan_pdf",
    "reports:return_pdf",
}
FILE_TYPES = ("application/", "image/", "text/csv")


def _route(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def _wanted(base: str, href: str) -> str | None:
    """The same-site address a link leads to, or None for links not crawled."""
    url = urldefrag(href)[0]
    if not url.startswith(base):
        return None
    parts = urlsplit(url)
    if parts.path.startswith(SKIPPED_PREFIXES):
        return None
    return url


def _crawl(page: Page, base: str, role: str, pages: dict[str, str]) -> list[str]:
    """Visit what ``role`` reaches from home; the problems found on the way.
    ``pages`` gathers each HTML page's source by address."""
    problems: list[str] = []
    seen_routes: Counter[str] = Counter()
    queue: deque[str] = deque([base + "/"])
    queued = {base + "/"}
    found_on = {base + "/": "sign-in"}
    while queue:
        url = queue.popleft()
        route = _route(urlsplit(url).path)
        if route is None or route in FILE_ROUTES or seen_routes[route] >= PER_ROUTE:
            continue
        seen_routes[route] += 1
        answer = page.context.request.get(url, max_redirects=0)
        kind = answer.headers.get("content-type", "")
        if answer.status in (301, 302, 303):
            continue
        if answer.status != 200:
            problems.append(
                f"[{role}] {url} answered {answer.status} (linked from {found_on[url]})"
            )
            continue
        if kind.startswith(FILE_TYPES):
            continue
        source = answer.text()
        pages[f"{role} {url.removeprefix(base)}"] = source
        page.goto(url)
        page.wait_for_load_state("load")
        wide = page.evaluate(
            "() => [document.documentElement.scrollWidth,"
            " document.documentElement.clientWidth]"
        )
        if wide[0] > wide[1]:
            problems.append(
                f"[{role}] {url} scrolls sideways at 390 px "
                f"({wide[0]} px of content in {wide[1]} px)"
            )
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(AXE_SOURCE)
        for violation in page.evaluate(AXE_RUN):
            if violation["impact"] in BLOCKING:
                targets = "; ".join(n["target"] for n in violation["nodes"][:3])
                problems.append(
                    f"[{role}] {url} axe {violation['impact']} {violation['id']}: "
                    f"{violation['help']} ({targets})"
                )
        for href in page.eval_on_selector_all(
            "a[href]:not([download])", "links => links.map((a) => a.href)"
        ):
            found = _wanted(base, href)
            if found and found not in queued:
                queued.add(found)
                found_on[found] = url
                queue.append(found)
    return problems


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert "/accounts/login/" not in page.url, f"{username} could not sign in"

    def follow(target: Locator) -> Page:
        with page.expect_navigation():
            target.click()
        return page

    pass_second_factor(page, username, follow)
    assert "/accounts/second-factor/" not in page.url, f"{username}: second factor"


def _navigation_lines(page: Page) -> int:
    """How many lines the service navigation's items take up."""
    return page.evaluate(
        """() => new Set([...document.querySelectorAll(
          ".govuk-service-navigation__item")].map((item) => item.offsetTop)).size"""
    )


def _vnu_errors(pages: dict[str, str], folder: Path) -> list[str]:
    """The Nu Html Checker's errors on every page, by page."""
    if not VNU_JAR.is_file():
        raise RuntimeError(
            f"The HTML check needs the Nu Html Checker at {VNU_JAR}: run "
            "`make vnu` (npm package vnu-jar) or set VNU_JAR. It never skips."
        )
    java = shutil.which("java")
    if java is None:
        raise RuntimeError("The Nu Html Checker needs Java (Debian: default-jre).")
    names: dict[str, str] = {}
    for number, (label, source) in enumerate(sorted(pages.items())):
        path = folder / f"page-{number:03d}.html"
        path.write_text(source)
        names[path.name] = label
    done = subprocess.run(
        [
            java,
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--format",
            "json",
            "--exit-zero-always",
            str(folder),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    messages = json.loads(done.stderr or '{"messages": []}')["messages"]
    return [
        f"{names.get(Path(m.get('url', '')).name, m.get('url'))} line "
        f"{m.get('lastLine', '?')}: {m.get('message')}"
        for m in messages
        if m.get("type") == "error"
    ]


def test_every_page_fits_a_phone_and_is_valid_html(
    browser: Browser, live_server, tmp_path: Path
) -> None:
    """Every page reachable from home, as each demo user: fits a phone, valid HTML.

    Slow: it loads the demo and crawls about 150 pages in a real Chromium, each
    checked by axe-core and then by the Nu Html Checker.
    """
    call_command("load_demo", stdout=io.StringIO())
    base = live_server.url
    pages: dict[str, str] = {}
    problems: list[str] = []
    script_errors: list[str] = []
    started = time.perf_counter()
    for role in ROLES:
        context = browser.new_context(
            viewport={"width": 1280, "height": 900},
            locale="en-GB",
            timezone_id="Europe/London",
        )
        context.add_init_script(CSP_LISTENER)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("pageerror", lambda error: script_errors.append(f"script: {error}"))
        _sign_in(page, base, role)
        if (lines := _navigation_lines(page)) > 1:
            problems.append(f"[{role}] the navigation takes {lines} lines at 1280 px")
        page.set_viewport_size({"width": 390, "height": 844})
        problems += _crawl(page, base, role, pages)
        context.close()
    problems += script_errors
    crawled = time.perf_counter() - started
    problems += _vnu_errors(pages, tmp_path)
    routes = {_route(urlsplit(label.split(" ", 1)[1]).path) for label in pages}
    assert len(pages) >= 60, f"only {len(pages)} pages crawled: {sorted(pages)}"
    assert not problems, (
        f"{len(problems)} problems on {len(pages)} pages ({len(routes)} routes, "
        f"crawled in {crawled:.0f} s):\n" + "\n".join(problems)
    )

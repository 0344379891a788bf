"""Real-browser journeys: Playwright for Python drives a headless Chromium
(the system one, /usr/bin/chromium, or CHROMIUM_PATH) against pytest-django's
live_server.

Every page a journey visits is checked by axe-core (vendored in vendor/): no
violation of impact "serious" or "critical" is allowed. Every page is also
listened to: a JavaScript error, an uncaught exception or a
Content-Security-Policy violation fails the test. A page that was navigated to
but never checked fails the test too, so no page slips past the audit.

A missing Chromium is a failure, never a skip.

The live server reads what the test writes, so these tests run in transactions
of their own (django_db(transaction=True)): the database is emptied after each
one, migration data included. The nine regions (the data migration
partnerships 0002 loads) are put back before each browser test and again after
it, for whichever transactional test runs next. Django's serialized_rollback
cannot do this here: once Playwright's sync API has started, an asyncio loop
counts as running in this thread, so Django hands the test a database
connection of its own (asgiref's thread-critical Local), one without the
serialized copy.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Download,
    Frame,
    Locator,
    Page,
    Playwright,
    Route,
    sync_playwright,
)

from .helpers import pass_second_factor

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
SHOTS = Path(os.environ.get("BROWSER_SHOTS", "/tmp/browser-shots"))  # noqa: S108
# tests/factories.py gives every user this password.
PASSWORD = "correct horse battery staple"
# Every GOV.UK focus style is drawn in this yellow (#ffdd00).
FOCUS_YELLOW = "rgb(255, 221, 0)"
BLOCKING = ("serious", "critical")

# A CSP violation is logged by Chromium itself; the event also goes to the
# console here, with the directive and what was blocked, in case the message
# wording changes. Init scripts are not subject to the page's policy.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    "CSP violation: " + event.violatedDirective + " blocked " +
    (event.blockedURI || "inline") + " at " + event.sourceFile + ":" +
    event.lineNumber
  );
});
"""

AXE_RUN = """
async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({
      target: n.target.join(" "),
      html: n.html.slice(0, 160),
      summary: (n.failureSummary || "").split("\\n").slice(0, 3).join(" "),
    })),
  }));
}
"""


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    # Playwright's sync API runs an asyncio event loop in this thread: without
    # this Django refuses every database call the test makes
    # (SynchronousOnlyOperation). Set for the browser tests only, not for the
    # rest of a session that runs them too.
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            yield playwright
    finally:
        if before is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        raise RuntimeError(
            f"The browser tests need Chromium at {CHROMIUM}, and there is none: "
            "install it (Debian: apt-get install chromium) or set CHROMIUM_PATH. "
            "These tests never skip."
        )
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
    except Exception as error:
        raise RuntimeError(f"Chromium at {CHROMIUM} did not start: {error}") from error
    yield browser
    browser.close()


def _add_regions() -> None:
    """What the data migration partnerships 0002 loads: the nine regions."""
    regions = importlib.import_module("partnerships.migrations.0002_regions")
    regions.add_regions(django_apps, None)


@pytest.fixture(autouse=True)
def _regions(request: pytest.FixtureRequest) -> None:
    """Before anything else of a browser test that uses the database (the
    cast's fixtures look regions up)."""
    if request.node.get_closest_marker("browser"):
        _add_regions()


@pytest.fixture(scope="session")
def _db_blocker(django_db_blocker):
    """Kept for pytest_runtest_teardown, which runs after every fixture."""
    _BLOCKER.append(django_db_blocker)
    return django_db_blocker


_BLOCKER: list = []


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    """After a browser test has emptied the database, put the regions back, as
    the migrations left them, for the transactional tests that follow."""
    result = yield
    if _BLOCKER and item.get_closest_marker("browser"):
        with _BLOCKER[0].unblock():
            _add_regions()
    return result


@dataclass
class Findings:
    """What the pages of one test did wrong, and which pages were checked."""

    console: list[str] = field(default_factory=list)
    blocking: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)
    audited: set[str] = field(default_factory=set)
    files: set[str] = field(default_factory=set)
    checks: int = 0
    seconds: float = 0.0

    def unaudited(self) -> list[str]:
        return sorted(set(self.visited) - self.audited - self.files)


def _page_key(url: str) -> str:
    return urldefrag(url)[0]


class Person:
    """One person at one browser: their own context (cookies), one page."""

    def __init__(
        self,
        name: str,
        context: BrowserContext,
        base_url: str,
        findings: Findings,
        shot_prefix: str,
    ) -> None:
        self.name = name
        self.context = context
        self.base_url = base_url
        self.findings = findings
        self.shot_prefix = shot_prefix
        self.shots = 0
        self.page: Page = context.new_page()
        self.page.on("console", self._on_console)
        self.page.on("pageerror", self._on_page_error)
        self.page.on("framenavigated", self._on_navigated)

    # Listening

    def _on_console(self, message: ConsoleMessage) -> None:
        text = message.text
        source = message.location.get("url", "")
        # Chromium asks every site for /favicon.ico; the service has none (it
        # would be a <link rel="icon"> in templates/base.html).
        if source.endswith("/favicon.ico"):
            return
        if message.type == "error" or "Content Security Policy" in text:
            self.findings.console.append(
                f"[{self.name}] console {message.type} on {self.page.url}: {text}"
                + (f" ({source})" if source and source != self.page.url else "")
            )

    def _on_page_error(self, error: Exception) -> None:
        self.findings.console.append(
            f"[{self.name}] uncaught JavaScript error on {self.page.url}: {error}"
        )

    def _on_navigated(self, frame: Frame) -> None:
        if frame is self.page.main_frame and frame.url.startswith(self.base_url):
            self.findings.visited.append(_page_key(frame.url))

    # Moving about

    def goto(self, path: str) -> Page:
        self.page.goto(self.base_url + path)
        self.check()
        return self.page

    def follow(self, target: Locator | None, *, key: str | None = None) -> Page:
        """Click a link or button (or press ``key`` on the focused element) and
        check the page it leads to."""
        with self.page.expect_navigation():
            if target is not None:
                target.click()
            else:
                self.page.keyboard.press(key)
        self.check()
        return self.page

    def sign_in(self, username: str, password: str = PASSWORD) -> Page:
        """Through the real sign-in form."""
        page = self.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page = self.follow(page.get_by_role("button", name="Sign in"))
        return pass_second_factor(page, username, self.follow)

    def download(self, target: Locator, folder: Path) -> Path:
        """Click a link whose answer is an attachment; the file as the browser
        saved it."""
        with self.page.expect_download() as info:
            target.click()
        download: Download = info.value
        assert download.failure() is None, download.failure()
        path = folder / download.suggested_filename
        download.save_as(path)
        return path

    def open_pdf(self, target: Locator, folder: Path) -> Path:
        """Click a link to a PDF the service sends inline. Chromium shows it in
        its own viewer, whose page is not the PDF: the bytes are taken on the
        way in (the browser's own request, with its cookies), then back to the
        page the link was on."""
        href = (target.get_attribute("href") or "").split("?")[0]
        answer: dict = {}

        def wanted(url: str) -> bool:
            return url.split("?")[0] == self.base_url + href

        def keep(route: Route) -> None:
            response = route.fetch()
            answer.update(
                status=response.status, headers=response.headers, body=response.body()
            )
            route.fulfill(response=response)

        self.page.route(wanted, keep)
        try:
            with self.page.expect_navigation():
                target.click()
        finally:
            self.page.unroute(wanted, keep)
        assert answer.get("status") == 200, (answer.get("status"), self.page.url)
        assert answer["headers"]["content-type"] == "application/pdf", self.page.url
        found = re.search(
            r'filename="([^"]+)"', answer["headers"].get("content-disposition", "")
        )
        path = folder / (found.group(1) if found else "document.pdf")
        path.write_bytes(answer["body"])
        # The viewer is Chromium's, not the service's: nothing for axe there.
        self.findings.files.add(_page_key(self.page.url))
        self.page.go_back()
        self.page.wait_for_load_state("load")
        return path

    # Checking

    def check(self) -> None:
        """axe-core on the page as it stands, and no console error so far."""
        page = self.page
        page.wait_for_load_state("load")
        started = time.perf_counter()
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(AXE_SOURCE)
        violations = page.evaluate(AXE_RUN)
        self.findings.seconds += time.perf_counter() - started
        self.findings.audited.add(_page_key(page.url))
        self.findings.checks += 1
        for violation in violations:
            lines = [
                f"[{self.name}] {violation['impact']} {violation['id']} "
                f"({violation['help']}) on {page.url}"
            ]
            lines += [
                f"    {node['target']}: {node['html']} -- {node['summary']}"
                for node in violation["nodes"][:5]
            ]
            if len(violation["nodes"]) > 5:
                lines.append(f"    ... and {len(violation['nodes']) - 5} more")
            sink = (
                self.findings.blocking
                if violation["impact"] in BLOCKING
                else self.findings.other
            )
            sink.append("\n".join(lines))
        assert not self.findings.console, "\n".join(self.findings.console)

    def shot(self, label: str) -> Path:
        """A full-page screenshot into the screenshots folder (not the repo)."""
        self.shots += 1
        SHOTS.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        path = SHOTS / f"{self.shot_prefix}-{self.name}-{self.shots:02d}-{slug}.png"
        self.page.screenshot(path=path, full_page=True)
        return path

    def focused(self) -> dict:
        """The focused element: tag, id, type, name, text, and whether its
        focus is drawn in the GOV.UK focus colour (for a radio or checkbox,
        whose input is invisible, on its label's ring)."""
        return self.page.evaluate(FOCUSED, FOCUS_YELLOW)


FOCUSED = """
(yellow) => {
  const el = document.activeElement;
  const styles = [getComputedStyle(el)];
  if (el.matches(".govuk-radios__input, .govuk-checkboxes__input")) {
    const label = document.querySelector(`label[for="${el.id}"]`);
    if (label) {
      styles.push(getComputedStyle(label, "::before"));
      styles.push(getComputedStyle(label, "::after"));
    }
  }
  const drawn = styles.some((s) =>
    (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0 &&
     s.outlineColor === yellow) ||
    s.boxShadow.includes(yellow) ||
    s.backgroundColor === yellow
  );
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    type: el.getAttribute("type") || "",
    name: el.getAttribute("name") || "",
    text: (el.innerText || el.value || "").trim().slice(0, 80),
    visible: drawn,
    onScreen: box.width > 0 && box.height > 0,
  };
}
"""


@pytest.fixture
def people(
    browser: Browser,
    live_server,
    request: pytest.FixtureRequest,
    _db_blocker,
) -> Iterator[Callable[[str], Person]]:
    """``people("manager")`` opens a browser context of its own for someone.

    After the test: no console error, no serious or critical axe violation on
    any page, and every page visited was checked."""
    findings = Findings()
    opened: list[Person] = []
    prefix = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-")[:40]

    def open_for(name: str) -> Person:
        context = browser.new_context(
            accept_downloads=True,
            viewport={"width": 1280, "height": 900},
            locale="en-GB",
            timezone_id="Europe/London",
        )
        context.set_default_timeout(15_000)
        context.add_init_script(CSP_LISTENER)
        person = Person(name, context, live_server.url, findings, prefix)
        opened.append(person)
        return person

    open_for.findings = findings  # type: ignore[attr-defined]
    yield open_for

    for person in opened:
        person.context.close()
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / f"{prefix}-axe.json").write_text(
        json.dumps(
            {
                "checks": findings.checks,
                "axe_seconds": round(findings.seconds, 1),
                "pages": sorted(findings.audited),
                "blocking": findings.blocking,
                "other": findings.other,
            },
            indent=2,
        )
    )
    problems = []
    if findings.console:
        problems += ["Console errors or CSP violations:", *findings.console]
    if findings.blocking:
        problems += ["Serious or critical axe-core violations:", *findings.blocking]
    if findings.unaudited():
        problems += ["Pages visited but never checked:", *findings.unaudited()]
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    folder = tmp_path / "downloads"
    folder.mkdir()
    return folder

"""The service's own pages: the accessibility statement, privacy notice,
cookies, help and contact, each open to everyone and saying what the service
really does; and the footer that links them from every page."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from pages.cookies import duration_words, service_cookies

PASSWORD = "correct horse battery staple"  # tests/factories.py
PAGES = {
    "/accessibility/": "Accessibility statement for Learning Partnerships",
    "/privacy/": "Privacy notice",
    "/cookies/": "Cookies",
    "/help/": "Help and contact",
    "/status/": "Service status",
}
FOOTER_LINKS = {
    "/accessibility/": "Accessibility statement",
    "/privacy/": "Privacy",
    "/cookies/": "Cookies",
    "/help/": "Help and contact",
    "/status/": "Service status",
}
PEOPLE = ["anonymous", "manager_a", "officer_a", "go_a", "admin", "no_role"]


def footer(html: str) -> str:
    found = re.search(r'<footer class="govuk-footer">.*</footer>', html, re.S)
    assert found, "no GOV.UK footer"
    return found.group(0)


def assert_footer_links(html: str) -> None:
    links = dict(
        re.findall(
            r'<a class="govuk-footer__link" href="([^"]+)">([^<]+)</a>', footer(html)
        )
    )
    assert links == FOOTER_LINKS


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("person", PEOPLE)
def test_each_page_opens_for_everyone(path, person, client_as):
    client = client_as(person)
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 class="govuk-heading-l">{PAGES[path]}' in html
    assert_footer_links(html)
    if person == "anonymous":
        # The anonymous header: no navigation, no sign-out.
        assert "Sign out" not in html
    else:
        assert "Sign out" in html


@pytest.mark.parametrize("path", PAGES)
def test_the_pages_refuse_posts(path, anonymous, db):
    assert anonymous.post(path).status_code == 405


def test_the_footer_is_on_every_kind_of_page(client_as, partnership_a):
    anonymous = Client()
    assert_footer_links(anonymous.get("/accounts/login/").content.decode())
    assert_footer_links(anonymous.get("/accounts/password_reset/").content.decode())
    manager = client_as("manager_a")
    for path in ("/", "/partnerships/", f"/partnerships/{partnership_a.pk}/"):
        response = manager.get(path)
        assert response.status_code == 200, path
        assert_footer_links(response.content.decode())
    missing = manager.get("/partnerships/999999/")
    assert missing.status_code == 404
    assert_footer_links(missing.content.decode())


# The accessibility statement.


@override_settings(
    SERVICE_CONTACT_EMAIL="help@lp.example.gov.uk",
    SERVICE_REPLY_DAYS=3,
    DATA_CONTROLLER_NAME="the Department for Learning",
)
def test_the_accessibility_statement_follows_the_model_statement(anonymous, db):
    html = anonymous.get("/accessibility/").content.decode()
    for heading in (
        "How accessible this service is",
        "Feedback and contact information",
        "Reporting accessibility problems with this service",
        "Enforcement procedure",
        "Technical information about this service’s accessibility",
        "Compliance status",
        "Non-accessible content",
        "How this service has been tested",
        "Preparation of this accessibility statement",
    ):
        assert f">{heading}</h" in html, heading
    assert "partially compliant" in html
    assert "Web Content Accessibility Guidelines version 2.2</a> AA standard" in html
    assert "Equality and Human Rights Commission (EHRC)" in html
    assert "Equality Commission for Northern Ireland" in html
    assert "Equality Advisory and Support Service" in html
    assert 'href="mailto:help@lp.example.gov.uk"' in html
    assert "get back to you in 3 working days" in html
    assert "This service is run by the Department for Learning." in html
    assert "The Department for Learning is committed" in html
    assert "This statement was prepared on 7 December 2026" in html


def test_the_statement_tells_what_the_checks_really_check(anonymous, db):
    """Each claim about testing matches a check the browser tests make."""
    html = anonymous.get("/accessibility/").content.decode()
    assert "axe-core" in html
    assert "serious or critical fails the tests" in html
    assert "moderate or minor do not fail the tests" in html
    assert "390 pixels wide" in html
    assert "Nu Html Checker" in html
    assert "keyboard alone" in html
    assert "PDF/UA-1" in html
    assert "administration pages are not checked" in html
    assert "No audit by an accessibility specialist" in html


# The privacy notice.


@override_settings(
    DATA_CONTROLLER_NAME="the Department for Learning",
    DATA_PROTECTION_EMAIL="dpo@lp.example.gov.uk",
    SESSION_COOKIE_AGE=8 * 3600,
)
def test_the_privacy_notice_names_the_controller_and_the_basis(anonymous, db):
    html = anonymous.get("/privacy/").content.decode()
    assert (
        "The data controller for the personal data in this service is the "
        "Department for Learning." in html
    )
    assert 'href="mailto:dpo@lp.example.gov.uk"' in html
    assert "public task, Article 6(1)(e)" in html
    assert "https://ico.org.uk/make-a-complaint/" in html
    assert "or after 8 hours." in html
    assert "the Department for Learning decides how long" in html


def test_the_privacy_notice_lists_what_is_held(anonymous, db):
    html = anonymous.get("/privacy/").content.decode()
    for held in (
        "first and last name and email address",
        "your role",
        "a record of each time you sign in",
        "internet (IP) address",
        "the password typed is never kept",
        "a copy of the version before is kept, with who changed it and when",
        "evidence files you upload",
        "a record of each email sent to you",
        "only your email address and whether your organisation has confirmed it",
        "authenticator app: its secret key",
        "the API tokens you make",
        "a log of each import",
    ):
        assert held in html, held
    # Retention as the code does it: sign-in pauses, sessions, documents.
    assert "once they are 15 minutes old" in html
    assert "or after 2 weeks." in html
    assert "deleted a week after they are made" in html


# Cookies.


def _names_on_the_page(html: str) -> set[str]:
    return set(
        re.findall(
            r'<th scope="row" class="govuk-table__header"><code>([^<]+)</code>', html
        )
    )


def test_the_cookies_page_lists_exactly_the_cookies_the_service_sets(
    manager_a, member_a
):
    """Signed in through the real form (with its CSRF check), then a change
    that leaves a message for the next page: every cookie set on the way is
    on the page, and the page lists no other."""
    browser = Client(enforce_csrf_checks=True)
    set_cookies: set[str] = set()

    def keep(response) -> None:
        set_cookies.update(
            name for name, morsel in response.cookies.items() if morsel.value
        )

    login_page = browser.get("/accounts/login/")
    keep(login_page)
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value
    signed_in = browser.post(
        "/accounts/login/",
        {
            "username": manager_a.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token,
        },
    )
    assert signed_in.status_code == 302
    keep(signed_in)
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value
    removed = browser.post(
        f"/partnerships/{member_a.partnership.pk}/members/{member_a.pk}/remove/",
        {"csrfmiddlewaretoken": token},
    )
    assert removed.status_code == 302
    keep(removed)
    page = browser.get("/cookies/")
    keep(page)

    assert set_cookies == {"sessionid", "csrftoken", "messages"}
    assert _names_on_the_page(page.content.decode()) == set_cookies


def test_the_cookies_page_says_when_each_goes(anonymous, db):
    html = anonymous.get("/cookies/").content.decode()
    assert "After 2 weeks, or when you sign out" in html  # SESSION_COOKIE_AGE
    assert "After 52 weeks" in html  # CSRF_COOKIE_AGE
    assert "As soon as the message is shown" in html
    assert "there is no cookie banner" in html


@override_settings(
    SESSION_COOKIE_NAME="lp_session",
    SESSION_EXPIRE_AT_BROWSER_CLOSE=True,
    CSRF_USE_SESSIONS=True,
    MESSAGE_STORAGE="django.contrib.messages.storage.session.SessionStorage",
)
def test_the_list_follows_the_settings(anonymous, db):
    html = anonymous.get("/cookies/").content.decode()
    assert _names_on_the_page(html) == {"lp_session"}
    assert "When you close your browser or sign out" in html


def test_every_listed_cookie_is_essential_and_named_once():
    names = [cookie.name for cookie in service_cookies()]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (1209600, "2 weeks"),
        (31449600, "52 weeks"),
        (86400, "1 day"),
        (8 * 3600, "8 hours"),
        (90 * 60, "90 minutes"),
        (60, "1 minute"),
        (5, "1 minute"),
    ],
)
def test_durations_in_words(seconds, words):
    assert duration_words(seconds) == words


# Help and contact.


@override_settings(SERVICE_CONTACT_EMAIL="help@lp.example.gov.uk", SERVICE_REPLY_DAYS=1)
def test_help_says_whom_to_write_to_and_what_to_say(anonymous, db):
    html = anonymous.get("/help/").content.decode()
    assert 'href="mailto:help@lp.example.gov.uk"' in html
    assert "within 1 working day." in html
    assert "your name and your username" in html
    assert "the address of the page" in html
    assert "Never send your password" in html
    assert 'href="/accounts/password_reset/"' in html
    assert "After 5 wrong passwords in a row" in html
    assert "paused for 15 minutes" in html
    for role in (
        "Partnership manager",
        "LLSC officer",
        "GO officer",
        "National administrator",
    ):
        assert f'<dt class="govuk-summary-list__key">{role}</dt>' in html
    assert "Filling in the self-assessment" in html
    assert "Reviewing and moderating" in html
    assert "under 10 MB each" in html


def test_signing_in_from_the_help_page_is_not_needed(db):
    """The pages open to a person whose account does not exist yet."""
    assert not get_user_model().objects.exists()
    assert Client().get("/help/").status_code == 200

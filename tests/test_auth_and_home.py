"""Signing in and out, password reset by email, and the home page per role."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

PASSWORD = "correct horse battery staple"


@pytest.mark.django_db
def test_sign_in_page_is_open_and_gov_uk_styled(client: Client) -> None:
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert 'class="govuk-input' in response.text
    assert "Forgotten your password?" in response.text


@pytest.mark.django_db
def test_empty_sign_in_shows_the_error_summary(client: Client) -> None:
    response = client.post("/accounts/login/", {"username": "", "password": ""})

    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert 'href="#id_username"' in response.text
    assert "Enter your username" in response.text
    assert "Enter your password" in response.text


def test_wrong_password_is_refused_with_a_clear_message(
    client: Client, manager_a
) -> None:
    response = client.post(
        "/accounts/login/", {"username": "manager_a", "password": "not it"}
    )

    assert response.status_code == 200
    assert "Enter a correct username and password" in response.text
    assert "_auth_user_id" not in client.session


def test_sign_in_then_sign_out(client: Client, manager_a) -> None:
    response = client.post(
        "/accounts/login/", {"username": "manager_a", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_sign_in_returns_to_the_page_asked_for(client: Client, manager_a) -> None:
    response = client.post(
        "/accounts/login/?next=/partnerships/",
        {"username": "manager_a", "password": PASSWORD},
    )

    assert response["Location"] == "/partnerships/"


@pytest.mark.django_db
def test_home_requires_signing_in(client: Client) -> None:
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_password_reset_by_email(client: Client, manager_a) -> None:
    manager_a.email = "manager@example.org"
    manager_a.save()

    response = client.post(
        "/accounts/password_reset/", {"email": "manager@example.org"}
    )

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["manager@example.org"]
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body

    form_page = client.get(link.group(1), follow=True)
    assert "Choose a new password" in form_page.text
    new_password = "a much longer new password 2003"
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    manager_a.refresh_from_db()
    assert manager_a.check_password(new_password)


@pytest.mark.django_db
def test_password_reset_for_unknown_email_reveals_nothing(client: Client) -> None:
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert mail.outbox == []


@pytest.mark.django_db
def test_password_reset_with_a_malformed_email_shows_the_error(client: Client) -> None:
    response = client.post("/accounts/password_reset/", {"email": "not an email"})

    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Enter an email address in the correct format" in response.text


def test_password_reset_with_a_bad_token_says_the_link_expired(
    client: Client, manager_a
) -> None:
    response = client.get("/accounts/reset/Mg/bad-token/")

    assert response.status_code == 200
    assert "This link has expired" in response.text


@pytest.mark.parametrize(
    ("name", "sees", "hidden"),
    [
        ("manager_a", ["Alpha Learning", "Your partnerships"], ["Bravo Learning"]),
        ("officer_a", ["Alpha Learning"], ["Bravo Learning"]),
        ("go_elsewhere", ["Bravo Learning"], ["Alpha Learning"]),
        ("admin", ["Alpha Learning", "Bravo Learning", "manage users"], []),
        ("no_role", ["does not have a role yet"], ["Alpha Learning", "Bravo Learning"]),
    ],
)
def test_home_shows_what_each_role_can_do(
    client_as, name: str, sees: list[str], hidden: list[str]
) -> None:
    response = client_as(name).get("/")

    assert response.status_code == 200
    for text in sees:
        assert text in response.text
    for text in hidden:
        assert text not in response.text


def test_national_admin_role_opens_django_admin(client_as) -> None:
    client = client_as("admin")

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/partnerships/learningpartnership/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 200


@pytest.mark.parametrize("name", ["manager_a", "officer_a", "go_a", "no_role"])
def test_other_roles_cannot_open_django_admin_even_as_staff(
    client_as, cast, name
) -> None:
    user = cast[name]
    user.is_staff = True
    user.save()

    response = client_as(name).get("/admin/partnerships/learningpartnership/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")

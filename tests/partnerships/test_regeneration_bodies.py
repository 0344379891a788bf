"""A partnership's relationships with regeneration bodies other than LSPs, and
its changes of manager, through the pages."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from partnerships.models import ManagerChange, RegenerationBodyLink

from .test_views import partnership_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def body_link_a(partnership_a):
    return RegenerationBodyLink.objects.create(
        partnership=partnership_a,
        kind=RegenerationBodyLink.Kind.NEW_DEAL,
        name="Little Horton NDC",
        involvement="Leads its learning theme",
    )


@pytest.fixture
def body_link_b(partnership_b):
    return RegenerationBodyLink.objects.create(
        partnership=partnership_b, kind="srb", name="Tees SRB 6"
    )


def test_manager_adds_changes_and_removes_a_body_link(client_as, partnership_a):
    client = client_as("manager_a")
    base = f"/partnerships/{partnership_a.pk}/bodies/"
    assert client.get(f"{base}add/").status_code == 200
    response = client.post(
        f"{base}add/",
        {"kind": "sub_regional", "name": "West Yorkshire SSP", "involvement": "Board"},
    )
    assert response.status_code == 302
    link = partnership_a.body_links.get()
    assert (link.kind, link.name, link.involvement) == (
        "sub_regional",
        "West Yorkshire SSP",
        "Board",
    )

    page = client.get(partnership_a.get_absolute_url()).content.decode()
    assert "West Yorkshire SSP" in page
    assert "Strategic sub-regional partnership" in page

    response = client.post(
        f"{base}{link.pk}/edit/",
        {"kind": "rda_sub_regional", "name": "West Yorkshire SSP", "involvement": ""},
    )
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.kind == "rda_sub_regional"
    assert link.involvement == ""

    assert client.get(f"{base}{link.pk}/remove/").status_code == 200
    assert client.post(f"{base}{link.pk}/remove/").status_code == 302
    assert not partnership_a.body_links.exists()


def test_the_same_body_twice_is_refused(client_as, partnership_a, body_link_a):
    response = client_as("manager_a").post(
        f"/partnerships/{partnership_a.pk}/bodies/add/",
        {"kind": "new_deal", "name": "Little Horton NDC"},
    )
    assert response.status_code == 200
    assert partnership_a.body_links.count() == 1


def test_an_unknown_kind_is_refused(client_as, partnership_a):
    response = client_as("manager_a").post(
        f"/partnerships/{partnership_a.pk}/bodies/add/",
        {"kind": "quango", "name": "X"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["kind"]
    assert not partnership_a.body_links.exists()


@pytest.mark.parametrize("action", ["edit", "remove"])
def test_another_partnerships_manager_gets_404(
    client_as, partnership_a, partnership_b, body_link_b, action
):
    client = client_as("manager_a")
    # Their own partnership's address with the other's link, and the other's.
    for pk in (partnership_a.pk, partnership_b.pk):
        url = f"/partnerships/{pk}/bodies/{body_link_b.pk}/{action}/"
        assert client.get(url).status_code == 404
        assert client.post(url, {"kind": "srb", "name": "Taken"}).status_code == 404
    body_link_b.refresh_from_db()
    assert body_link_b.name == "Tees SRB 6"
    assert (
        client.get(f"/partnerships/{partnership_b.pk}/bodies/add/").status_code == 404
    )


@pytest.mark.parametrize("who", ["officer_a", "go_a"])
def test_officers_see_body_links_but_may_not_change_them(
    client_as, partnership_a, body_link_a, who
):
    client = client_as(who)
    page = client.get(partnership_a.get_absolute_url()).content.decode()
    assert "Little Horton NDC" in page
    assert "Leads its learning theme" in page
    assert f"/bodies/{body_link_a.pk}/edit/" not in page
    base = f"/partnerships/{partnership_a.pk}/bodies/"
    assert client.post(f"{base}add/", {"kind": "srb", "name": "X"}).status_code == 403
    assert client.post(f"{base}{body_link_a.pk}/remove/").status_code == 403
    assert RegenerationBodyLink.objects.filter(pk=body_link_a.pk).exists()


def test_a_change_of_manager_is_kept_and_shown(client_as, partnership_a, manager_a):
    client = client_as("manager_a")
    previous = partnership_a.manager_name
    response = client.post(
        f"/partnerships/{partnership_a.pk}/edit/",
        partnership_data(
            partnership_a, manager_name="Asha Patel", manager_email="asha@example.org"
        ),
    )
    assert response.status_code == 302
    change = ManagerChange.objects.get(partnership=partnership_a)
    assert (change.previous_name, change.new_name) == (previous, "Asha Patel")
    assert change.new_email == "asha@example.org"
    assert change.changed_by == manager_a

    page = client.get(partnership_a.get_absolute_url()).content.decode()
    assert '<h2 class="govuk-heading-m" id="managers">Managers</h2>' in page
    assert f"{previous} to Asha Patel" in page


def test_saving_without_changing_the_manager_records_nothing(client_as, partnership_a):
    response = client_as("manager_a").post(
        f"/partnerships/{partnership_a.pk}/edit/",
        partnership_data(partnership_a, chair_name="New chair"),
    )
    assert response.status_code == 302
    assert not ManagerChange.objects.exists()
    page = client_as("manager_a").get(partnership_a.get_absolute_url())
    assert 'id="managers"' not in page.content.decode()


class _AdminForm(HTMLParser):
    """The values a browser would post from the admin's change form."""

    def __init__(self) -> None:
        super().__init__()
        self.data: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        name = found.get("name")
        if tag == "input" and name and found.get("type") not in {"submit", "file"}:
            ticks = found.get("type") in {"checkbox", "radio"}
            if ticks and "checked" not in found:
                return
            self.data.append((name, found.get("value", "on" if ticks else "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in found:
            self.data.append((self._select, found.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data.append((name, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            name, value = self.data[-1]
            self.data[-1] = (name, value + data.lstrip("\n"))


def test_a_change_of_manager_made_in_the_admin_is_kept_too(
    client_as, cast, partnership_a
):
    client = client_as("admin")
    url = f"/admin/partnerships/learningpartnership/{partnership_a.pk}/change/"
    form = _AdminForm()
    form.feed(client.get(url).content.decode())
    data: dict[str, list[str]] = {}
    for name, value in form.data:
        data.setdefault(name, []).append(value)
    data["manager_name"] = ["Asha Patel"]
    previous = partnership_a.manager_name

    response = client.post(url, data)

    assert response.status_code == 302, re.findall(
        r"errorlist.{0,200}", response.content.decode(), re.S
    )
    change = ManagerChange.objects.get(partnership=partnership_a)
    assert (change.previous_name, change.new_name) == (previous, "Asha Patel")
    assert change.changed_by == cast["admin"]

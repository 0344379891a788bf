"""Who sees and who changes a return: the selectors for every member of the
cast, then the pages. Out of scope is 404; in scope but read-only is 403. A
draft's answers and files are its managers' (and administrators') until
submitted: tests/assessment/test_drafts_private.py."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessment.evidence import evidence_upload
from assessment.evidence_selectors import evidence_files_for_user
from assessment.models import Return
from assessment.selectors import (
    answers_for_user,
    returns_for_user,
)
from assessment.services import return_start
from tests.conftest import CAST

from .helpers import answer, dimension_url, form_data, indicator_url, snapshot

SEES_A = {"manager_a", "officer_a", "go_a", "admin"}
SEES_B = {"manager_b", "officer_elsewhere", "go_elsewhere", "admin"}
# Who reads the answers of each draft.
READS_A = {"manager_a", "admin"}
READS_B = {"manager_b", "admin"}
CANNOT_SEE_A = ["manager_b", "officer_elsewhere", "go_elsewhere", "no_role"]
READ_ONLY_ON_A = ["officer_a", "go_a"]


@pytest.fixture
def return_b(partnership_b, manager_b, period_2003) -> Return:
    return return_start(partnership=partnership_b, period=period_2003, user=manager_b)


@pytest.fixture
def files(return_a, return_b, manager_a, manager_b):
    """One evidence file in each return."""
    return {
        "A": evidence_upload(
            answer=answer(return_a, "D1.1"),
            upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 a"),
            user=manager_a,
        ),
        "B": evidence_upload(
            answer=answer(return_b, "D2.1"),
            upload=SimpleUploadedFile("b.pdf", b"%PDF-1.4 b"),
            user=manager_b,
        ),
    }


@pytest.mark.parametrize("name", CAST)
def test_selectors_for_each_role(cast, return_a, return_b, files, name):
    """Both returns are drafts: seen by everyone in scope, read by their
    managers and administrators."""
    user = cast[name]
    expected = {
        return_record
        for return_record, seers in ((return_a, SEES_A), (return_b, SEES_B))
        if name in seers
    }
    readable = {
        return_record
        for return_record, readers in ((return_a, READS_A), (return_b, READS_B))
        if name in readers
    }

    assert set(returns_for_user(user)) == expected
    assert set(answers_for_user(user).values_list("return_record", flat=True)) == {
        r.pk for r in readable
    }
    assert answers_for_user(user).count() == 28 * len(readable)
    assert set(evidence_files_for_user(user)) == {
        files[label].evidence_file
        for label, return_record in (("A", return_a), ("B", return_b))
        if return_record in readable
    }


@pytest.mark.parametrize("name", CAST)
def test_selectors_once_submitted(cast, return_a, return_b, files, name):
    """Submitted, a return's answers and files are read by all who see it."""
    Return.objects.filter(pk__in=[return_a.pk, return_b.pk]).update(
        status=Return.Status.SUBMITTED, submitted_at=timezone.now()
    )
    user = cast[name]
    expected = {
        label for label, seers in (("A", SEES_A), ("B", SEES_B)) if name in seers
    }

    assert answers_for_user(user).count() == 28 * len(expected)
    assert set(evidence_files_for_user(user)) == {
        files[label].evidence_file for label in expected
    }


PAGES = ["", "check/", "history/", "profile/"]


@pytest.mark.parametrize("name", sorted(READS_A))
def test_pages_of_return_a_in_scope(client_as, return_a, name):
    client = client_as(name)
    for page in PAGES:
        response = client.get(f"/returns/{return_a.pk}/{page}")
        assert response.status_code == 200, page
        assert response.context["return"] == return_a


@pytest.mark.parametrize("name", READ_ONLY_ON_A)
def test_pages_of_draft_a_for_readers_in_scope(client_as, return_a, name):
    """In scope, the draft is there (its status page), its pages refused."""
    client = client_as(name)
    assert client.get(f"/returns/{return_a.pk}/").status_code == 200
    for page in PAGES[1:]:
        response = client.get(f"/returns/{return_a.pk}/{page}")
        assert response.status_code == 403, page


@pytest.mark.parametrize("name", CANNOT_SEE_A)
def test_pages_of_return_a_out_of_scope(client_as, return_a, name):
    client = client_as(name)
    for page in [*PAGES, "dimensions/D1/", "dimensions/D1/D1.1/", "submitted/"]:
        response = client.get(f"/returns/{return_a.pk}/{page}")
        assert response.status_code == 404, page


@pytest.mark.parametrize("name", ["manager_a", "admin"])
def test_dimension_page_for_those_who_may_change(client_as, return_a, name):
    client = client_as(name)
    response = client.get(dimension_url(return_a, "D1"))
    assert response.status_code == 200
    assert indicator_url(return_a, "D1.1") in response.text
    response = client.get(indicator_url(return_a, "D1.1"))
    assert response.status_code == 200
    assert "Save and continue" in response.text


@pytest.mark.parametrize("name", READ_ONLY_ON_A)
def test_dimension_page_for_readers_shows_the_answers(client_as, return_a, name):
    """Readers are sent to the read-only answers instead of the form."""
    for url in (dimension_url(return_a, "D1"), indicator_url(return_a, "D1.1")):
        response = client_as(name).get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/returns/{return_a.pk}/check/"


@pytest.mark.parametrize("name", READ_ONLY_ON_A)
def test_readers_see_no_change_controls(client_as, return_a, name):
    # Returned for revision: readers see it, only its managers change it.
    Return.objects.filter(pk=return_a.pk).update(
        status=Return.Status.RETURNED, submitted_at=timezone.now()
    )
    client = client_as(name)
    tasks = client.get(f"/returns/{return_a.pk}/").content.decode()
    assert f"/returns/{return_a.pk}/dimensions/D1/" not in tasks
    check_response = client.get(f"/returns/{return_a.pk}/check/")
    assert check_response.status_code == 200
    check = check_response.content.decode()
    assert "Submit the self-assessment" not in check
    assert ">Change<" not in check
    profile = client.get(f"/returns/{return_a.pk}/profile/").content.decode()
    assert "The profile is up to date" not in profile


@pytest.mark.parametrize("name", READ_ONLY_ON_A)
def test_readers_cannot_change_the_return(client_as, return_a, name):
    client = client_as(name)
    before = snapshot(return_a)
    data = form_data([answer(return_a, "D1.1")], {"D1.1": {"score": 4}})

    assert client.post(indicator_url(return_a, "D1.1"), data).status_code == 403
    assert client.post(f"/returns/{return_a.pk}/check/").status_code == 403
    assert client.post(f"/returns/{return_a.pk}/profile/").status_code == 403

    assert snapshot(return_a) == before
    return_a.refresh_from_db()
    assert return_a.status == Return.Status.DRAFT
    assert return_a.profile_checked_at is None


@pytest.mark.parametrize("name", CANNOT_SEE_A)
def test_out_of_scope_posts_are_not_found(client_as, return_a, name):
    client = client_as(name)
    before = snapshot(return_a)
    data = form_data([answer(return_a, "D1.1")], {"D1.1": {"score": 4}})
    assert client.post(indicator_url(return_a, "D1.1"), data).status_code == 404
    assert client.post(f"/returns/{return_a.pk}/check/").status_code == 404
    assert client.post(f"/returns/{return_a.pk}/profile/").status_code == 404
    assert snapshot(return_a) == before


def test_admin_may_change_the_return(client_as, return_a):
    data = form_data([answer(return_a, "D1.1")], {"D1.1": {"score": 4}})
    response = client_as("admin").post(indicator_url(return_a, "D1.1"), data)
    assert response.status_code == 302
    assert answer(return_a, "D1.1").score == 4


@pytest.mark.parametrize("name", READ_ONLY_ON_A)
def test_readers_cannot_start_a_return(client_as, partnership_a, period_2003, name):
    client = client_as(name)
    url = f"/partnerships/{partnership_a.pk}/returns/new/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"period": period_2003.pk}).status_code == 403
    assert not Return.objects.exists()


@pytest.mark.parametrize("name", ["manager_b", "officer_elsewhere", "no_role"])
def test_start_is_not_found_outside_scope(client_as, partnership_a, period_2003, name):
    client = client_as(name)
    url = f"/partnerships/{partnership_a.pk}/returns/new/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"period": period_2003.pk}).status_code == 404
    assert not Return.objects.exists()


def test_anonymous_is_sent_to_sign_in(anonymous, return_a):
    for url in [
        f"/returns/{return_a.pk}/",
        dimension_url(return_a, "D1"),
        f"/returns/{return_a.pk}/dimensions/D1/D1.1/",
    ]:
        response = anonymous.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url}"

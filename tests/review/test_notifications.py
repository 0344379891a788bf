"""Who is told of each step: by email (queued once the transaction commits,
sent by a background task) and by a notification in the service."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail

from assessment.models import Notification, Return
from assessment.services import return_review
from assessment.workflow import TransitionLost
from partnerships.models import Role
from tests.factories import LLSCRelationshipFactory, LocalLSCFactory, ProfileFactory

from .helpers import (
    SELF_SCORES,
    check_url,
    fill_answers,
    review_data,
    review_url,
    signed_in,
    text,
)


def officer(username: str, llsc, **user) -> object:
    return ProfileFactory(
        user__username=username,
        role=Role.LLSC_OFFICER,
        llsc=llsc,
        **{f"user__{k}": v for k, v in user.items()},
    ).user


@pytest.fixture
def officers(cast, partnership_a, llsc_a, officer_a, officer_a2):
    """Partnership A's LLSC officers: two of LSC A with emails, one without,
    one inactive; and one of a second LSC partnership A is also linked to."""
    second_llsc = LocalLSCFactory(name="North Yorkshire", region=partnership_a.region)
    LLSCRelationshipFactory(partnership=partnership_a, llsc=second_llsc)
    return {
        "officer_a": officer_a,
        "officer_a2": officer_a2,
        "no_email": officer("officer_no_email", llsc_a, email=""),
        "inactive": officer("officer_inactive", llsc_a, is_active=False),
        "second_llsc": officer("officer_north", second_llsc),
    }


MIDDLEWARE = "assessment.notifications.SiteAddressMiddleware"


@pytest.fixture(autouse=True)
def _site_address_middleware(settings):
    """Links in emails follow the request's own address (the test client's
    is http://testserver)."""
    if MIDDLEWARE not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE, MIDDLEWARE]


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def notified(message_part: str) -> list[str]:
    return sorted(
        Notification.objects.filter(message__contains=message_part).values_list(
            "user__username", flat=True
        )
    )


def test_submission_tells_the_llsc_officers(
    officers, return_a, manager_a, django_capture_on_commit_callbacks
):
    fill_answers(return_a, SELF_SCORES)
    client = signed_in(manager_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/returns/{return_a.pk}/check/")
    assert response.status_code == 302
    assert Return.objects.get(pk=return_a.pk).status == "submitted"

    assert recipients() == [
        "officer_a2@example.org",
        "officer_a@example.org",
        "officer_north@example.org",
    ]
    assert all(
        len(message.to) == 1 for message in mail.outbox
    )  # no one sees the others
    message = mail.outbox[0]
    assert message.subject == "Self-assessment submitted: Alpha Learning 2003-04"
    assert (
        "The self-assessment of Alpha Learning 2003-04 was submitted and is ready to "
        "review." in message.body
    )
    assert f"http://testserver/returns/{return_a.pk}/review/" in message.body
    assert message.from_email == settings.DEFAULT_FROM_EMAIL

    # A notification for each officer, the one without an email address too.
    assert notified("was submitted") == [
        "officer_a",
        "officer_a2",
        "officer_no_email",
        "officer_north",
    ]
    assert Notification.objects.filter(
        message__contains="was submitted"
    ).first().url == (review_url(return_a))


def test_no_email_before_commit(officers, return_a, manager_a):
    """Emails wait for the commit (so a rolled-back step sends none): while the
    transaction is open, none has gone."""
    fill_answers(return_a, SELF_SCORES)
    signed_in(manager_a).post(f"/returns/{return_a.pk}/check/")
    assert Return.objects.get(pk=return_a.pk).status == "submitted"
    assert mail.outbox == []


@pytest.fixture
def managers(cast, manager_a, manager_a2, partnership_a):
    """Partnership A's managers: manager_a, manager_a2 and one without email."""
    no_email = ProfileFactory(
        user__username="manager_no_email", user__email="", role=Role.MANAGER
    ).user
    partnership_a.managers.add(no_email)
    return [manager_a, manager_a2, no_email]


@pytest.mark.parametrize(
    ("decision", "reasons", "said", "subject"),
    [
        (
            "accepted",
            "",
            "The self-assessment of Alpha Learning 2003-04 was accepted.",
            "Self-assessment accepted: Alpha Learning 2003-04",
        ),
        (
            "returned",
            "D2 needs more evidence.",
            "The self-assessment of Alpha Learning 2003-04 was returned for revision. "
            "Reasons: D2 needs more evidence.",
            "Self-assessment returned for revision: Alpha Learning 2003-04",
        ),
    ],
)
def test_decision_tells_the_managers(
    managers,
    officers,
    submitted_a,
    officer_a,
    decision,
    reasons,
    said,
    subject,
    django_capture_on_commit_callbacks,
):
    mail.outbox.clear()
    Notification.objects.all().delete()
    client = signed_in(officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            check_url(submitted_a),
            review_data(submitted_a, decision=decision, reasons=reasons),
        )
    assert response.status_code == 302
    assert Return.objects.get(pk=submitted_a.pk).status == decision

    assert recipients() == ["manager_a2@example.org", "manager_a@example.org"]
    for message in mail.outbox:
        assert message.subject == subject
        assert said in message.body
        assert f"http://testserver/returns/{submitted_a.pk}/" in message.body
    assert notified("Alpha Learning 2003-04 was") == [
        "manager_a",
        "manager_a2",
        "manager_no_email",
    ]
    assert set(Notification.objects.values_list("url", flat=True)) == {
        f"/returns/{submitted_a.pk}/"
    }


def test_lost_decision_sends_nothing(
    submitted_a, officer_a, officer_a2, manager_a, django_capture_on_commit_callbacks
):
    stale = Return.objects.get(pk=submitted_a.pk)
    with django_capture_on_commit_callbacks(execute=True):
        return_review(
            return_record=submitted_a,
            user=officer_a,
            agreed={},
            overall_comment="",
            decision="accepted",
        )
    assert recipients() == ["manager_a@example.org"]
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(TransitionLost),
    ):
        return_review(
            return_record=stale,
            user=officer_a2,
            agreed={},
            overall_comment="",
            decision="returned",
            reasons="Too late",
        )
    assert callbacks == []
    assert recipients() == ["manager_a@example.org"]
    assert notified("returned for revision") == []


# The notifications page ---------------------------------------------------------


@pytest.fixture
def inbox(cast, officer_a, officer_elsewhere):
    Notification.objects.create(
        user=officer_a, message="Alpha was submitted", url="/a/"
    )
    Notification.objects.create(user=officer_a, message="Charlie was submitted")
    Notification.objects.create(user=officer_elsewhere, message="Bravo was submitted")


def test_notifications_page_lists_only_ones_own_and_marks_them_read(
    client_as, inbox, officer_a, officer_elsewhere
):
    client = client_as("officer_a")
    response = client.get("/notifications/")
    assert response.status_code == 200
    page = text(response)
    assert "Alpha was submitted" in page
    assert "Charlie was submitted" in page
    assert "Bravo was submitted" not in page
    assert page.count("New") == 2
    assert '<a class="govuk-link" href="/a/">Alpha was submitted</a>' in (
        response.content.decode()
    )
    assert not officer_a.notifications.filter(read_at__isnull=True).exists()
    # Someone else's stay unread.
    assert officer_elsewhere.notifications.get().read_at is None

    again = text(client.get("/notifications/"))
    assert "Alpha was submitted" in again
    assert "New" not in again


def test_no_notifications(client_as, inbox):
    response = client_as("go_a").get("/notifications/")
    assert "You have no notifications." in text(response)


def test_notifications_need_signing_in(client, inbox):
    response = client.get("/notifications/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")

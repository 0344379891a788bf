"""When the database cannot be reached (a restart, a failover): a 503 page
with Retry-After and no stack trace, nothing half-saved, and the next request
served normally without restarting anything."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.test import Client

from assessment.models import Answer

from .assessment.helpers import answers_of, dimension_url, form_data


def _lost_connection(*args, **kwargs):
    raise OperationalError(
        "server closed the connection unexpectedly\n"
        "\tThis probably means the server terminated abnormally"
    )


@pytest.fixture
def client_quiet(client_as) -> Client:
    client = client_as("manager_a")
    client.raise_request_exception = False
    return client


def test_a_database_lost_while_reading_the_session_answers_503(
    client_quiet, monkeypatch
) -> None:
    monkeypatch.setattr(SessionStore, "load", _lost_connection)

    response = client_quiet.get("/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Sorry, the service is unavailable for a moment" in response.text
    assert "Traceback" not in response.text
    assert "OperationalError" not in response.text
    assert "server closed the connection" not in response.text


def test_a_save_that_loses_the_database_half_way_saves_nothing_and_recovers(
    client_quiet, return_a, monkeypatch
) -> None:
    """The answers of a dimension are saved in one transaction: the database
    going away after the first answer leaves none of them changed."""
    answers = answers_of(return_a, "D1")
    before = list(Answer.objects.order_by("pk").values_list("pk", "score", "evidence"))
    real_save = Answer.save
    saved = []

    def save_then_lose(self, *args, **kwargs):
        if saved:
            _lost_connection()
        saved.append(self.pk)
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Answer, "save", save_then_lose)
    changes = {f"D1.{n}": {"score": 4, "evidence": f"New {n}"} for n in (1, 2, 3)}

    response = client_quiet.post(
        dimension_url(return_a, "D1"), form_data(answers, changes)
    )

    assert response.status_code == 503
    assert len(saved) == 1
    after = list(Answer.objects.order_by("pk").values_list("pk", "score", "evidence"))
    assert after == before
    # The database is back: the same client, the same process, saves normally.
    monkeypatch.setattr(Answer, "save", real_save)
    response = client_quiet.post(
        dimension_url(return_a, "D1"), form_data(answers, changes)
    )
    assert response.status_code == 302
    assert Answer.objects.get(pk=answers[0].pk).score == 4


def test_other_errors_are_still_a_plain_500(client_quiet, monkeypatch) -> None:
    def broken(**kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(
        "partnerships.selectors.partnership_list", lambda **kwargs: broken()
    )

    response = client_quiet.get("/")

    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.text
    assert "a bug" not in response.text

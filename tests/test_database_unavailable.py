"""When the database cannot be reached (a restart, a failover): a 503 page
with Retry-After and no stack trace, nothing half-saved, and the next request
served normally without restarting anything."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.test import Client

from assessment.models import Answer

from .assessment.helpers import answer, form_data, indicator_url


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
    """An answer and its history are saved in one transaction: the database
    going away after the answer's row is written leaves it unchanged."""
    d11 = answer(return_a, "D1.1")
    before = list(Answer.objects.order_by("pk").values_list("pk", "score", "evidence"))
    real_save = Answer.save
    saved = []

    def save_then_lose(self, *args, **kwargs):
        real_save(self, *args, **kwargs)
        saved.append(self.pk)
        _lost_connection()

    monkeypatch.setattr(Answer, "save", save_then_lose)
    data = form_data([d11], {"D1.1": {"score": 4, "evidence": "New"}})

    response = client_quiet.post(indicator_url(return_a, "D1.1"), data)

    assert response.status_code == 503
    assert saved == [d11.pk]
    after = list(Answer.objects.order_by("pk").values_list("pk", "score", "evidence"))
    assert after == before
    # The database is back: the same client, the same process, saves normally.
    monkeypatch.setattr(Answer, "save", real_save)
    response = client_quiet.post(indicator_url(return_a, "D1.1"), data)
    assert response.status_code == 302
    assert Answer.objects.get(pk=d11.pk).score == 4

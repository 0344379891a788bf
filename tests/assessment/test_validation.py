"""What an indicator's page refuses: too much text, scores off the scale, a
form without its version, unknown dimensions and indicators. Nothing is saved
from a refused page."""

from __future__ import annotations

import pytest

from assessment.models import Answer

from .helpers import answer, dimension_url, form_data, indicator_url, snapshot


@pytest.fixture
def post(client_as, return_a):
    """POST an indicator's page of D1 as manager_a with changes; check nothing
    was saved when the page is shown again with errors."""
    client = client_as("manager_a")

    def send(code, changes, drop: tuple[str, ...] = (), action: str = "continue"):
        before = snapshot(return_a)
        data = form_data([answer(return_a, code)], {code: changes}, action=action)
        for name in drop:
            del data[name]
        response = client.post(indicator_url(return_a, code), data)
        assert response.status_code == 200, "the page should be shown again"
        assert snapshot(return_a) == before, "nothing should be saved"
        return response

    return send


def errors(response) -> list[str]:
    form = response.context["form"]
    return [e for field in form.errors.values() for e in field]


def test_evidence_over_5000_characters_is_refused(post):
    response = post("D1.3", {"evidence": "x" * 5001, "score": 2})
    assert errors(response) == ["Evidence for D1.3 must be 5,000 characters or fewer"]
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Evidence for D1.3 must be 5,000 characters or fewer" in html
    # What was typed is kept for the user to shorten, and leaving the page
    # warns that it is not saved.
    assert "x" * 5001 in html
    assert 'data-warn-unsaved="from-start"' in html


def test_evidence_of_5000_characters_is_accepted(client_as, return_a):
    d13 = answer(return_a, "D1.3")
    response = client_as("manager_a").post(
        indicator_url(return_a, "D1.3"),
        form_data([d13], {"D1.3": {"evidence": "y" * 5000}}),
    )
    assert response.status_code == 302
    assert Answer.objects.get(pk=d13.pk).evidence == "y" * 5000


def test_evidence_of_5000_characters_with_line_breaks_is_accepted(client_as, return_a):
    text = ("z" * 99 + "\r\n") * 50  # 5,000 characters with LF, 5,050 with CRLF
    d11 = answer(return_a, "D1.1")
    response = client_as("manager_a").post(
        indicator_url(return_a, "D1.1"), form_data([d11], {"D1.1": {"evidence": text}})
    )
    assert response.status_code == 302
    assert len(Answer.objects.get(pk=d11.pk).evidence) == 4999  # stripped


def test_line_breaks_are_stored_as_lf(client_as, return_a):
    d11 = answer(return_a, "D1.1")
    client_as("manager_a").post(
        indicator_url(return_a, "D1.1"),
        form_data([d11], {"D1.1": {"evidence": "one\r\ntwo"}}),
    )
    assert Answer.objects.get(pk=d11.pk).evidence == "one\ntwo"


def test_barriers_over_2000_characters_are_refused(post):
    response = post("D1.5", {"barriers": "b" * 2001})
    assert errors(response) == ["Barriers for D1.5 must be 2,000 characters or fewer"]


def test_planned_action_over_2000_characters_is_refused(post):
    response = post("D1.7", {"planned_action": "p" * 2001})
    assert errors(response) == [
        "Planned future action for D1.7 must be 2,000 characters or fewer"
    ]


@pytest.mark.parametrize("score", [9, 0, -1, "abc", "2.5"])
def test_score_off_the_scale_is_refused(post, score):
    response = post("D1.2", {"score": score, "evidence": "Typed"})
    assert errors(response) == ["Select a score for D1.2 from the scale"]


@pytest.mark.parametrize("version", [None, "", "abc"])
def test_missing_or_bad_version_is_refused(post, return_a, version):
    name = f"version-{answer(return_a, 'D1.4').pk}"
    if version is None:
        response = post("D1.4", {"score": 2}, drop=(name,))
    else:
        response = post("D1.4", {"score": 2, "version": version})
    assert (
        "The page was out of date. Reload it and enter your answer again."
        in response.content.decode()
    )


def test_every_error_is_reported_at_once(post):
    response = post(
        "D1.1", {"score": 7, "evidence": "e" * 5001, "barriers": "b" * 2001}
    )
    assert sorted(errors(response)) == [
        "Barriers for D1.1 must be 2,000 characters or fewer",
        "Evidence for D1.1 must be 5,000 characters or fewer",
        "Select a score for D1.1 from the scale",
    ]


def test_unknown_dimension_or_indicator_is_not_found(client_as, return_a):
    client = client_as("manager_a")
    before = snapshot(return_a)
    data = form_data([answer(return_a, "D1.1")], {"D1.1": {"score": 2}})
    base = f"/returns/{return_a.pk}/dimensions"
    for url in (f"{base}/D9/D1.1/", f"{base}/D1/D9.9/", f"{base}/D2/D1.1/"):
        assert client.post(url, data).status_code == 404, url
        assert client.get(url).status_code == 404, url
    assert client.get(dimension_url(return_a, "D9")).status_code == 404
    assert snapshot(return_a) == before


def test_the_dimension_page_saves_nothing(client_as, return_a):
    """Answers are saved on the indicators' pages only: the dimension's page
    lists them and takes no POST."""
    client = client_as("manager_a")
    before = snapshot(return_a)
    data = form_data([answer(return_a, "D1.1")], {"D1.1": {"score": 2}})
    assert client.post(dimension_url(return_a, "D1"), data).status_code == 405
    assert snapshot(return_a) == before

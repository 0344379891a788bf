"""What a dimension page refuses: too much text, scores off the scale, a form
without versions, unknown dimensions. Nothing is saved from a refused page."""

from __future__ import annotations

import pytest

from assessment.models import Answer

from .helpers import answers_of, dimension_url, form_data, snapshot


@pytest.fixture
def post(client_as, return_a):
    """POST the D1 page as manager_a with changes; check nothing was saved
    when the page is shown again with errors."""
    client = client_as("manager_a")

    def send(changes, drop: tuple[str, ...] = (), action: str = "continue"):
        before = snapshot(return_a)
        answers = answers_of(return_a, "D1")
        data = form_data(answers, changes, action=action)
        for name in drop:
            del data[name]
        response = client.post(dimension_url(return_a, "D1"), data)
        assert response.status_code == 200, "the page should be shown again"
        assert snapshot(return_a) == before, "nothing should be saved"
        return response

    return send


def errors(response) -> list[str]:
    form = response.context["form"]
    return [e for field in form.errors.values() for e in field]


def test_evidence_over_5000_characters_is_refused(post):
    response = post(
        {"D1.3": {"evidence": "x" * 5001, "score": 2}, "D1.1": {"score": 3}}
    )
    assert errors(response) == ["Evidence for D1.3 must be 5,000 characters or fewer"]
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Evidence for D1.3 must be 5,000 characters or fewer" in html
    # What was typed is kept for the user to shorten.
    assert "x" * 5001 in html


def test_evidence_of_5000_characters_is_accepted(client_as, return_a):
    answers = answers_of(return_a, "D1")
    response = client_as("manager_a").post(
        dimension_url(return_a, "D1"),
        form_data(answers, {"D1.3": {"evidence": "y" * 5000}}),
    )
    assert response.status_code == 302
    assert Answer.objects.get(pk=answers[2].pk).evidence == "y" * 5000


def test_evidence_of_5000_characters_with_line_breaks_is_accepted(client_as, return_a):
    text = ("z" * 99 + "\r\n") * 50  # 5,000 characters with LF, 5,050 with CRLF
    answers = answers_of(return_a, "D1")
    response = client_as("manager_a").post(
        dimension_url(return_a, "D1"), form_data(answers, {"D1.1": {"evidence": text}})
    )
    assert response.status_code == 302
    assert len(Answer.objects.get(pk=answers[0].pk).evidence) == 4999  # stripped


def test_line_breaks_are_stored_as_lf(client_as, return_a):
    answers = answers_of(return_a, "D1")
    client_as("manager_a").post(
        dimension_url(return_a, "D1"),
        form_data(answers, {"D1.1": {"evidence": "one\r\ntwo"}}),
    )
    assert Answer.objects.get(pk=answers[0].pk).evidence == "one\ntwo"


def test_barriers_over_2000_characters_are_refused(post):
    response = post({"D1.5": {"barriers": "b" * 2001}})
    assert errors(response) == ["Barriers for D1.5 must be 2,000 characters or fewer"]


def test_planned_action_over_2000_characters_is_refused(post):
    response = post({"D1.7": {"planned_action": "p" * 2001}})
    assert errors(response) == [
        "Planned future action for D1.7 must be 2,000 characters or fewer"
    ]


@pytest.mark.parametrize("score", [9, 0, -1, "abc", "2.5"])
def test_score_off_the_scale_is_refused(post, score):
    response = post(
        {"D1.2": {"score": score, "evidence": "Typed"}, "D1.1": {"score": 1}}
    )
    assert errors(response) == ["Select a score for D1.2 from the scale"]


@pytest.mark.parametrize("version", [None, "", "abc"])
def test_missing_or_bad_version_is_refused(post, return_a, version):
    d1 = answers_of(return_a, "D1")
    name = f"version-{d1[3].pk}"
    if version is None:
        response = post({"D1.1": {"score": 2}}, drop=(name,))
    else:
        response = post({"D1.1": {"score": 2}, "D1.4": {"version": version}})
    assert (
        "The page was out of date. Reload it and enter your answers again."
        in response.content.decode()
    )


def test_every_error_is_reported_at_once(post):
    response = post(
        {
            "D1.1": {"score": 7},
            "D1.2": {"evidence": "e" * 5001},
            "D1.6": {"barriers": "b" * 2001},
        }
    )
    assert sorted(errors(response)) == [
        "Barriers for D1.6 must be 2,000 characters or fewer",
        "Evidence for D1.2 must be 5,000 characters or fewer",
        "Select a score for D1.1 from the scale",
    ]


def test_unknown_dimension_is_not_found(client_as, return_a):
    client = client_as("manager_a")
    before = snapshot(return_a)
    data = form_data(answers_of(return_a, "D1"), {"D1.1": {"score": 2}})
    assert client.post(dimension_url(return_a, "D9"), data).status_code == 404
    assert client.get(dimension_url(return_a, "D9")).status_code == 404
    assert snapshot(return_a) == before


def test_answers_of_another_dimension_are_ignored(client_as, return_a):
    """Posting D2's fields to the D1 page saves nothing of D2."""
    client = client_as("manager_a")
    data = form_data(answers_of(return_a, "D1"))
    data.update(form_data(answers_of(return_a, "D2"), {"D2.1": {"score": 4}}))
    response = client.post(dimension_url(return_a, "D1"), data)
    assert response.status_code == 302
    assert (
        not Answer.objects.filter(return_record=return_a).exclude(score=None).exists()
    )

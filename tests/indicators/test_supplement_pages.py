"""Local statements through the pages: a GO officer adds and publishes their
region's statements, its partnerships' managers meet them labelled on the
task list and the dimension and indicator pages, and the regional view keeps
them apart from every national figure."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from assessment.models import Answer, Return
from assessment.services import return_start
from indicators.models import Supplement
from indicators.supplements import supplement_import_file, supplement_publish
from tests.assessment.helpers import post_answer
from tests.dashboard.conftest import make_return
from tests.factories import LearningPartnershipFactory

from .test_supplements import _yaml

LABEL = "Local statement: Yorkshire and the Humber"


def _login(client: Client, user) -> Client:
    client.force_login(user, backend="partnerships.backends.PasswordBackend")
    return client


@pytest.fixture
def published(framework, period_2003, go_a) -> Supplement:
    supplement = supplement_import_file(content=_yaml(), user=go_a)
    return supplement_publish(supplement=supplement, user=go_a)


def test_go_officer_adds_and_publishes_their_regions_statements(
    client, framework, period_2003, go_a, partnership_a, manager_a
):
    draft = return_start(partnership=partnership_a, period=period_2003, user=manager_a)
    _login(client, go_a)
    upload = SimpleUploadedFile("local.yaml", _yaml(), "application/yaml")
    response = client.post("/frameworks/local/import/", {"file": upload})
    supplement = Supplement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/frameworks/local/{supplement.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "D2.L2" in page and "Publish these statements" in page
    dimension = framework.dimensions.get(code="D3")
    response = client.post(
        f"/frameworks/local/{supplement.pk}/statements/add/",
        {"dimension": dimension.pk, "statement": "Runs a Humber bidding clinic."},
    )
    assert response.status_code == 302
    assert supplement.indicators.filter(code="D3.L1").exists()
    assert not draft.answers.filter(indicator__supplement=supplement).exists()
    response = client.post(f"/frameworks/local/{supplement.pk}/publish/")
    assert response.status_code == 302
    supplement.refresh_from_db()
    assert supplement.is_published
    assert set(
        draft.answers.filter(indicator__supplement=supplement).values_list(
            "indicator__code", flat=True
        )
    ) == {"D2.L1", "D2.L2", "D3.L1", "D4.L1"}
    # Published: no more statements, only a new version.
    page = client.get(f"/frameworks/local/{supplement.pk}/").content.decode()
    assert "Make a new draft version" in page and "Add a statement" not in page
    response = client.post(
        f"/frameworks/local/{supplement.pk}/statements/add/",
        {"dimension": dimension.pk, "statement": "Too late."},
    )
    assert response.status_code == 302
    assert not supplement.indicators.filter(statement="Too late.").exists()


def test_file_problems_are_listed_by_line(client, framework, period_2003, go_a):
    _login(client, go_a)
    upload = SimpleUploadedFile(
        "local.yaml", _yaml(**{"code: D2.L1": "code: D2.1"}), "application/yaml"
    )
    page = client.post("/frameworks/local/import/", {"file": upload}).content.decode()
    assert "The file was not imported: 1 problem" in page
    assert (
        "line 10, dimensions[0].indicators[0].code: &#x27;D2.1&#x27; is not a code"
        in page
    )
    assert not Supplement.objects.exists()


def test_scoping(client, published, go_elsewhere, officer_a, officer_elsewhere):
    url = f"/frameworks/local/{published.pk}/"
    assert _login(client, go_elsewhere).get(url).status_code == 404
    assert _login(client, officer_elsewhere).get(url).status_code == 404
    # officer_a's local LSC is in the region: they read it, they do not change it.
    assert _login(client, officer_a).get(url).status_code == 200
    assert client.post(f"{url}new-version/").status_code == 403
    assert (
        "Yorkshire local statements"
        in client.get("/frameworks/local/").content.decode()
    )
    listing = _login(client, go_elsewhere).get("/frameworks/local/").content.decode()
    assert "Yorkshire local statements" not in listing


def test_export_downloads_each_format(client, published, go_a):
    _login(client, go_a)
    response = client.get(f"/frameworks/local/{published.pk}/export/")
    assert b"D2.L1" in response.content and b"region: YH" in response.content
    response = client.get(f"/frameworks/local/{published.pk}/export/?format=xlsx")
    assert response.content.startswith(b"PK")
    assert (
        client.get(f"/frameworks/local/{published.pk}/export/?format=x").status_code
        == 404
    )


def test_list_query_count_is_constant(
    client, framework, period_2003, go_a, django_assert_num_queries
):
    _login(client, go_a)

    def add(count: int) -> None:
        start = Supplement.objects.count()
        for n in range(start, start + count):
            supplement_import_file(
                content=_yaml(**{"version: 1\n": f"version: {n + 1}\n"}), user=go_a
            )

    add(2)
    # 1 session, 2 user with their profile, 3 the supplements with their framework,
    # period and area.
    with django_assert_num_queries(3):
        assert client.get("/frameworks/local/").status_code == 200
    add(18)
    with django_assert_num_queries(3):
        page = client.get("/frameworks/local/").content.decode()
    assert page.count("Yorkshire local statements") == 20


def test_task_list_and_pages_label_local_statements(
    client, published, partnership_a, manager_a, period_2003
):
    draft = return_start(partnership=partnership_a, period=period_2003, user=manager_a)
    _login(client, manager_a)
    tasks = client.get(f"/returns/{draft.pk}/").content.decode()
    assert LABEL in tasks
    assert "0 of 9 indicators scored" in tasks  # D2: 7 national and 2 local
    dimension = client.get(f"/returns/{draft.pk}/dimensions/D2/").content.decode()
    assert "D2.L1 The partnership runs a Humber-wide" in dimension
    assert dimension.count(LABEL) == 2
    indicator = client.get(f"/returns/{draft.pk}/dimensions/D2/D2.L2/")
    assert LABEL in indicator.content.decode()
    assert "indicator 9 of 9" in indicator.content.decode()
    saved = post_answer(client, draft, "D2.L2", {"score": 3})
    assert saved.status_code == 302
    assert draft.answers.get(indicator__code="D2.L2").score == 3


def test_task_list_query_count_is_constant(
    client, published, partnership_a, manager_a, period_2003, django_assert_num_queries
):
    """The labels come with the answers: no query per local statement."""
    draft = return_start(partnership=partnership_a, period=period_2003, user=manager_a)
    _login(client, manager_a)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(f"/returns/{draft.pk}/dimensions/D2/")
    for n in range(3, 23):
        published.indicators.create(
            dimension=published.framework.dimensions.get(code="D2"),
            code=f"D2.L{n}",
            statement=f"Statement {n}",
            order=100 + n,
        )
        Answer.objects.create(
            return_record=draft, indicator=published.indicators.get(code=f"D2.L{n}")
        )
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(f"/returns/{draft.pk}/dimensions/D2/").content.decode()
    assert page.count(LABEL) == 22


def test_regional_view_keeps_local_statements_apart(
    client, published, go_a, partnership_a, partnership_b, period_2003, region_a
):
    """Hand-built: Yorkshire's A scores 2 on every national indicator and 4 on
    its local statements; Yorkshire's second partnership 2 on everything but
    D2.L1 (1); the North East's B scores 3. The dimension figures and
    England's medians are those of the national indicators alone; the local
    statements have their own labelled means."""
    make_return(
        partnership_a,
        period_2003,
        self_scores={"D1": 2, "D2": 2, "D3": 2, "D4": 2},
    )
    Answer.objects.filter(indicator__supplement=published).update(score=4)
    second = LearningPartnershipFactory(name="Second Yorkshire", region=region_a)
    make_return(second, period_2003, self_scores={"D1": 2, "D2": 2, "D3": 2, "D4": 2})
    Answer.objects.filter(
        return_record__partnership=second, indicator__code="D2.L1"
    ).update(score=1)
    make_return(
        partnership_b, period_2003, self_scores={"D1": 3, "D2": 3, "D3": 3, "D4": 3}
    )
    assert Return.objects.filter(partnership=partnership_b).get().answers.count() == 28
    from assessment.figures import figures_refresh

    figures_refresh(period=period_2003)
    _login(client, go_a)
    response = client.get("/dashboard/?period=2003-04")
    data = response.context["data"]
    assert data.regional_median == {"D1": 2.0, "D2": 2.0, "D3": 2.0, "D4": 2.0}
    assert data.national_median == {"D1": 2.0, "D2": 2.0, "D3": 2.0, "D4": 2.0}
    assert {row.partnership.name: row.overall for row in data.rows} == {
        "Alpha Learning": 2.0,
        "Second Yorkshire": 2.0,
    }
    assert [(s.label, s.code, s.mean, s.scored) for s in data.local_statements] == [
        (LABEL, "D2.L1", 2.5, 2),
        (LABEL, "D2.L2", 3.0, 2),
        (LABEL, "D4.L1", 3.0, 2),
    ]
    page = response.content.decode()
    assert (
        '<h2 class="govuk-heading-l" id="local-statements">Local statements</h2>'
        in page
    )
    assert page.count(LABEL) == 3


def test_score_export_labels_local_statements(
    client, published, go_a, partnership_a, period_2003
):
    make_return(partnership_a, period_2003, self_scores={"D2": 3})
    _login(client, go_a)
    response = client.get("/dashboard/scores.csv?period=2003-04")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert f"{LABEL}. The partnership runs a Humber-wide" in text
    assert text.count("Local statement:") == 3


def test_statements_started_without_a_file(
    client, framework, period_2003, go_a, admin, llsc_other
):
    _login(client, go_a)
    response = client.post(
        "/frameworks/local/new/",
        {"name": "Humber statements", "period": period_2003.pk},
    )
    supplement = Supplement.objects.get()
    assert response["Location"] == f"/frameworks/local/{supplement.pk}/"
    assert (supplement.region.code, supplement.version) == ("YH", 1)
    assert not supplement.is_published and supplement.created_by == go_a
    # An administrator chooses the area: one, not none.
    _login(client, admin)
    page = client.post(
        "/frameworks/local/new/", {"name": "Anywhere", "period": period_2003.pk}
    ).content.decode()
    assert "Choose either a region or a local LSC" in page
    client.post(
        "/frameworks/local/new/",
        {"name": "Tyne", "period": period_2003.pk, "local_lsc": llsc_other.pk},
    )
    assert Supplement.objects.get(local_lsc=llsc_other).name == "Tyne"


def test_regional_pdf_has_the_local_statements_apart(
    client, published, go_a, partnership_a, period_2003
):
    from tests.dashboard.test_regional_pdf import _text, summary_pdf

    make_return(partnership_a, period_2003, self_scores={"D2": 3, "D4": 3})
    text = _text(summary_pdf(_login(client, go_a), {"period": "2003-04"}))
    assert "Local statements" in text
    assert f"{LABEL} D2.L1 The partnership runs a Humber-wide" in text


def test_detail_query_count_is_constant(
    client, published, go_a, django_assert_num_queries
):
    _login(client, go_a)
    url = f"/frameworks/local/{published.pk}/"
    # 1 session, 2 user with their profile, 3 the supplement with its framework,
    # period and area, 4 its statements with their dimensions.
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 200
    for n in range(2, 22):
        published.indicators.create(
            dimension=published.framework.dimensions.get(code="D3"),
            code=f"D3.L{n}",
            statement=f"Statement {n}",
            order=100 + n,
        )
    with django_assert_num_queries(4):
        page = client.get(url).content.decode()
    assert "D3.L21" in page


def test_review_and_return_document_label_local_statements(
    client, published, partnership_a, manager_a, officer_a, period_2003
):
    submitted = make_return(partnership_a, period_2003, self_scores={"D2": 3, "D4": 2})
    _login(client, officer_a)
    client.post(f"/returns/{submitted.pk}/review/start/")
    review = client.get(f"/returns/{submitted.pk}/review/D2/").content.decode()
    assert review.count(LABEL) == 2 and "D2.L2" in review
    document = client.get(f"/returns/{submitted.pk}/document/").content.decode()
    assert document.count(LABEL) == 3


def test_a_draft_statement_is_removed_a_published_one_never(client, published, go_a):
    _login(client, go_a)
    first = published.indicators.get(code="D2.L1")
    url = f"/frameworks/local/{published.pk}/statements/{first.pk}/remove/"
    assert client.post(url).status_code == 302
    assert published.indicators.filter(pk=first.pk).exists()
    client.post(f"/frameworks/local/{published.pk}/new-version/")
    second = Supplement.objects.get(version=2)
    copy = second.indicators.get(code="D2.L1")
    page = client.get(f"/frameworks/local/{second.pk}/").content.decode()
    assert 'Remove<span class="govuk-visually-hidden"> D2.L1' in page
    client.post(f"/frameworks/local/{second.pk}/statements/{copy.pk}/remove/")
    assert set(second.indicators.values_list("code", flat=True)) == {"D2.L2", "D4.L1"}
    # Another supplement's statement is not found under this one.
    other = f"/frameworks/local/{second.pk}/statements/{first.pk}/remove/"
    assert client.post(other).status_code == 404

"""Summary PDFs of the regional view, made in the background: asked for by a
POST, made by a task (the immediate backend: made by the time the request
answers), followed on a page and its progress JSON, served again while the
figures are the same, only to the same scope, expired after a week."""

from __future__ import annotations

import datetime
import io
import logging
import os
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from assessment.models import Answer, EngagementRating
from assessment.services import rating_save, review_start
from partnerships.models import LSPRelationship, Role
from plans.models import DevelopmentPlan
from reports import pdf
from reports.models import SummaryDocument
from reports.selectors import DashboardFilters
from reports.summaries import build_summary, summaries_prune, summaries_recover
from reports.summary_figures import filters_key, summary_fingerprint
from tests.factories import LearningPartnershipFactory, ProfileFactory

STUB = b"%PDF-1.7 not laid out"
LONG_AGO = datetime.timedelta(hours=1)


@pytest.fixture
def quick_pdf(monkeypatch):
    """WeasyPrint left out: what is tested here is who gets which document
    when, not the layout (test_regional_pdf.py lays one out)."""
    sources: list[str] = []

    def stub(html: str) -> bytes:
        sources.append(html)
        return STUB

    monkeypatch.setattr(pdf, "html_to_pdf", stub)
    return sources


def ask(client: Client, **filters: str):
    return client.post("/dashboard/summary/", {"period": "2003-04", **filters})


def download(client: Client, document: SummaryDocument):
    response = client.get(f"/summaries/{document.pk}/download/")
    if response.status_code == 200:
        response.content_bytes = b"".join(response.streaming_content)
    return response


# Asking, and being served.


def test_asking_makes_one_summary_and_shows_its_page(region_set, client_as, quick_pdf):
    client = client_as("go_a")

    response = ask(client)

    document = SummaryDocument.objects.get()
    assert response["Location"] == f"/summaries/{document.pk}/"
    assert (document.scope, document.region.code) == ("region", "YH")
    assert document.title == "Yorkshire and the Humber"
    # Aire, Calder, Derwent, Esk and the cast's partnership A.
    assert (document.status, document.step, document.total) == ("complete", 5, 5)
    assert document.expires_at - document.finished_at == datetime.timedelta(days=7)
    assert len(quick_pdf) == 1
    assert "Aire Partnership" in quick_pdf[0]
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Download the summary (PDF)" in page.text
    assert f'href="/summaries/{document.pk}/download/"' in page.text
    assert 'http-equiv="refresh"' not in page.text
    assert "progress.js" not in page.text  # nothing left to follow
    got = download(client, document)
    assert got["Content-Type"] == "application/pdf"
    assert got.content_bytes == STUB
    assert (
        "regional-summary-yorkshire-and-the-humber-2003-04.pdf"
        in (got["Content-Disposition"])
    )


def test_the_dashboards_button_asks_with_its_filters(region_set, client_as):
    page = client_as("go_a").get(
        "/dashboard/", {"period": "2003-04", "structure_model": "shire"}
    )

    form = page.text.split('action="/dashboard/summary/"')[1].split("</form>")[0]
    form_tag = page.text.split('action="/dashboard/summary/"')[0][-60:]
    assert 'method="post"' in form_tag
    assert 'id="regional-summary-form"' in form_tag
    assert 'name="csrfmiddlewaretoken"' in form
    assert '<input type="hidden" name="period" value="2003-04">' in form
    assert '<input type="hidden" name="structure_model" value="shire">' in form
    # The button sits with the other downloads and belongs to the form by its
    # form attribute.
    button = page.text.split("Download the regional summary (PDF)")[0]
    assert 'form="regional-summary-form"' in button.rsplit("<button", 1)[1]
    assert 'name="region"' not in form  # not chosen: not sent


def test_the_same_figures_are_served_at_once(region_set, client_as, quick_pdf):
    client = client_as("go_a")
    ask(client)
    document = SummaryDocument.objects.get()

    again = ask(client)

    assert again["Location"] == f"/summaries/{document.pk}/download/"
    assert SummaryDocument.objects.count() == 1
    assert len(quick_pdf) == 1  # not made again
    # Another GO officer of the same region gets the same one.
    colleague = ProfileFactory(role=Role.GO_OFFICER, region=document.region).user
    other = Client()
    other.force_login(colleague, backend="partnerships.backends.PasswordBackend")
    assert ask(other)["Location"] == f"/summaries/{document.pk}/download/"
    assert download(other, document).status_code == 200


def test_a_summary_being_made_is_not_asked_for_twice(region_set, client_as, settings):
    """Without a worker the summary waits; asking again goes to the same page."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = client_as("go_a")

    first = ask(client)
    second = ask(client)

    document = SummaryDocument.objects.get()
    assert document.status == "queued"
    assert first["Location"] == second["Location"] == f"/summaries/{document.pk}/"
    page = client.get(first["Location"])
    assert "waiting for a worker" in page.text
    assert download(client, document).status_code == 404


def test_a_changed_score_makes_a_new_summary(region_set, client_as, quick_pdf):
    client = client_as("go_a")
    ask(client)
    first = SummaryDocument.objects.get()
    answer = Answer.objects.filter(return_record=region_set.aire_2003).first()
    answer.agreed_score = 1 if answer.agreed_score != 1 else 2
    answer.save(update_fields=["agreed_score"])  # as the review saves it

    response = ask(client)

    second = SummaryDocument.objects.exclude(pk=first.pk).get()
    assert response["Location"] == f"/summaries/{second.pk}/"
    assert second.fingerprint != first.fingerprint
    assert len(quick_pdf) == 2
    # The first stays downloadable until it expires.
    assert download(client, first).status_code == 200


def test_other_filters_make_another_summary(region_set, client_as, quick_pdf):
    client = client_as("go_a")
    ask(client)

    ask(client, structure_model="shire")

    filtered = SummaryDocument.objects.get(filters="structure_model=shire")
    assert filtered.status == "complete"
    assert "Calder" in quick_pdf[1] and "Aire Partnership" not in quick_pdf[1]
    page = client_as("go_a").get(f"/summaries/{filtered.pk}/")
    assert "Structure model: Shire" in page.text


def test_the_filters_key_is_the_same_whatever_the_order(region_set):
    filters = DashboardFilters(
        llsc=region_set.llsc_y2, structure_model="shire", funded_lsp=True
    )
    assert filters_key(filters) == (
        f"funded_lsp=on&llsc={region_set.llsc_y2.pk}&structure_model=shire"
    )
    assert filters_key(DashboardFilters()) == ""


def test_an_llsc_officers_summary_holds_their_area(region_set, client_as, quick_pdf):
    ask(client_as("officer_a"))

    document = SummaryDocument.objects.get()
    assert (document.scope, document.llsc_id) == ("llsc", region_set.llsc_a.pk)
    assert document.title == str(region_set.llsc_a)
    # Local LSC A: Aire and Calder only.
    assert "Aire Partnership" in quick_pdf[0] and "Calder" in quick_pdf[0]
    assert "Derwent" not in quick_pdf[0]


def test_a_national_administrators_summary_is_of_england(
    region_set, client_as, quick_pdf
):
    ask(client_as("admin"))

    document = SummaryDocument.objects.get()
    assert (document.scope, document.title) == ("england", "England")
    assert "Tees Partnership" in quick_pdf[0]


# Only the same scope.


def test_only_the_same_scope_sees_a_summary(region_set, client_as, quick_pdf):
    ask(client_as("go_a"))
    document = SummaryDocument.objects.get()
    urls = [
        f"/summaries/{document.pk}/",
        f"/summaries/{document.pk}/progress.json",
        f"/summaries/{document.pk}/download/",
    ]

    for name, status in (
        ("go_elsewhere", 404),
        ("officer_a", 404),  # an LLSC officer of partnerships in the region
        ("manager_a", 404),
        ("admin", 200),
        ("go_a", 200),
    ):
        client = client_as(name)
        for url in urls:
            assert client.get(url).status_code == status, (name, url)
    for url in urls:
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_a_summary_is_not_made_for_someone_whose_area_changed(
    region_set, go_a, go_elsewhere, period_2003, quick_pdf
):
    document = SummaryDocument.objects.create(
        period=period_2003,
        scope="region",
        region=go_elsewhere.profile.region,
        title="North East",
        fingerprint="x",
        created_by=go_a,
    )

    build_summary.call(document.pk)

    document.refresh_from_db()
    assert document.status == "failed"
    assert document.error == "the person who asked for it no longer has these figures"
    assert quick_pdf == []


# Progress.


def test_the_progress_json_follows_the_steps(region_set, client_as, go_a, period_2003):
    document = SummaryDocument.objects.create(
        period=period_2003,
        scope="region",
        region=go_a.profile.region,
        title="Yorkshire and the Humber",
        fingerprint="x",
        created_by=go_a,
    )
    client = client_as("go_a")
    url = f"/summaries/{document.pk}/progress.json"

    def progress(**fields):
        SummaryDocument.objects.filter(pk=document.pk).update(
            progress_at=timezone.now(), **fields
        )
        response = client.get(url)
        assert response["Cache-Control"] == "no-store"
        return response.json()

    assert progress() == {
        "status": "queued",
        "label": "Waiting to start",
        "message": "The summary is waiting for a worker to start it.",
        "finished": False,
        "download_url": "",
        "tag_colour": "grey",
    }
    running = progress(status="running", step=2, done=12, total=110)
    assert running["message"] == (
        "Step 2 of 5: drawing the charts, 12 of 110 partnerships."
    )
    assert (running["label"], running["tag_colour"]) == ("Being made", "blue")
    assert progress(step=4, pages=57)["message"] == (
        "Step 4 of 5: laying out the pages, 57 so far."
    )
    assert progress(step=5, pages=131)["message"] == (
        "Step 5 of 5: writing the PDF (131 pages)."
    )
    failed = progress(status="failed", error="a worker stopped while making it, twice")
    assert failed["finished"] and failed["download_url"] == ""
    assert failed["message"].startswith(
        "The summary could not be made: a worker stopped while making it, twice."
    )
    ready = progress(status="complete", pages=131, total=110)
    assert ready["finished"]
    assert ready["download_url"] == f"/summaries/{document.pk}/download/"
    assert ready["message"] == "The summary is ready: 131 pages, 110 partnerships."


def test_the_page_of_a_summary_being_made_follows_it_without_reloading(
    region_set, client_as, go_a, period_2003
):
    document = SummaryDocument.objects.create(
        period=period_2003,
        scope="region",
        region=go_a.profile.region,
        title="Yorkshire and the Humber",
        fingerprint="x",
        created_by=go_a,
        status="running",
        step=2,
        done=3,
        total=4,
        progress_at=timezone.now(),
    )

    page = client_as("go_a").get(f"/summaries/{document.pk}/").text

    assert 'http-equiv="refresh"' not in page
    assert '<script type="module" src="/static/js/progress.js"></script>' in page
    assert f'data-progress-url="/summaries/{document.pk}/progress.json"' in page
    assert 'role="status" aria-live="polite"' in page
    assert "Step 2 of 5: drawing the charts, 3 of 4 partnerships." in page
    # Without script: a link, not a timed reload.
    assert f'<a class="govuk-link" href="/summaries/{document.pk}/">Refresh' in page


def test_layout_progress_is_recorded_and_the_log_left_as_it_was(region_set, client_as):
    """A real layout: WeasyPrint's page count reaches the summary, and its
    progress logger is back to how it was."""
    progress_logger = logging.getLogger("weasyprint.progress")
    before = (progress_logger.level, progress_logger.propagate)

    ask(client_as("go_a"), structure_model="unitary")  # Aire alone: fast

    document = SummaryDocument.objects.get()
    assert document.status == "complete"
    reader = PdfReader(io.BytesIO(document.file.read()))
    assert document.pages == len(reader.pages) > 1
    assert (progress_logger.level, progress_logger.propagate) == before
    assert progress_logger.handlers == []


def test_the_request_only_queues_the_summary(region_set, client_as, settings):
    """No PDF is laid out inside the request: with a real queue the summary
    waits for a worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with mock.patch.object(pdf, "html_to_pdf") as layout:
        ask(client_as("go_a"))
    layout.assert_not_called()
    assert SummaryDocument.objects.get().status == "queued"


# Failure, a killed worker, expiry.


def test_a_failure_is_shown_and_asking_again_makes_a_new_one(
    region_set, client_as, monkeypatch, caplog
):
    client = client_as("go_a")
    monkeypatch.setattr(pdf, "html_to_pdf", mock.Mock(side_effect=OSError("disk")))

    ask(client)

    failed = SummaryDocument.objects.get()
    assert failed.status == "failed"
    assert "disk" in caplog.text  # the cause is in the log, not on the page
    page = client.get(f"/summaries/{failed.pk}/").text
    assert "The summary could not be made: an error stopped it" in page
    assert "disk" not in page
    assert download(client, failed).status_code == 404
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html: STUB)
    response = ask(client)
    made = SummaryDocument.objects.exclude(pk=failed.pk).get()
    assert response["Location"] == f"/summaries/{made.pk}/"
    assert made.status == "complete"


@pytest.fixture
def killed(region_set, go_a, period_2003, quick_pdf):
    """A summary whose worker died while laying it out: running, nothing moving
    for an hour."""
    return SummaryDocument.objects.create(
        period=period_2003,
        scope="region",
        region=go_a.profile.region,
        title="Yorkshire and the Humber",
        fingerprint="x",
        created_by=go_a,
        status="running",
        step=4,
        total=4,
        done=4,
        pages=3,
        progress_at=timezone.now() - LONG_AGO,
    )


def test_a_stalled_summary_is_made_again_once(killed, quick_pdf):
    assert summaries_recover() == 1

    killed.refresh_from_db()
    assert (killed.status, killed.retried) == ("complete", True)
    assert killed.file.read() == STUB


def test_a_summary_still_moving_is_left_alone(killed):
    SummaryDocument.objects.filter(pk=killed.pk).update(progress_at=timezone.now())

    assert summaries_recover() == 0
    assert SummaryDocument.objects.get(pk=killed.pk).status == "running"


def test_a_summary_that_stalls_again_is_marked_failed(killed, client_as):
    with mock.patch("reports.summaries.build_summary"):  # its worker dies again
        summaries_recover()
    SummaryDocument.objects.filter(pk=killed.pk).update(
        status="running", progress_at=timezone.now() - LONG_AGO
    )

    summaries_recover()

    killed.refresh_from_db()
    assert killed.status == "failed"
    assert killed.error == "a worker stopped while making it, twice"
    page = client_as("go_a").get(f"/summaries/{killed.pk}/").text
    assert "The summary could not be made: a worker stopped while making it" in page


def test_the_page_and_the_command_take_up_stalled_summaries(killed, client_as):
    out = io.StringIO()
    call_command("prune_packs", stdout=out)
    assert "1 stalled summaries taken up." in out.getvalue()
    assert "0 expired summaries deleted." in out.getvalue()

    SummaryDocument.objects.filter(pk=killed.pk).update(
        status="running", retried=False, progress_at=timezone.now() - LONG_AGO
    )
    page = client_as("go_a").get(f"/summaries/{killed.pk}/")
    assert "Download the summary (PDF)" in page.text


def test_expired_summaries_are_refused_pruned_and_made_again(
    region_set, client_as, quick_pdf
):
    client = client_as("go_a")
    ask(client)
    document = SummaryDocument.objects.get()
    path = document.file.path
    SummaryDocument.objects.filter(pk=document.pk).update(
        expires_at=document.created_at
    )

    assert download(client, document).status_code == 404
    assert "This summary has expired" in client.get(f"/summaries/{document.pk}/").text
    # Asked for again: a new one, not the expired one.
    assert ask(client)["Location"] != f"/summaries/{document.pk}/download/"
    assert summaries_prune() == 1
    assert not SummaryDocument.objects.filter(pk=document.pk).exists()
    assert not os.path.exists(path)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_makes_the_summary_from_the_database_queue(
    region_set, client_as, settings, quick_pdf
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    ask(client_as("go_a"))
    document = SummaryDocument.objects.get()
    assert document.status == "queued"

    call_command("db_worker", batch=True, no_startup_delay=True, stdout=io.StringIO())

    document.refresh_from_db()
    assert document.status == "complete"
    assert document.file.read() == STUB


# The fingerprint: what changes the figures changes it; nothing else does.


@pytest.fixture
def fingerprint(region_set, go_a, period_2003):
    def now() -> str:
        return summary_fingerprint(
            user=go_a, period=period_2003, filters=DashboardFilters()
        )

    return now


def _self_score(region_set, cast):
    answer = Answer.objects.filter(return_record=region_set.derwent_2003).first()
    answer.score = 1 if answer.score != 1 else 2
    answer.save()


def _agreed_score(region_set, cast):
    answer = Answer.objects.filter(return_record=region_set.aire_2003).first()
    answer.agreed_score = 1 if answer.agreed_score != 1 else 2
    answer.save(update_fields=["agreed_score"])


def _return_status(region_set, cast):
    review_start(return_record=region_set.calder_2003, user=cast["officer_a"])


def _rating(region_set, cast):
    rating_save(
        partnership=region_set.calder,
        period=region_set.aire_2003.period,
        user=cast["go_a"],
        rating=3,
        rationale="Better",
    )


def _changed_rating(region_set, cast):
    rating = EngagementRating.objects.get(partnership=region_set.aire)
    rating.rating = 2
    rating.save()


def _plan(region_set, cast):
    DevelopmentPlan.objects.create(
        partnership=region_set.aire,
        period=region_set.aire_2003.period,
        source_return=region_set.aire_2003,
    )


def _name(region_set, cast):
    region_set.esk.name = "Esk Valley Partnership"
    region_set.esk.save()


def _recognition(region_set, cast):
    LSPRelationship.objects.filter(partnership=region_set.derwent).update(
        recognition="lead_agency"
    )


def _national_answer(region_set, cast):
    """Another region's submitted answer moves England's median."""
    answer = Answer.objects.filter(return_record=region_set.tees_2003).first()
    answer.score = 1 if answer.score != 1 else 2
    answer.save()


@pytest.mark.parametrize(
    "change",
    [
        _self_score,
        _agreed_score,
        _return_status,
        _rating,
        _changed_rating,
        _plan,
        _name,
        _recognition,
        _national_answer,
    ],
)
def test_what_changes_the_figures_changes_the_fingerprint(
    fingerprint, region_set, cast, change
):
    before = fingerprint()

    change(region_set, cast)

    assert fingerprint() != before


def test_the_fingerprint_is_a_few_queries_whatever_the_size(
    fingerprint, django_assert_num_queries
):
    # 1 the previous period, 2 the answers' history, 3 the returns and their
    # transitions, 4 the ratings, 5 the plans, 6 the partnerships, 7 their
    # local LSC links, 8 their LSP links with the LSPs.
    with django_assert_num_queries(8):
        first = fingerprint()
    assert fingerprint() == first  # nothing changed


# Queries.


@pytest.mark.parametrize("extra", [0, 30])
def test_the_summary_pages_run_a_fixed_number_of_queries(
    region_set, client_as, go_a, settings, django_assert_num_queries, extra
):
    for n in range(extra):
        LearningPartnershipFactory(name=f"More {n:02d}", region=go_a.profile.region)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = client_as("go_a")
    # 1 session, 2 user with their profile; 3 the period asked for; 4-11 the
    # fingerprint (see below); 12 a summary already made for the same figures
    # (none), 13 the region for its title, 14 the new summary, 15 its task
    # queued.
    with django_assert_num_queries(15):
        response = ask(client)
    document = SummaryDocument.objects.get()
    assert response["Location"] == f"/summaries/{document.pk}/"
    # 1 session, 2 user with their profile; 3 the summary with its period, 4 stalled
    # summaries (none).
    with django_assert_num_queries(4):
        assert client.get(f"/summaries/{document.pk}/").status_code == 200
    with django_assert_num_queries(4):
        assert client.get(f"/summaries/{document.pk}/progress.json").status_code == 200
    # 1 session, 2 user with their profile, 3 the summary.
    with django_assert_num_queries(3):
        assert client.get(f"/summaries/{document.pk}/download/").status_code == 404

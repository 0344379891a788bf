"""A draft is its managers' until they submit it. Everyone else who sees the
return (the partnership's LLSC officer, the region's GO officer) sees its
status and progress: not its answers, evidence, files, history, documents,
export rows or scores in the regional view. National administrators, who may
change any return, read drafts too. Once submitted (and still when returned
for revision) a return is read by all who see it.

Partnership A's 2003-04 return is a draft with D1 scored and an evidence
file; its 2002-03 return is submitted, likewise with a file."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from assessment.evidence import evidence_upload
from assessment.models import Answer, EvidenceFile, Return, ReturnStatus
from assessment.selectors import (
    answers_for_user,
    draft_progress,
    returns_for_user,
    returns_with_answers_for_user,
)
from assessment.services import return_start
from reports import pdf
from tests.conftest import CAST

DRAFT_EVIDENCE = "Draft evidence: minutes of 4 May"
DRAFT_BARRIER = "Draft barrier: no venue"
SHARED_EVIDENCE = "Submitted evidence: the annual report"
DRAFT_FILE = b"%PDF-1.4 draft file"
SHARED_FILE = b"%PDF-1.4 submitted file"

# Who sees partnership A's returns, and who reads its draft.
SEES_A = {"manager_a", "officer_a", "go_a", "admin"}
READS_DRAFT = {"manager_a", "admin"}
OTHERS_IN_SCOPE = sorted(SEES_A - READS_DRAFT)
OUT_OF_SCOPE = ["manager_b", "officer_elsewhere", "go_elsewhere", "no_role"]


@dataclass
class Returns:
    draft: Return
    submitted: Return
    draft_file: EvidenceFile
    submitted_file: EvidenceFile


def _answer(return_record: Return, code: str) -> Answer:
    return return_record.answers.get(indicator__code=code)


@pytest.fixture
def returns(cast, partnership_a, manager_a, period_2002, period_2003) -> Returns:
    draft = return_start(partnership=partnership_a, period=period_2003, user=manager_a)
    # D1 completed and saved (a save moves the version on), D2 untouched.
    Answer.objects.filter(return_record=draft, indicator__dimension__code="D1").update(
        score=3, evidence=DRAFT_EVIDENCE, barriers=DRAFT_BARRIER, version=2
    )
    draft_file = evidence_upload(
        answer=_answer(draft, "D1.1"),
        upload=SimpleUploadedFile("draft.pdf", DRAFT_FILE),
        user=manager_a,
    ).evidence_file
    submitted = return_start(
        partnership=partnership_a, period=period_2002, user=manager_a
    )
    Answer.objects.filter(return_record=submitted).update(
        score=2, evidence=SHARED_EVIDENCE, version=2
    )
    submitted_file = evidence_upload(
        answer=_answer(submitted, "D1.1"),
        upload=SimpleUploadedFile("submitted.pdf", SHARED_FILE),
        user=manager_a,
    ).evidence_file
    Return.objects.filter(pk=submitted.pk).update(
        status=ReturnStatus.SUBMITTED, submitted_at=timezone.now()
    )
    return Returns(
        draft=Return.objects.get(pk=draft.pk),
        submitted=Return.objects.get(pk=submitted.pk),
        draft_file=draft_file,
        submitted_file=submitted_file,
    )


@pytest.fixture(autouse=True)
def _pdf_as_html(monkeypatch: pytest.MonkeyPatch) -> None:
    """The PDF's HTML, not laid out: what it would print, read as text."""
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html: html.encode())


# The rule, and its queryset twin.


@pytest.mark.parametrize("status", list(ReturnStatus))
def test_perm_and_selectors_agree(cast, returns, status):
    Return.objects.filter(pk=returns.draft.pk).update(
        status=status,
        submitted_at=None if status == ReturnStatus.DRAFT else timezone.now(),
    )
    return_record = Return.objects.select_related("partnership").get(
        pk=returns.draft.pk
    )
    for name in CAST:
        user = cast[name]
        in_scope = returns_for_user(user).filter(pk=return_record.pk).exists()
        readable = returns_with_answers_for_user(user).filter(pk=return_record.pk)
        answers = answers_for_user(user).filter(return_record=return_record)

        reads = in_scope and user.has_perm("assessment.view_answers", return_record)
        assert readable.exists() == reads, name
        assert answers.exists() == reads, name
        assert reads == (
            name in SEES_A and (status != ReturnStatus.DRAFT or name in READS_DRAFT)
        ), name


def test_progress_counts_completed_dimensions_and_the_last_save(returns):
    progress = draft_progress(return_record=returns.draft)
    assert (progress.completed, progress.total) == (1, 4)
    assert progress.last_saved == max(
        a.updated_at for a in returns.draft.answers.filter(version__gt=1)
    )
    assert str(progress).startswith("1 of 4 dimensions completed, last saved ")


def test_progress_of_an_untouched_draft(return_a):
    progress = draft_progress(return_record=return_a)
    assert str(progress) == "0 of 4 dimensions completed, nothing saved yet"


# The return's own page: its status and progress for others.


@pytest.mark.parametrize("name", OTHERS_IN_SCOPE)
def test_others_see_the_drafts_status_and_progress(
    client_as, returns, name, django_assert_num_queries
):
    client = client_as(name)
    # 1-2. session, user with their profile; 3. the return with its partnership, period
    # and framework; 4. its dimensions counted; 5. its answers summed up per
    # dimension (none read).
    with django_assert_num_queries(5):
        response = client.get(f"/returns/{returns.draft.pk}/")

    assert response.status_code == 200
    assert response.templates[0].name == "assessment/draft_status.html"
    page = response.content.decode()
    assert "have not submitted this self-assessment yet" in page
    assert "1 of 4 dimensions completed" in page
    saved = timezone.localtime(
        returns.draft.answers.get(indicator__code="D1.1").updated_at
    )
    assert f"{saved.day} {saved:%B %Y}" in page
    for secret in (DRAFT_EVIDENCE, DRAFT_BARRIER, "draft.pdf", "mean score"):
        assert secret not in page
    for link in ("/check/", "/history/", "/pdf/", "/document/"):
        assert f"/returns/{returns.draft.pk}{link}" not in page


@pytest.mark.parametrize("name", sorted(READS_DRAFT))
def test_the_drafts_readers_get_its_task_list(client_as, returns, name):
    response = client_as(name).get(f"/returns/{returns.draft.pk}/")
    assert response.status_code == 200
    assert response.templates[0].name == "assessment/tasks.html"
    assert "mean score 3.0" in response.content.decode()


# Every page, document and file of a draft.


DRAFT_PAGES = ["check/", "history/", "profile/", "review/", "document/", "pdf/"]


@pytest.mark.parametrize("name", OTHERS_IN_SCOPE)
def test_others_are_refused_what_the_draft_says(client_as, returns, name):
    client = client_as(name)
    for page in DRAFT_PAGES:
        response = client.get(f"/returns/{returns.draft.pk}/{page}")
        assert response.status_code == 403, page
        body = response.content.decode()
        assert DRAFT_EVIDENCE not in body, page
        if page != "review/" or name == "officer_a":
            # The review page asks the role first: GO officers do not review.
            assert "is a draft: only the partnership&#x27;s managers" in body, page
            assert "So far 1 of 4 dimensions completed, last saved" in body, page
    download = client.get(f"/attachments/{returns.draft_file.pk}/")
    assert download.status_code == 404


@pytest.mark.parametrize("name", sorted(READS_DRAFT))
def test_the_drafts_readers_read_it(client_as, returns, name):
    client = client_as(name)
    for page in ["check/", "document/", "pdf/"]:
        response = client.get(f"/returns/{returns.draft.pk}/{page}")
        assert response.status_code == 200, page
        assert DRAFT_EVIDENCE in response.content.decode(), page
    history = client.get(f"/returns/{returns.draft.pk}/history/")
    assert history.status_code == 200
    download = client.get(f"/attachments/{returns.draft_file.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == DRAFT_FILE


@pytest.mark.parametrize("name", OUT_OF_SCOPE)
def test_out_of_scope_is_still_not_found(client_as, returns, name):
    client = client_as(name)
    for page in ["", *DRAFT_PAGES]:
        assert client.get(f"/returns/{returns.draft.pk}/{page}").status_code == 404
    assert client.get(f"/attachments/{returns.draft_file.pk}/").status_code == 404


def test_the_draft_history_is_refused_to_others(client_as, returns, manager_a):
    Answer.objects.filter(pk=_answer(returns.draft, "D1.2").pk).update(score=1)
    response = client_as("officer_a").get(f"/returns/{returns.draft.pk}/history/")
    assert response.status_code == 403
    assert "D1.2" not in response.content.decode()


# Once submitted, and when returned for revision.


@pytest.mark.parametrize("name", sorted(SEES_A))
@pytest.mark.parametrize("status", [ReturnStatus.SUBMITTED, ReturnStatus.RETURNED])
def test_a_submitted_return_is_read_by_all_who_see_it(client_as, returns, name, status):
    Return.objects.filter(pk=returns.submitted.pk).update(status=status)
    client = client_as(name)
    for page in ["", "check/", "history/", "document/", "pdf/"]:
        response = client.get(f"/returns/{returns.submitted.pk}/{page}")
        assert response.status_code == 200, page
        if page in ("check/", "document/", "pdf/"):
            assert SHARED_EVIDENCE in response.content.decode(), page
    download = client.get(f"/attachments/{returns.submitted_file.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == SHARED_FILE


def test_the_officer_reviews_a_submitted_return_not_a_draft(client_as, returns):
    client = client_as("officer_a")
    assert client.get(f"/returns/{returns.submitted.pk}/review/").status_code == 200
    # The evidence is read on each dimension's moderation page.
    review = client.get(f"/returns/{returns.submitted.pk}/review/D1/")
    assert review.status_code == 200
    assert SHARED_EVIDENCE in review.content.decode()
    for page in ("", "D1/", "check/"):
        draft = client.get(f"/returns/{returns.draft.pk}/review/{page}")
        assert draft.status_code == 403, page


# The regional view and its downloads.


def _row(response, name: str) -> str:
    body = response.content.decode()
    return body.split(f"{name}</a>", 1)[1].split("</tr>", 1)[0]


@pytest.mark.parametrize("name", ["officer_a", "go_a"])
def test_regional_view_shows_the_drafts_status_not_its_scores(
    client_as, returns, partnership_a, name
):
    response = client_as(name).get("/dashboard/?period=2003-04")
    assert response.status_code == 200
    row = _row(response, partnership_a.name)
    assert "Draft" in row
    assert "3.0" not in row
    assert row.count("no score") == 5  # four dimensions and overall


def test_regional_view_of_an_administrator_has_the_drafts_scores(
    client_as, returns, partnership_a
):
    response = client_as("admin").get("/dashboard/?period=2003-04")
    row = _row(response, partnership_a.name)
    assert ">3.0</td>" in row


def test_regional_view_shows_a_submitted_returns_scores(
    client_as, returns, partnership_a
):
    response = client_as("go_a").get("/dashboard/?period=2002-03")
    assert ">2.0</td>" in _row(response, partnership_a.name)


def _csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))[1:]


@pytest.mark.parametrize("name", ["officer_a", "go_a"])
def test_exports_leave_the_draft_out_for_others(client_as, returns, name):
    client = client_as(name)
    # The files hold the period the page shows: the draft's, by default.
    assert _csv_rows(client.get("/dashboard/scores.csv")) == []
    rows = _csv_rows(client.get("/dashboard/scores.csv?period=2002-03"))
    assert {(r[2], r[3]) for r in rows} == {("2002-03", "Submitted")}
    assert len(rows) == 28
    assert DRAFT_BARRIER not in str(rows)
    xlsx = client.get("/dashboard/scores.xlsx")
    assert xlsx.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    assert workbook["Scores"].max_row == 1
    assert DRAFT_BARRIER not in str(list(workbook["Partnerships"].values))


def test_exports_of_an_administrator_have_the_draft(client_as, returns):
    client = client_as("admin")
    rows = _csv_rows(client.get("/dashboard/scores.csv?period=2003-04"))
    assert {r[3] for r in rows} == {"Draft"}
    assert len(rows) == 28
    assert DRAFT_BARRIER in {r[9] for r in rows}
    xlsx = client.get("/dashboard/scores.xlsx?period=2003-04")
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))["Scores"]
    assert sheet.max_row == 1 + 28

"""A partnership's evidence library, through the pages a manager and a reader
use: a file uploaded on an indicator's page goes into the library and is
linked; it can be linked to a second indicator; removing it from one keeps it
everywhere else; it is deleted only from the library and only once unused;
next year's return links to it (never a copy) until the manager says whether
it is still current; files past their review-by date are shown as due."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessment.evidence import evidence_upload
from assessment.models import EvidenceFile, EvidenceLink, Return
from assessment.services import return_start
from tests.factories import LearningPartnershipFactory

from .helpers import answer, form_data, indicator_url
from .test_attachments import PDF, upload_to_d11


def library_url(partnership) -> str:
    return f"/partnerships/{partnership.pk}/evidence/"


def upload(return_record, code: str, name: str, user) -> EvidenceLink:
    return evidence_upload(
        answer=answer(return_record, code),
        upload=SimpleUploadedFile(name, PDF),
        user=user,
    )


def link_from_library(client, return_record, code: str, evidence_file):
    item = answer(return_record, code)
    data = form_data([item])
    data[f"library-{item.pk}"] = str(evidence_file.pk)
    return client.post(indicator_url(return_record, code), data)


def test_an_upload_goes_into_the_library_linked_to_its_indicator(
    client_as, return_a, partnership_a
):
    client = client_as("manager_a")

    response = upload_to_d11(client, return_a, "minutes.pdf", PDF, score=3)

    assert response.status_code == 302
    evidence_file = EvidenceFile.objects.get()
    assert evidence_file.partnership == partnership_a
    assert evidence_file.title == "minutes.pdf"
    assert [link.answer for link in evidence_file.links.all()] == [
        answer(return_a, "D1.1")
    ]
    page = client.get(library_url(partnership_a)).content.decode()
    assert "minutes.pdf" in page
    assert f"/returns/{return_a.pk}/dimensions/D1/D1.1/" in page
    assert "2003-04 D1.1" in page


def test_a_library_file_is_linked_to_a_second_indicator_not_copied(
    client_as, return_a, partnership_a, manager_a
):
    first = upload(return_a, "D1.1", "minutes.pdf", manager_a)
    client = client_as("manager_a")
    page = client.get(indicator_url(return_a, "D1.2")).content.decode()
    assert f'<option value="{first.evidence_file_id}">minutes.pdf</option>' in page
    # Already linked to D1.1: not offered there again.
    d11 = client.get(indicator_url(return_a, "D1.1")).content.decode()
    assert f'<option value="{first.evidence_file_id}">' not in d11

    response = link_from_library(client, return_a, "D1.2", first.evidence_file)

    assert response.status_code == 302
    assert EvidenceFile.objects.count() == 1
    assert set(
        EvidenceLink.objects.values_list("answer__indicator__code", flat=True)
    ) == {"D1.1", "D1.2"}
    library = client.get(library_url(partnership_a)).content.decode()
    assert "2003-04 D1.1" in library
    assert "2003-04 D1.2" in library


def test_another_partnerships_file_cannot_be_linked(
    client_as, return_a, partnership_b, manager_b
):
    theirs = return_start(
        partnership=partnership_b, period=return_a.period, user=manager_b
    )
    other = upload(theirs, "D1.1", "theirs.pdf", manager_b)
    response = link_from_library(
        client_as("manager_a"), return_a, "D1.2", other.evidence_file
    )
    assert response.status_code == 200
    assert "Select a file from the partnership&#x27;s evidence library" in (
        response.content.decode()
    )
    assert not EvidenceLink.objects.filter(answer__return_record=return_a).exists()


def test_removing_a_file_from_one_indicator_keeps_it_linked_elsewhere(
    client_as, return_a, partnership_a, manager_a
):
    first = upload(return_a, "D1.1", "minutes.pdf", manager_a)
    client = client_as("manager_a")
    link_from_library(client, return_a, "D1.2", first.evidence_file)
    stored = first.evidence_file.file.name

    response = client.post(f"/returns/{return_a.pk}/attachments/{first.pk}/remove/")

    assert response.status_code == 302
    assert list(
        EvidenceLink.objects.values_list("answer__indicator__code", flat=True)
    ) == ["D1.2"]
    assert EvidenceFile.objects.get().file.name == stored
    assert storages["attachments"].exists(stored)
    download = client.get(f"/attachments/{first.evidence_file_id}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_a_file_in_use_is_not_deleted_and_the_page_says_where(
    client_as, return_a, partnership_a, manager_a
):
    link = upload(return_a, "D1.1", "minutes.pdf", manager_a)
    client = client_as("manager_a")
    url = f"/evidence/{link.evidence_file_id}/delete/"
    library = client.get(library_url(partnership_a)).content.decode()
    assert url not in library  # no Delete link while used

    page = client.get(url).content.decode()
    assert "minutes.pdf is still in use" in page
    assert "2003-04 D1.1" in page
    response = client.post(url)

    assert response.status_code == 200
    assert "2003-04 D1.1" in response.content.decode()
    assert EvidenceFile.objects.filter(pk=link.evidence_file_id).exists()
    assert storages["attachments"].exists(link.evidence_file.file.name)


def test_an_unused_file_is_deleted_from_the_library_with_its_content(
    client_as, return_a, partnership_a, manager_a, django_capture_on_commit_callbacks
):
    link = upload(return_a, "D1.1", "minutes.pdf", manager_a)
    stored = link.evidence_file.file.name
    client = client_as("manager_a")
    client.post(f"/returns/{return_a.pk}/attachments/{link.pk}/remove/")
    url = f"/evidence/{link.evidence_file_id}/delete/"
    assert url in client.get(library_url(partnership_a)).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    assert response.status_code == 302
    assert response["Location"] == library_url(partnership_a)
    assert not EvidenceFile.objects.exists()
    assert not storages["attachments"].exists(stored)


def test_a_files_title_and_dates_are_changed_in_the_library(
    client_as, return_a, partnership_a, manager_a
):
    link = upload(return_a, "D1.1", "scan0042.pdf", manager_a)
    client = client_as("manager_a")
    url = f"/evidence/{link.evidence_file_id}/edit/"
    assert client.get(url).status_code == 200

    refused = client.post(
        url,
        {
            "title": "Board minutes",
            "document_date_0": "14",
            "document_date_1": "5",
            "document_date_2": "2003",
            "review_by_0": "1",
            "review_by_1": "1",
            "review_by_2": "2003",
        },
    )
    assert "The review-by date must be on or after the document date" in (
        refused.content.decode()
    )
    response = client.post(
        url,
        {
            "title": "Board minutes, May 2003",
            "document_date_0": "14",
            "document_date_1": "5",
            "document_date_2": "2003",
            "review_by_0": "31",
            "review_by_1": "3",
            "review_by_2": "2005",
        },
    )

    assert response.status_code == 302
    evidence_file = EvidenceFile.objects.get()
    assert evidence_file.title == "Board minutes, May 2003"
    assert evidence_file.document_date == datetime.date(2003, 5, 14)
    assert evidence_file.review_by == datetime.date(2005, 3, 31)
    assert evidence_file.original_name == "scan0042.pdf"
    # The new title wherever the file is used.
    page = client.get(indicator_url(return_a, "D1.1")).content.decode()
    assert "Board minutes, May 2003</a>" in page
    document = client.get(f"/returns/{return_a.pk}/document/").content.decode()
    assert "Board minutes, May 2003 (14 May 2003)" in document


def test_files_past_their_review_date_are_shown_as_due(
    client_as, return_a, partnership_a, manager_a
):
    today = timezone.localdate()
    overdue = upload(return_a, "D1.1", "old.pdf", manager_a).evidence_file
    current = upload(return_a, "D1.2", "fresh.pdf", manager_a).evidence_file
    undated = upload(return_a, "D1.3", "undated.pdf", manager_a).evidence_file
    EvidenceFile.objects.filter(pk=overdue.pk).update(
        review_by=today - datetime.timedelta(days=1)
    )
    EvidenceFile.objects.filter(pk=current.pk).update(review_by=today)

    response = client_as("manager_a").get(library_url(partnership_a))

    entries = {e.evidence_file.pk: e.review_due for e in response.context["entries"]}
    assert entries == {overdue.pk: True, current.pk: False, undated.pk: False}
    assert response.context["due"] == 1
    page = response.content.decode()
    assert page.count("Review due</strong>") == 1
    assert "1 file is past its review-by date" in page


# Carried forward ----------------------------------------------------------------


@pytest.fixture
def last_year(partnership_a, manager_a, period_2002) -> Return:
    """Partnership A's 2002-03 return with a file linked to D1.1 and D1.2."""
    previous = return_start(
        partnership=partnership_a, period=period_2002, user=manager_a
    )
    link = upload(previous, "D1.1", "strategy.pdf", manager_a)
    EvidenceLink.objects.create(
        evidence_file=link.evidence_file, answer=answer(previous, "D1.2")
    )
    Return.objects.filter(pk=previous.pk).update(
        status=Return.Status.SUBMITTED, submitted_at=timezone.now()
    )
    return previous


def test_carry_forward_links_last_years_files_never_copies(
    client_as, partnership_a, last_year, period_2003
):
    client = client_as("manager_a")
    stored = EvidenceFile.objects.get().file.name

    client.post(
        f"/partnerships/{partnership_a.pk}/returns/new/",
        {"period": period_2003.pk, "carry_forward": "yes"},
    )

    current = Return.objects.get(period=period_2003)
    assert EvidenceFile.objects.count() == 1
    assert EvidenceFile.objects.get().file.name == stored
    carried = EvidenceLink.objects.filter(answer__return_record=current)
    assert sorted(carried.values_list("answer__indicator__code", flat=True)) == [
        "D1.1",
        "D1.2",
    ]
    assert all(
        link.carried_from.answer.return_record == last_year
        and link.confirmed_at is None
        for link in carried
    )
    page = client.get(indicator_url(current, "D1.1")).content.decode()
    assert "Used in 2002-03: still current?" in page
    check = client.get(f"/returns/{current.pk}/check/").content.decode()
    assert "strategy.pdf</a> (used in 2002-03: still current?)" in check
    library = client.get(library_url(partnership_a)).content.decode()
    for place in ("2002-03 D1.1", "2002-03 D1.2", "2003-04 D1.1", "2003-04 D1.2"):
        assert place in library


def test_a_carried_file_is_kept_or_removed(
    client_as, partnership_a, last_year, period_2003, manager_a
):
    current = return_start(
        partnership=partnership_a,
        period=period_2003,
        user=manager_a,
        carry_forward=True,
    )
    d11 = EvidenceLink.objects.get(answer=answer(current, "D1.1"))
    d12 = EvidenceLink.objects.get(answer=answer(current, "D1.2"))
    client = client_as("manager_a")

    kept = client.post(f"/returns/{current.pk}/attachments/{d11.pk}/keep/")
    removed = client.post(f"/returns/{current.pk}/attachments/{d12.pk}/remove/")

    assert kept["Location"] == indicator_url(current, "D1.1")
    assert removed["Location"] == indicator_url(current, "D1.2")
    d11.refresh_from_db()
    assert d11.confirmed_at is not None
    page = client.get(indicator_url(current, "D1.1")).content.decode()
    assert "still current?" not in page
    assert not EvidenceLink.objects.filter(pk=d12.pk).exists()
    # Last year's links and the file are untouched.
    assert EvidenceLink.objects.filter(answer__return_record=last_year).count() == 2
    assert EvidenceFile.objects.count() == 1


def test_without_carrying_forward_no_file_is_linked(
    partnership_a, last_year, period_2003, manager_a
):
    current = return_start(
        partnership=partnership_a, period=period_2003, user=manager_a
    )
    assert not EvidenceLink.objects.filter(answer__return_record=current).exists()


# Who sees what -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["manager_b", "officer_elsewhere", "go_elsewhere"])
def test_another_partnerships_library_and_files_are_not_found(
    client_as, return_a, partnership_a, manager_a, name
):
    link = upload(return_a, "D1.1", "minutes.pdf", manager_a)
    client = client_as(name)
    for url in (
        library_url(partnership_a),
        f"/evidence/{link.evidence_file_id}/edit/",
        f"/evidence/{link.evidence_file_id}/delete/",
        f"/attachments/{link.evidence_file_id}/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/evidence/{link.evidence_file_id}/delete/").status_code == 404
    assert EvidenceFile.objects.filter(pk=link.evidence_file_id).exists()


@pytest.mark.parametrize("name", ["officer_a", "go_a"])
def test_readers_see_the_files_of_submitted_returns_only(
    client_as, return_a, partnership_a, last_year, manager_a, name
):
    """A file used only in the draft stays its managers'; a file used in a
    submitted return is read, with only its uses in returns the reader may
    read, and cannot be changed."""
    draft_only = upload(return_a, "D2.1", "draft-only.pdf", manager_a)
    shared = EvidenceFile.objects.get(title="strategy.pdf")
    EvidenceLink.objects.create(evidence_file=shared, answer=answer(return_a, "D3.1"))
    client = client_as(name)

    response = client.get(library_url(partnership_a))

    assert response.status_code == 200
    assert [e.evidence_file for e in response.context["entries"]] == [shared]
    assert [
        (link.answer.return_record.period.code, link.answer.indicator.code)
        for link in response.context["entries"][0].uses
    ] == [("2002-03", "D1.1"), ("2002-03", "D1.2")]
    page = response.content.decode()
    assert "draft-only.pdf" not in page
    assert "2003-04 D3.1" not in page
    assert client.get(f"/attachments/{shared.pk}/").status_code == 200
    assert client.get(f"/attachments/{draft_only.evidence_file_id}/").status_code == (
        404
    )
    assert client.get(f"/evidence/{shared.pk}/edit/").status_code == 403
    assert client.post(f"/evidence/{shared.pk}/delete/").status_code == 403


# Query counts ---------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 10])
def test_the_library_page_reads_the_same_queries_however_many_files(
    client_as,
    partnership_a,
    return_a,
    manager_a,
    period_2002,
    django_assert_num_queries,
    size,
):
    previous = return_start(
        partnership=partnership_a, period=period_2002, user=manager_a
    )
    for n in range(size):
        link = upload(previous, f"D1.{n % 7 + 1}", f"file{n}.pdf", manager_a)
        EvidenceLink.objects.create(
            evidence_file=link.evidence_file,
            answer=answer(return_a, f"D2.{n % 7 + 1}"),
            carried_from=link,
        )
    EvidenceFile.objects.update(review_by=datetime.date(2003, 1, 1))
    # Files of other partnerships are not read.
    for other in LearningPartnershipFactory.create_batch(size):
        EvidenceFile.objects.create(
            partnership=other,
            file="evidence/x.pdf",
            title="Theirs",
            original_name="x.pdf",
            content_type="application/pdf",
            size=1,
        )
    client = client_as("manager_a")
    # 1. the session
    # 2. the user, with their profile (the role, for scoping)
    # 3. the partnership, scoped to the user
    # 4. the library's files
    # 5. their links with answers, indicators, returns and periods
    # 6. whether the user manages the partnership (may change the library)
    with django_assert_num_queries(6):
        response = client.get(library_url(partnership_a))
    assert response.status_code == 200
    assert len(response.context["entries"]) == size
    assert response.context["due"] == size
    assert sum(len(e.uses) for e in response.context["entries"]) == 2 * size

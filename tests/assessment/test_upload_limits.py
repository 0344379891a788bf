"""At most so many files an answer and so many bytes a return: past either,
the file is refused with the reason on the dimension page and nothing else is
lost."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessment.evidence import AttachmentRefused, evidence_upload
from assessment.models import EvidenceFile
from config.settings import base

from .helpers import answer, indicator_url, post_answer, snapshot
from .test_attachments import PDF, upload_to_d11

TOO_MANY = (
    "You can attach up to 10 files to each indicator. Remove a file to attach another"
)


def pdf_of(size: int) -> bytes:
    return PDF.ljust(size, b"0")


def keep(return_record, user, code: str, count: int, size: int = len(PDF)) -> None:
    for n in range(count):
        evidence_upload(
            answer=answer(return_record, code),
            upload=SimpleUploadedFile(f"file{n}.pdf", pdf_of(size)),
            user=user,
        )


def test_the_limits_by_default():
    assert base.ATTACHMENT_MAX_FILES_PER_ANSWER == 10
    assert base.ATTACHMENT_MAX_BYTES_PER_RETURN == 100 * 1024 * 1024
    assert base.ATTACHMENT_ARCHIVE_MAX_UNPACKED_BYTES == 100 * 1024 * 1024
    assert base.ATTACHMENT_ARCHIVE_MAX_MEMBERS == 1000
    assert base.ATTACHMENT_ARCHIVE_MAX_RATIO == 100


def not_kept(name: str, code: str, reason: str) -> str:
    return f"Your answer was saved, but “{name}” was not attached to {code}. {reason}."


def test_an_eleventh_file_for_one_answer_is_not_kept(client_as, return_a, manager_a):
    """The answers are saved, the file is not, and the page says why."""
    keep(return_a, manager_a, "D1.1", 10)
    client = client_as("manager_a")

    response = upload_to_d11(
        client, return_a, "eleventh.pdf", PDF, score=2, evidence="New"
    )

    assert response.status_code == 302
    assert response["Location"] == indicator_url(return_a, "D1.1")
    saved = answer(return_a, "D1.1")
    assert (saved.score, saved.evidence) == (2, "New")
    assert EvidenceFile.objects.count() == 10
    assert not EvidenceFile.objects.filter(original_name="eleventh.pdf").exists()
    page = client.get(response["Location"]).text
    assert not_kept("eleventh.pdf", "D1.1", TOO_MANY) in page
    assert 'class="govuk-notification-banner"' in page


def test_another_answer_still_takes_files(client_as, return_a, manager_a):
    keep(return_a, manager_a, "D1.1", 10)
    upload = SimpleUploadedFile("other.pdf", PDF)

    response = post_answer(
        client_as("manager_a"), return_a, "D1.2", {"attachment": upload, "score": 3}
    )

    assert response.status_code == 302
    assert response["Location"] == indicator_url(return_a, "D1.3")
    assert (
        answer(return_a, "D1.2").evidence_links.get().evidence_file.original_name
        == "other.pdf"
    )
    assert answer(return_a, "D1.2").score == 3


def test_the_service_refuses_an_eleventh_file(return_a, manager_a):
    keep(return_a, manager_a, "D1.1", 10)
    with pytest.raises(AttachmentRefused, match=TOO_MANY):
        keep(return_a, manager_a, "D1.1", 1)
    assert EvidenceFile.objects.count() == 10


RETURN_FULL = (
    "The files attached to this return must be 2.9\xa0KB or less in total, and "
    "2.0\xa0KB is already attached. Remove a file or attach a smaller one"
)


def test_a_file_past_the_return_total_is_not_kept(
    client_as, return_a, manager_a, settings
):
    settings.ATTACHMENT_MAX_BYTES_PER_RETURN = 3000
    keep(return_a, manager_a, "D2.1", 1, size=2000)
    client = client_as("manager_a")

    response = upload_to_d11(client, return_a, "big.pdf", pdf_of(1001), score=2)

    assert response.status_code == 302
    assert answer(return_a, "D1.1").score == 2
    assert EvidenceFile.objects.count() == 1
    page = client.get(response["Location"]).text
    assert not_kept("big.pdf", "D1.1", RETURN_FULL) in page


def test_the_service_refuses_a_file_past_the_return_total(
    return_a, manager_a, settings
):
    settings.ATTACHMENT_MAX_BYTES_PER_RETURN = 3000
    keep(return_a, manager_a, "D2.1", 1, size=2000)
    with pytest.raises(AttachmentRefused, match=RETURN_FULL):
        keep(return_a, manager_a, "D1.1", 1, size=1001)
    keep(return_a, manager_a, "D1.1", 1, size=1000)  # exactly the total
    assert EvidenceFile.objects.count() == 2


def test_a_file_reaching_the_return_total_exactly_is_kept(
    client_as, return_a, manager_a, settings
):
    settings.ATTACHMENT_MAX_BYTES_PER_RETURN = 3000
    keep(return_a, manager_a, "D2.1", 1, size=2000)
    response = upload_to_d11(
        client_as("manager_a"), return_a, "fits.pdf", pdf_of(1000), score=2
    )
    assert response.status_code == 302
    assert response["Location"] == indicator_url(return_a, "D1.2")
    assert EvidenceFile.objects.count() == 2


def test_files_of_two_indicators_count_together(client_as, return_a, settings):
    """Two files that each fit, but not both: the first is kept, the second is
    not, and both answers are saved."""
    settings.ATTACHMENT_MAX_BYTES_PER_RETURN = 3000
    client = client_as("manager_a")

    first = post_answer(
        client,
        return_a,
        "D1.1",
        {"attachment": SimpleUploadedFile("a.pdf", pdf_of(2000)), "score": 1},
    )
    response = post_answer(
        client,
        return_a,
        "D1.2",
        {"attachment": SimpleUploadedFile("b.pdf", pdf_of(2000)), "score": 2},
    )

    assert first.status_code == 302
    assert response.status_code == 302
    assert response["Location"] == indicator_url(return_a, "D1.2")
    assert (
        answer(return_a, "D1.1").evidence_links.get().evidence_file.original_name
        == "a.pdf"
    )
    assert not answer(return_a, "D1.2").evidence_links.exists()
    assert (answer(return_a, "D1.1").score, answer(return_a, "D1.2").score) == (1, 2)
    page = client.get(response["Location"]).text
    assert "Your answer was saved, but “b.pdf” was not attached to D1.2." in page


def test_a_refused_type_still_saves_nothing_beside_a_full_answer(
    client_as, return_a, manager_a
):
    """A file refused for what it is stops the save, as before: the page shows
    the error with what was typed, whatever the limits."""
    keep(return_a, manager_a, "D1.1", 10)
    before = snapshot(return_a)
    response = upload_to_d11(
        client_as("manager_a"), return_a, "page.html", b"<html></html>", score=2
    )
    assert response.status_code == 200
    assert snapshot(return_a) == before
    assert EvidenceFile.objects.count() == 10

"""At most so many files an answer and so many bytes a return: past either,
the file is refused with the reason on the dimension page and nothing else is
lost."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessment import services
from assessment.models import Attachment
from assessment.services import AttachmentRefused, attachment_add
from config.settings import base

from .helpers import answer, answers_of, dimension_url, form_data, snapshot
from .test_attachments import PDF, upload_to_d11

TOO_MANY = (
    "You can attach up to 10 files to each indicator. Remove a file to attach another"
)


def pdf_of(size: int) -> bytes:
    return PDF.ljust(size, b"0")


def keep(return_record, user, code: str, count: int, size: int = len(PDF)) -> None:
    for n in range(count):
        attachment_add(
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


def test_an_eleventh_file_for_one_answer_is_refused(client_as, return_a, manager_a):
    keep(return_a, manager_a, "D1.1", 10)
    before = snapshot(return_a)

    response = upload_to_d11(
        client_as("manager_a"), return_a, "eleventh.pdf", PDF, score=2, evidence="New"
    )

    assert response.status_code == 200
    field = f"attachment-{answer(return_a, 'D1.1').pk}"
    assert response.context["form"].errors[field] == [TOO_MANY]
    assert TOO_MANY in response.content.decode()
    assert "New" in response.content.decode()
    assert snapshot(return_a) == before
    assert Attachment.objects.count() == 10


def test_another_answer_still_takes_files(client_as, return_a, manager_a):
    keep(return_a, manager_a, "D1.1", 10)
    answers = answers_of(return_a, "D1")
    upload = SimpleUploadedFile("other.pdf", PDF)

    response = client_as("manager_a").post(
        dimension_url(return_a, "D1"),
        form_data(answers, {"D1.2": {"attachment": upload, "score": 3}}),
    )

    assert response.status_code == 302
    assert answer(return_a, "D1.2").attachments.get().original_name == "other.pdf"
    assert answer(return_a, "D1.2").score == 3


def test_the_service_refuses_an_eleventh_file(return_a, manager_a):
    keep(return_a, manager_a, "D1.1", 10)
    with pytest.raises(AttachmentRefused, match=TOO_MANY):
        keep(return_a, manager_a, "D1.1", 1)
    assert Attachment.objects.count() == 10


def test_a_file_past_the_return_total_is_refused(
    client_as, return_a, manager_a, settings
):
    settings.ATTACHMENT_MAX_BYTES_PER_RETURN = 3000
    keep(return_a, manager_a, "D2.1", 1, size=2000)
    before = snapshot(return_a)

    response = upload_to_d11(
        client_as("manager_a"), return_a, "big.pdf", pdf_of(1001), score=2
    )

    assert response.status_code == 200
    message = (
        "The files attached to this return must be 2.9\xa0KB or less in total, and "
        "2.0\xa0KB is already attached. Remove a file or attach a smaller one"
    )
    field = f"attachment-{answer(return_a, 'D1.1').pk}"
    assert response.context["form"].errors[field] == [message]
    assert snapshot(return_a) == before
    assert Attachment.objects.count() == 1


def test_a_file_reaching_the_return_total_exactly_is_accepted(
    client_as, return_a, manager_a, settings
):
    settings.ATTACHMENT_MAX_BYTES_PER_RETURN = 3000
    keep(return_a, manager_a, "D2.1", 1, size=2000)
    response = upload_to_d11(
        client_as("manager_a"), return_a, "fits.pdf", pdf_of(1000), score=2
    )
    assert response.status_code == 302
    assert Attachment.objects.count() == 2


def test_files_in_one_save_count_together(client_as, return_a, settings):
    """Two files that each fit, but not both: the second is refused and
    nothing is saved."""
    settings.ATTACHMENT_MAX_BYTES_PER_RETURN = 3000
    answers = answers_of(return_a, "D1")
    before = snapshot(return_a)

    response = client_as("manager_a").post(
        dimension_url(return_a, "D1"),
        form_data(
            answers,
            {
                "D1.1": {"attachment": SimpleUploadedFile("a.pdf", pdf_of(2000))},
                "D1.2": {"attachment": SimpleUploadedFile("b.pdf", pdf_of(2000))},
            },
        ),
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert f"attachment-{answer(return_a, 'D1.1').pk}" not in errors
    assert errors[f"attachment-{answer(return_a, 'D1.2').pk}"][0].startswith(
        "The files attached to this return must be"
    )
    assert snapshot(return_a) == before
    assert not Attachment.objects.exists()


def test_the_last_room_taken_meanwhile_keeps_the_answers(
    client_as, return_a, manager_a, monkeypatch
):
    """Another upload fills the answer between the page's check and the store:
    the answers are saved and the page says the file was not kept."""
    keep(return_a, manager_a, "D1.1", 9)
    check_room = services.check_room
    calls = []

    def room_then_filled(*, uploads):
        calls.append(uploads)
        if len(calls) == 1:  # the page's check found room; then it was taken
            found = check_room(uploads=uploads)
            keep(return_a, manager_a, "D1.1", 1)
            return found
        return check_room(uploads=uploads)

    monkeypatch.setattr(services, "check_room", room_then_filled)
    client = client_as("manager_a")

    response = upload_to_d11(client, return_a, "late.pdf", PDF, score=4)

    assert response.status_code == 302
    assert answer(return_a, "D1.1").score == 4
    assert Attachment.objects.count() == 10
    assert not Attachment.objects.filter(original_name="late.pdf").exists()
    page = client.get(response["Location"]).content.decode()
    assert "Your answers were saved, but “late.pdf” was not kept." in page
    assert TOO_MANY in page

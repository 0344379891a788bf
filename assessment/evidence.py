"""Writes to a partnership's evidence library: a file is checked and stored
once, then linked to any number of answers, carried into next year's return
as links, and deleted only from the library once nothing links to it."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import get_valid_filename

from partnerships.rules import check_perm
from partnerships.users import User

from .file_types import ArchiveLimits, FileRefused, FileType, inspect_file, name_for
from .models import Answer, EvidenceFile, EvidenceLink, Return

CHANGE_RETURN = "assessment.change_return"
CHANGE_EVIDENCE = "assessment.change_evidence"
MANAGERS_ONLY = "Only the partnership's managers change its self-assessment."
LIBRARY_MANAGERS_ONLY = "Only the partnership's managers change its evidence library."


class AttachmentRefused(Exception):
    """An evidence file that is not accepted, with the reason in plain words."""


class EvidenceInUse(Exception):
    """Deleting a library file that answers still link to: say where."""

    def __init__(self, evidence_file: EvidenceFile, uses: list[str]) -> None:
        super().__init__(
            f"{evidence_file.title} is still evidence for {', '.join(uses)}. "
            "Remove it from those indicators first, then delete it."
        )
        self.uses = uses


class LinkNotChangeable(Exception):
    """The link's return has been submitted: its evidence no longer changes."""

    def __init__(self, return_record: Return) -> None:
        super().__init__(
            f"This return is {return_record.get_status_display().lower()}, "
            "so its evidence files can no longer be changed."
        )


def _size(limit: int) -> str:
    megabyte = 1024 * 1024
    return f"{limit // megabyte} MB" if limit % megabyte == 0 else filesizeformat(limit)


def _archive_limits() -> ArchiveLimits:
    return ArchiveLimits(
        max_unpacked_bytes=settings.ATTACHMENT_ARCHIVE_MAX_UNPACKED_BYTES,
        max_members=settings.ATTACHMENT_ARCHIVE_MAX_MEMBERS,
        max_ratio=settings.ATTACHMENT_ARCHIVE_MAX_RATIO,
    )


def check_upload(upload: UploadedFile) -> FileType:
    """The file's real type, or AttachmentRefused saying why it cannot be kept:
    empty, too large, not an allowed type, an archive that would unpack out of
    bounds, or carrying macros or PDF actions. Read in bounded steps only."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size == 0:
        raise AttachmentRefused("The selected file is empty")
    if upload.size > limit:
        raise AttachmentRefused(
            f"The selected file must be smaller than {_size(limit)}"
        )
    try:
        return inspect_file(upload, limits=_archive_limits())
    except FileRefused as refused:
        raise AttachmentRefused(str(refused)) from refused


def _ensure_room(
    *, answer: Answer, size: int, evidence_file: EvidenceFile | None = None
) -> None:
    """AttachmentRefused when one more file would take its answer past the
    number of files allowed, or its return past the bytes allowed. A file is
    counted once in its return however many of its answers link to it."""
    max_files = settings.ATTACHMENT_MAX_FILES_PER_ANSWER
    if EvidenceLink.objects.filter(answer=answer).count() >= max_files:
        raise AttachmentRefused(_too_many_files(max_files))
    in_return = EvidenceFile.objects.filter(
        links__answer__return_record_id=answer.return_record_id
    )
    if evidence_file is not None and in_return.filter(pk=evidence_file.pk).exists():
        return
    max_bytes = settings.ATTACHMENT_MAX_BYTES_PER_RETURN
    kept = (
        EvidenceFile.objects.filter(pk__in=in_return.values("pk")).aggregate(
            total=Sum("size")
        )["total"]
        or 0
    )
    if kept + size > max_bytes:
        raise AttachmentRefused(_return_full(max_bytes, kept))


def _too_many_files(limit: int) -> str:
    return (
        f"You can attach up to {limit} files to each indicator. "
        "Remove a file to attach another"
    )


def _return_full(limit: int, kept: int) -> str:
    return (
        f"The files attached to this return must be {_size(limit)} or less in "
        f"total, and {filesizeformat(kept)} is already attached. Remove a file "
        "or attach a smaller one"
    )


def _ensure_answer_editable(answer: Answer, user: User) -> Return:
    """The answer's return, locked, once the user may change it and it is
    still open; locking keeps two uploads from both taking the last room."""
    check_perm(user, CHANGE_RETURN, answer.return_record, message=MANAGERS_ONLY)
    locked = Return.objects.select_for_update().get(pk=answer.return_record_id)
    if not locked.is_editable:
        raise LinkNotChangeable(locked)
    return locked


@transaction.atomic
def evidence_upload(
    *, answer: Answer, upload: UploadedFile, user: User
) -> EvidenceLink:
    """Keep an evidence file in the partnership's library and link it to an
    answer, after checking what it really is and that the answer and its
    return have room for it. It is stored under the extension of its real
    type, whatever it was called; its title is the name it came with."""
    _ensure_answer_editable(answer, user)
    file_type = check_upload(upload)
    _ensure_room(answer=answer, size=upload.size or 0)
    name = get_valid_filename(upload.name or "evidence") or "evidence"
    original_name = name_for(name[:240], file_type)
    evidence_file = EvidenceFile(
        partnership_id=answer.return_record.partnership_id,
        title=original_name,
        original_name=original_name,
        content_type=file_type.content_type,
        size=upload.size or 0,
        uploaded_by=user,
    )
    evidence_file.file.save(f"evidence{file_type.extension}", upload, save=False)
    evidence_file.full_clean(exclude=["partnership", "uploaded_by"])
    evidence_file.save()
    link = EvidenceLink(
        evidence_file=evidence_file,
        answer=answer,
        linked_by=user,
        confirmed_at=timezone.now(),
    )
    link.save()
    return link


@transaction.atomic
def evidence_link(
    *, answer: Answer, evidence_file: EvidenceFile, user: User
) -> EvidenceLink:
    """Link a file already in the partnership's library to another answer."""
    return_record = _ensure_answer_editable(answer, user)
    if evidence_file.partnership_id != return_record.partnership_id:
        raise ValidationError("The file is not in this partnership's library.")
    if EvidenceLink.objects.filter(evidence_file=evidence_file, answer=answer).exists():
        raise AttachmentRefused(
            f"{evidence_file.title} is already evidence for {answer.indicator.code}"
        )
    _ensure_room(answer=answer, size=evidence_file.size, evidence_file=evidence_file)
    link = EvidenceLink(
        evidence_file=evidence_file,
        answer=answer,
        linked_by=user,
        confirmed_at=timezone.now(),
    )
    link.save()
    return link


@transaction.atomic
def evidence_unlink(*, link: EvidenceLink, user: User) -> None:
    """Remove a file from one answer; the file stays in the library, and
    stays linked to every other answer it supports."""
    _ensure_answer_editable(link.answer, user)
    link.delete()


def evidence_keep(*, link: EvidenceLink, user: User) -> EvidenceLink:
    """Answer "still current?" for a link carried from last year: yes."""
    _ensure_answer_editable(link.answer, user)
    link.confirmed_at = timezone.now()
    link.save(update_fields=["confirmed_at"])
    return link


def evidence_file_update(
    *,
    evidence_file: EvidenceFile,
    user: User,
    title: str,
    document_date: datetime.date | None,
    review_by: datetime.date | None,
) -> EvidenceFile:
    """Change a library file's title, date and review-by date."""
    check_perm(
        user,
        CHANGE_EVIDENCE,
        evidence_file.partnership,
        message=LIBRARY_MANAGERS_ONLY,
    )
    evidence_file.title = title.strip()
    evidence_file.document_date = document_date
    evidence_file.review_by = review_by
    evidence_file.full_clean(exclude=["partnership", "uploaded_by"])
    evidence_file.save(update_fields=["title", "document_date", "review_by"])
    return evidence_file


@transaction.atomic
def evidence_file_delete(*, evidence_file: EvidenceFile, user: User) -> None:
    """Delete a library file and its stored content, once no answer links to
    it; EvidenceInUse says where it is still used."""
    check_perm(
        user,
        CHANGE_EVIDENCE,
        evidence_file.partnership,
        message=LIBRARY_MANAGERS_ONLY,
    )
    locked = EvidenceFile.objects.select_for_update().get(pk=evidence_file.pk)
    uses = [
        f"{period} {code}"
        for period, code in locked.links.order_by(
            "answer__return_record__period__starts_on", "answer__indicator__code"
        ).values_list("answer__return_record__period__code", "answer__indicator__code")
    ]
    if uses:
        raise EvidenceInUse(locked, uses)
    locked.delete()


def evidence_carry_forward(
    *, previous: Return, answers: list[Answer], user: User
) -> list[EvidenceLink]:
    """Link this year's answers to the files last year's answers to the same
    indicators linked to: new links to the same stored files, never copies,
    each to be confirmed as still current."""
    by_code = {answer.indicator.code: answer for answer in answers}
    now = timezone.now()
    links = [
        EvidenceLink(
            evidence_file_id=old.evidence_file_id,
            answer=by_code[old.answer.indicator.code],
            linked_at=now,
            linked_by=user,
            carried_from=old,
        )
        for old in EvidenceLink.objects.filter(
            answer__return_record=previous
        ).select_related("answer__indicator")
        if old.answer.indicator.code in by_code
    ]
    return EvidenceLink.objects.bulk_create(links)

"""Writes: keeping an uploaded file for its preview, and importing it, all
or nothing. Each service checks the perm itself."""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from partnerships import services as partnership_services
from partnerships.models import (
    LSP,
    LearningPartnership,
    LocalLSC,
    Profile,
    Region,
)
from partnerships.rules import check_perm
from partnerships.users import User

from .models import ImportLog, Kind, Upload
from .outcomes import CHANGE, CREATE, PROBLEM, UNCHANGED, Preview, RowPlan
from .reading import FileRefused, read_table
from .rows import preview_table
from .rules import IMPORT_RECORDS

REFUSED = "Only national administrators import records."
# An upload not confirmed within this is cleared by the next upload.
UPLOAD_KEPT = datetime.timedelta(days=1)


class ImportRefused(Exception):
    """Nothing was imported: the message says why, and the preview is the
    file as it reads now (its problems, or what would now happen)."""

    def __init__(self, message: str, preview: Preview | None) -> None:
        super().__init__(message)
        self.message = message
        self.preview = preview


def _save(instance: models.Model, fields: dict[str, Any]) -> Any:
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


def upload_create(*, user: User, kind: str, file_name: str, content: bytes) -> Upload:
    """Keep a file whose rows can be read as ``kind``, for its preview.
    FileRefused if the file, or its header row, cannot be read."""
    check_perm(user, IMPORT_RECORDS, message=REFUSED)
    table = read_table(content, file_name=file_name)
    preview_table(table=table, kind=kind, user=user)
    Upload.objects.filter(uploaded_at__lt=timezone.now() - UPLOAD_KEPT).delete()
    return Upload.objects.create(
        kind=kind,
        file_name=file_name[:255],
        file_format=table.file_format,
        content=content,
        uploaded_by=user,
    )


def local_lsc_save(
    *, user: User, llsc: LocalLSC | None = None, **fields: Any
) -> LocalLSC:
    """Add a local LSC, or change one."""
    check_perm(user, IMPORT_RECORDS, message=REFUSED)
    return _save(llsc or LocalLSC(), fields)  # type: ignore[no-any-return]


def lsp_save(*, user: User, lsp: LSP | None = None, **fields: Any) -> LSP:
    """Add an LSP, or change one."""
    check_perm(user, IMPORT_RECORDS, message=REFUSED)
    return _save(lsp or LSP(), fields)  # type: ignore[no-any-return]


def partnership_create(*, user: User, **fields: Any) -> LearningPartnership:
    """Add a partnership (its managers are given on user accounts)."""
    check_perm(user, IMPORT_RECORDS, message=REFUSED)
    return _save(LearningPartnership(), fields)  # type: ignore[no-any-return]


def account_save(
    *,
    user: User,
    account: User | None,
    role: str,
    llsc: LocalLSC | None,
    region: Region | None,
    partnerships: list[LearningPartnership],
    **fields: Any,
) -> User:
    """Add a user account with its role, or change one's details and role; add
    the partnerships a manager manages. A new account has no password its
    holder knows: they set one through the password reset."""
    check_perm(user, IMPORT_RECORDS, message=REFUSED)
    if account is None:
        account = User(**fields)
        # A random password nobody is told, not an unusable one: Django's
        # password reset sends no link to an account whose password is
        # unusable, and the reset is how the holder sets their own.
        account.set_password(secrets.token_urlsafe(32))
        account.full_clean()
        account.save()
    elif fields:
        _save(account, fields)
    try:
        profile = account.profile
    except Profile.DoesNotExist:
        profile = Profile(user=account)
    _save(profile, {"role": role, "llsc": llsc, "region": region})
    if partnerships:
        account.managed_partnerships.add(*partnerships)
    return account


def _apply(kind: str, row: RowPlan, user: User) -> None:
    fields = dict(row.fields)
    if kind == Kind.LLSCS:
        local_lsc_save(user=user, llsc=row.existing, **fields)
    elif kind == Kind.LSPS:
        lsp_save(user=user, lsp=row.existing, **fields)
    elif kind == Kind.PARTNERSHIPS:
        if row.existing is None:
            partnership_create(user=user, **fields)
        else:
            partnership_services.partnership_update(
                partnership=row.existing, user=user, **fields
            )
    elif kind == Kind.MEMBERS:
        partnership = fields.pop("partnership")
        partnership_services.member_save(
            partnership=partnership, user=user, member=row.existing, **fields
        )
    else:
        account_save(
            user=user,
            account=row.existing,
            role=fields.pop("role"),
            llsc=fields.pop("llsc"),
            region=fields.pop("region"),
            partnerships=row.partnerships,
            **fields,
        )


def upload_preview(*, upload: Upload, user: User) -> Preview:
    """What importing the upload would do now. FileRefused if it cannot be
    read any more (it could when kept)."""
    check_perm(user, IMPORT_RECORDS, message=REFUSED)
    table = read_table(bytes(upload.content), file_name=upload.file_name)
    return preview_table(table=table, kind=upload.kind, user=user)


def import_confirm(*, upload: Upload, user: User, fingerprint: str) -> ImportLog:
    """Import every row of the upload, in one transaction, or nothing:
    ImportRefused if a row has a problem, if what the import would do is no
    longer what the preview showed (``fingerprint``), or if saving a row is
    refused. The upload is deleted and the import logged."""
    check_perm(user, IMPORT_RECORDS, message=REFUSED)
    preview: Preview | None = None
    current: RowPlan | None = None
    try:
        with transaction.atomic():
            try:
                preview = upload_preview(upload=upload, user=user)
            except FileRefused as error:
                raise ImportRefused(error.message, None) from error
            if preview.problems:
                raise ImportRefused(
                    "Nothing was imported: the file has problems. Correct them and "
                    "upload it again",
                    preview,
                )
            if preview.fingerprint != fingerprint:
                raise ImportRefused(
                    "Nothing was imported: the records changed since the preview "
                    "was shown. Check what the import would do now, then import",
                    preview,
                )
            for row in preview.rows:
                current = row
                if row.action != UNCHANGED:
                    _apply(upload.kind, row, user)
            log = ImportLog.objects.create(
                kind=upload.kind,
                file_name=upload.file_name,
                file_format=upload.file_format,
                imported_by=user,
                imported_by_name=user.get_username(),
                created_count=preview.count(CREATE),
                changed_count=preview.count(CHANGE),
                unchanged_count=preview.count(UNCHANGED),
                rows=[row.outcome() for row in preview.rows],
            )
            upload.delete()
    except ValidationError as error:
        # A check only the save makes (a record added meanwhile, a review
        # begun): the whole import was rolled back.
        if preview is None or current is None:
            raise
        for message in error.messages:
            current.problem("", message, preview.sheet)
        current.action = PROBLEM
        raise ImportRefused(
            f"Nothing was imported: row {current.number} could not be saved",
            preview,
        ) from error
    return log

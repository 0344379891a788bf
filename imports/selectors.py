"""Reads: the uploads and the import log a user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from partnerships.users import AnyUser

from .models import ImportLog, Upload
from .rules import IMPORT_RECORDS


def uploads_for_user(user: AnyUser) -> QuerySet[Upload]:
    """The uploads waiting for their preview to be confirmed: each is its
    uploader's alone."""
    if not user.is_authenticated or not user.has_perm(IMPORT_RECORDS):
        return Upload.objects.none()
    return Upload.objects.filter(uploaded_by=user)


def import_logs_for_user(user: AnyUser) -> QuerySet[ImportLog]:
    """Every import made, for those who may import."""
    if not user.is_authenticated or not user.has_perm(IMPORT_RECORDS):
        return ImportLog.objects.none()
    return ImportLog.objects.all()


def import_log_list(*, user: AnyUser) -> QuerySet[ImportLog]:
    """The log's page: newest first, without each import's rows."""
    return import_logs_for_user(user).defer("rows").order_by("-imported_at", "-pk")

"""Bulk import pages: upload a file, preview what it would do, confirm; the
log of imports; the templates and the guide to their columns. National
administrators only (403 for everyone else); an upload is its uploader's
alone (404 to others)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from partnerships.selectors import regions_for_user
from partnerships.users import AuthenticatedHttpRequest

from . import selectors, services
from .columns import SPECS
from .downloads import template_file
from .forms import ConfirmForm, UploadForm
from .models import FileFormat, ImportLog, Kind, Upload
from .outcomes import CHANGE, CREATE, PROBLEM, UNCHANGED, Preview
from .reading import FileRefused, max_rows, max_size
from .rules import IMPORT_RECORDS

PAGE_SIZE = 25
REFUSED = "Only national administrators import records."


def _require_perm(request: HttpRequest) -> None:
    if not request.user.has_perm(IMPORT_RECORDS):
        raise PermissionDenied(REFUSED)


def _get_upload_for_user(request: HttpRequest, pk: int) -> Upload:
    """The user's own upload, 403 for those who may not import, else 404."""
    _require_perm(request)
    return get_object_or_404(selectors.uploads_for_user(request.user), pk=pk)


def _get_log_for_user(request: HttpRequest, pk: int) -> ImportLog:
    _require_perm(request)
    return get_object_or_404(selectors.import_logs_for_user(request.user), pk=pk)


def _limits() -> dict[str, Any]:
    return {
        "max_size": max_size(),
        "max_rows": max_rows(),
    }


@require_http_methods(["GET", "POST"])
def start(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_perm(request)
    # A link from a preview or the column guide may say which kind.
    kind = request.GET.get("kind", "")
    form = UploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={"kind": kind} if kind in Kind.values else {},
    )
    if request.method == "POST" and form.is_valid():
        try:
            upload = services.upload_create(
                user=request.user,
                kind=form.cleaned_data["kind"],
                file_name=form.file_name,
                content=form.cleaned_data["file"],
            )
        except FileRefused as error:
            form.add_error("file", error.message)
        else:
            return redirect(upload)
    return render(
        request,
        "imports/start.html",
        {"form": form, "kinds": SPECS.values(), "formats": FileFormat, **_limits()},
    )


def _preview_page(
    request: HttpRequest,
    upload: Upload,
    preview: Preview | None,
    *,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "imports/preview.html",
        {
            "upload": upload,
            "preview": preview,
            "spec": SPECS[upload.kind],
            "refusal": refusal,
            "form": ConfirmForm(initial={"fingerprint": preview.fingerprint})
            if preview is not None
            else None,
            "CREATE": CREATE,
            "CHANGE": CHANGE,
            "UNCHANGED": UNCHANGED,
            "PROBLEM": PROBLEM,
        },
        status=status,
    )


@require_safe
def preview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    upload = _get_upload_for_user(request, pk)
    try:
        result = services.upload_preview(upload=upload, user=request.user)
    except FileRefused as error:
        return _preview_page(request, upload, None, refusal=error.message)
    return _preview_page(request, upload, result)


@require_POST
def confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    upload = _get_upload_for_user(request, pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Check what the import would do, then import.")
        return redirect(upload)
    try:
        log = services.import_confirm(
            upload=upload,
            user=request.user,
            fingerprint=form.cleaned_data["fingerprint"],
        )
    except services.ImportRefused as error:
        return _preview_page(request, upload, error.preview, refusal=error.message)
    messages.success(
        request,
        f"{log.file_name} imported: {log.created_count} created, "
        f"{log.changed_count} changed, {log.unchanged_count} unchanged.",
    )
    return redirect(log)


@require_safe
def log_list(request: HttpRequest) -> HttpResponse:
    _require_perm(request)
    page = Paginator(selectors.import_log_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "imports/log_list.html", {"page": page})


@require_safe
def log_detail(request: HttpRequest, pk: int) -> HttpResponse:
    log = _get_log_for_user(request, pk)
    return render(request, "imports/log_detail.html", {"log": log})


@require_safe
def columns(request: HttpRequest) -> HttpResponse:
    _require_perm(request)
    return render(
        request,
        "imports/columns.html",
        {
            "kinds": SPECS.values(),
            "formats": FileFormat,
            "regions": regions_for_user(request.user),
            **_limits(),
        },
    )


@require_safe
def template(request: HttpRequest, kind: str, file_format: str) -> HttpResponse:
    _require_perm(request)
    if kind not in Kind.values or file_format not in FileFormat.values:
        raise Http404("No such template.")
    download = template_file(kind=kind, file_format=file_format)
    response = HttpResponse(download.content, content_type=download.content_type)
    response["Content-Disposition"] = f'attachment; filename="{download.file_name}"'
    return response

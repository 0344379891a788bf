"""Framework pages: read by everyone with a role; imported, exported, copied
and published by national administrators."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from . import framework_sheets, selectors, services
from .forms import FrameworkImportForm
from .framework_files import FrameworkFileError
from .models import Framework

MANAGE = "indicators.manage_frameworks"


def _get_framework_for_user(
    request: HttpRequest, pk: int, *, manage: bool = False
) -> Framework:
    framework = get_object_or_404(selectors.frameworks_for_user(request.user), pk=pk)
    if manage and not request.user.has_perm(MANAGE):
        raise PermissionDenied("Only national administrators can change frameworks.")
    return framework


@require_safe
def framework_list(request: HttpRequest) -> HttpResponse:
    frameworks = selectors.frameworks_for_user(request.user).prefetch_related("periods")
    return render(
        request,
        "indicators/list.html",
        {"frameworks": frameworks, "can_manage": request.user.has_perm(MANAGE)},
    )


@require_safe
def framework_detail(request: HttpRequest, pk: int) -> HttpResponse:
    framework = _get_framework_for_user(request, pk)
    return render(
        request,
        "indicators/detail.html",
        {
            "framework": framework,
            "dimensions": selectors.framework_dimensions(framework=framework),
            "category_lists": selectors.framework_category_lists(framework=framework),
            "levels": list(framework.score_levels.all()),
            "periods": list(framework.periods.all()),
            "can_manage": request.user.has_perm(MANAGE),
        },
    )


@require_safe
def framework_export(request: HttpRequest, pk: int) -> HttpResponse:
    framework = _get_framework_for_user(request, pk)
    file_format = requested_format(request)
    return file_download(
        services.framework_export_file(framework=framework, file_format=file_format),
        name=framework.name,
        version=framework.version,
        file_format=file_format,
    )


def requested_format(request: HttpRequest) -> str:
    """The file format asked for (YAML unless another is named); 404 for one
    there is none of."""
    file_format = request.GET.get("format", framework_sheets.YAML)
    if file_format not in framework_sheets.FORMATS:
        raise Http404("No such file format.")
    return file_format


def file_download(
    content: bytes, *, name: str, version: int, file_format: str
) -> HttpResponse:
    """A framework's or supplement's file, as an attachment named after it."""
    response = HttpResponse(
        content, content_type=framework_sheets.CONTENT_TYPES[file_format]
    )
    filename = f"{slugify(name)}-v{version}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "POST"])
def framework_import(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(MANAGE):
        raise PermissionDenied("Only national administrators can import frameworks.")
    form = FrameworkImportForm(
        request.POST if request.method == "POST" else None, request.FILES or None
    )
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            framework = services.framework_import_file(
                content=form.cleaned_data["file"]
            )
        except FrameworkFileError as error:
            problems = error.problems
        else:
            messages.success(request, f"{framework} imported.")
            return redirect(framework)
    return render(
        request, "indicators/import.html", {"form": form, "problems": problems}
    )


@require_POST
def framework_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    framework = _get_framework_for_user(request, pk, manage=True)
    copy = services.framework_new_version(framework=framework)
    messages.success(
        request,
        f"Version {copy.version} created as a draft. Export it, edit the file, and "
        "import it as a new version, or publish it as it is.",
    )
    return redirect(copy)


@require_POST
def framework_publish(request: HttpRequest, pk: int) -> HttpResponse:
    framework = _get_framework_for_user(request, pk, manage=True)
    try:
        services.framework_publish(framework=framework)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, f"{framework} was not published: {message}.")
        return redirect(framework)
    messages.success(request, f"{framework} is published. It can no longer change.")
    return redirect(framework)

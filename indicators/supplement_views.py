"""Local statements pages: the supplements an officer may see, each with its
statements; imported, added to, copied and published by their area's GO or
LLSC officers (administrators: any). Outside a user's scope, 404; an officer
who may read a supplement but not change it (another area's), 403."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from partnerships.users import AuthenticatedHttpRequest

from . import selectors
from . import supplements as services
from .forms import LocalStatementForm, SupplementCreateForm, SupplementImportForm
from .framework_files import FrameworkFileError
from .models import Supplement
from .views import file_download, requested_format

ADD = "indicators.add_supplement"
CHANGE = "indicators.change_supplement"


def _get_supplement_for_user(
    request: HttpRequest, pk: int, *, change: bool = False
) -> Supplement:
    supplement = get_object_or_404(selectors.supplements_for_user(request.user), pk=pk)
    if change and not request.user.has_perm(CHANGE, supplement):
        raise PermissionDenied(services.OWN_AREA)
    return supplement


def _refuse_unless_officer(request: HttpRequest) -> None:
    if not request.user.has_perm(ADD):
        raise PermissionDenied(
            "Only Government Office and LLSC officers add local statements."
        )


@require_safe
def supplement_list(request: HttpRequest) -> HttpResponse:
    _refuse_unless_officer(request)
    supplements = selectors.supplements_for_user(request.user).order_by(
        "-period__starts_on", "region__name", "local_lsc__name", "-version"
    )
    return render(
        request, "indicators/supplement_list.html", {"supplements": supplements}
    )


@require_safe
def supplement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    supplement = _get_supplement_for_user(request, pk)
    return render(
        request,
        "indicators/supplement_detail.html",
        {
            "supplement": supplement,
            "dimensions": selectors.supplement_dimensions(supplement=supplement),
            "can_change": request.user.has_perm(CHANGE, supplement),
        },
    )


@require_safe
def supplement_export(request: HttpRequest, pk: int) -> HttpResponse:
    supplement = _get_supplement_for_user(request, pk)
    file_format = requested_format(request)
    return file_download(
        services.supplement_export_file(supplement=supplement, file_format=file_format),
        name=supplement.name,
        version=supplement.version,
        file_format=file_format,
    )


@require_http_methods(["GET", "POST"])
def supplement_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    _refuse_unless_officer(request)
    form = SupplementImportForm(
        request.POST if request.method == "POST" else None, request.FILES or None
    )
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            supplement = services.supplement_import_file(
                content=form.cleaned_data["file"], user=request.user
            )
        except FrameworkFileError as error:
            problems = error.problems
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(request, f"{supplement} imported.")
            return redirect(supplement)
    return render(
        request,
        "indicators/supplement_import.html",
        {"form": form, "problems": problems},
    )


@require_http_methods(["GET", "POST"])
def supplement_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _refuse_unless_officer(request)
    form = SupplementCreateForm(
        request.POST if request.method == "POST" else None,
        choose_area=request.user.has_perm("indicators.manage_frameworks"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            supplement = services.supplement_create(
                user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"{supplement} started: add its statements.")
            return redirect(supplement)
    return render(request, "indicators/supplement_create.html", {"form": form})


@require_http_methods(["GET", "POST"])
def supplement_statement_add(
    request: AuthenticatedHttpRequest, pk: int
) -> HttpResponse:
    supplement = _get_supplement_for_user(request, pk, change=True)
    if supplement.is_published:
        messages.error(
            request,
            "These statements are published: make a new version to change them.",
        )
        return redirect(supplement)
    form = LocalStatementForm(
        request.POST if request.method == "POST" else None,
        framework=supplement.framework,
    )
    if request.method == "POST" and form.is_valid():
        indicator = services.supplement_indicator_add(
            supplement=supplement, user=request.user, **form.cleaned_data
        )
        messages.success(request, f"{indicator.code} added.")
        return redirect(supplement)
    return render(
        request,
        "indicators/supplement_statement.html",
        {"supplement": supplement, "form": form},
    )


@require_POST
def supplement_statement_remove(
    request: AuthenticatedHttpRequest, pk: int, indicator_pk: int
) -> HttpResponse:
    supplement = _get_supplement_for_user(request, pk, change=True)
    indicator = get_object_or_404(supplement.indicators, pk=indicator_pk)
    try:
        services.supplement_indicator_remove(indicator=indicator, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{indicator.code} removed.")
    return redirect(supplement)


@require_POST
def supplement_new_version(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    supplement = _get_supplement_for_user(request, pk, change=True)
    copy = services.supplement_new_version(supplement=supplement, user=request.user)
    messages.success(
        request,
        f"Version {copy.version} created as a draft: add statements, or import a "
        "changed file, then publish it.",
    )
    return redirect(copy)


@require_POST
def supplement_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    supplement = _get_supplement_for_user(request, pk, change=True)
    try:
        services.supplement_publish(supplement=supplement, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"{supplement} is published. Its partnerships' returns being written "
            "now include its statements.",
        )
    return redirect(supplement)

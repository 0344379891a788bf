"""A partnership's evidence library: its files, where each is used, which are
due for review; a file's download, its facts, and deleting it once unused.
And, on a return, removing a file from one indicator or keeping one carried
forward from last year."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from partnerships.models import LearningPartnership
from partnerships.selectors import partnerships_for_user
from partnerships.users import AuthenticatedHttpRequest

from .. import evidence, evidence_selectors
from ..evidence_forms import EvidenceFileForm
from ..file_types import file_type_for, name_for
from ..models import EvidenceFile, EvidenceLink, Return
from .returns import get_return_for_user

CHANGE_EVIDENCE = "assessment.change_evidence"


def _get_evidence_file_for_user(
    request: AuthenticatedHttpRequest, pk: int, *, change: bool = False
) -> EvidenceFile:
    """The library file, or 404 when the user may not see it; 403 when the
    user may see it but not change it."""
    evidence_file = get_object_or_404(
        evidence_selectors.evidence_files_for_user(request.user).select_related(
            "partnership"
        ),
        pk=pk,
    )
    if change and not request.user.has_perm(CHANGE_EVIDENCE, evidence_file.partnership):
        raise PermissionDenied(evidence.LIBRARY_MANAGERS_ONLY)
    return evidence_file


@require_safe
def evidence_library(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    partnership = get_object_or_404(partnerships_for_user(request.user), pk=pk)
    entries = evidence_selectors.evidence_library(
        partnership=partnership, user=request.user
    )
    return render(
        request,
        "assessment/evidence_library.html",
        {
            "partnership": partnership,
            "entries": entries,
            "due": sum(1 for entry in entries if entry.review_due),
            "can_change": request.user.has_perm(CHANGE_EVIDENCE, partnership),
        },
    )


def _library_url(partnership: LearningPartnership | int) -> str:
    pk = partnership if isinstance(partnership, int) else partnership.pk
    return reverse("assessment:evidence_library", args=[pk])


@require_http_methods(["GET", "POST"])
def evidence_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    evidence_file = _get_evidence_file_for_user(request, pk, change=True)
    form = EvidenceFileForm(
        request.POST if request.method == "POST" else None,
        instance=evidence_file,
    )
    if request.method == "POST" and form.is_valid():
        evidence.evidence_file_update(
            evidence_file=evidence_file,
            user=request.user,
            title=form.cleaned_data["title"],
            document_date=form.cleaned_data["document_date"],
            review_by=form.cleaned_data["review_by"],
        )
        messages.success(request, f"{evidence_file.title} saved.")
        return redirect(_library_url(evidence_file.partnership_id))
    return render(
        request,
        "assessment/evidence_edit.html",
        {
            "form": form,
            "evidence_file": evidence_file,
            "partnership": evidence_file.partnership,
        },
    )


@require_http_methods(["GET", "POST"])
def evidence_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    evidence_file = _get_evidence_file_for_user(request, pk, change=True)
    uses = list(
        evidence_selectors.links_with_places(
            EvidenceLink.objects.filter(evidence_file=evidence_file)
        )
    )
    if request.method == "POST" and not uses:
        try:
            evidence.evidence_file_delete(
                evidence_file=evidence_file, user=request.user
            )
        except evidence.EvidenceInUse as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, f"{evidence_file.title} deleted.")
        return redirect(_library_url(evidence_file.partnership_id))
    return render(
        request,
        "assessment/evidence_delete.html",
        {
            "evidence_file": evidence_file,
            "partnership": evidence_file.partnership,
            "uses": uses,
        },
    )


@require_safe
def attachment_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    evidence_file = _get_evidence_file_for_user(request, pk)
    try:
        handle = evidence_file.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("The file is missing") from error
    # Served as the type its content was found to be, under that type's
    # extension, as a download the browser never renders in the service's own
    # origin (a PDF that is also an HTML page stays a PDF).
    file_type = file_type_for(evidence_file.content_type)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=(
            name_for(evidence_file.original_name, file_type)
            if file_type
            else evidence_file.original_name
        ),
        content_type=file_type.content_type
        if file_type
        else "application/octet-stream",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _get_link(
    request: AuthenticatedHttpRequest, return_record: Return, link_pk: int
) -> EvidenceLink:
    return get_object_or_404(
        evidence_selectors.evidence_links_for_user(request.user).select_related(
            "evidence_file", "answer__indicator__dimension"
        ),
        pk=link_pk,
        answer__return_record=return_record,
    )


def _indicator_url(return_record: Return, link: EvidenceLink) -> str:
    indicator = link.answer.indicator
    return reverse(
        "assessment:indicator",
        kwargs={
            "pk": return_record.pk,
            "code": indicator.dimension.code,
            "indicator": indicator.code,
        },
    )


@require_http_methods(["GET", "POST"])
def attachment_remove(
    request: AuthenticatedHttpRequest, pk: int, attachment_pk: int
) -> HttpResponse:
    """Remove a file from one indicator: the link goes, the file stays in the
    library (and linked wherever else it is used)."""
    return_record = get_return_for_user(request, pk, edit=True)
    link = _get_link(request, return_record, attachment_pk)
    back = _indicator_url(return_record, link)
    if request.method == "POST":
        evidence.evidence_unlink(link=link, user=request.user)
        messages.success(
            request,
            f"{link.evidence_file.title} removed from {link.answer.indicator.code}. "
            "It is still in the partnership's evidence library.",
        )
        return redirect(back)
    return render(
        request,
        "assessment/attachment_remove.html",
        {"return": return_record, "link": link, "back": back},
    )


@require_POST
def evidence_keep(
    request: AuthenticatedHttpRequest, pk: int, link_pk: int
) -> HttpResponse:
    """Answer "still current?" yes for a file carried forward from last year."""
    return_record = get_return_for_user(request, pk, edit=True)
    link = _get_link(request, return_record, link_pk)
    evidence.evidence_keep(link=link, user=request.user)
    messages.success(
        request,
        f"{link.evidence_file.title} kept as evidence for "
        f"{link.answer.indicator.code}.",
    )
    return redirect(_indicator_url(return_record, link))

"""Partnership pages: list, profile, and the edit pages for the profile,
members and relationships."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from . import selectors, services
from .forms import (
    LLSCRelationshipForm,
    LSPRelationshipForm,
    MemberForm,
    PartnershipFilterForm,
    PartnershipForm,
)
from .models import LearningPartnership

PAGE_SIZE = 25
EDIT_PERMISSION = "partnerships.change_learningpartnership"


def _posted(request: HttpRequest) -> Any:
    """The POSTed data, even when empty, so an empty POST is validated too."""
    return request.POST if request.method == "POST" else None


def _get_partnership_for_user(
    request: HttpRequest, pk: int, *, edit: bool = False
) -> LearningPartnership:
    """The partnership, or 404 outside the user's scope, or 403 if the user may
    see it but not edit it."""
    partnership = get_object_or_404(
        selectors.partnerships_for_user(request.user), pk=pk
    )
    if edit and not request.user.has_perm(EDIT_PERMISSION, partnership):
        raise PermissionDenied("You can view this partnership but not change it.")
    return partnership


def _get_child_for_user(
    request: HttpRequest, queryset: QuerySet[Any], partnership_pk: int, pk: int
) -> Any:
    """A member or relationship of a partnership the user may edit, or 404/403."""
    partnership = _get_partnership_for_user(request, partnership_pk, edit=True)
    child = get_object_or_404(queryset, partnership=partnership, pk=pk)
    return child


def partnership_list(request: HttpRequest) -> HttpResponse:
    form = PartnershipFilterForm(request.GET or None)
    form.is_valid()
    # A bad value in one filter is reported beside it; the valid ones still apply.
    cleaned = getattr(form, "cleaned_data", {})
    filters: dict[str, Any] = {
        "region": cleaned.get("region"),
        "llsc": cleaned.get("llsc"),
        "structure_model": cleaned.get("structure_model", ""),
        "search": cleaned.get("q", "").strip(),
    }
    partnerships = selectors.partnership_list(user=request.user, **filters)
    page = Paginator(partnerships, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "partnerships/list.html",
        {
            "form": form,
            "page": page,
            "is_filtered": any(filters.values()),
            "query_string": query.urlencode(),
        },
    )


def partnership_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _get_partnership_for_user(request, pk)
    context = selectors.partnership_profile(partnership=partnership)
    context["partnership"] = partnership
    context["can_edit"] = request.user.has_perm(EDIT_PERMISSION, partnership)
    return render(request, "partnerships/detail.html", context)


@require_http_methods(["GET", "POST"])
def partnership_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _get_partnership_for_user(request, pk, edit=True)
    form = PartnershipForm(_posted(request), instance=partnership)
    if request.method == "POST" and form.is_valid():
        services.partnership_update(partnership=partnership, **form.cleaned_data)
        messages.success(request, "Partnership details saved.")
        return redirect(partnership)
    return render(
        request,
        "partnerships/form.html",
        {
            "form": form,
            "partnership": partnership,
            "title": "Change partnership details",
        },
    )


def _child_form_page(
    request: HttpRequest,
    *,
    partnership: LearningPartnership,
    form_class: Callable[..., ModelForm],
    instance: Model | None,
    save: Any,
    title: str,
    saved_message: str,
) -> HttpResponse:
    """Shared flow of the add/change pages of members and relationships."""
    form = form_class(_posted(request), instance=instance, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        save(form.cleaned_data)
        messages.success(request, saved_message)
        return redirect(partnership)
    return render(
        request,
        "partnerships/form.html",
        {"form": form, "partnership": partnership, "title": title},
    )


def _child_delete_page(
    request: HttpRequest,
    *,
    partnership: LearningPartnership,
    child: Model,
    delete: Any,
    title: str,
    deleted_message: str,
) -> HttpResponse:
    """Shared confirm-then-delete flow for members and relationships."""
    if request.method == "POST":
        delete()
        messages.success(request, deleted_message)
        return redirect(partnership)
    return render(
        request,
        "partnerships/confirm_delete.html",
        {"partnership": partnership, "object": child, "title": title},
    )


@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _get_partnership_for_user(request, pk, edit=True)
    return _child_form_page(
        request,
        partnership=partnership,
        form_class=MemberForm,
        instance=None,
        save=lambda data: services.member_save(partnership=partnership, **data),
        title="Add a member organisation",
        saved_message="Member organisation added.",
    )


@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    member = _get_child_for_user(
        request, selectors.members_for_user(request.user), pk, member_pk
    )
    return _child_form_page(
        request,
        partnership=member.partnership,
        form_class=MemberForm,
        instance=member,
        save=lambda data: services.member_save(
            partnership=member.partnership, member=member, **data
        ),
        title=f"Change {member.name}",
        saved_message="Member organisation saved.",
    )


@require_http_methods(["GET", "POST"])
def member_delete(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    member = _get_child_for_user(
        request, selectors.members_for_user(request.user), pk, member_pk
    )
    return _child_delete_page(
        request,
        partnership=member.partnership,
        child=member,
        delete=lambda: services.member_delete(member=member),
        title=f"Remove {member.name} from the partnership?",
        deleted_message=f"{member.name} removed.",
    )


@require_http_methods(["GET", "POST"])
def llsc_relationship_add(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _get_partnership_for_user(request, pk, edit=True)
    return _child_form_page(
        request,
        partnership=partnership,
        form_class=LLSCRelationshipForm,
        instance=None,
        save=lambda data: services.llsc_relationship_save(
            partnership=partnership, **data
        ),
        title="Link to a local LSC",
        saved_message="Local LSC relationship added.",
    )


@require_http_methods(["GET", "POST"])
def llsc_relationship_edit(
    request: HttpRequest, pk: int, relationship_pk: int
) -> HttpResponse:
    relationship = _get_child_for_user(
        request,
        selectors.llsc_relationships_for_user(request.user),
        pk,
        relationship_pk,
    )
    return _child_form_page(
        request,
        partnership=relationship.partnership,
        form_class=LLSCRelationshipForm,
        instance=relationship,
        save=lambda data: services.llsc_relationship_save(
            partnership=relationship.partnership, relationship=relationship, **data
        ),
        title=f"Change the relationship with {relationship.llsc}",
        saved_message="Local LSC relationship saved.",
    )


@require_http_methods(["GET", "POST"])
def llsc_relationship_delete(
    request: HttpRequest, pk: int, relationship_pk: int
) -> HttpResponse:
    relationship = _get_child_for_user(
        request,
        selectors.llsc_relationships_for_user(request.user),
        pk,
        relationship_pk,
    )
    return _child_delete_page(
        request,
        partnership=relationship.partnership,
        child=relationship,
        delete=lambda: services.llsc_relationship_delete(relationship=relationship),
        title=f"Remove the link to {relationship.llsc}?",
        deleted_message=f"Link to {relationship.llsc} removed.",
    )


@require_http_methods(["GET", "POST"])
def lsp_relationship_add(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _get_partnership_for_user(request, pk, edit=True)
    return _child_form_page(
        request,
        partnership=partnership,
        form_class=LSPRelationshipForm,
        instance=None,
        save=lambda data: services.lsp_relationship_save(
            partnership=partnership, **data
        ),
        title="Link to an LSP",
        saved_message="LSP relationship added.",
    )


@require_http_methods(["GET", "POST"])
def lsp_relationship_edit(
    request: HttpRequest, pk: int, relationship_pk: int
) -> HttpResponse:
    relationship = _get_child_for_user(
        request, selectors.lsp_relationships_for_user(request.user), pk, relationship_pk
    )
    return _child_form_page(
        request,
        partnership=relationship.partnership,
        form_class=LSPRelationshipForm,
        instance=relationship,
        save=lambda data: services.lsp_relationship_save(
            partnership=relationship.partnership, relationship=relationship, **data
        ),
        title=f"Change the relationship with {relationship.lsp}",
        saved_message="LSP relationship saved.",
    )


@require_http_methods(["GET", "POST"])
def lsp_relationship_delete(
    request: HttpRequest, pk: int, relationship_pk: int
) -> HttpResponse:
    relationship = _get_child_for_user(
        request, selectors.lsp_relationships_for_user(request.user), pk, relationship_pk
    )
    return _child_delete_page(
        request,
        partnership=relationship.partnership,
        child=relationship,
        delete=lambda: services.lsp_relationship_delete(relationship=relationship),
        title=f"Remove the link to {relationship.lsp}?",
        deleted_message=f"Link to {relationship.lsp} removed.",
    )

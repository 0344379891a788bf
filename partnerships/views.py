"""Partnership pages: list, profile, and the edit pages for the profile,
members and relationships."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from . import selectors, services
from .forms import (
    LLSCRelationshipForm,
    LSPRelationshipForm,
    MemberForm,
    PartnershipFilterForm,
    PartnershipForm,
)
from .models import LearningPartnership
from .profile import profile_sections

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


def _get_part_for_user(
    request: HttpRequest, part: PartnershipPart, partnership_pk: int, pk: int
) -> Any:
    """A member or relationship of a partnership the user may edit, or 404/403."""
    partnership = _get_partnership_for_user(request, partnership_pk, edit=True)
    return get_object_or_404(part.scope(request.user), partnership=partnership, pk=pk)


@require_safe
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


@require_safe
def partnership_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _get_partnership_for_user(request, pk)
    context = selectors.partnership_profile(partnership=partnership)
    context["partnership"] = partnership
    context["can_edit"] = request.user.has_perm(EDIT_PERMISSION, partnership)
    templates, sections = profile_sections(user=request.user, partnership=partnership)
    context.update(sections)
    context["profile_sections"] = templates
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


@dataclass(frozen=True)
class PartnershipPart:
    """A kind of row that belongs to a partnership and is edited from its profile:
    a member organisation, an LLSC relationship or an LSP relationship."""

    scope: Callable[[Any], QuerySet[Any]]
    form_class: Callable[..., ModelForm]
    save: Callable[[LearningPartnership, Any, dict[str, Any]], Model]
    delete: Callable[[Any], None]
    add_title: str
    change_title: Callable[[Any], str]
    remove_title: Callable[[Any], str]
    noun: str


PARTS = {
    "member": PartnershipPart(
        scope=selectors.members_for_user,
        form_class=MemberForm,
        save=lambda partnership, member, data: services.member_save(
            partnership=partnership, member=member, **data
        ),
        delete=lambda member: services.member_delete(member=member),
        add_title="Add a member organisation",
        change_title=lambda member: f"Change {member.name}",
        remove_title=lambda member: f"Remove {member.name} from the partnership?",
        noun="Member organisation",
    ),
    "llsc": PartnershipPart(
        scope=selectors.llsc_relationships_for_user,
        form_class=LLSCRelationshipForm,
        save=lambda partnership, relationship, data: services.llsc_relationship_save(
            partnership=partnership, relationship=relationship, **data
        ),
        delete=lambda relationship: services.llsc_relationship_delete(
            relationship=relationship
        ),
        add_title="Link to a local LSC",
        change_title=lambda relationship: (
            f"Change the relationship with {relationship.llsc}"
        ),
        remove_title=lambda relationship: f"Remove the link to {relationship.llsc}?",
        noun="Local LSC relationship",
    ),
    "lsp": PartnershipPart(
        scope=selectors.lsp_relationships_for_user,
        form_class=LSPRelationshipForm,
        save=lambda partnership, relationship, data: services.lsp_relationship_save(
            partnership=partnership, relationship=relationship, **data
        ),
        delete=lambda relationship: services.lsp_relationship_delete(
            relationship=relationship
        ),
        add_title="Link to an LSP",
        change_title=lambda relationship: (
            f"Change the relationship with {relationship.lsp}"
        ),
        remove_title=lambda relationship: f"Remove the link to {relationship.lsp}?",
        noun="LSP relationship",
    ),
}


def _part_form_page(
    request: HttpRequest,
    part: PartnershipPart,
    partnership: LearningPartnership,
    instance: Model | None,
) -> HttpResponse:
    form = part.form_class(_posted(request), instance=instance, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        part.save(partnership, instance, form.cleaned_data)
        messages.success(request, f"{part.noun} {'saved' if instance else 'added'}.")
        return redirect(partnership)
    title = part.change_title(instance) if instance else part.add_title
    return render(
        request,
        "partnerships/form.html",
        {"form": form, "partnership": partnership, "title": title},
    )


@require_http_methods(["GET", "POST"])
def part_add(request: HttpRequest, pk: int, *, part: str) -> HttpResponse:
    partnership = _get_partnership_for_user(request, pk, edit=True)
    return _part_form_page(request, PARTS[part], partnership, None)


@require_http_methods(["GET", "POST"])
def part_edit(
    request: HttpRequest, pk: int, part_pk: int, *, part: str
) -> HttpResponse:
    instance = _get_part_for_user(request, PARTS[part], pk, part_pk)
    return _part_form_page(request, PARTS[part], instance.partnership, instance)


@require_http_methods(["GET", "POST"])
def part_delete(
    request: HttpRequest, pk: int, part_pk: int, *, part: str
) -> HttpResponse:
    kind = PARTS[part]
    instance = _get_part_for_user(request, kind, pk, part_pk)
    partnership = instance.partnership
    if request.method == "POST":
        kind.delete(instance)
        messages.success(request, f"{kind.noun} removed.")
        return redirect(partnership)
    return render(
        request,
        "partnerships/confirm_delete.html",
        {
            "partnership": partnership,
            "object": instance,
            "title": kind.remove_title(instance),
        },
    )

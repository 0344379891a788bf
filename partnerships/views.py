"""Partnership pages: list, profile, and the edit pages for the profile,
members and relationships. The local LSC links have pages of their own: who
may change them is not who may change the rest of the profile."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from . import selectors, services
from .forms import (
    BodyLinkForm,
    LLSCRelationshipForm,
    LSPRelationshipForm,
    MemberForm,
    PartnershipFilterForm,
    PartnershipForm,
    without_fields,
)
from .locks import links_locked_message, oversight_lock
from .models import LearningPartnership, LLSCRelationship
from .profile import profile_sections
from .users import AuthenticatedHttpRequest

PAGE_SIZE = 25
EDIT_PERMISSION = "partnerships.change_learningpartnership"
OVERSIGHT_PERMISSION = "partnerships.change_oversight"
ADD_LINK_PERMISSION = "partnerships.add_llscrelationship"
CHANGE_LINK_PERMISSION = "partnerships.change_llscrelationship"
END_LINK_PERMISSION = "partnerships.delete_llscrelationship"
CHOOSE_LLSC_PERMISSION = "partnerships.choose_any_llsc"


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
def partnerships_to_link(request: HttpRequest) -> HttpResponse:
    """The partnerships the user may link to a local LSC: an LLSC officer's
    region's not yet linked to their own, or for a national administrator
    those linked to none."""
    if not request.user.has_perm("partnerships.link_llscs"):
        raise PermissionDenied(
            "Only LLSC officers and national administrators link partnerships "
            "to local LSCs."
        )
    partnerships = selectors.partnerships_awaiting_link(request.user)
    page = Paginator(partnerships, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "partnerships/to_link.html",
        {
            "page": page,
            "own_llsc": selectors.own_llsc(request.user),
            "query_string": "",
        },
    )


@require_safe
def partnership_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _get_partnership_for_user(request, pk)
    context = selectors.partnership_profile(partnership=partnership)
    context["partnership"] = partnership
    user = request.user
    context["can_edit"] = user.has_perm(EDIT_PERMISSION, partnership)
    context["may_change_oversight"] = user.has_perm(OVERSIGHT_PERMISSION, partnership)
    links = context["llsc_relationships"]
    for link in links:
        link.may_change = user.has_perm(CHANGE_LINK_PERMISSION, link)
        link.may_end = user.has_perm(END_LINK_PERMISSION, link)
    context["can_edit_any_link"] = any(link.may_change for link in links)
    context["may_add_llsc"] = user.has_perm(ADD_LINK_PERMISSION, partnership)
    # Asked only of those who could change a link: others see no actions.
    if context["may_add_llsc"] or any(link.may_end for link in links):
        reason = oversight_lock(partnership=partnership)
        context["links_locked"] = links_locked_message(reason) if reason else ""
    templates, sections = profile_sections(user=request.user, partnership=partnership)
    context.update(sections)
    context["profile_sections"] = templates
    return render(request, "partnerships/detail.html", context)


@require_http_methods(["GET", "POST"])
def partnership_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    partnership = _get_partnership_for_user(request, pk, edit=True)
    # The region and active flag as saved, for those who see them as text.
    region, is_active = partnership.region, partnership.is_active
    oversight = request.user.has_perm(OVERSIGHT_PERMISSION, partnership)
    form = PartnershipForm(_posted(request), instance=partnership, oversight=oversight)
    if request.method == "POST" and form.is_valid():
        try:
            services.partnership_update(
                partnership=partnership, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, without_fields(form, error))
        else:
            messages.success(request, "Partnership details saved.")
            return redirect(partnership)
    return render(
        request,
        "partnerships/form.html",
        {
            "form": form,
            "partnership": partnership,
            "title": "Change partnership details",
            "oversight_facts": None
            if oversight
            else [
                ("Government Office region", region.name),
                ("Status", "Active" if is_active else "Inactive"),
            ],
        },
    )


@dataclass(frozen=True)
class PartnershipPart:
    """A kind of row that belongs to a partnership and is edited from its profile
    by those who may change the profile: a member organisation, an LSP
    relationship or a relationship with another regeneration body."""

    scope: Callable[[Any], QuerySet[Any]]
    form_class: Callable[..., ModelForm]
    save: Callable[[LearningPartnership, Any, Any, dict[str, Any]], Model]
    delete: Callable[[Any, Any], None]
    add_title: str
    change_title: Callable[[Any], str]
    remove_title: Callable[[Any], str]
    noun: str


PARTS = {
    "member": PartnershipPart(
        scope=selectors.members_for_user,
        form_class=MemberForm,
        save=lambda partnership, member, user, data: services.member_save(
            partnership=partnership, member=member, user=user, **data
        ),
        delete=lambda member, user: services.member_delete(member=member, user=user),
        add_title="Add a member organisation",
        change_title=lambda member: f"Change {member.name}",
        remove_title=lambda member: f"Remove {member.name} from the partnership?",
        noun="Member organisation",
    ),
    "lsp": PartnershipPart(
        scope=selectors.lsp_relationships_for_user,
        form_class=LSPRelationshipForm,
        save=lambda partnership, relationship, user, data: (
            services.lsp_relationship_save(
                partnership=partnership, relationship=relationship, user=user, **data
            )
        ),
        delete=lambda relationship, user: services.lsp_relationship_delete(
            relationship=relationship, user=user
        ),
        add_title="Link to an LSP",
        change_title=lambda relationship: (
            f"Change the relationship with {relationship.lsp}"
        ),
        remove_title=lambda relationship: f"Remove the link to {relationship.lsp}?",
        noun="LSP relationship",
    ),
    "body": PartnershipPart(
        scope=selectors.body_links_for_user,
        form_class=BodyLinkForm,
        save=lambda partnership, link, user, data: services.body_link_save(
            partnership=partnership, link=link, user=user, **data
        ),
        delete=lambda link, user: services.body_link_delete(link=link, user=user),
        add_title="Link to another regeneration body",
        change_title=lambda link: f"Change the relationship with {link.name}",
        remove_title=lambda link: f"Remove the link to {link.name}?",
        noun="Regeneration body relationship",
    ),
}


def _part_form_page(
    request: AuthenticatedHttpRequest,
    part: PartnershipPart,
    partnership: LearningPartnership,
    instance: Model | None,
) -> HttpResponse:
    form = part.form_class(_posted(request), instance=instance, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        part.save(partnership, instance, request.user, form.cleaned_data)
        messages.success(request, f"{part.noun} {'saved' if instance else 'added'}.")
        return redirect(partnership)
    title = part.change_title(instance) if instance else part.add_title
    return render(
        request,
        "partnerships/form.html",
        {"form": form, "partnership": partnership, "title": title},
    )


@require_http_methods(["GET", "POST"])
def part_add(request: AuthenticatedHttpRequest, pk: int, *, part: str) -> HttpResponse:
    partnership = _get_partnership_for_user(request, pk, edit=True)
    return _part_form_page(request, PARTS[part], partnership, None)


@require_http_methods(["GET", "POST"])
def part_edit(
    request: AuthenticatedHttpRequest, pk: int, part_pk: int, *, part: str
) -> HttpResponse:
    instance = _get_part_for_user(request, PARTS[part], pk, part_pk)
    return _part_form_page(request, PARTS[part], instance.partnership, instance)


@require_http_methods(["GET", "POST"])
def part_delete(
    request: AuthenticatedHttpRequest, pk: int, part_pk: int, *, part: str
) -> HttpResponse:
    kind = PARTS[part]
    instance = _get_part_for_user(request, kind, pk, part_pk)
    partnership = instance.partnership
    if request.method == "POST":
        kind.delete(instance, request.user)
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


# The local LSC links: a national administrator changes any of them, an LLSC
# officer links their own local LSC and changes or ends its link; nobody adds,
# ends or moves one while a return is under review (partnerships/locks.py).


def _get_partnership_to_link(request: HttpRequest, pk: int) -> LearningPartnership:
    """The partnership to link to a local LSC, or 404 outside the linking scope
    (selectors.partnerships_to_link_for_user), or 403 if the user may not link
    it."""
    partnership = get_object_or_404(
        selectors.partnerships_to_link_for_user(request.user).select_related("region"),
        pk=pk,
    )
    if not request.user.has_perm(ADD_LINK_PERMISSION, partnership):
        raise PermissionDenied(
            "You cannot link this partnership to a local LSC: national "
            "administrators do, and LLSC officers for their own local LSC."
        )
    return partnership


def _get_link_for_user(
    request: HttpRequest, pk: int, part_pk: int, perm: str
) -> LLSCRelationship:
    """A local LSC link of a partnership the user sees, or 404; 403 if the user
    may not do ``perm`` to it."""
    partnership = _get_partnership_for_user(request, pk)
    link = get_object_or_404(
        selectors.llsc_relationships_for_user(request.user).select_related("llsc"),
        partnership=partnership,
        pk=part_pk,
    )
    link.partnership = partnership
    if not request.user.has_perm(perm, link):
        raise PermissionDenied(
            "You can view this link but not change it: national administrators "
            "do, and LLSC officers for their own local LSC."
        )
    return link


def _llsc_form_page(
    request: AuthenticatedHttpRequest,
    partnership: LearningPartnership,
    link: LLSCRelationship | None,
) -> HttpResponse:
    reason = oversight_lock(partnership=partnership)
    locked = links_locked_message(reason) if reason else ""
    # Others link only their own local LSC; nobody moves a link while locked.
    may_choose = request.user.has_perm(CHOOSE_LLSC_PERMISSION, partnership)
    fixed_llsc = None
    if link is not None and (locked or not may_choose):
        fixed_llsc = link.llsc
    elif link is None and not may_choose:
        fixed_llsc = selectors.own_llsc(request.user)
    title = f"Change the link to {link.llsc}" if link else "Link to a local LSC"
    # An officer linking a partnership not yet theirs cannot open its page:
    # back to the list they came from instead. A link's partnership was found
    # through the user's own scope.
    visible = (
        link is not None
        or selectors.partnerships_for_user(request.user)
        .filter(pk=partnership.pk)
        .exists()
    )
    context: dict[str, Any] = {
        "partnership": partnership,
        "title": title,
        "fixed_llsc": fixed_llsc,
        "back_url": partnership.get_absolute_url()
        if visible
        else reverse("partnerships:to_link"),
        "back_label": partnership.name if visible else "partnerships to link",
    }
    if link is None and locked:
        # Nothing to fill in: the page says why, a post is refused the same.
        context["locked"] = locked
        if request.method == "POST":
            context["refused"] = locked
        return render(request, "partnerships/llsc_form.html", context)
    form = LLSCRelationshipForm(
        _posted(request), instance=link, partnership=partnership, llsc=fixed_llsc
    )
    context["form"] = form
    context["locked"] = locked
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if link is None:
                data.setdefault("llsc", fixed_llsc)
                services.llsc_relationship_add(
                    partnership=partnership, user=request.user, **data
                )
            else:
                services.llsc_relationship_update(
                    relationship=link, user=request.user, **data
                )
        except ValidationError as error:
            form.add_error(None, without_fields(form, error))
        else:
            messages.success(
                request,
                "Local LSC relationship saved." if link else "Local LSC linked.",
            )
            return redirect(partnership)
    return render(request, "partnerships/llsc_form.html", context)


@require_http_methods(["GET", "POST"])
def llsc_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    partnership = _get_partnership_to_link(request, pk)
    return _llsc_form_page(request, partnership, None)


@require_http_methods(["GET", "POST"])
def llsc_edit(request: AuthenticatedHttpRequest, pk: int, part_pk: int) -> HttpResponse:
    link = _get_link_for_user(request, pk, part_pk, CHANGE_LINK_PERMISSION)
    return _llsc_form_page(request, link.partnership, link)


@require_http_methods(["GET", "POST"])
def llsc_end(request: AuthenticatedHttpRequest, pk: int, part_pk: int) -> HttpResponse:
    link = _get_link_for_user(request, pk, part_pk, END_LINK_PERMISSION)
    partnership = link.partnership
    reason = oversight_lock(partnership=partnership)
    context: dict[str, Any] = {
        "partnership": partnership,
        "object": link,
        "title": f"End the link to {link.llsc}?",
        "verb": "end",
        "locked": links_locked_message(reason) if reason else "",
    }
    if request.method == "POST":
        try:
            services.llsc_relationship_end(relationship=link, user=request.user)
        except ValidationError as error:
            context["refused"] = " ".join(error.messages)
        else:
            messages.success(request, f"The link to {link.llsc} has ended.")
            return redirect(partnership)
    return render(request, "partnerships/confirm_delete.html", context)

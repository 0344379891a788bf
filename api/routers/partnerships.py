"""Partnerships and what hangs from them: members, LSP relationships, local
LSC links and relationships with other regeneration bodies, scoped by
partnerships.selectors as on the pages."""

# No `from __future__ import annotations`: ninja reads the routes' and
# schemas' annotations at run time to build the requests and the document.

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema
from ninja.pagination import paginate

from partnerships.models import (
    LearningPartnership,
    LLSCRelationship,
    LSPRelationship,
    MemberOrganisation,
    RegenerationBodyLink,
    StructureModel,
)
from partnerships.selectors import (
    body_links_for_user,
    llsc_relationships_for_user,
    lsp_relationships_for_user,
    members_for_user,
    partnership_list,
    partnerships_for_user,
)

from ..pagination import CursorPagination
from ..schemas import (
    MAX_ID,
    BodyLinkOut,
    Id,
    LLSCRelationshipOut,
    LSPRelationshipOut,
    MemberOut,
    Message,
    PartnershipDetailOut,
    PartnershipOut,
    Text,
)

router = Router(tags=["Partnerships"])


class PartnershipFilters(Schema):
    region: Text | None = None
    llsc: Id | None = None
    structure_model: StructureModel | None = None
    is_active: bool | None = None
    search: Text | None = None


class PartFilters(Schema):
    partnership: Id | None = None


@router.get(
    "/",
    response=list[PartnershipOut],
    summary="List partnerships",
    description="The partnerships you may see. Filters: region (code, e.g. YH), "
    "llsc (local LSC id), structure_model, is_active, search (in the name).",
)
@paginate(CursorPagination)
def list_partnerships(
    request: HttpRequest, filters: Query[PartnershipFilters]
) -> QuerySet[LearningPartnership]:
    rows = partnership_list(
        user=request.user,
        structure_model=filters.structure_model or "",
        search=filters.search or "",
    )
    if filters.region:
        rows = rows.filter(region__code=filters.region.upper())
    if filters.llsc is not None:
        rows = rows.filter(llsc_relationships__llsc_id=filters.llsc)
    if filters.is_active is not None:
        rows = rows.filter(is_active=filters.is_active)
    return rows


@router.get(
    "/{int:partnership_id}",
    response={200: PartnershipDetailOut, 404: Message},
    summary="One partnership, with its members, LSP and local LSC links and "
    "other regeneration bodies",
)
def get_partnership(
    request: HttpRequest, partnership_id: int = Path(..., ge=1, le=MAX_ID)
) -> LearningPartnership:
    return get_object_or_404(
        partnerships_for_user(request.user)
        .select_related("region")
        .prefetch_related(
            Prefetch("members", queryset=MemberOrganisation.objects.order_by("name")),
            Prefetch(
                "lsp_relationships",
                queryset=LSPRelationship.objects.select_related("lsp__region"),
            ),
            Prefetch(
                "llsc_relationships",
                queryset=LLSCRelationship.objects.select_related("llsc__region"),
            ),
            "body_links",
        ),
        pk=partnership_id,
    )


@router.get(
    "/members", response=list[MemberOut], summary="List members of partnerships"
)
@paginate(CursorPagination)
def list_members(
    request: HttpRequest, filters: Query[PartFilters]
) -> QuerySet[MemberOrganisation]:
    rows = members_for_user(request.user)
    if filters.partnership is not None:
        rows = rows.filter(partnership_id=filters.partnership)
    return rows


@router.get(
    "/lsp-relationships",
    response=list[LSPRelationshipOut],
    summary="List LSP relationships of partnerships",
)
@paginate(CursorPagination)
def list_lsp_relationships(
    request: HttpRequest, filters: Query[PartFilters]
) -> QuerySet[LSPRelationship]:
    rows = lsp_relationships_for_user(request.user).select_related("lsp__region")
    if filters.partnership is not None:
        rows = rows.filter(partnership_id=filters.partnership)
    return rows


@router.get(
    "/llsc-relationships",
    response=list[LLSCRelationshipOut],
    summary="List local LSC links of partnerships",
)
@paginate(CursorPagination)
def list_llsc_relationships(
    request: HttpRequest, filters: Query[PartFilters]
) -> QuerySet[LLSCRelationship]:
    rows = llsc_relationships_for_user(request.user).select_related("llsc__region")
    if filters.partnership is not None:
        rows = rows.filter(partnership_id=filters.partnership)
    return rows


@router.get(
    "/regeneration-bodies",
    response=list[BodyLinkOut],
    summary="List relationships of partnerships with other regeneration bodies",
    description="Sub-regional strategic partnerships, RDA sub-regional "
    "partnerships, New Deal for Communities, SRB schemes and neighbourhood "
    "management (kind: sub_regional, rda_sub_regional, new_deal, srb, "
    "neighbourhood). Filter: partnership (id).",
)
@paginate(CursorPagination)
def list_body_links(
    request: HttpRequest, filters: Query[PartFilters]
) -> QuerySet[RegenerationBodyLink]:
    rows = body_links_for_user(request.user)
    if filters.partnership is not None:
        rows = rows.filter(partnership_id=filters.partnership)
    return rows

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .models import (
    LSP,
    LearningPartnership,
    LLSCRelationship,
    LocalLSC,
    LSPRelationship,
    ManagerChange,
    MemberOrganisation,
    Profile,
    RegenerationBodyLink,
    Region,
)
from .services import manager_change_record


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]


@admin.register(LocalLSC)
class LocalLSCAdmin(admin.ModelAdmin):
    list_display = ["name", "region"]
    list_filter = ["region"]
    search_fields = ["name"]


@admin.register(LSP)
class LSPAdmin(admin.ModelAdmin):
    list_display = ["name", "local_authority", "tier", "region", "nrf_funded"]
    list_filter = ["region", "tier", "nrf_funded"]
    search_fields = ["name", "local_authority"]


class LLSCRelationshipInline(admin.TabularInline):
    model = LLSCRelationship
    extra = 0


class LSPRelationshipInline(admin.TabularInline):
    model = LSPRelationship
    extra = 0
    autocomplete_fields = ["lsp"]


class RegenerationBodyLinkInline(admin.TabularInline):
    model = RegenerationBodyLink
    extra = 0


class ManagerChangeInline(admin.TabularInline):
    """Read only: the history is written when the manager changes."""

    model = ManagerChange
    extra = 0
    can_delete = False
    readonly_fields = [
        "changed_at",
        "previous_name",
        "previous_email",
        "new_name",
        "new_email",
        "changed_by",
    ]

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class MemberInline(admin.TabularInline):
    model = MemberOrganisation
    extra = 0


@admin.register(LearningPartnership)
class LearningPartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "structure_model", "is_active"]
    list_filter = ["region", "structure_model", "is_active"]
    search_fields = ["name"]
    filter_horizontal = ["managers"]
    inlines = [
        LLSCRelationshipInline,
        LSPRelationshipInline,
        RegenerationBodyLinkInline,
        MemberInline,
        ManagerChangeInline,
    ]

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        # A manager changed here is kept in the history as on the profile page.
        saved = LearningPartnership.objects.get(pk=obj.pk) if change else None
        super().save_model(request, obj, form, change)
        if saved is not None:
            manager_change_record(saved=saved, partnership=obj, user=request.user)


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    verbose_name_plural = "role"


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserWithRoleAdmin(UserAdmin):
    inlines = [ProfileInline]
    list_display = ["username", "email", "first_name", "last_name", "is_staff"]

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .models import (
    LSP,
    LearningPartnership,
    LLSCRelationship,
    LocalLSC,
    LSPRelationship,
    MemberOrganisation,
    Profile,
    Region,
)


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


class MemberInline(admin.TabularInline):
    model = MemberOrganisation
    extra = 0


@admin.register(LearningPartnership)
class LearningPartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "structure_model", "is_active"]
    list_filter = ["region", "structure_model", "is_active"]
    search_fields = ["name"]
    filter_horizontal = ["managers"]
    inlines = [LLSCRelationshipInline, LSPRelationshipInline, MemberInline]


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

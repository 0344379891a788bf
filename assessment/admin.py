from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from .figures import figures_refresh
from .models import Answer, EmailDelivery, EvidenceFile, EvidenceLink, Return


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    fields = ["indicator", "score", "agreed_score", "carried_forward", "version"]
    readonly_fields = ["indicator", "version"]
    can_delete = False


@admin.register(Return)
class ReturnAdmin(SimpleHistoryAdmin):
    list_display = ["partnership", "period", "status", "submitted_at"]
    list_filter = ["status", "period", "partnership__region"]
    search_fields = ["partnership__name"]
    inlines = [AnswerInline]

    def save_related(
        self, request: HttpRequest, form: Any, formsets: Any, change: bool
    ) -> None:
        """Scores and statuses changed here keep England's figures true; a
        return moved to another period leaves that period's figures true too."""
        super().save_related(request, form, formsets, change)
        record = form.instance
        figures_refresh(period=record.period_id)
        before = form.initial.get("period")
        if change and before is not None and before != record.period_id:
            figures_refresh(period=before)


@admin.register(EvidenceFile)
class EvidenceFileAdmin(admin.ModelAdmin):
    list_display = ["title", "partnership", "content_type", "size", "review_by"]
    list_select_related = ["partnership"]


@admin.register(EvidenceLink)
class EvidenceLinkAdmin(admin.ModelAdmin):
    list_display = ["evidence_file", "answer", "linked_at", "confirmed_at"]
    raw_id_fields = ["evidence_file", "answer", "carried_from"]


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(admin.ModelAdmin):
    """Read-only: emails are written by the service and its worker."""

    list_display = ["subject", "kind", "recipient", "status", "attempts", "created_at"]
    list_select_related = ["recipient"]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in EmailDelivery._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: EmailDelivery | None = None
    ) -> bool:
        return False

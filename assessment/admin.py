from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Answer, Attachment, Return


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


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "content_type", "size", "uploaded_at"]

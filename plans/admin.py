from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import DevelopmentPlan, MonitoringPoint


class MonitoringPointInline(admin.TabularInline):
    model = MonitoringPoint
    extra = 0


@admin.register(DevelopmentPlan)
class DevelopmentPlanAdmin(SimpleHistoryAdmin):
    list_display = ["partnership", "period", "status", "approved_at"]
    list_filter = ["status", "period"]
    search_fields = ["partnership__name"]
    inlines = [MonitoringPointInline]
    readonly_fields = ["source_return", "approved_by", "approved_at"]

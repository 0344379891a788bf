from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from .models import Dimension, Framework, Indicator, Period, ScoreLevel


@admin.register(Period)
class PeriodAdmin(SimpleHistoryAdmin):
    list_display = ["code", "starts_on", "ends_on", "submission_deadline"]


class PublishedIsReadOnly(admin.ModelAdmin):
    """A published framework never changes: copy it to a new version instead."""

    def _framework(self, obj: Any) -> Framework | None:
        return None

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        framework = self._framework(obj)
        if framework is not None and framework.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        framework = self._framework(obj)
        if framework is not None and framework.is_published:
            return False
        return super().has_delete_permission(request, obj)


class ScoreLevelInline(admin.TabularInline):
    model = ScoreLevel
    extra = 0


class DimensionInline(admin.StackedInline):
    model = Dimension
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(PublishedIsReadOnly):
    list_display = ["name", "version", "status", "published_at"]
    list_filter = ["status"]
    inlines = [ScoreLevelInline, DimensionInline]

    def _framework(self, obj: Any) -> Framework | None:
        return obj


@admin.register(Indicator)
class IndicatorAdmin(PublishedIsReadOnly):
    list_display = ["code", "statement", "pmf_quality", "dimension"]
    list_filter = ["dimension__framework", "pmf_quality"]
    search_fields = ["code", "statement"]

    def _framework(self, obj: Any) -> Framework | None:
        return obj.dimension.framework if obj is not None else None

"""Periods, for national administrators: the list, opening a new period one
question a page, and changing a period's dates."""

from __future__ import annotations

from django.urls import path

from . import period_views

app_name = "periods"

urlpatterns = [
    path("", period_views.period_list, name="list"),
    path("open/check/", period_views.period_open_check, name="open_check"),
    path("open/<slug:step>/", period_views.period_open, name="open"),
    path("<int:pk>/change/", period_views.period_change, name="change"),
    path(
        "<int:pk>/change/check/",
        period_views.period_change_check,
        name="change_check",
    ),
]

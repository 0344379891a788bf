from __future__ import annotations

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/scores.csv", views.scores_csv, name="scores_csv"),
    path("dashboard/scores.xlsx", views.scores_xlsx, name="scores_xlsx"),
    path("dashboard/scores.ods", views.scores_ods, name="scores_ods"),
    path("audit-trail/", views.audit, name="audit"),
    path("dashboard/summary/", views.summary_request_view, name="summary_request"),
    path(
        "dashboard/partnerships/<int:pk>/",
        views.dashboard_partnership,
        name="dashboard_partnership",
    ),
    path("summaries/<int:pk>/", views.summary_detail, name="summary"),
    path(
        "summaries/<int:pk>/progress.json",
        views.summary_progress_json,
        name="summary_progress",
    ),
    path(
        "summaries/<int:pk>/download/",
        views.summary_download,
        name="summary_download",
    ),
    path("packs/", views.pack_list, name="packs"),
    path("packs/<int:pk>/", views.pack_detail, name="pack"),
    path(
        "packs/<int:pk>/progress.json",
        views.pack_progress_json,
        name="pack_progress",
    ),
    path("packs/<int:pk>/download/", views.pack_download, name="pack_download"),
    path("plans/<int:pk>/pdf/", views.plan_pdf, name="plan_pdf"),
    path("returns/<int:pk>/document/", views.return_document, name="return_document"),
    path("returns/<int:pk>/pdf/", views.return_pdf, name="return_pdf"),
]

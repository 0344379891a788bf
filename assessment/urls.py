from __future__ import annotations

from django.urls import path

from . import plan_views, views

app_name = "assessment"

urlpatterns = [
    path("partnerships/<int:pk>/returns/new/", views.return_start, name="start"),
    path(
        "partnerships/<int:pk>/ratings/<slug:period>/", views.rating_edit, name="rating"
    ),
    path("returns/<int:pk>/", views.return_tasks, name="tasks"),
    path("returns/<int:pk>/profile/", views.return_profile_check, name="profile_check"),
    path(
        "returns/<int:pk>/dimensions/<slug:code>/",
        views.return_dimension,
        name="dimension",
    ),
    path("returns/<int:pk>/check/", views.return_check, name="check"),
    path("returns/<int:pk>/submitted/", views.return_submitted, name="submitted"),
    path("returns/<int:pk>/history/", views.return_history, name="history"),
    path("returns/<int:pk>/review/", views.return_review, name="review"),
    path("returns/<int:pk>/review/start/", views.review_start, name="review_start"),
    path(
        "returns/<int:pk>/attachments/<int:attachment_pk>/remove/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("reviews/", views.review_queue, name="queue"),
    path("returns/<int:pk>/plan/", plan_views.plan_start, name="plan_start"),
    path("plans/<int:pk>/", plan_views.plan_detail, name="plan"),
    path(
        "plans/<int:pk>/suggestions/",
        plan_views.plan_suggestions,
        name="plan_suggestions",
    ),
    path(
        "plans/<int:pk>/priorities/add/", plan_views.priority_edit, name="priority_add"
    ),
    path(
        "plans/<int:pk>/priorities/<int:priority_pk>/edit/",
        plan_views.priority_edit,
        name="priority_edit",
    ),
    path(
        "plans/<int:pk>/priorities/<int:priority_pk>/actions/add/",
        plan_views.action_edit,
        name="action_add",
    ),
    path(
        "plans/<int:pk>/priorities/<int:priority_pk>/actions/<int:action_pk>/edit/",
        plan_views.action_edit,
        name="action_edit",
    ),
    path(
        "plans/<int:pk>/priorities/<int:priority_pk>/targets/add/",
        plan_views.target_edit,
        name="target_add",
    ),
    path(
        "plans/<int:pk>/priorities/<int:priority_pk>/targets/<int:target_pk>/edit/",
        plan_views.target_edit,
        name="target_edit",
    ),
    path(
        "plans/<int:pk>/<slug:kind>/<int:part_pk>/remove/",
        plan_views.plan_part_delete,
        name="plan_part_delete",
    ),
    path("plans/<int:pk>/progress/add/", plan_views.update_add, name="update_add"),
    path("plans/<int:pk>/approve/", plan_views.plan_approve, name="plan_approve"),
    path("notifications/", views.notification_list, name="notifications"),
]

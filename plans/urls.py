from __future__ import annotations

from django.urls import path

from . import views

app_name = "plans"

# The paths are those the plans had when they lived in the assessment app,
# so bookmarks keep working.
urlpatterns = [
    path("returns/<int:pk>/plan/", views.plan_start, name="start"),
    path("plans/<int:pk>/", views.plan_detail, name="detail"),
    path("plans/<int:pk>/suggestions/", views.plan_suggestions, name="suggestions"),
    path("plans/<int:pk>/priorities/add/", views.priority_edit, name="priority_add"),
    path(
        "plans/<int:pk>/priorities/<int:priority_pk>/edit/",
        views.priority_edit,
        name="priority_edit",
    ),
    path(
        "plans/<int:pk>/priorities/<int:priority_pk>/actions/add/",
        views.action_edit,
        name="action_add",
    ),
    path(
        "plans/<int:pk>/priorities/<int:priority_pk>/actions/<int:action_pk>/edit/",
        views.action_edit,
        name="action_edit",
    ),
    path(
        "plans/<int:pk>/priorities/<int:priority_pk>/targets/add/",
        views.target_edit,
        name="target_add",
    ),
    path(
        "plans/<int:pk>/priorities/<int:priority_pk>/targets/<int:target_pk>/edit/",
        views.target_edit,
        name="target_edit",
    ),
    path(
        "plans/<int:pk>/<slug:kind>/<int:part_pk>/remove/",
        views.plan_part_delete,
        name="part_delete",
    ),
    path("plans/<int:pk>/progress/add/", views.update_add, name="update_add"),
    path("plans/<int:pk>/submit/", views.plan_submit, name="submit"),
    path("plans/<int:pk>/approve/", views.plan_approve, name="approve"),
    path("plans/to-approve/", views.plan_queue, name="queue"),
]

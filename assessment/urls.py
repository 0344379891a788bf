from __future__ import annotations

from django.urls import path

from . import views

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
    path("notifications/", views.notification_list, name="notifications"),
]

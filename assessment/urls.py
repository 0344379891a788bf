from __future__ import annotations

from django.urls import path, register_converter

from .converters import IndicatorCodeConverter
from .views import (
    answering,
    emails,
    evidence,
    moderation,
    ratings,
    reminders,
    returns,
    review,
)

register_converter(IndicatorCodeConverter, "indicator_code")

app_name = "assessment"

urlpatterns = [
    path("partnerships/<int:pk>/returns/new/", returns.return_start, name="start"),
    path(
        "partnerships/<int:pk>/ratings/<slug:period>/",
        review.rating_edit,
        name="rating",
    ),
    path("returns/<int:pk>/", returns.return_tasks, name="tasks"),
    path(
        "returns/<int:pk>/profile/", returns.return_profile_check, name="profile_check"
    ),
    path(
        "returns/<int:pk>/dimensions/<slug:code>/",
        answering.return_dimension,
        name="dimension",
    ),
    path(
        "returns/<int:pk>/dimensions/<slug:code>/<indicator_code:indicator>/",
        answering.return_indicator,
        name="indicator",
    ),
    path("returns/<int:pk>/check/", returns.return_check, name="check"),
    path("returns/<int:pk>/submitted/", returns.return_submitted, name="submitted"),
    path("returns/<int:pk>/history/", returns.return_history, name="history"),
    path("returns/<int:pk>/review/", moderation.return_review, name="review"),
    path("returns/<int:pk>/review/start/", review.review_start, name="review_start"),
    path(
        "returns/<int:pk>/review/check/", moderation.review_check, name="review_check"
    ),
    path(
        "returns/<int:pk>/review/<slug:code>/",
        moderation.review_dimension,
        name="review_dimension",
    ),
    # A partnership's evidence library; a file is linked to answers, removed
    # from one indicator (the link only), kept when carried forward.
    path(
        "partnerships/<int:pk>/evidence/",
        evidence.evidence_library,
        name="evidence_library",
    ),
    path("evidence/<int:pk>/edit/", evidence.evidence_edit, name="evidence_edit"),
    path("evidence/<int:pk>/delete/", evidence.evidence_delete, name="evidence_delete"),
    path(
        "returns/<int:pk>/attachments/<int:attachment_pk>/remove/",
        evidence.attachment_remove,
        name="attachment_remove",
    ),
    path(
        "returns/<int:pk>/attachments/<int:link_pk>/keep/",
        evidence.evidence_keep,
        name="evidence_keep",
    ),
    path("attachments/<int:pk>/", evidence.attachment_download, name="attachment"),
    path("reviews/", review.review_queue, name="queue"),
    path("notifications/", review.notification_list, name="notifications"),
    path("emails/", emails.email_list, name="emails"),
    path("emails/<int:pk>/retry/", emails.email_try_again, name="email_retry"),
    # The year's reminders, and rating a region's partnerships on one page.
    path("reminders/", reminders.reminder_list, name="reminders"),
    path("reminders/send/", reminders.reminder_send, name="reminder_send"),
    path("ratings/<slug:period>/", ratings.ratings_edit, name="ratings"),
]

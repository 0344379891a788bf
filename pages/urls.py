from __future__ import annotations

from django.urls import path

from . import views

app_name = "pages"
urlpatterns = [
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("cookies/", views.cookies, name="cookies"),
    path("help/", views.help_and_contact, name="help"),
    path("status/", views.status, name="status"),
]

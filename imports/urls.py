from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "imports"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.start, name="start"),
    path("uploads/<int:pk>/", views.preview, name="preview"),
    path("uploads/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("log/", views.log_list, name="log"),
    path("log/<int:pk>/", views.log_detail, name="log_detail"),
    path("columns/", views.columns, name="columns"),
    path(
        "templates/<slug:kind>.<slug:file_format>",
        views.template,
        name="template",
    ),
]

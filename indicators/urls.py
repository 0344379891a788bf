from __future__ import annotations

from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("", views.framework_list, name="list"),
    path("import/", views.framework_import, name="import"),
    path("<int:pk>/", views.framework_detail, name="detail"),
    path("<int:pk>/export/", views.framework_export, name="export"),
    path("<int:pk>/new-version/", views.framework_new_version, name="new_version"),
    path("<int:pk>/publish/", views.framework_publish, name="publish"),
]

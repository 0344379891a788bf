from __future__ import annotations

from django.urls import path

from . import supplement_views, views

app_name = "indicators"

urlpatterns = [
    path("", views.framework_list, name="list"),
    path("import/", views.framework_import, name="import"),
    path("<int:pk>/", views.framework_detail, name="detail"),
    path("<int:pk>/export/", views.framework_export, name="export"),
    path("<int:pk>/new-version/", views.framework_new_version, name="new_version"),
    path("<int:pk>/publish/", views.framework_publish, name="publish"),
    # Local statements: an area's supplements to a framework for a period.
    path("local/", supplement_views.supplement_list, name="supplement_list"),
    path("local/import/", supplement_views.supplement_import, name="supplement_import"),
    path("local/new/", supplement_views.supplement_create, name="supplement_create"),
    path(
        "local/<int:pk>/", supplement_views.supplement_detail, name="supplement_detail"
    ),
    path(
        "local/<int:pk>/export/",
        supplement_views.supplement_export,
        name="supplement_export",
    ),
    path(
        "local/<int:pk>/statements/add/",
        supplement_views.supplement_statement_add,
        name="supplement_statement_add",
    ),
    path(
        "local/<int:pk>/statements/<int:indicator_pk>/remove/",
        supplement_views.supplement_statement_remove,
        name="supplement_statement_remove",
    ),
    path(
        "local/<int:pk>/new-version/",
        supplement_views.supplement_new_version,
        name="supplement_new_version",
    ),
    path(
        "local/<int:pk>/publish/",
        supplement_views.supplement_publish,
        name="supplement_publish",
    ),
]

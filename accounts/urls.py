from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "accounts"
urlpatterns: list[URLPattern | URLResolver] = [
    path("sso/start/", views.oidc_start, name="oidc_start"),
    path("sso/callback/", views.oidc_callback, name="oidc_callback"),
    path("second-factor/", views.second_factor, name="second_factor"),
    path(
        "second-factor/set-up/",
        views.second_factor_setup,
        name="second_factor_setup",
    ),
    path(
        "second-factor/recovery-codes/",
        views.recovery_codes,
        name="recovery_codes",
    ),
    path(
        "second-factor/manage/",
        views.second_factor_manage,
        name="second_factor_manage",
    ),
]

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views as accounts_views
from partnerships.backends import admin_site_permission

from . import forms, views

admin.site.site_header = "Learning Partnerships self-assessment"
admin.site.site_title = "Learning Partnerships administration"
admin.site.has_permission = admin_site_permission  # type: ignore[method-assign]
# One sign-in page for the service and its admin, where a second factor is asked.
admin.site.login = accounts_views.admin_sign_in  # type: ignore[method-assign,assignment]

auth_patterns = [
    path(
        "login/",
        accounts_views.SignInView.as_view(authentication_form=forms.SignInForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password_reset/",
        auth_views.PasswordResetView.as_view(form_class=forms.PasswordResetForm),
        name="password_reset",
    ),
    path(
        "password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=forms.SetPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "password_change/",
        auth_views.PasswordChangeView.as_view(form_class=forms.PasswordChangeForm),
        name="password_change",
    ),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include(auth_patterns)),
    path("partnerships/", include("partnerships.urls")),
    path("frameworks/", include("indicators.urls")),
    path("periods/", include("indicators.period_urls")),
    path("", include("assessment.urls")),
    path("", include("plans.urls")),
    path("", include("reports.urls")),
    path("api/", include("api.urls")),
    path("imports/", include("imports.urls")),
    path("accounts/", include("accounts.urls")),
    path("", include("pages.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "config.views.bad_request"
handler500 = "config.views.server_error"

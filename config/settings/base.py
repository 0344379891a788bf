"""Settings shared by every environment.

Every value that comes from the environment is read in this package and
nowhere else; the variables are listed in README.md.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated environment variable as a list of non-empty items."""
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "axes",
    "govuk",
    "partnerships",
    "indicators",
    "assessment",
    "plans",
    "reports",
    "api",
    "imports",
    "accounts",
    "pages",
    "mozilla_django_oidc",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "demo",
]

MIDDLEWARE = [
    # First, so that every response and every log line of the request has its id.
    "config.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Links in emails point at the address the request came to (once Django
    # has checked its host), or SITE_URL outside a request.
    "assessment.notifications.SiteAddressMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "partnerships.context_processors.role",
            ],
        },
    },
]

# DATABASE_URL unset means SQLite in the project folder: zero setup.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A transaction takes SQLite's write lock when it begins, so of two writers
    # the second waits for the first to commit and then sees what it wrote (an
    # officer deciding second is told someone else decided). Begun as reads, as
    # by default, the second could not wait: it would fail with "database is
    # locked". The wait is bounded, after which the page says to try again.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 10}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes first (it refuses sign-in while locked out), then the password
# backend that signs users in (granting nothing); what users may do comes from
# the rules perms, national administrators holding every one.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "partnerships.backends.PasswordBackend",
    "partnerships.backends.NationalAdminBackend",
    "rules.permissions.ObjectPermissionBackend",
]
_VALIDATORS = "django.contrib.auth.password_validation."
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": _VALIDATORS + name}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]
# Sign-in throttling: after 5 failed attempts for one username from one
# address, sign-in is refused for 15 minutes (further failures restart the
# wait); a successful sign-in clears the count.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.views.locked_out"
AXES_USERNAME_CALLABLE = "config.views.sign_in_username"
# The address sign-in failures are counted under (django-ipware). PROXY_COUNT
# is how many proxies stand in front of the service, each appending the
# address it was reached from to X-Forwarded-For. Of that header only the last
# PROXY_COUNT entries were written by the proxies; anything before them came
# from the client, who can write anything. The client's own address is the
# entry the outermost proxy appended: the PROXY_COUNT-th from the right, which
# ipware calls the client with PROXY_COUNT - 1 proxies after it. Not strict,
# so that addresses the client prepends are skipped rather than making ipware
# give up on the header. Only the header is read, never the proxy's own
# address (which ipware would prefer to a private client's): a request that
# bypassed the proxies, without the header, has no address, and its failures
# count together with those of other such requests. Without proxies the
# header is never read.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
AXES_IPWARE_PROXY_ORDER = "left-most"
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT - 1 if PROXY_COUNT else None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR",) if PROXY_COUNT else ("REMOTE_ADDR",)
)
IPWARE_STRICT = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
ATTACHMENT_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": MEDIA_ROOT / "attachments", "base_url": "/never-served/"},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "attachments": ATTACHMENT_STORAGE,
}
# Evidence attachments: at most this many bytes each, this many files an answer
# and this many bytes a return.
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_MAX_FILES_PER_ANSWER = 10
ATTACHMENT_MAX_BYTES_PER_RETURN = 100 * 1024 * 1024
# DOCX, XLSX and ODT files are ZIP archives: one is refused, from its table of
# contents alone, when it would unpack to more than this, holds more parts, or
# a part of over 1 MB is compressed further than this ratio (real documents
# stay under about 20 to 1; a zip bomb is past 1,000 to 1).
ATTACHMENT_ARCHIVE_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
ATTACHMENT_ARCHIVE_MAX_MEMBERS = 1000
ATTACHMENT_ARCHIVE_MAX_RATIO = 100

# Background jobs (packs of PDFs): a queue in the database, run by
# `manage.py db_worker`; any number of workers on any number of machines.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A pack that has not moved for this many minutes has lost its worker (killed,
# or its machine gone): its missing plans are queued once more, then it fails.
PACK_STALL_MINUTES = int(os.environ.get("PACK_STALL_MINUTES", "10"))

# Content-Security-Policy: everything from this service's own address, no
# inline script or style (charts take their style from static/css/charts.css),
# no plugins, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Cookies: never readable by scripts, not sent on cross-site requests (Lax
# still lets a link from an email open a page signed in); Secure in production.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Where links in emails point.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Learning Partnerships self-assessment <noreply@localhost>"
)

# One line per event on standard error: time (UTC), level, logger, the
# request's id, the message, and any traceback on the same line
# (config/log_format.py, config/request_id.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.request_id.RequestIdFilter"}},
    "formatters": {
        "one_line": {
            "()": "config.log_format.OneLineFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "one_line",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint warns about every screen-only CSS rule it skips; only errors matter.
    "loggers": {"weasyprint": {"level": "ERROR"}, "fontTools": {"level": "WARNING"}},
}

# GOV.UK Notify: with NOTIFY_API_KEY set, emails go through Notify's API
# (govuk/notify.py) instead of the mail server, each kind of email with its
# own Notify template: NOTIFY_TEMPLATE_<KIND>=<template id> (SUBMITTED,
# PASSWORD_RESET, ...) and NOTIFY_TEMPLATE_DEFAULT for kinds without one.
# `manage.py check` warns of a kind left without a template.
NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "").strip()
NOTIFY_BASE_URL = os.environ.get(
    "NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk"
)
NOTIFY_TEMPLATES = {
    name.removeprefix("NOTIFY_TEMPLATE_").lower(): value.strip()
    for name, value in os.environ.items()
    if name.startswith("NOTIFY_TEMPLATE_") and value.strip()
}
NOTIFY_EMAIL_BACKEND = "govuk.notify.NotifyEmailBackend"
if NOTIFY_API_KEY:
    EMAIL_BACKEND = NOTIFY_EMAIL_BACKEND

# Service pages (the pages app: help and contact, privacy, accessibility).
# Where people write for help, to report an accessibility problem or to ask
# about their data; set it in production, the default is no one's mailbox.
SERVICE_CONTACT_EMAIL = os.environ.get(
    "SERVICE_CONTACT_EMAIL", "learning-partnerships-support@example.org"
)
# Working days within which the team answers, as the pages promise.
SERVICE_REPLY_DAYS = int(os.environ.get("SERVICE_REPLY_DAYS", "5"))
# The organisation responsible for the personal data the service holds, and
# the address for questions about it (the contact address unless set).
DATA_CONTROLLER_NAME = os.environ.get(
    "DATA_CONTROLLER_NAME", "the Learning and Skills Council"
)
DATA_PROTECTION_EMAIL = os.environ.get("DATA_PROTECTION_EMAIL") or SERVICE_CONTACT_EMAIL

# Signing in: single sign-on by OpenID Connect (accounts/backends.py) and a
# second factor for national administrators' password sign-ins (django-otp,
# accounts/middleware.py). Single sign-on is offered only when the client id,
# its secret and the provider (a discovery document, or all four endpoints)
# are set; otherwise its addresses answer 404 and the sign-in page has no
# button for it.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_DISCOVERY = os.environ.get("OIDC_OP_DISCOVERY", "")
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "your organisation account")
OIDC_RP_SCOPES = "openid email"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
# Accounts are matched by verified email, never made (roles are given here).
OIDC_CREATE_USER = False
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"
AUTHENTICATION_BACKENDS = [
    *AUTHENTICATION_BACKENDS,
    "accounts.backends.StaffSSOBackend",
]
# A refused single sign-on is not a wrong password: not counted by django-axes.
AXES_WHITELIST_CALLABLE = "accounts.backends.is_single_sign_on"
# Django admin never shows an authenticator app's secret or recovery codes:
# an administrator removes a lost one, and its owner sets up another.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
OTP_TOTP_ISSUER = "Learning Partnerships self-assessment"
_AUTHENTICATION = MIDDLEWARE.index(
    "django.contrib.auth.middleware.AuthenticationMiddleware"
)
MIDDLEWARE[_AUTHENTICATION + 1 : _AUTHENTICATION + 1] = [
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
]

# Bulk import (imports/): the largest file accepted, the most rows read from
# it, and what a spreadsheet (a ZIP archive) may declare it unpacks to.
IMPORT_MAX_BYTES = 2 * 1024 * 1024
IMPORT_MAX_ROWS = 5000
IMPORT_MAX_UNPACKED_BYTES = 20 * 1024 * 1024

# The JSON API (/api/v1/, api/).
# Requests a minute per token (and per signed-in session), counted in Django's
# cache: production's is a table in the database (production.py), shared by
# every server process, so that they count together.
API_RATE_LIMIT_PER_MINUTE = int(os.environ.get("API_RATE_LIMIT_PER_MINUTE", "120"))
# Rows of a list page: when the client does not say, and at most.
API_PAGE_SIZE = 50
API_MAX_PAGE_SIZE = 100

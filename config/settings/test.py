"""The test suite: fast hashing, emails kept in memory."""

from __future__ import annotations

from .base import *  # noqa: F403

SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Never GOV.UK Notify from the environment: tests that use it point it at a
# stand-in of their own.
NOTIFY_API_KEY = ""
NOTIFY_TEMPLATES = {}
LOGGING = {"version": 1, "disable_existing_loggers": False}

# Static files come from the finders; no collectstatic needed.
WHITENOISE_AUTOREFRESH = True

# Uploaded evidence goes to a throwaway folder.
import tempfile  # noqa: E402

STORAGES = {
    **STORAGES,  # noqa: F405
    "attachments": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tempfile.mkdtemp(prefix="lp-test-attachments-")},
    },
}

# Background jobs run at once, inside the test.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

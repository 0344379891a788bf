"""Settings for bench/load.py: production's, served over plain HTTP on loopback.

Everything comes from ``config.settings.production`` (DEBUG off, the same
middleware, CSP, sign-in throttling, database connection reuse, password
hashing), except what plain http://127.0.0.1 needs or what would reach out of
the machine:

- cookies without the Secure flag, and no redirect to HTTPS or HSTS: a client
  drops Secure cookies over http://, so nobody could stay signed in;
- static files from the finders (no collectstatic and manifest needed; the
  load test does not request them);
- emails dropped instead of sent over SMTP;
- a cheap password hasher first: signing in is not timed, but 225 sign-ins at
  production's PBKDF2 cost (about half a second of a core each) kept both cores
  busy for minutes before the load could start. No timed request hashes a
  password (a session is checked against an HMAC of the stored hash), and the
  hashers of production still check any other account's password.
"""

from __future__ import annotations

from django.conf import global_settings

from config.settings.production import *  # noqa: F403
from config.settings.production import ATTACHMENT_STORAGE

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_HSTS_PRELOAD = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "attachments": ATTACHMENT_STORAGE,
}
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    *global_settings.PASSWORD_HASHERS,
]

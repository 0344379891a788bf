"""Development on a laptop: debug on, emails printed to the console."""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import SECRET_KEY, env_list

DEBUG = True
SECRET_KEY = SECRET_KEY or "local-development-only-not-secret"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

# Static files come from the finders; no collectstatic needed.
WHITENOISE_AUTOREFRESH = True

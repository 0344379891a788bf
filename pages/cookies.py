"""The cookies the service sets, read from the settings that name them and
decide how long they last, so that the cookies page cannot drift from what
the service does."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.utils.module_loading import import_string

# Django's message storages that keep messages in a cookie (the fallback one
# tries the cookie first and the session only for a message too long for it).
_COOKIE_MESSAGE_STORAGES = (
    "django.contrib.messages.storage.fallback.FallbackStorage",
    "django.contrib.messages.storage.cookie.CookieStorage",
)
_UNITS = (("week", 7 * 24 * 3600), ("day", 24 * 3600), ("hour", 3600), ("minute", 60))


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: str
    expires: str


def duration_words(seconds: int) -> str:
    """A cookie's lifetime in the largest whole unit: "2 weeks", "52 weeks",
    "1 day"; "1 minute" at least."""
    for unit, size in _UNITS:
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    count = max(seconds // 60, 1)
    return f"{count} minute{'' if count == 1 else 's'}"


def _message_cookie_name() -> str | None:
    storage = settings.MESSAGE_STORAGE
    if storage in _COOKIE_MESSAGE_STORAGES:
        return CookieStorage.cookie_name
    storage_class = import_string(storage)
    if isinstance(storage_class, type) and issubclass(storage_class, CookieStorage):
        return storage_class.cookie_name
    return None


def service_cookies() -> list[Cookie]:
    """Every cookie the service may set, with what it is for and when it
    goes: all of them strictly necessary for the service to work."""
    if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE:
        session_ends = "When you close your browser or sign out"
    else:
        session_ends = (
            f"After {duration_words(settings.SESSION_COOKIE_AGE)}, or when you sign out"
        )
    cookies = [
        Cookie(
            name=settings.SESSION_COOKIE_NAME,
            purpose=(
                "Keeps you signed in as you move from page to page, and "
                "remembers the steps of a form that takes several pages"
            ),
            expires=session_ends,
        )
    ]
    if not settings.CSRF_USE_SESSIONS:
        cookies.append(
            Cookie(
                name=settings.CSRF_COOKIE_NAME,
                purpose=(
                    "Makes sure that a form sent to the service was filled in "
                    "on the service, not on another website pretending to be you"
                ),
                expires=(
                    f"After {duration_words(settings.CSRF_COOKIE_AGE)}"
                    if settings.CSRF_COOKIE_AGE
                    else "When you close your browser"
                ),
            )
        )
    message_cookie = _message_cookie_name()
    if message_cookie:
        cookies.append(
            Cookie(
                name=message_cookie,
                purpose=(
                    "Carries a message such as “Partnership details saved.” to "
                    "the next page you see"
                ),
                expires=(
                    "As soon as the message is shown, or when you close your browser"
                ),
            )
        )
    return cookies

"""Email through GOV.UK Notify: a Django email backend.

Notify sends no free-form email: each message fills the fields of a template
made in Notify's web interface. Every kind of email has its own template
(``NOTIFY_TEMPLATES``, by kind, with a ``"default"`` for kinds without one),
and each template carries ``((subject))`` and ``((body))``, filled from the
message. The code that builds a message names its kind in the
``X-Notify-Kind`` header and may give Notify a reference to find it by in
``X-Notify-Reference``; Notify takes no headers, so neither goes further.

A refusal that sending again cannot change (Notify's 4xx answers other than
429, such as an unknown template or an address it will not take, or no
template for the kind) raises ``EmailRefused``; anything else (a 5xx, 429, a
timeout, no connection) raises the client's own error, for the caller to try
again later."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

KIND_HEADER = "X-Notify-Kind"
REFERENCE_HEADER = "X-Notify-Reference"
# Django's own password reset email (django.contrib.auth), which every
# service built on Django sends.
PASSWORD_RESET = "password_reset"  # noqa: S105  # nosec B105  # a name, no secret
# The template for a kind that has none of its own.
DEFAULT = "default"
# Seconds to wait for Notify when the caller names no limit.
TIMEOUT = 30

# Notify's rate and daily limits answer 429: that passes, so it is tried again.
_TRY_AGAIN_STATUSES = {429}
_UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# An API key as Notify gives it: {key name}-{service id}-{secret key}.
_API_KEY = re.compile(rf"^.+-{_UUID}-{_UUID}$", re.IGNORECASE)
_TEMPLATE_ID = re.compile(rf"^{_UUID}$", re.IGNORECASE)


class EmailRefused(Exception):
    """The email was refused for a reason that sending it again cannot
    change: it needs a different template, address or setting."""


def template_variable(kind: str) -> str:
    """The environment variable naming the template for a kind of email."""
    return f"NOTIFY_TEMPLATE_{kind.upper()}"


def template_for(kind: str) -> str:
    """The Notify template id for a kind of email: its own, else the default."""
    templates: dict[str, str] = settings.NOTIFY_TEMPLATES
    template_id = templates.get(kind) or templates.get(DEFAULT)
    if not template_id:
        raise EmailRefused(
            f"No GOV.UK Notify template for {kind or 'unnamed'} emails: set "
            f"{template_variable(kind or DEFAULT)} or NOTIFY_TEMPLATE_DEFAULT."
        )
    return template_id


def personalisation(message: EmailMessage) -> dict[str, str]:
    """The fields that fill a template: the subject and the plain text."""
    return {"subject": str(message.subject), "body": str(message.body)}


def _describe_refusal(error: APIError) -> str:
    details = error.message
    if isinstance(details, list):
        details = "; ".join(
            f"{item.get('error', 'Error')}: {item.get('message', '')}"
            if isinstance(item, dict)
            else str(item)
            for item in details
        )
    return f"GOV.UK Notify refused the email ({error.status_code}): {details}"


def _is_permanent(error: APIError) -> bool:
    return 400 <= error.status_code < 500 and error.status_code not in (
        _TRY_AGAIN_STATUSES
    )


class NotifyEmailBackend(BaseEmailBackend):
    """Sends each message to each of its recipients through GOV.UK Notify's
    API (``NOTIFY_API_KEY``, ``NOTIFY_BASE_URL``), with the template for its
    kind. A message to several recipients that fails part way is raised as a
    whole: send one recipient per message where a retry must not repeat."""

    def __init__(
        self,
        fail_silently: bool = False,
        *,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)
        configured = getattr(settings, "EMAIL_TIMEOUT", None)
        self.timeout = float(timeout or configured or TIMEOUT)
        self.client: NotificationsAPIClient | None = None

    def open(self) -> bool:
        if self.client is not None:
            return False
        self.client = NotificationsAPIClient(
            settings.NOTIFY_API_KEY,
            base_url=settings.NOTIFY_BASE_URL,
            timeout=self.timeout,
        )
        return True

    def close(self) -> None:
        if self.client is not None:
            self.client.request_session.close()
            self.client = None

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        if not email_messages:
            return 0
        opened = self.open()
        sent = 0
        try:
            for message in email_messages:
                try:
                    self._send(message)
                except Exception:
                    if not self.fail_silently:
                        raise
                else:
                    sent += 1
        finally:
            if opened:
                self.close()
        return sent

    def _send(self, message: EmailMessage) -> None:
        assert self.client is not None  # noqa: S101  # opened by send_messages
        headers = message.extra_headers
        template_id = template_for(headers.get(KIND_HEADER, ""))
        reference = headers.get(REFERENCE_HEADER) or None
        fields = personalisation(message)
        for address in message.recipients():
            try:
                self.client.send_email_notification(
                    email_address=address,
                    template_id=template_id,
                    personalisation=fields,
                    reference=reference,
                )
            except APIError as error:
                if _is_permanent(error):
                    raise EmailRefused(_describe_refusal(error)) from error
                raise


def configuration_problems(
    *,
    api_key: str,
    templates: dict[str, str],
    kinds: Iterable[str],
) -> list[checks.CheckMessage]:
    """What is wrong with the Notify settings for these kinds of email
    (nothing when no API key is set: then Notify is not used)."""
    if not api_key:
        return []
    kinds = list(kinds)
    problems: list[checks.CheckMessage] = []
    if not _API_KEY.match(api_key):
        problems.append(
            checks.Error(
                "NOTIFY_API_KEY is not a GOV.UK Notify API key.",
                hint="Copy the whole key from Notify's API integration page: "
                "{key name}-{service id}-{secret key}.",
                id="govuk.E001",
            )
        )
    if not templates.get(DEFAULT):
        missing = [kind for kind in kinds if not templates.get(kind)]
        if missing:
            problems.append(
                checks.Warning(
                    "GOV.UK Notify has no template for these emails, which "
                    "will fail: " + ", ".join(missing) + ".",
                    hint="Set "
                    + ", ".join(template_variable(kind) for kind in missing)
                    + ", or NOTIFY_TEMPLATE_DEFAULT for all of them.",
                    id="govuk.W001",
                )
            )
    for kind in sorted(set(templates) - {*kinds, DEFAULT}):
        problems.append(
            checks.Warning(
                f"{template_variable(kind)} names no kind of email; it is not used.",
                hint="The kinds are: " + ", ".join(kinds) + ".",
                id="govuk.W002",
            )
        )
    for kind, template_id in sorted(templates.items()):
        if template_id and not _TEMPLATE_ID.match(template_id):
            problems.append(
                checks.Warning(
                    f"{template_variable(kind)} is not a template id.",
                    hint="Copy the template's ID from Notify: 36 characters, "
                    "like 0b5a3c52-3c4e-4b0e-9d1c-1a2b3c4d5e6f.",
                    id="govuk.W003",
                )
            )
    return problems

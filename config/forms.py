"""Django's sign-in and password forms, laid out with the GOV.UK Design System."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import forms as auth_forms
from django.core.mail import EmailMultiAlternatives
from django.template import loader

from govuk.forms import default_layout
from govuk.notify import KIND_HEADER, PASSWORD_RESET

logger = logging.getLogger("django.contrib.auth")


class SignInForm(auth_forms.AuthenticationForm):
    error_messages = {
        "invalid_login": (
            "Enter a correct username and password. Both are case-sensitive."
        ),
        "inactive": "This account is inactive.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.helper = default_layout("Sign in")


class PasswordResetForm(auth_forms.PasswordResetForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].error_messages["required"] = "Enter your email address"
        self.fields["email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.com"
        )
        self.helper = default_layout("Send reset link")

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """Django's own, with the kind named for GOV.UK Notify's template."""
        subject = "".join(
            loader.render_to_string(subject_template_name, context).splitlines()
        )
        body = loader.render_to_string(email_template_name, context)
        message = EmailMultiAlternatives(
            subject, body, from_email, [to_email], headers={KIND_HEADER: PASSWORD_RESET}
        )
        if html_email_template_name is not None:
            message.attach_alternative(
                loader.render_to_string(html_email_template_name, context), "text/html"
            )
        try:
            message.send()
        except Exception:
            # As Django does: the page answers the same whether or not the
            # email went, so that it tells nobody which addresses exist.
            logger.exception(
                "Failed to send password reset email to %s", context["user"].pk
            )


class SetPasswordForm(auth_forms.SetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = default_layout("Set password")


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = default_layout("Change password")

"""Single sign-on: an OpenID Connect identity provider vouches for an email
address, and the one active account with that address (compared without
regard to case) is signed in. No account is ever made here: roles are given
in the service, so someone the provider knows but the service does not is
told to ask their administrator."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from partnerships.backends import PasswordBackend
from partnerships.users import User

from . import oidc

logger = logging.getLogger(__name__)

# Set on the request when the provider vouched for someone the service will
# not sign in, for the callback's page to say why.
REFUSAL = "sso_refusal"


class Refusal:
    """Why a single sign-on was refused (the page the callback shows)."""

    UNVERIFIED = "unverified"
    UNKNOWN = "unknown"
    SEVERAL = "several"
    INACTIVE = "inactive"


def is_single_sign_on(request: HttpRequest, credentials: dict[str, Any] | None) -> bool:
    """For django-axes (AXES_WHITELIST_CALLABLE): a single sign-on is no
    password guess, and its refusals are not counted, or five of them from
    one office's address would pause sign-on for everyone there. Only the
    callback's authenticate() passes a nonce; the sign-in form never does."""
    return "nonce" in (credentials or {})


def refuse(request: HttpRequest, reason: str, email: str = "") -> None:
    setattr(request, REFUSAL, (reason, email))


class StaffSSOBackend(OIDCAuthenticationBackend, PasswordBackend):
    """mozilla-django-oidc's backend, matching accounts by verified email only.
    Like the password backend it grants nothing (the rules perms decide)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Django makes every backend for every sign-in, passwords included:
        # the provider's settings (and its discovery document) are read only
        # when a single sign-on is answered.
        self.UserModel = get_user_model()

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return oidc.setting(attr, *args)

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, **kwargs: Any
    ) -> User | None:
        # Only the callback's call, which passes the nonce; never a password's.
        if request is None or "nonce" not in kwargs or not oidc.configured():
            return None
        self.OIDC_OP_TOKEN_ENDPOINT = self.get_settings("OIDC_OP_TOKEN_ENDPOINT")
        self.OIDC_OP_USER_ENDPOINT = self.get_settings("OIDC_OP_USER_ENDPOINT")
        self.OIDC_OP_JWKS_ENDPOINT = self.get_settings("OIDC_OP_JWKS_ENDPOINT")
        self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        self.OIDC_RP_CLIENT_SECRET = self.get_settings("OIDC_RP_CLIENT_SECRET")
        self.OIDC_RP_SIGN_ALGO = self.get_settings("OIDC_RP_SIGN_ALGO", "RS256")
        self.OIDC_RP_IDP_SIGN_KEY = self.get_settings("OIDC_RP_IDP_SIGN_KEY", None)
        return super().authenticate(request, **kwargs)  # type: ignore[no-any-return]

    def verify_token(self, token: Any, **kwargs: Any) -> dict[str, Any]:
        """The library checks the signature and the nonce; the ID token must
        also come from the provider configured, be meant for this service and
        not have expired."""
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        expected_issuer = oidc.issuer()
        if expected_issuer and payload.get("iss") != expected_issuer:
            raise SuspiciousOperation("ID token from another issuer")
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token for another client")
        expires = payload.get("exp")
        if not isinstance(expires, int | float) or expires < time.time():
            raise SuspiciousOperation("ID token expired")
        return payload

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        """An email address the provider says it has verified (a JSON true,
        nothing else)."""
        return bool(claims.get("email")) and claims.get("email_verified") is True

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> User | None:
        claims = self.get_userinfo(access_token, id_token, payload)
        email = str(claims.get("email") or "")
        if not self.verify_claims(claims):
            refuse(self.request, Refusal.UNVERIFIED, email)
            logger.info("Single sign-on refused: email not verified by the provider")
            return None
        users = list(self.UserModel.objects.filter(email__iexact=email)[:2])
        if not users:
            refuse(self.request, Refusal.UNKNOWN, email)
            logger.info("Single sign-on refused: no account has the email")
            return None
        if len(users) > 1:
            refuse(self.request, Refusal.SEVERAL, email)
            logger.warning("Single sign-on refused: several accounts share the email")
            return None
        if not users[0].is_active:
            refuse(self.request, Refusal.INACTIVE, email)
            logger.info("Single sign-on refused: account %s inactive", users[0].pk)
            return None
        return users[0]  # type: ignore[no-any-return]

    def get_user(self, user_id: int) -> User | None:
        # The password backend's (with the profile, in one query), which
        # turns away an account made inactive since; the library's would not.
        return PasswordBackend.get_user(self, user_id)

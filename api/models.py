"""Personal API tokens: a user names one, sees it once, and revokes it. Only
the secret's SHA-256 digest is kept, with a short prefix that lets its owner
tell their tokens apart."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse


class ApiToken(models.Model):
    """A token that opens the JSON API with its owner's scope and nothing more."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=80)
    # The first characters of the token as shown to its owner, for telling
    # tokens apart; too short to guess the rest from.
    prefix = models.CharField(max_length=16)
    # SHA-256 of the whole token, hex: the secret itself is never stored.
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def get_absolute_url(self) -> str:
        return reverse("api:token_revoke", kwargs={"pk": self.pk})

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

"""The demo GO officer's API token, for trying the JSON API from a terminal.
Its secret is published in README.md: for the demo only, like the demo
passwords."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from api.models import ApiToken
from api.services import MARKER, PREFIX_LENGTH, digest_of

DEMO_API_TOKEN = MARKER + "DEMO-regional-figures-Yorkshire-and-Humber0"


def load_demo_api_token() -> bool:
    """Give the demo GO officer the published token, made three weeks ago and
    last used yesterday, unless it is there: True when given."""
    user = get_user_model().objects.filter(username="go").first()
    digest = digest_of(DEMO_API_TOKEN)
    if user is None or ApiToken.objects.filter(digest=digest).exists():
        return False
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name="Regional figures spreadsheet",
        prefix=DEMO_API_TOKEN[: len(MARKER) + PREFIX_LENGTH],
        digest=digest,
        last_used_at=now - datetime.timedelta(days=1),
    )
    # created_at is set on creation: dated as the demo's story has it.
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=now - datetime.timedelta(days=21)
    )
    return True

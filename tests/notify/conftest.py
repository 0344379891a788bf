from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from assessment.models import EmailKind
from govuk.notify import PASSWORD_RESET

from .stand_in import StandIn, start

KINDS = [*EmailKind.values, PASSWORD_RESET]
# One template id per kind, each its own.
TEMPLATES = {kind: str(uuid.uuid5(uuid.NAMESPACE_URL, kind)) for kind in KINDS}


@pytest.fixture
def notify_api() -> Iterator[StandIn]:
    stand_in = StandIn(service_id=str(uuid.uuid4()), secret=str(uuid.uuid4()))
    server = start(stand_in)
    yield stand_in
    server.shutdown()
    server.server_close()


@pytest.fixture
def use_notify(settings, notify_api: StandIn) -> StandIn:
    """Email through Notify (the stand-in), a template for every kind."""
    settings.EMAIL_BACKEND = settings.NOTIFY_EMAIL_BACKEND
    settings.NOTIFY_API_KEY = notify_api.api_key
    settings.NOTIFY_BASE_URL = notify_api.base_url
    settings.NOTIFY_TEMPLATES = dict(TEMPLATES)
    return notify_api

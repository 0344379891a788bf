"""The demo, loaded once per test module (loading it takes seconds) in a
transaction rolled back at the module's end; each test runs in a savepoint of
its own inside it, so what one test changes the next does not see."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="module")
def demo_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """The demo loaded for the module; what load_demo printed."""
    with django_db_blocker.unblock():
        module_transaction = transaction.atomic()
        module_transaction.__enter__()
        try:
            out = io.StringIO()
            call_command("load_demo", stdout=out)
        except BaseException:
            transaction.set_rollback(True)
            module_transaction.__exit__(None, None, None)
            raise
    yield out.getvalue()
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        module_transaction.__exit__(None, None, None)


@pytest.fixture
def demo(demo_world: str, db: None) -> str:
    """The module's demo for one test; what load_demo printed."""
    return demo_world

"""The demo, loaded once per test module (loading it takes seconds) in a
transaction rolled back at the module's end; each test runs in a savepoint of
its own inside it, so what one test changes the next does not see."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command

from tests.module_transaction import in_module_transaction


@pytest.fixture(scope="module")
def demo_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """The demo loaded for the module; what load_demo printed."""

    def load() -> str:
        out = io.StringIO()
        call_command("load_demo", stdout=out)
        return out.getvalue()

    yield from in_module_transaction(django_db_blocker, load)


@pytest.fixture
def demo(demo_world: str, db: None) -> str:
    """The module's demo for one test; what load_demo printed."""
    return demo_world

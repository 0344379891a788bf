"""A world of rows built once for a test module: its build runs in a
transaction opened for the module and rolled back at its end, and each test
runs in a savepoint of its own inside it (pytest-django's ``db``), so what one
test changes the next does not see."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from django.db import transaction

T = TypeVar("T")


def in_module_transaction(
    django_db_blocker: Any, build: Callable[[], T]
) -> Iterator[T]:
    """For a module-scoped fixture (``yield from``): what ``build`` returns,
    its rows in a transaction rolled back when the module is done."""
    with django_db_blocker.unblock():
        module_transaction = transaction.atomic()
        module_transaction.__enter__()
        try:
            built = build()
        except BaseException:
            transaction.set_rollback(True)
            module_transaction.__exit__(None, None, None)
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            module_transaction.__exit__(None, None, None)

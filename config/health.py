"""Whether the service's database answers: asked by the load balancer's
health check (``/healthz``) and by the service status page people read."""

from __future__ import annotations

from django.db import DatabaseError, connection


def database_answers() -> bool:
    """True when the database runs a trivial query, False when it cannot be
    reached or refuses it."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True

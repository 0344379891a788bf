from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    """``mapping[key]`` in a template, or None."""
    return mapping.get(key)


@register.filter
def person(user: Any) -> str:
    """A user's full name, else their username; "someone unknown" when there is
    no user (an account since deleted, or a step recorded by a data load)."""
    if user is None:
        return "someone unknown"
    return str(user.get_full_name() or user.get_username())


@register.filter
def index(sequence: Any, position: int) -> Any:
    """``sequence[position]`` in a template, or None."""
    try:
        return sequence[position]
    except (IndexError, TypeError, KeyError):
        return None

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def heat(score: float | None) -> str:
    """The heatmap class of a score from 1 to 4; colour only adds to the number."""
    if score is None:
        return "app-heat-none"
    return f"app-heat-{min(max(int(score + 0.5), 1), 4)}"


@register.filter
def lookup(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)

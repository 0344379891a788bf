from __future__ import annotations

from typing import Any

from django import template

from reports.selectors import heat_class

register = template.Library()


@register.filter
def heat(score: float | None) -> str:
    """The heatmap class of a score from 1 to 4; colour only adds to the number."""
    return heat_class(score)


@register.filter
def lookup(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)

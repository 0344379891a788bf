from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from reports.cells import heat_class
from reports.charts import Chart, radar_chart

register = template.Library()


@register.filter
def heat(score: float | None) -> str:
    """The heatmap class of a score from 1 to 4; colour only adds to the number."""
    return heat_class(score)


@register.filter
def lookup(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)


@register.simple_tag(takes_context=True)
def chart_svg(context: template.Context, chart: Chart) -> SafeString:
    """A chart's SVG: with its own style inside for a PDF, without for a page."""
    return chart.print_svg if context.get("for_pdf") else chart.svg


@register.simple_tag
def plan_radar(scores: Any) -> Chart:
    """The development plan's radar chart, from its dimension scores
    (``{% plan_radar scores as chart %}``)."""
    return radar_chart(
        title=scores.title,
        axes=scores.axes,
        series=scores.series,
        maximum=scores.maximum,
    )


@register.filter
def at_point(updates: list[Any], point: Any) -> list[Any]:
    """The progress updates reported at one monitoring point."""
    return [update for update in updates if update.point_id == point.pk]

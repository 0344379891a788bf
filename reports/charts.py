"""Charts as inline SVG, drawn by pygal, each with a text alternative."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from html import escape, unescape
from typing import Any, TypeVar

import cssselect2
import pygal
from django.utils.safestring import SafeString, mark_safe
from pygal.style import Style
from weasyprint.svg.css import parse_declarations, parse_stylesheets

# GOV.UK colours: blue, orange, grey.
STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#0b0c0c",
    foreground_strong="#0b0c0c",
    foreground_subtle="#b1b4b6",
    colors=("#1d70b8", "#f47738", "#505a5f", "#00703c"),
    font_family="Liberation Sans, Arial, DejaVu Sans, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=13,
    title_font_size=15,
    value_font_size=12,
    opacity="0.15",
    opacity_hover="0.15",
)


@dataclass(frozen=True)
class Chart:
    """``svg`` for pages: no inline style (the Content-Security-Policy allows
    none), its look comes from static/css/charts.css. ``print_svg`` for
    PDFs: pygal's style written onto each shape as SVG presentation
    attributes, so a document does not parse a stylesheet for every chart."""

    svg: SafeString
    description: str
    print_svg: SafeString


F = TypeVar("F", bound=Callable[..., Chart])


def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        return ("dict", tuple((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, list):
        return ("list", tuple(_frozen(item) for item in value))
    return value


def _thawed(value: Any) -> Any:
    if isinstance(value, tuple) and len(value) == 2 and value[0] == "dict":
        return {key: _thawed(item) for key, item in value[1]}
    if isinstance(value, tuple) and len(value) == 2 and value[0] == "list":
        return [_thawed(item) for item in value[1]]
    return value


def _memoised(function: F) -> F:
    """A chart is a pure function of its figures: the same figures are drawn
    once per process and the SVG reused, so a page asked for again with
    unchanged data does no drawing. Keyword arguments only."""

    @lru_cache(maxsize=512)
    def draw(key: tuple[tuple[str, Any], ...]) -> Chart:
        return function(**{name: _thawed(value) for name, value in key})

    def wrapper(**kwargs: Any) -> Chart:
        return draw(tuple(sorted((name, _frozen(v)) for name, v in kwargs.items())))

    wrapper.__doc__ = function.__doc__
    wrapper.cache_clear = draw.cache_clear  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def _pygal_chart(
    kind: Any,
    *,
    title: str,
    x_labels: list[str],
    height: int,
    maximum: int,
    legend_columns: int,
    **options: Any,
) -> Any:
    """A pygal chart set up as every chart here is: the GOV.UK style, 560 wide
    but sized by its container, a scale from 0 to ``maximum``, the legend
    below, no script files (``_finish`` removes the inline script too) and no
    XML declaration (the SVG goes inside a page)."""
    chart = kind(
        style=STYLE,
        width=560,
        height=height,
        range=(0, maximum),
        show_legend=True,
        legend_at_bottom=True,
        legend_at_bottom_columns=legend_columns,
        disable_xml_declaration=True,
        js=[],
        explicit_size=False,
        # Legends and labels are never cut short with an ellipsis.
        truncate_legend=-1,
        truncate_label=-1,
        **options,
    )
    chart.title = title
    chart.x_labels = x_labels
    return chart


@_memoised
def radar_chart(
    *, title: str, axes: list[str], series: dict[str, list[float | None]], maximum: int
) -> Chart:
    """A radar chart of scores per dimension, one line per series."""
    if not any(value is not None for values in series.values() for value in values):
        empty = SafeString("")
        return Chart(svg=empty, description=f"{title}: no scores yet.", print_svg=empty)
    chart = _pygal_chart(
        pygal.Radar,
        title=title,
        x_labels=axes,
        height=440,
        maximum=maximum,
        # Side by side when the names are short; one under another when a
        # name would not fit its share of the width (legends are never cut).
        legend_columns=(len(series) or 1)
        if all(len(name) <= 20 for name in series)
        else 1,
        fill=True,
        dots_size=4,
        print_values=False,
    )
    chart.y_labels = list(range(0, maximum + 1))
    for name, values in series.items():
        # A series with no score at all would be drawn as zeros: leave it to
        # the text alternative, which says it is not scored.
        if any(value is not None for value in values):
            chart.add(name, values)
    return _finish(chart, title, series, axes)


@_memoised
def median_chart(
    *,
    title: str,
    axes: list[str],
    regional: list[float | None],
    national: list[float | None],
) -> Chart:
    """Bars of the regional median per dimension beside the national median."""
    chart = _pygal_chart(
        pygal.Bar, title=title, x_labels=axes, height=320, maximum=4, legend_columns=1
    )
    chart.add("Median of the selected partnerships", regional)
    chart.add("Median in England", national)
    return _finish(
        chart,
        title,
        {
            "Median of the selected partnerships": regional,
            "Median in England": national,
        },
        axes,
    )


def _finish(
    chart: Any, title: str, series: dict[str, list[float | None]], axes: list[str]
) -> Chart:
    svg = re.sub(
        r"<script\b.*?</script>", "", chart.render(is_unicode=True), flags=re.S
    )
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" ', 1)
    # The tooltip layer is hidden by a style attribute: an SVG attribute
    # does the same without inline CSS.
    svg = svg.replace(' style="opacity: 0"', ' opacity="0"')
    # pygal numbers its legend entries from 0 in every chart: two charts on a
    # page would repeat the ids. Only its script (removed above) used them.
    svg = _SERIES_ID.sub("", svg)
    parts = []
    for name, values in series.items():
        shown = ", ".join(
            f"{axis} {value:.2f}" if value is not None else f"{axis} not scored"
            for axis, value in zip(axes, values, strict=False)
        )
        parts.append(f"{name}: {shown}")
    return Chart(
        # pygal output: it escapes every label and title it writes.
        svg=mark_safe(_STYLE_ELEMENT.sub("", svg)),  # noqa: S308  # nosec B308 B703
        description=f"{title}. " + "; ".join(parts) + ".",
        print_svg=mark_safe(_styled_by_attributes(svg)),  # noqa: S308  # nosec B308 B703
    )


_SVG = "http://www.w3.org/2000/svg"
ET.register_namespace("", _SVG)
ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")


@lru_cache(maxsize=16)
def _chart_rules(css: str) -> tuple[cssselect2.Matcher, cssselect2.Matcher]:
    """pygal's stylesheet as WeasyPrint reads it in an SVG: the same for every
    chart drawn in the same style, so parsed once."""
    holder = ET.Element(f"{{{_SVG}}}svg")
    ET.SubElement(holder, f"{{{_SVG}}}style").text = css
    return parse_stylesheets(
        cssselect2.ElementWrapper.from_xml_root(holder), "", None, None
    )


def _styled_by_attributes(svg: str) -> str:
    """The chart with its style element resolved onto its elements: each
    element gets, as attributes, the declarations WeasyPrint would apply to it
    from the style element (rules in specificity order, then its style
    attribute, then important rules), and the style element goes."""
    root = ET.fromstring(svg)  # noqa: S314  # nosec B314: pygal's own output
    found = [
        (parent, style)
        for parent in root.iter()
        for style in parent.findall(f"{{{_SVG}}}style")
    ]
    if not found:
        return svg
    holder, style = found[0]
    # The rules are scoped to the chart's own id: read as the SVG's root, the
    # stylesheet is the same for every chart and parsed once.
    css = (style.text or "").replace(f"#{root.get('id')}", ":root")
    normal, important = _chart_rules(css)
    resolved = []
    for wrapper in cssselect2.ElementWrapper.from_xml_root(root).iter_subtree():
        element = wrapper.etree_element
        own_normal, own_important = parse_declarations(element.get("style", ""))
        values: dict[str, str] = {}
        for declarations in (
            *(rule[-1] for rule in normal.match(wrapper)),
            own_normal,
            *(rule[-1] for rule in important.match(wrapper)),
            own_important,
        ):
            values.update((name, value.strip()) for name, value in declarations)
        resolved.append((element, values))
    for element, values in resolved:
        element.attrib.pop("style", None)
        element.attrib.update(values)
    holder.remove(style)
    _drop_browser_only(root)
    return ET.tostring(root, encoding="unicode")


def _drop_browser_only(root: ET.Element) -> None:
    """The printed chart without what only a browser uses: pygal's hidden
    tooltip layer, the values and positions its tooltips read from `desc`
    elements, the hover `title` of each guide and point, the classes its
    stylesheet (resolved above) and script read, its transitions, and the
    groups that do nothing. The chart's own title and what the page draws stay."""
    hover_only = [
        (parent, child)
        for parent in root.iter()
        for child in parent
        if child.tag == f"{{{_SVG}}}desc"
        or (child.tag == f"{{{_SVG}}}title" and parent is not root)
        or "tooltip-overlay" in (child.get("class") or "").split()
    ]
    for parent, child in hover_only:
        parent.remove(child)
    for element in root.iter():
        element.attrib.pop("transition", None)
        if element is not root:
            element.attrib.pop("class", None)
    # A group that draws nothing or sets nothing for what it holds goes; what
    # it holds takes its place.
    groups = [
        (parent, child)
        for parent in root.iter()
        for child in parent
        if child.tag == f"{{{_SVG}}}g"
    ]
    for parent, group in reversed(groups):  # the innermost first
        if len(group) and group.attrib:
            continue
        place = list(parent).index(group)
        parent.remove(group)
        for offset, held in enumerate(list(group)):
            parent.insert(place + offset, held)


_SERIES_ID = re.compile(r' id="activate-serie-\d+"')
_STYLE_ELEMENT = re.compile(r"<style\b[^>]*>(.*?)</style>", flags=re.S)
_CHART_ID = re.compile(r"#chart-[0-9a-f-]{36}")


def chart_stylesheet() -> str:
    """The CSS pygal writes into each chart (scoped to that chart's id), once
    for every chart on a page: scoped to the ``pygal-chart`` class, with a
    colour rule for each of the style's colours. static/css/charts.css holds
    it; `manage.py chart_stylesheet` writes it again after STYLE changes."""
    chart = pygal.Line(style=STYLE, disable_xml_declaration=True, js=[])
    for number in range(len(STYLE.colors)):
        chart.add(f"Series {number}", [1, 2])
    found = _STYLE_ELEMENT.search(chart.render(is_unicode=True))
    if found is None:
        raise RuntimeError("pygal wrote no style element")
    # Inside the SVG the CSS is XML text (">" written as "&gt;"); a stylesheet
    # is plain CSS.
    return _CHART_ID.sub(".pygal-chart", unescape(found.group(1))) + "\n"


@_memoised
def trend_chart(
    *, title: str, periods: list[str], series: dict[str, list[float | None]]
) -> Chart:
    """A line per dimension across the periods."""
    chart = _pygal_chart(
        pygal.Line,
        title=title,
        x_labels=periods,
        height=320,
        maximum=4,
        legend_columns=len(series) or 1,
        allow_interruptions=True,
    )
    for name, values in series.items():
        chart.add(name, values)
    return _finish(chart, title, series, periods)

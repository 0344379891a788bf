"""The cells of an OpenDocument spreadsheet as odfpy reads them: rows found
inside row groups, repeated rows and cells counted (never expanded beyond
what the reader asks for), and each cell's value as it shows, a formula as
its text (never computed). Shared by every upload that reads ODS files."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def row_nodes(parent: Any, namespace: str) -> Iterator[Any]:
    """The table-row nodes of a table, also those inside row groups."""
    for node in parent.childNodes:
        if node.qname[0] != namespace:
            continue
        if node.qname[1] == "table-row":
            yield node
        elif node.qname[1] in ("table-header-rows", "table-row-group", "table-rows"):
            yield from row_nodes(node, namespace)


def repeat(node: Any, attribute: str) -> int:
    """How many times a row or cell repeats (1 when the file says nonsense)."""
    try:
        return max(1, int(node.getAttribute(attribute) or 1))
    except (ValueError, TypeError):
        return 1


def cell_value(cell: Any) -> Any:
    """The cell's value: its text (every line), a formula as text, else the
    typed value tablib reads."""
    from tablib.formats._ods import ODSFormat

    formula = cell.getAttribute("formula")
    if formula:
        # "of:=SUM([.A1:.A2])": the formula as text, never computed.
        return formula.split(":", 1)[1] if formula.startswith("of:") else formula
    paragraphs = [
        "".join(_cell_text(p))
        for p in cell.childNodes
        if getattr(p, "qname", ("", ""))[1] == "p"
    ]
    value_type = cell.getAttribute("valuetype")
    if value_type in ("string", "", None) and paragraphs:
        return "\n".join(paragraphs)
    return ODSFormat.read_cell(cell)


def _cell_text(node: Any) -> Iterator[str]:
    for child in node.childNodes:
        if child.nodeType == child.TEXT_NODE:
            yield str(child.data)
        elif getattr(child, "qname", ("", ""))[1] == "s":
            yield " " * repeat(child, "c")
        else:
            yield from _cell_text(child)

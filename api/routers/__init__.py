"""The API's areas, one router each. A new area (inspections, networks,
funding) is a module here with its own ``router``, added to ``AREAS``; its
reads go through its app's scoping selectors and its writes through its
services, as every page's do."""

# No `from __future__ import annotations`: ninja reads the routes' and
# schemas' annotations at run time to build the requests and the document.

from ninja import Router

from . import frameworks, partnerships, periods, plans, regional, returns

# (URL prefix under /api/v1/, router): the order is the documentation's.
AREAS: list[tuple[str, Router]] = [
    ("/partnerships", partnerships.router),
    ("/frameworks", frameworks.router),
    ("/periods", periods.router),
    ("/returns", returns.router),
    ("/plans", plans.router),
    ("/regional", regional.router),
]

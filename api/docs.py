"""The API's documentation page: every endpoint of the OpenAPI document, its
parameters, what it answers and an example request, on a GOV.UK page of the
service. Drawn from the same document clients read (/api/v1/openapi.json),
so it cannot fall behind the API; served by the service alone, it keeps the
Content-Security-Policy (no inline script or style, nothing from a CDN) and
the pages' accessibility, which the bundled Swagger UI does not."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

# An example body for each write, by operation id.
EXAMPLE_BODIES = {
    "save_answer": {
        "version": 1,
        "score": 3,
        "evidence": "Board minutes of 12 May; the annual report, section 2.",
    },
}


@dataclass
class Field:
    name: str
    type: str
    required: bool
    description: str = ""


@dataclass
class Endpoint:
    method: str
    path: str
    anchor: str
    summary: str
    description: str
    parameters: list[Field]
    body: list[Field]
    fields: list[Field]
    responses: list[tuple[str, str]]
    curl: str


@dataclass
class Area:
    name: str
    endpoints: list[Endpoint] = field(default_factory=list)


class GovukDocs(DocsBase):
    """ninja's documentation hook, answered by templates/api/docs.html."""

    def render_page(
        self, request: HttpRequest, api: NinjaAPI, **kwargs: Any
    ) -> HttpResponse:
        document = api.get_openapi_schema(path_params=kwargs)
        base = request.build_absolute_uri("/").rstrip("/")
        return render(
            request,
            "api/docs.html",
            {
                "title": document["info"]["title"],
                "paragraphs": paragraphs_of(document["info"].get("description", "")),
                "openapi_url": self.get_openapi_url(api, kwargs),
                "areas": areas_of(document, base=base),
            },
        )


def paragraphs_of(text: str) -> list[list[tuple[str, bool]]]:
    """The document's description (CommonMark) as paragraphs of plain text
    and code spans, for the template to escape: its `code` and *emphasis*
    are all it uses."""
    return [
        [
            (part.replace("*", ""), index % 2 == 1)
            for index, part in enumerate(" ".join(block.split()).split("`"))
            if part
        ]
        for block in text.split("\n\n")
        if block.strip()
    ]


def areas_of(document: dict[str, Any], *, base: str) -> list[Area]:
    """The endpoints of an OpenAPI document, grouped by tag in their order."""
    schemas = document.get("components", {}).get("schemas", {})
    areas: dict[str, Area] = {}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            tag = (operation.get("tags") or ["Other"])[0]
            area = areas.setdefault(tag, Area(tag))
            area.endpoints.append(_endpoint(method, path, operation, schemas, base))
    return list(areas.values())


def _endpoint(
    method: str,
    path: str,
    operation: dict[str, Any],
    schemas: dict[str, Any],
    base: str,
) -> Endpoint:
    example = next(
        (
            body
            for name, body in EXAMPLE_BODIES.items()
            if operation["operationId"].endswith(name)
        ),
        None,
    )
    parameters = [
        Field(
            name=f"{p['name']} ({p['in']})",
            type=_type_of(p.get("schema", {}), schemas),
            required=bool(p.get("required")),
            description=p.get("description", ""),
        )
        for p in operation.get("parameters", [])
    ]
    body_schema = (
        operation.get("requestBody", {})
        .get("content", {})
        .get("application/json", {})
        .get("schema")
    )
    ok = next(
        (
            r.get("content", {}).get("application/json", {}).get("schema")
            for status, r in operation["responses"].items()
            if str(status).startswith("2")
        ),
        None,
    )
    return Endpoint(
        method=method.upper(),
        path=path,
        anchor=operation["operationId"],
        summary=operation.get("summary", ""),
        description=operation.get("description", ""),
        parameters=parameters,
        body=_fields(body_schema, schemas),
        fields=_fields(_rows_of(ok, schemas), schemas),
        responses=[
            (str(status), response.get("description", ""))
            for status, response in operation["responses"].items()
        ],
        curl=_curl(method.upper(), base + path, example),
    )


def _resolve(schema: dict[str, Any] | None, schemas: dict[str, Any]) -> dict[str, Any]:
    if not schema:
        return {}
    ref = schema.get("$ref")
    if ref:
        return dict(schemas.get(ref.rsplit("/", 1)[-1], {}))
    return schema


def _rows_of(
    schema: dict[str, Any] | None, schemas: dict[str, Any]
) -> dict[str, Any] | None:
    """A page's rows (``results``) or a list's items: the fields of one."""
    resolved = _resolve(schema, schemas)
    if resolved.get("type") == "array":
        return _resolve(resolved.get("items"), schemas)
    results = resolved.get("properties", {}).get("results")
    if results:
        return _resolve(results.get("items"), schemas)
    return resolved


def _fields(schema: dict[str, Any] | None, schemas: dict[str, Any]) -> list[Field]:
    resolved = _resolve(schema, schemas)
    required = set(resolved.get("required", []))
    return [
        Field(
            name=name,
            type=_type_of(prop, schemas),
            required=name in required,
            description=prop.get("description", ""),
        )
        for name, prop in resolved.get("properties", {}).items()
    ]


def _type_of(schema: dict[str, Any], schemas: dict[str, Any]) -> str:
    """A schema's type in a few words: "integer or null", "one of a, b"."""
    if "anyOf" in schema:
        return " or ".join(_type_of(s, schemas) for s in schema["anyOf"])
    if "$ref" in schema:
        resolved = _resolve(schema, schemas)
        if "enum" in resolved:
            return "one of " + ", ".join(str(v) for v in resolved["enum"])
        return str(resolved.get("title", "object"))
    if "enum" in schema:
        return "one of " + ", ".join(str(v) for v in schema["enum"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {_type_of(schema.get('items', {}), schemas)}"
    if kind == "string" and schema.get("format"):
        return str(schema["format"])
    return str(kind)


def _curl(method: str, url: str, body: dict[str, Any] | None) -> str:
    url = url.replace("{", "<").replace("}", ">")
    lines = ["curl"]
    if method != "GET":
        lines.append(f"-X {method}")
    lines.append('-H "Authorization: Bearer $TOKEN"')
    if body is not None:
        lines.append('-H "Content-Type: application/json"')
        lines.append(f"-d '{json.dumps(body)}'")
    lines.append(f'"{url}"')
    return " \\\n  ".join(lines)

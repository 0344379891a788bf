"""PDFs from the same templates as the HTML pages, by WeasyPrint."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from .document_stylesheet import template_file
from .pdf_tags import tags_finished

# The documents' style, in cascade order (later rules win at equal
# specificity): GOV.UK's rules the documents use, the print layout, then the
# tables' column widths.
# WeasyPrint gives stylesheets passed to it the user origin; the documents
# carry no style of their own, so these rules cascade as if linked.
DOCUMENT_STYLESHEETS = (
    "reports/includes/govuk-print.css",
    "reports/includes/print.css",
    "reports/includes/print-tables.css",
)


class StaticOnlyFetcher(URLFetcher):
    """Static files come from disk and nothing from the network: a document
    never depends on, or leaks to, another server."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=["file", "data"], fail_on_errors=True)

    def fetch(self, url: str, headers: Any = None) -> Any:
        prefix = f"file://{settings.STATIC_URL}"
        if url.startswith(prefix):
            path = static_file_path(url[len(prefix) :])
            if path is None:
                raise ValueError(f"No static file {url}")
            url = path.resolve().as_uri()
        return super().fetch(url, headers)


def static_file_path(name: str) -> Path | None:
    """A static file on disk: from the app and project folders (development),
    else as collected into STATIC_ROOT, where production's names carry a hash
    of their content (`govuk-frontend.min.1ed01ec6fd29.css`)."""
    try:
        found = finders.find(name)
    except SuspiciousFileOperation:  # a name that climbs out of the folders
        return None
    if found:
        return Path(str(found))
    collected = Path(settings.STATIC_ROOT) / name
    if collected.is_file() and collected.resolve().is_relative_to(
        Path(settings.STATIC_ROOT).resolve()
    ):
        return collected
    return None


def render_pdf(
    template: str, context: dict[str, Any], request: HttpRequest | None = None
) -> bytes:
    """The PDF of a document template: A4, tagged (PDF/UA), fonts embedded."""
    html = render_to_string(template, {**context, "for_pdf": True}, request=request)
    return html_to_pdf(html)


@dataclass(frozen=True)
class DocumentStyle:
    stylesheets: list[CSS]
    font_config: FontConfiguration


_parsed = threading.local()


def document_style() -> DocumentStyle:
    """The documents' stylesheets, parsed once per thread (WeasyPrint's parsed
    CSS and its font configuration are not shared between threads), with
    the fonts they load: every PDF after the first reuses them."""
    style: DocumentStyle | None = getattr(_parsed, "style", None)
    if style is None:
        font_config = FontConfiguration()
        style = DocumentStyle(
            stylesheets=[
                CSS(
                    filename=str(template_file(name)),
                    font_config=font_config,
                    url_fetcher=StaticOnlyFetcher(),
                )
                for name in DOCUMENT_STYLESHEETS
            ],
            font_config=font_config,
        )
        _parsed.style = style
    return style


def html_to_pdf(html: str) -> bytes:
    """WeasyPrint alone, on HTML already rendered, styled by the documents'
    stylesheets."""
    style = document_style()
    document = HTML(string=html, base_url="file:///", url_fetcher=StaticOnlyFetcher())
    return tags_finished(
        bytes(
            document.write_pdf(
                stylesheets=style.stylesheets,
                font_config=style.font_config,
                pdf_variant="pdf/ua-1",
                uncompressed_pdf=False,
            )
        )
    )


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response

"""The GOV.UK rules the PDF documents use, kept in a small print stylesheet.

GOV.UK Frontend's stylesheet is 138 KB, almost all of it for components a
document never shows, and WeasyPrint would parse all of it for every PDF.
`document_stylesheet()` keeps only the rules that can apply to a document: the
class names its templates (the PDF templates and everything they include or
extend) write, the rules for print (``@media print``) unwrapped, and none for
screens, pointers or states a page on paper never has (``:hover``,
``:focus``). `manage.py document_stylesheet` writes the result to
templates/reports/includes/govuk-print.css; ``--check`` says whether the
file written is still the one the templates and GOV.UK Frontend give.

Classes a document gets from Python (the heatmap's ``app-heat-*``) are the
project's own, styled by print.css, not GOV.UK's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import tinycss2
from django.conf import settings
from django.template.loader import get_template
from weasyprint.css.media_queries import evaluate_media_query, parse_media_query

DOCUMENT_TEMPLATES = (
    "reports/plan_pdf.html",
    "reports/return_pdf.html",
    "reports/regional_pdf.html",
)
GOVUK_STYLESHEET = Path("static") / "govuk" / "govuk-frontend.min.css"
PRINT_STYLESHEET = Path("templates") / "reports" / "includes" / "govuk-print.css"

HEADER = (
    "/* The rules of GOV.UK Frontend {version} the PDF documents use. Written by\n"
    "   `manage.py document_stylesheet` from {source}: do not edit. */\n"
)

# States a printed page never has: selectors with them never match.
_NEVER_IN_PRINT = frozenset(
    {"hover", "focus", "focus-visible", "focus-within", "active", "visited", "target"}
)
_INCLUDED = re.compile(r"{%\s*(?:include|extends)\s+\"([^\"]+)\"")
_CLASS_ATTRIBUTE = re.compile(r"\bclass=\"([^\"]*)\"")
_TEMPLATE_TAG = re.compile(r"{%.*?%}|{#.*?#}", flags=re.S)
_TEMPLATE_VARIABLE = re.compile(r"{{.*?}}", flags=re.S)
_PYTHON_PLACEHOLDER = re.compile(r"{[^{}]*}|%s")
_FILLED_IN = "\x00"


def template_file(name: str) -> Path:
    """The file on disk the template loaders find for a template name."""
    template: Any = get_template(name)
    return Path(template.origin.name)


def document_templates(names: Iterable[str] = DOCUMENT_TEMPLATES) -> list[Path]:
    """The template files of the documents: each template, what it extends and
    everything it includes, followed to the end."""
    found: dict[str, Path] = {}
    waiting = list(names)
    while waiting:
        name = waiting.pop()
        if name in found:
            continue
        path = template_file(name)
        found[name] = path
        waiting.extend(_INCLUDED.findall(path.read_text(encoding="utf-8")))
    return sorted(found.values())


def document_classes(templates: Iterable[Path]) -> tuple[set[str], set[str]]:
    """Every class name the templates write, in any branch of an ``{% if %}``,
    and the class names the template tags and filters write in Python (a
    status tag). A name partly filled in (``govuk-tag--{}``) gives a prefix:
    every class starting with it. Names made whole by template code are the
    project's own (the heatmap's), not GOV.UK's."""
    values: list[str] = []
    for path in templates:
        for value in _CLASS_ATTRIBUTE.findall(path.read_text(encoding="utf-8")):
            value = _TEMPLATE_TAG.sub(" ", value)
            values.append(_TEMPLATE_VARIABLE.sub(_FILLED_IN, value))
    for path in sorted(Path(settings.BASE_DIR).glob("*/templatetags/*.py")):
        for value in _CLASS_ATTRIBUTE.findall(path.read_text(encoding="utf-8")):
            values.append(_PYTHON_PLACEHOLDER.sub(_FILLED_IN, value))
    classes: set[str] = set()
    prefixes: set[str] = set()
    for value in values:
        for name in value.split():
            if _FILLED_IN not in name:
                classes.add(name)
            elif not name.startswith(_FILLED_IN):
                prefixes.add(name.split(_FILLED_IN)[0])
    return classes, prefixes


def _selectors(prelude: list[tinycss2.ast.Node]) -> list[list[tinycss2.ast.Node]]:
    selectors: list[list[tinycss2.ast.Node]] = [[]]
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            selectors.append([])
        else:
            selectors[-1].append(token)
    return [selector for selector in selectors if selector]


def _can_match(
    selector: list[tinycss2.ast.Node], classes: set[str], prefixes: set[str]
) -> bool:
    """False when the selector needs a class no document writes or a state no
    printed page has. Classes inside ``:not()`` and other functions are not
    needed for a match, so they never rule a selector out."""
    tokens = [token for token in selector if token.type != "whitespace"]
    for before, token in zip([None, *tokens], tokens, strict=False):
        if token.type != "ident" or before is None or before.type != "literal":
            continue
        if (
            before.value == "."
            and token.value not in classes
            and not token.value.startswith(tuple(prefixes))
        ):
            return False
        if before.value == ":" and token.lower_value in _NEVER_IN_PRINT:
            return False
    return True


def _kept_rules(
    rules: Iterable[tinycss2.ast.Node], classes: set[str], prefixes: set[str]
) -> Iterator[str]:
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [
                tinycss2.serialize(selector).strip()
                for selector in _selectors(rule.prelude)
                if _can_match(selector, classes, prefixes)
            ]
            if selectors:
                body = tinycss2.serialize(rule.content).strip()
                yield f"{','.join(selectors)}{{{body}}}"
        elif rule.type == "at-rule" and rule.lower_at_keyword == "media":
            # WeasyPrint reads media types only: a query it cannot read is a
            # rule it never applies, and print rules always apply to a PDF.
            media = parse_media_query(rule.prelude)
            if media and evaluate_media_query(media, "print"):
                yield from _kept_rules(_parsed(rule.content), classes, prefixes)
        elif rule.type == "at-rule" and rule.lower_at_keyword == "supports":
            inner = list(_kept_rules(_parsed(rule.content), classes, prefixes))
            if inner:
                condition = tinycss2.serialize(rule.prelude).strip()
                yield f"@supports {condition}{{{''.join(inner)}}}"
        elif rule.type == "at-rule" and rule.lower_at_keyword in ("font-face", "page"):
            yield tinycss2.serialize([rule]).strip()


def _parsed(content: list[tinycss2.ast.Node] | None) -> list[tinycss2.ast.Node]:
    return tinycss2.parse_blocks_contents(
        content or [], skip_comments=True, skip_whitespace=True
    )


def document_stylesheet() -> str:
    """The print stylesheet: GOV.UK Frontend's rules the documents can use, in
    their order, one rule a line."""
    base = Path(settings.BASE_DIR)
    source = (base / GOVUK_STYLESHEET).read_text(encoding="utf-8-sig")
    version = re.search(r'--govuk-frontend-version:\s*"([^"]+)"', source)
    classes, prefixes = document_classes(document_templates())
    rules = tinycss2.parse_stylesheet(source, skip_comments=True, skip_whitespace=True)
    header = HEADER.format(
        version=version.group(1) if version else "", source=GOVUK_STYLESHEET
    )
    return header + "".join(
        f"{rule}\n" for rule in _kept_rules(rules, classes, prefixes)
    )


def print_stylesheet_path() -> Path:
    return Path(settings.BASE_DIR) / PRINT_STYLESHEET

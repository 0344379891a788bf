"""The demo app stands on top: no domain app imports it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
DOMAIN_APPS = ["partnerships", "indicators", "assessment", "plans", "reports"]


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_no_domain_app_imports_demo(app: str) -> None:
    sources = sorted((ROOT / app).rglob("*.py"))
    assert sources, app
    offenders = [
        str(path.relative_to(ROOT))
        for path in sources
        if any(
            module == "demo" or module.startswith("demo.")
            for module in _imported_modules(path)
        )
    ]
    assert offenders == []

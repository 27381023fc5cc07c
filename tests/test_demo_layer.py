"""The demo data is the top layer: it may import every app, and no app imports it (production
does not install it, and the image does not contain it)."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ["vzhg", "members", "events", "governance", "newsletters", "contacts", "pages"]


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_no_app_imports_the_demo_package():
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        for name in _imports(path)
        if name == "demo" or name.startswith("demo.")
    ]
    assert offenders == []


def test_the_demo_package_imports_the_apps():
    # The check above would pass on an empty tree: make sure it looks at real imports.
    assert "governance.models" in set(_imports(ROOT / "demo" / "governance.py"))

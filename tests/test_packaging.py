"""pyproject.toml's runtime dependencies are complete: `pip install .` gives an app that starts.

Every third-party module the app packages import (anywhere in their code, also inside functions)
and every app or middleware the settings load must come from a distribution named in
[project] dependencies — not only in the test extra or, by luck, as a dependency of another.
"""

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from django.conf import settings
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
APP_PACKAGES = ["vzhg", "members", "events", "governance", "newsletters"]


def _normalise(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def runtime_dependencies() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {_normalise(Requirement(line).name) for line in project["dependencies"]}


def third_party_modules() -> dict[str, set[str]]:
    """Top-level module → the files that import it."""
    found: dict[str, set[str]] = {}
    local = set(APP_PACKAGES) | {"tests", "__future__"}
    for package in APP_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in local:
                        found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    # Loaded by name from the settings rather than imported.
    for dotted in [*settings.INSTALLED_APPS, *settings.MIDDLEWARE]:
        top = dotted.split(".")[0]
        if top not in sys.stdlib_module_names and top not in local:
            found.setdefault(top, set()).add("settings")
    return found


def test_every_third_party_import_of_the_app_is_a_runtime_dependency():
    distributions = packages_distributions()
    declared = runtime_dependencies()
    missing = {}
    for module, files in third_party_modules().items():
        names = {_normalise(name) for name in distributions.get(module, [module])}
        if not names & declared:
            missing[module] = sorted(files)[:3]
    assert missing == {}, f"imported by the app but not in [project] dependencies: {missing}"


def test_the_check_sees_the_imports_that_matter():
    modules = third_party_modules()
    for module in ("django", "icalendar", "weasyprint", "allauth", "celery", "dateutil"):
        assert module in modules
    assert "icalendar" in runtime_dependencies()

"""pyproject.toml's runtime dependencies are complete: `pip install .` gives an app that starts.

Every third-party module the app packages import (anywhere in their code, also inside functions)
and every app or middleware the settings load must come from a distribution named in
[project] dependencies — not only in the test extra or, by luck, as a dependency of another.
requirements.txt pins exactly those and what they depend on (the production image installs it);
requirements-test.txt pins the `test` extra on top of it.
"""

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions, requires
from pathlib import Path

from django.conf import settings
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
APP_PACKAGES = ["vzhg", "members", "events", "governance", "newsletters"]


def _normalise(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def own_modules() -> set[str]:
    """The project's own top-level packages (the apps, tests, the demo app) and modules."""
    return {path.name for path in ROOT.iterdir() if (path / "__init__.py").exists()} | {"manage"}


def runtime_dependencies() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {_normalise(Requirement(line).name) for line in project["dependencies"]}


def third_party_modules() -> dict[str, set[str]]:
    """Top-level module → the files that import it."""
    found: dict[str, set[str]] = {}
    local = own_modules() | {"__future__"}
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


# --- requirements.txt and requirements-test.txt -----------------------------------------------

TEST_TOOLS = {"pytest", "pytest-django", "playwright", "axe-playwright-python", "aiosmtpd", "faker"}


def pinned(path: Path) -> dict[str, str]:
    """{canonical name: version} of a requirements file's `name==version` lines."""
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-r"):
            name, separator, version = line.partition("==")
            assert separator, f"{path.name}: {line!r} is not pinned"
            pins[canonicalize_name(name)] = version
    return pins


def undeclared(modules: dict[str, set[str]], declared: set[str]) -> dict[str, list[str]]:
    distributions = packages_distributions()
    return {
        module: sorted(files)[:3]
        for module, files in modules.items()
        if not {canonicalize_name(name) for name in distributions.get(module, [module])} & declared
    }


def test_every_third_party_import_of_the_app_is_pinned_in_requirements_txt():
    modules = third_party_modules()
    assert "diff_match_patch" in modules
    missing = undeclared(modules, set(pinned(ROOT / "requirements.txt")))
    assert missing == {}, f"imported by the app but not in requirements.txt: {missing}"


def test_every_third_party_import_of_the_tests_and_the_demo_app_is_pinned():
    own = own_modules() | {"__future__"}
    modules: dict[str, set[str]] = {}
    for package in ("tests", "demo"):
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
                    beside = (path.parent / f"{top}.py").exists()  # a script's sibling module
                    if top not in sys.stdlib_module_names and top not in own and not beside:
                        modules.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    assert {"pytest", "playwright"} <= set(modules)
    declared = set(pinned(ROOT / "requirements.txt")) | set(pinned(ROOT / "requirements-test.txt"))
    missing = undeclared(modules, declared)
    assert missing == {}, f"imported by the tests but not pinned: {missing}"


def dependency_closure(requirements: list[str]) -> set[str]:
    """Canonical names of the distributions the requirements need, from the installed metadata."""
    seen: dict[str, set[str]] = {}
    stack = [Requirement(line) for line in requirements]
    while stack:
        requirement = stack.pop()
        name = canonicalize_name(requirement.name)
        extras = seen.get(name)
        if extras is not None and set(requirement.extras) <= extras:
            continue
        seen[name] = (extras or set()) | set(requirement.extras)
        for line in requires(requirement.name) or []:
            dependency = Requirement(line)
            wanted = seen[name] or {""}
            if dependency.marker and not any(dependency.marker.evaluate({"extra": e}) for e in wanted):
                continue
            stack.append(dependency)
    return set(seen)


def test_requirements_pin_exactly_the_pyproject_dependencies_and_what_they_need():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = pinned(ROOT / "requirements.txt")
    test_only = pinned(ROOT / "requirements-test.txt")
    assert "-r requirements.txt" in (ROOT / "requirements-test.txt").read_text().splitlines()
    assert not set(runtime) & set(test_only), "pinned in both files"

    assert set(runtime) == dependency_closure(project["dependencies"])
    test_extra = project["optional-dependencies"]["test"]
    assert set(runtime) | set(test_only) == dependency_closure(project["dependencies"] + test_extra)
    for requirement in map(Requirement, project["dependencies"]):
        assert requirement.specifier.contains(runtime[canonicalize_name(requirement.name)]), requirement
    for requirement in map(Requirement, test_extra):
        assert requirement.specifier.contains(test_only[canonicalize_name(requirement.name)]), requirement
    # The production image installs requirements.txt: no test tooling in it.
    assert not {canonicalize_name(tool) for tool in TEST_TOOLS} & set(runtime)
    assert {"ruff", "mypy", "django-stubs", "import-linter"} <= set(test_only)

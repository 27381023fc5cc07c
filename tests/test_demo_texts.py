"""The demo content speaks to members the way the interface does: with "je", never "u".

Every string in the demo package (its modules and the data files they read) is scanned for the polite
pronouns "u" and "uw"."""

import ast
import csv
import json
import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
DEMO_MODULES = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "demo").rglob("*.py"))
DEMO_DATA = sorted(
    str(path.relative_to(ROOT))
    for path in (ROOT / "demo" / "data").iterdir()
    if path.suffix in (".csv", ".json", ".md")
)
POLITE = re.compile(r"\b(u|uw|Uw)\b")


def _json_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def _strings(path: Path):
    if path.suffix == ".json":
        yield from _json_strings(json.loads(path.read_text(encoding="utf-8")))
        return
    if path.suffix == ".md":
        yield from path.read_text(encoding="utf-8").splitlines()
        return
    if path.suffix == ".csv":
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.reader(handle):
                yield from row
        return
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def test_the_demo_texts_are_found():
    assert {"demo/events.py", "demo/reports.py", "demo/data/workplan.json", "demo/data/workplan.md"} <= set(
        DEMO_MODULES + DEMO_DATA
    )


@pytest.mark.parametrize("name", DEMO_MODULES + DEMO_DATA)
def test_demo_texts_use_je_not_u(name):
    polite = [text for text in _strings(ROOT / name) if POLITE.search(text)]
    assert polite == [], f"{name} addresses the reader with 'u': {polite}"

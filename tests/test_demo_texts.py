"""The demo content speaks to members the way the interface does: with "je", never "u".

Every string in the demo modules (and the data files they read) is scanned for the polite
pronouns "u" and "uw"."""

import ast
import csv
import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
DEMO_MODULES = [
    "events/demo.py",
    "governance/demo.py",
    "governance/report_demo.py",
    "newsletters/demo.py",
    "members/management/commands/demo_data.py",
]
DEMO_DATA = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "governance" / "data").glob("*.csv"))
POLITE = re.compile(r"\b(u|uw|Uw)\b")


def _strings(path: Path):
    if path.suffix == ".csv":
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.reader(handle):
                yield from row
        return
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


@pytest.mark.parametrize("name", DEMO_MODULES + DEMO_DATA)
def test_demo_texts_use_je_not_u(name):
    polite = [text for text in _strings(ROOT / name) if POLITE.search(text)]
    assert polite == [], f"{name} addresses the reader with 'u': {polite}"

"""Reading the demo texts in demo/data/: JSON for structured content, Markdown for chapters."""

import copy
import datetime
import json
from functools import cache
from pathlib import Path
from typing import Any

from django.utils import timezone

DATA_DIR = Path(__file__).resolve().parent / "data"


@cache
def _parsed(name: str) -> Any:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def load_json(name: str) -> Any:
    """The parsed contents of demo/data/<name>: a fresh copy, free to change."""
    return copy.deepcopy(_parsed(name))


def load_chapters(name: str, **values: object) -> list[tuple[str, str]]:
    """(title, body) per '## ' heading of demo/data/<name>; {key} in a body becomes values[key]."""
    chapters: list[tuple[str, list[str]]] = []
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            chapters.append((line[3:].strip(), []))
        elif chapters:
            chapters[-1][1].append(line)
    result = []
    for title, lines in chapters:
        body = "\n".join(lines).strip()
        for key, value in values.items():
            body = body.replace("{" + key + "}", str(value))
        result.append((title, body))
    return result


def weekday(day: datetime.date) -> datetime.date:
    """The day itself, or the Monday after it when it falls in a weekend (meetings are on weekdays)."""
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """`day` at hour:minute in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def clock(text: str) -> datetime.time:
    """'09:30' -> time(9, 30)."""
    return datetime.time.fromisoformat(text)

"""Spreadsheet exports that Excel opens safely and in Dutch.

Every export of the app (the admin's people and registration exports, and any export added
later) goes through this module:

- **No formulas from data.** A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return is what Excel and LibreOffice read as a formula ("formula injection",
  OWASP's CSV injection). Such a cell gets a leading ``'``; the people import takes it off again,
  so an exported file imports back unchanged. In XLSX every text cell is also written as a
  string cell (``data_type 's'``), never as a formula.
- **CSV as Dutch Excel opens it by double-click**: UTF-8 with a byte-order mark, ``;`` as the
  separator (Dutch Excel's list separator, because ``,`` is the decimal sign).
- **Values a reader understands**: ``ja``/``nee`` for booleans, Amsterdam local times without
  microseconds (real date and date-time cells in XLSX, time-zone-naive as Excel wants them).

``cell_value`` turns one Python value into an export cell; ``ExportResourceMixin`` applies it to
every field of a django-import-export resource; ``DutchCSV`` and ``SafeXLSX`` are the two file
formats the admin offers.
"""

import csv
import datetime
import io
import warnings
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils.translation import gettext
from import_export.formats import base_formats

if TYPE_CHECKING:
    from import_export.resources import Resource as _ResourceBase
else:
    _ResourceBase = object

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# What spreadsheet programs read as the start of a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_DELIMITER = ";"
BOM = "\ufeff"
DATE_FORMAT = "dd-mm-yyyy"
DATETIME_FORMAT = "dd-mm-yyyy hh:mm:ss"

Cell = str | int | float | Decimal | datetime.date | datetime.datetime | datetime.time


def cell_text_escape(text: str) -> str:
    """``text`` with a leading ``'`` when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell_text_unescape(text: str) -> str:
    """Undo ``cell_text_escape``: an imported ``'+31 6 ...`` is ``+31 6 ...`` again."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def cell_value(value) -> Cell:
    """One value as an export cell.

    Text is escaped against formulas; booleans read ``ja``/``nee`` (in the active language);
    date-times are Amsterdam local time, time-zone-naive, to the second; dates and numbers stay
    what they are; ``None`` is an empty cell.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(AMSTERDAM).replace(tzinfo=None)
        return value.replace(microsecond=0)
    if isinstance(value, datetime.time):
        return value.replace(microsecond=0)
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float | Decimal):
        return value
    return cell_text_escape(str(value))


def _text(value: Cell) -> str:
    """A cell as CSV text: dates and times as Dutch Excel reads them (day first, to the second)."""
    if isinstance(value, datetime.datetime):
        return value.strftime("%d-%m-%Y %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M:%S")
    return str(value)


def csv_render(*, headers: list[str], rows) -> str:
    """A CSV file for Dutch Excel: BOM, ``;``-separated, every cell through ``cell_value``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow([_text(cell_value(header)) for header in headers])
    for row in rows:
        writer.writerow([_text(cell_value(value)) for value in row])
    return BOM + buffer.getvalue()


def xlsx_render(*, headers: list[str], rows, title: str = "") -> bytes:
    """An XLSX workbook: text cells are strings (never formulas), dates real date cells."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.title = "".join(c for c in title if c not in "\\*?:/[]")[:31] or "Export"
    widths: dict[int, int] = {}
    for row_number, row in enumerate([headers, *rows], 1):
        for column, raw in enumerate(row, 1):
            value = cell_value(raw)
            cell = sheet.cell(row=row_number, column=column)
            if isinstance(value, str):
                cell.value = ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", value)
                cell.data_type = "s"
            else:
                cell.value = value
                if isinstance(value, datetime.datetime):
                    cell.number_format = DATETIME_FORMAT
                elif isinstance(value, datetime.date):
                    cell.number_format = DATE_FORMAT
            if row_number == 1:
                cell.font = Font(bold=True)
            widths[column] = max(widths.get(column, 0), len(_text(value)))
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), 60)
    sheet.freeze_panes = "A2"
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


class ExportResourceMixin(_ResourceBase):
    """For a django-import-export resource: every exported value goes through ``cell_value``.

    Dates, date-times, booleans and numbers are taken as Python values (not the widget's text),
    so the formats can write them as real cells; other values as the field's widget renders them.
    """

    NATIVE_TYPES = (bool, int, float, Decimal, datetime.date, datetime.time)

    def export_field(self, field, instance, **kwargs):
        field_name = self.get_field_name(field)
        method = field.get_dehydrate_method(field_name)
        if not callable(method) and not hasattr(self, method) and field.attribute:
            value = field.get_value(instance)
            if value is None or isinstance(value, self.NATIVE_TYPES):
                return cell_value(value)
        return cell_value(super().export_field(field, instance, **kwargs))


class DutchCSV(base_formats.CSV):
    """CSV for Dutch Excel (BOM, ``;``); reads ``;``- and ``,``-separated files alike."""

    CONTENT_TYPE = "text/csv; charset=utf-8"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode(self.encoding or "utf-8-sig")
        in_stream = in_stream.removeprefix(BOM)
        first_line = in_stream.split("\n", 1)[0]
        kwargs.setdefault("delimiter", ";" if first_line.count(";") > first_line.count(",") else ",")
        return super().create_dataset(in_stream, **kwargs)

    def export_data(self, dataset, **kwargs):
        return csv_render(headers=list(dataset.headers or []), rows=dataset)


class SafeXLSX(base_formats.XLSX):
    """XLSX whose text cells are strings, escaped against formulas, with real date cells."""

    def export_data(self, dataset, **kwargs):
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=DeprecationWarning)
            return xlsx_render(headers=list(dataset.headers or []), rows=dataset, title=dataset.title or "")

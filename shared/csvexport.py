"""The one CSV writer of the system: every cell a spreadsheet could run as a formula is neutralised.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula (or becomes one)
in Excel, LibreOffice and Google Sheets, so `=HYPERLINK(...)` typed into a reason would run when HR
opens the export. Such cells get a leading apostrophe (OWASP's advice): the spreadsheet shows the text,
runs nothing. Importers of our own exports undo it with `restore_cell`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
UTF8_BOM = "\ufeff"  # so that spreadsheets read the file as UTF-8


def neutralise(value: Any) -> str:
    """The cell as text, with an apostrophe before a formula-leading character."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def restore_cell(text: str) -> str:
    """What `neutralise` was given, for importers reading back one of our exports."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def write_csv(header: Iterable[str], rows: Iterable[Iterable[Any]], bom: bool = False) -> str:
    """HEADER and ROWS as CSV text, every cell neutralised; BOM for files meant for spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return (UTF8_BOM if bom else "") + out.getvalue()

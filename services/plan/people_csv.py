"""The people CSV format shared by `groeipad import-people` and the import endpoint."""

from __future__ import annotations

import csv
import io
from typing import Any

COLUMNS = ("id", "name", "email", "manager_id", "department", "job_title")
MAX_ROWS = 100_000


class PeopleCsvError(Exception):
    """The file cannot be read as a people CSV; the message says where."""


def read_people_csv(text: str) -> list[dict[str, Any]]:
    """Rows to upsert; the whole file is refused when one line is wrong, so nothing half-imports."""
    if "\x00" in text:  # PostgreSQL cannot store it; refused before any row or key is written
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise PeopleCsvError(f"line {line}: a NUL character")
    reader = csv.DictReader(io.StringIO(text, newline=""))  # csv decides where a line ends: a lone \r too
    try:
        return _rows(reader)
    except csv.Error as error:  # e.g. a field over csv's size limit: the file is refused, as for a bad row
        raise PeopleCsvError(f"not valid CSV after line {reader.line_num}: {error}") from None


def _rows(reader: csv.DictReader) -> list[dict[str, Any]]:
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in ("id", "name") if c not in header]
    if missing:
        raise PeopleCsvError(f"the header lacks the column(s) {', '.join(missing)}; "
                             f"expected {','.join(COLUMNS)}")
    rows = []
    seen = set()
    for line, raw in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
        if not row.get("id"):
            raise PeopleCsvError(f"line {line}: id is empty")
        if row["id"] in seen:
            raise PeopleCsvError(f"line {line}: id {row['id']!r} appears twice")
        seen.add(row["id"])
        rows.append({c: row.get(c, "") for c in COLUMNS})
        if len(rows) > MAX_ROWS:
            raise PeopleCsvError(f"at most {MAX_ROWS} people per import")
    return rows

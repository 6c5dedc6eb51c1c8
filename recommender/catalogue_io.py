"""The catalogue's file formats (JSON Lines and CSV): parse and validate per line, and export.

Used by the import endpoint and by `groeipad import-catalogue`, so both accept exactly the same
files. A bad line becomes a rejection with its line number, field and reason; good lines go on.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from recommender.domainmodel import FORMATS, LEVELS, MEANS
from shared.csvexport import restore_cell, write_csv
from shared.parsing import JsonInputError, check_json, parse_json

MAX_TEXT = 20_000


class SkillTaughtSchema(Schema):
    skill = fields.String(required=True, validate=validate.Length(min=1, max=200))
    level = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(0, 5))


class SessionSchema(Schema):
    start = fields.Date(required=True)
    end = fields.Date(load_default=None, allow_none=True)
    location = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


def _text(max_len: int = 500, **kw: Any) -> fields.String:
    return fields.String(validate=validate.Length(max=max_len), allow_none=True, **kw)


class OfferFieldsSchema(Schema):
    """Every catalogue field; only external_id, title and means are required on import."""

    class Meta:
        unknown = EXCLUDE

    external_id = fields.String(required=True, validate=validate.Length(min=1, max=200))
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    means = fields.String(required=True, validate=validate.OneOf(MEANS))
    description = _text(MAX_TEXT)
    provider = _text(200)
    language = fields.String(allow_none=True, validate=validate.Regexp(
        r"^[a-z]{2}$", error="a two-letter language code such as nl or en"))
    format = fields.String(allow_none=True, validate=validate.OneOf(FORMATS))
    hours = fields.Float(allow_none=True, validate=validate.Range(0, 10_000))
    cost = fields.Float(allow_none=True, validate=validate.Range(0, 1_000_000))
    currency = fields.String(allow_none=True, validate=validate.Regexp(
        r"^[A-Z]{3}$", error="a three-letter currency code such as EUR"))
    level = fields.String(allow_none=True, validate=validate.OneOf(LEVELS))
    learning_outcomes = fields.List(fields.String(validate=validate.Length(max=1000)),
                                    allow_none=True, validate=validate.Length(max=100))
    certificate = fields.Boolean(allow_none=True)
    skills = fields.List(fields.Nested(SkillTaughtSchema), allow_none=True,
                         validate=validate.Length(max=100))
    prerequisites = fields.List(fields.String(validate=validate.Length(max=500)), allow_none=True,
                                validate=validate.Length(max=50))
    sessions = fields.List(fields.Nested(SessionSchema), allow_none=True,
                           validate=validate.Length(max=200))
    capacity = fields.Integer(allow_none=True, validate=validate.Range(0, 100_000))
    url = fields.Url(allow_none=True, schemes={"http", "https"})
    mentor = _text(200, metadata={"description": "person id of the mentor (mentoring offers)"})


OFFER_FIELDS = tuple(OfferFieldsSchema().fields)
CSV_LIST_FIELDS = {"learning_outcomes", "prerequisites"}
CSV_SEPARATOR = "|"
DUTCH_BOOLEANS = {"ja": "true", "nee": "false"}


class CatalogueFormatError(Exception):
    """The file as a whole cannot be read (wrong header, not text)."""


def normalise(data: dict[str, Any]) -> dict[str, Any]:
    """Validated fields in stored form: dates as ISO strings, no empty lists or strings."""
    out: dict[str, Any] = {}
    for name, value in data.items():
        if name == "sessions" and value is not None:
            value = [{k: (v.isoformat() if hasattr(v, "isoformat") else v)
                      for k, v in s.items() if v is not None} for s in value]
        if name == "skills" and value is not None:
            value = [{k: v for k, v in s.items() if v is not None} for s in value]
        if isinstance(value, str):
            value = value.strip()
        out[name] = value
    return out


def validate_offer(data: Any, partial: bool = False) -> tuple[dict | None, list[dict[str, str]]]:
    """(fields, []) for a good offer, (None, [{field, reason}]) for a bad one."""
    if not isinstance(data, dict):
        return None, [{"field": "body", "reason": "each line must be a JSON object"}]
    try:
        loaded = OfferFieldsSchema(partial=partial).load(data)
    except ValidationError as error:
        return None, _flatten(error.messages)
    return normalise(loaded), []


def _flatten(messages: Any, prefix: str = "") -> list[dict[str, str]]:
    if isinstance(messages, dict):
        out = []
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.extend(_flatten(value, name if key != "_schema" else prefix))
        return out
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [{"field": prefix or "body", "reason": m} for m in messages]
    if isinstance(messages, list):
        return [e for m in messages for e in _flatten(m, prefix)]
    return [{"field": prefix or "body", "reason": str(messages)}]


def read_ndjson(text: str) -> Iterator[tuple[int, Any, str | None]]:
    """(line number, object, parse error) for each non-empty line."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, parse_json(line), None
        except JsonInputError as error:
            yield number, None, f"not valid JSON: {error.reason}" if error.field == "body" else str(error)


def _csv_cell(name: str, raw: str) -> Any:
    raw = raw.strip()
    if raw == "":
        return None
    if name == "certificate" and raw.lower() in DUTCH_BOOLEANS:
        return DUTCH_BOOLEANS[raw.lower()]
    if name in CSV_LIST_FIELDS:
        return [part.strip() for part in raw.split(CSV_SEPARATOR) if part.strip()]
    if name == "skills":
        skills = []
        for part in raw.split(CSV_SEPARATOR):
            skill, _, level = part.strip().rpartition(":")
            if skill and level.strip().isdigit():
                skills.append({"skill": skill.strip(), "level": level.strip()})
            elif part.strip():
                skills.append({"skill": part.strip()})
        return skills
    if name == "sessions":
        sessions = []
        for part in raw.split(CSV_SEPARATOR):
            when, _, location = part.strip().partition("@")
            start, _, end = when.partition("/")
            sessions.append({"start": start.strip(), "end": end.strip() or None,
                             "location": location.strip() or None})
        return sessions
    return raw


def read_csv(text: str) -> Iterator[tuple[int, Any, str | None]]:
    """(line number, object, parse error) per data row; lists are separated by '|'."""
    reader = csv.reader(io.StringIO(text, newline=""))  # csv decides where a line ends: a lone \r too
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        return
    except csv.Error as error:
        raise CatalogueFormatError(f"the CSV header cannot be read: {error}") from None
    missing = {"external_id", "title", "means"} - set(header)
    if missing:
        raise CatalogueFormatError(f"the CSV header lacks the column(s): {', '.join(sorted(missing))}")
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield line, None, f"not valid CSV: {error}"
            continue
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            yield reader.line_num, None, f"{len(row)} cells but the header has {len(header)}"
            continue
        data = {name: _csv_cell(name, restore_cell(cell)) for name, cell in zip(header, row, strict=False)}
        try:
            check_json(data)  # the same text rules as a JSON line: no NUL reaches the store
        except JsonInputError as error:
            yield reader.line_num, None, str(error)
            continue
        yield reader.line_num, {k: v for k, v in data.items() if v is not None}, None


def parse_catalogue(text: str, kind: str) -> tuple[list[tuple[int, dict]], list[dict]]:
    """Good lines as (line, fields) and rejections as {line, field, reason}; KIND is jsonl or csv."""
    rows = read_csv(text) if kind == "csv" else read_ndjson(text)
    good: list[tuple[int, dict]] = []
    rejected: list[dict] = []
    for line, data, error in rows:
        if error:
            rejected.append({"line": line, "field": "body", "reason": error})
            continue
        offer, errors = validate_offer(data)
        if offer is None:
            rejected.extend({"line": line, **e} for e in errors)
        else:
            good.append((line, offer))
    return good, rejected


def kind_of(filename_or_mimetype: str) -> str:
    """csv or jsonl, from a file name or a content type."""
    name = filename_or_mimetype.lower()
    return "csv" if name.endswith(".csv") or name == "text/csv" else "jsonl"


def export_ndjson(offers: Iterable[dict]) -> str:
    return "".join(json.dumps(_exportable(o), ensure_ascii=False) + "\n" for o in offers)


def export_csv(offers: Iterable[dict]) -> str:
    """The catalogue as CSV through the shared writer (formula cells neutralised; read_csv undoes it)."""
    return write_csv(OFFER_FIELDS, ([_csv_value(name, offer.get(name)) for name in OFFER_FIELDS]
                                    for offer in offers))


def _exportable(offer: dict) -> dict:
    return {k: offer[k] for k in OFFER_FIELDS if offer.get(k) is not None}


def _csv_value(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name in CSV_LIST_FIELDS:
        return CSV_SEPARATOR.join(value)
    if name == "skills":
        return CSV_SEPARATOR.join(
            f"{s['skill']}:{s['level']}" if s.get("level") is not None else s["skill"] for s in value)
    if name == "sessions":
        return CSV_SEPARATOR.join(
            s["start"] + (f"/{s['end']}" if s.get("end") else "")
            + (f"@{s['location']}" if s.get("location") else "") for s in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)

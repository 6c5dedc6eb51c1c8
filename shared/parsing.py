"""Request bodies parsed strictly: hostile JSON is a 4xx with the field, never a crash deeper down.

Python's JSON decoder accepts lone surrogates ("\\ud800") and NUL characters, which no database
stores, NaN and Infinity, which JSON does not have, and integers longer than it will convert (a
ValueError, not a decode error); it recurses on nesting, so a few kilobytes of brackets would end in
a RecursionError. `parse_json` is the one reader for every JSON body and every JSON line a service
takes in.
"""

from __future__ import annotations

import json
import math
from typing import Any

from webargs import missing
from webargs.flaskparser import FlaskParser

from shared.errors import ApiError

MAX_DEPTH = 32


class StrictJsonParser(FlaskParser):
    """webargs' Flask parser, reading every non-empty body with `parse_json` whatever its content type."""

    def load_json(self, req, schema) -> Any:
        if not req.get_data(cache=True):
            return missing
        try:
            return parse_json(req.get_data(cache=True))
        except JsonInputError as error:
            raise error.as_api_error() from None


class JsonInputError(ValueError):
    """JSON a strict reader refuses: the field concerned, the reason and the HTTP status it deserves."""

    def __init__(self, field: str, reason: str, status: int):
        super().__init__(f"{field}: {reason}")
        self.field, self.reason, self.status = field, reason, status

    def as_api_error(self) -> ApiError:
        message = f"the body is not JSON this service reads: {self.reason}" if self.status == 400 else str(self)
        return ApiError(self.status, message, [{"field": self.field, "reason": self.reason}])


def parse_json(data: bytes | str) -> Any:
    """JSON text as Python values, strictly: no NaN or Infinity, no number too large for a float or too
    long to convert, no deep nesting, no lone surrogate or NUL in any string (JsonInputError otherwise)."""
    try:
        value = json.loads(data, parse_constant=_refuse_constant, parse_float=_finite_float)
    except RecursionError:
        raise JsonInputError("body", f"nested deeper than {MAX_DEPTH} levels", 400) from None
    except json.JSONDecodeError as error:
        raise JsonInputError("body", f"{error.msg} at line {error.lineno} column {error.colno}", 400) from None
    except UnicodeDecodeError:
        raise JsonInputError("body", "not UTF-8 text", 400) from None
    except JsonInputError:
        raise
    except ValueError:  # an integer beyond Python's conversion limit
        raise JsonInputError("body", "a number has too many digits", 400) from None
    check_json(value)
    return value


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise JsonInputError("body", f"the number {text[:20]} is too large", 400)
    return value


def _refuse_constant(name: str) -> Any:
    raise JsonInputError("body", f"{name} is not a JSON number", 400)


def check_json(value: Any, path: str = "", depth: int = 0) -> None:
    """Refuse what no store can hold or no client should send: deep nesting, surrogates, NUL."""
    if depth > MAX_DEPTH:
        raise JsonInputError("body", f"nested deeper than {MAX_DEPTH} levels", 400)
    if isinstance(value, str):
        if "\x00" in value:
            raise JsonInputError(path or "body", "contains a NUL character", 422)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise JsonInputError(path or "body", "contains an unpaired UTF-16 surrogate", 422) from None
    elif isinstance(value, dict):
        for key, item in value.items():
            check_json(key, path or "body", depth + 1)
            check_json(item, f"{path}.{key}" if path else str(key), depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_json(item, f"{path}.{index}" if path else str(index), depth + 1)

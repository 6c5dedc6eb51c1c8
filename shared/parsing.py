"""Request bodies parsed strictly: hostile JSON is a 4xx with the field, never a crash deeper down.

Python's JSON decoder accepts lone surrogates ("\\ud800") and NUL characters, which no database
stores, and it recurses on nesting, so a few kilobytes of brackets would end in a RecursionError.
"""

from __future__ import annotations

import json
from typing import Any

import marshmallow as ma
from webargs.flaskparser import FlaskParser

from shared.errors import ApiError

MAX_DEPTH = 32


class StrictJsonParser(FlaskParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._schemas: dict[type[ma.Schema], ma.Schema] = {}

    def _get_schema(self, argmap, req) -> ma.Schema:
        """One instance per schema class, made once: webargs would build one per request (marshmallow's
        load keeps no state on the instance, as flask-smorest's shared response schemas rely on too)."""
        if isinstance(argmap, type) and issubclass(argmap, ma.Schema):
            schema = self._schemas.get(argmap)
            if schema is None:
                schema = self._schemas.setdefault(argmap, argmap())
            return schema
        return super()._get_schema(argmap, req)

    def _raw_load_json(self, req) -> Any:
        if not req.get_data(cache=True):
            return super()._raw_load_json(req)
        try:
            data = json.loads(req.get_data(cache=True))
        except RecursionError:
            raise ApiError(400, f"JSON nested deeper than {MAX_DEPTH} levels") from None
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "the body is not valid JSON", [{"field": "body", "reason": "not valid JSON"}]) from None
        check_json(data)
        return data


def check_json(value: Any, path: str = "", depth: int = 0) -> None:
    """Refuse what no store can hold or no client should send: deep nesting, surrogates, NUL."""
    if depth > MAX_DEPTH:
        raise ApiError(400, f"JSON nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, str):
        if "\x00" in value:
            raise _text_error(path, "contains a NUL character")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise _text_error(path, "contains an unpaired UTF-16 surrogate") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            check_json(key, path or "body", depth + 1)
            check_json(item, f"{path}.{key}" if path else str(key), depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_json(item, f"{path}.{index}" if path else str(index), depth + 1)


def _text_error(path: str, reason: str) -> ApiError:
    field = path or "body"
    return ApiError(422, f"{field}: {reason}", [{"field": field, "reason": reason}])

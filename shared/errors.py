"""One JSON error shape for every service: {"status", "message", "errors": [{"field", "reason"}]}."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, jsonify, request
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

JSON_TYPES = {"application/json"}


class FieldErrorSchema(Schema):
    field = fields.String(metadata={"description": "the field, query parameter or header concerned"})
    reason = fields.String()


class ErrorSchema(Schema):
    """The error body of every Groeipad service, as the OpenAPI documents describe it."""

    status = fields.Integer()
    message = fields.String()
    errors = fields.List(fields.Nested(FieldErrorSchema))


class ApiError(Exception):
    """An error the client can act on: an HTTP status, a message and the fields concerned."""

    def __init__(self, status: int, message: str, errors: list[dict[str, str]] | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors or []
        self.headers = headers or {}


def field_error(status: int, field: str, reason: str) -> ApiError:
    return ApiError(status, f"{field}: {reason}", [{"field": field, "reason": reason}])


def flatten_messages(messages: Any, prefix: str = "") -> list[dict[str, str]]:
    """Turn marshmallow/webargs nested messages into a flat list of {field, reason}."""
    if isinstance(messages, dict):
        out: list[dict[str, str]] = []
        for key, value in messages.items():
            if not prefix and key in {"json", "query", "form", "headers", "files", "view_args"}:
                out.extend(flatten_messages(value, ""))
                continue
            name = str(key) if key != "_schema" else ""
            out.extend(flatten_messages(value, f"{prefix}.{name}" if prefix and name else prefix or name))
        return out
    if isinstance(messages, list | tuple):
        if all(isinstance(m, str) for m in messages):
            return [{"field": prefix or "body", "reason": m} for m in messages]
        out = []
        for item in messages:
            out.extend(flatten_messages(item, prefix))
        return out
    return [{"field": prefix or "body", "reason": str(messages)}]


def error_body(status: int, message: str, errors: list[dict[str, str]]) -> dict[str, Any]:
    return {"status": status, "message": message, "errors": errors}


def register_error_mapping(app: Flask, mapping: dict[type[Exception], Callable[[Any], ApiError]]) -> None:
    """A service's own errors become the shared JSON shape: one table per service, read in one place."""
    for error_type, to_api_error in mapping.items():
        app.register_error_handler(
            error_type, lambda error, convert=to_api_error: app.handle_user_exception(convert(error)))


def register_error_handlers(app: Flask) -> None:
    """Install after flask-smorest's Api so these handlers win; nothing leaves as HTML or a bare 500."""

    @app.errorhandler(ApiError)
    def handle_api_error(error: ApiError):
        response = jsonify(error_body(error.status, error.message, error.errors))
        response.status_code = error.status
        response.headers.update(error.headers)
        return response

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        status = error.code or 500
        data = getattr(error, "data", None) or {}
        errors = flatten_messages(data.get("messages")) if data.get("messages") else []
        message = "invalid input" if errors else (error.description or error.name)
        if status == 413:
            message = f"request body too large (at most {current_app.config.get('MAX_CONTENT_LENGTH')} bytes)"
        response = jsonify(error_body(status, message, errors))
        response.status_code = status
        for key, value in (error.get_headers() if hasattr(error, "get_headers") else []):
            if key.lower() not in {"content-type", "content-length"}:
                response.headers[key] = value
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        response = jsonify(error_body(500, "internal error", []))
        response.status_code = 500
        return response

    @app.before_request
    def refuse_unexpected_content_type() -> None:
        """415 for a body the endpoint cannot read, instead of a misleading 'field missing'."""
        if request.method not in {"POST", "PUT", "PATCH"} or not request.content_length:
            return
        view = current_app.view_functions.get(request.endpoint or "")
        accepted = getattr(getattr(view, "view_class", view), "accepts", JSON_TYPES)
        if request.mimetype not in accepted:
            raise ApiError(415, f"unsupported content type {request.mimetype or 'none'!r}; "
                                f"send one of: {', '.join(sorted(accepted))}")

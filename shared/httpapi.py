"""The HTTP frame every Groeipad API shares: OpenAPI, auth, error shape, probes, body limits."""

from __future__ import annotations

from collections.abc import Callable

import flask_smorest
import swagger_ui_bundle
from flask import Flask, jsonify, send_from_directory
from flask_smorest import Api

from shared.auth import TokenSettings, init_auth
from shared.config import env_int
from shared.errors import ErrorSchema, register_error_handlers
from shared.observability import init_observability
from shared.parsing import StrictJsonParser

API_PREFIX = "/api/v1"


class Blueprint(flask_smorest.Blueprint):
    """The blueprint every Groeipad API uses: JSON bodies are parsed strictly (shared/parsing.py)."""

    ARGUMENTS_PARSER = StrictJsonParser()

    def arguments(self, schema, *args, **kwargs):
        """A schema class becomes its one instance here, once: given the class, webargs would build one per
        request (marshmallow's load keeps no state on the instance; the response schemas are shared alike)."""
        return super().arguments(schema() if isinstance(schema, type) else schema, *args, **kwargs)


class GroeipadApi(Api):
    """flask-smorest's Api, documenting the shared error shape instead of its own."""

    ERROR_SCHEMA = ErrorSchema


def create_api(app: Flask, *, title: str, description: str, ready: Callable[[], dict],
               tokens: TokenSettings | None = None, service: str = "groeipad", public: tuple[str, ...] = ()) -> Api:
    """Configure APP as a Groeipad API; READY returns the readiness checks (raise when not ready); paths under
    the PUBLIC prefixes need no token."""
    app.config.update(
        API_TITLE=title,
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=API_PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL="/static/swagger-ui/",
        API_SPEC_OPTIONS={
            "info": {"description": description},
            "security": [{"bearerAuth": []}],
            "components": {"securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
        },
        MAX_CONTENT_LENGTH=env_int("GROEIPAD_MAX_BODY_BYTES", 1024 * 1024, minimum=1024),
    )
    app.json.sort_keys = False
    init_observability(app, service)
    init_auth(app, tokens or TokenSettings.from_env(), public)
    api = GroeipadApi(app)
    register_error_handlers(app)

    @app.get("/static/swagger-ui/<path:name>")
    def swagger_assets(name: str):
        """Swagger UI from the installed bundle, so the docs page works on a closed network."""
        return send_from_directory(swagger_ui_bundle.swagger_ui_path, name)

    @app.get("/health")
    def health():
        return jsonify(status="ok")

    @app.get("/ready")
    def readiness():
        try:
            checks = ready()
        except Exception as error:  # any failure means "not ready", with the reason
            return jsonify(status="unavailable", reason=str(error)), 503
        return jsonify(status="ready", **checks)

    return api

"""create_app: the notifier API's only constructor; nothing is built at import time."""

from __future__ import annotations

from typing import Any

from flask import Flask

from services.notifier import api
from services.notifier.runtime import build_store, delivery_settings, unsubscribe_tokens
from shared.httpapi import create_api


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """The notifier API; CONFIG may carry NOTIFIER_DATABASE_URL or TOKENS."""
    config = config or {}
    app = Flask(__name__)
    application, store = build_store(config.get("NOTIFIER_DATABASE_URL"))
    app.extensions["notifier_app"] = application
    app.extensions["notifier_store"] = store
    app.extensions["notifier_unsubscribe"] = unsubscribe_tokens()
    app.config["NOTIFIER_DEFAULT_LANGUAGE"] = delivery_settings().default_language

    def ready() -> dict:
        return {"store": "reachable", "position": store.position()}

    rest = create_api(app, title="Groeipad notifier", ready=ready, tokens=config.get("TOKENS"), service="notifier",
                      description="Notifications of plan events and deadlines: e-mail, calendar invitations, "
                                  "digests and the portal's notification centre.")
    rest.register_blueprint(api.blp)
    return app

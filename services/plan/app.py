"""create_app: the plan service's only constructor; nothing is built at import time."""

from __future__ import annotations

from typing import Any

from flask import Flask

from services.plan.api import (
    audit,
    certificates,
    cycles,
    feed,
    people,
    plans,
    register_domain_errors,
    reports,
    requirements,
    teams,
    templates,
)
from services.plan.application import PlanService
from shared.config import store_settings
from shared.httpapi import create_api


def build_plan_service(url: str | None = None, create_tables: bool | None = None) -> PlanService:
    """The event-sourced application on the store PLAN_DATABASE_URL (or URL) names."""
    return PlanService(env=store_settings("PLAN_DATABASE_URL", "plan.sqlite", url, create_tables).eventsourcing_env())


def create_app(config: dict[str, Any] | None = None) -> Flask:
    config = config or {}
    app = Flask(__name__)
    service = config.get("PLAN_SERVICE") or build_plan_service(config.get("PLAN_DATABASE_URL"))
    app.extensions["plan_service"] = service

    def ready() -> dict:
        service.recorder.max_notification_id()
        return {"store": "reachable"}

    api = create_api(app, title="Groeipad plan service", ready=ready, tokens=config.get("TOKENS"), service="plan",
                     description="Event-sourced personal development plans (PDP).")
    for module in (plans, certificates, people, teams, reports, feed, audit, templates, cycles, requirements):
        api.register_blueprint(module.blp)
    register_domain_errors(app)
    return app

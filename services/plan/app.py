"""create_app: the plan service's only constructor; nothing is built at import time."""

from __future__ import annotations

from typing import Any

from flask import Flask

from services.plan.api import (
    actions,
    audit,
    badges,
    certificates,
    cycles,
    feed,
    people,
    plans,
    register_domain_errors,
    reports,
    requirements,
    scim,
    teams,
    templates,
)
from services.plan.application import PlanService
from services.plan.badges.esco import recommender_alignments
from services.plan.badges.issuer import BadgeIssuer
from services.plan.badges.keys import BadgeKeys
from services.plan.badges.settings import PUBLIC_PATH, BadgeSettings
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
    badge_keys = config.get("BADGE_KEYS") or BadgeKeys.from_env()
    if badge_keys is not None:  # Open Badges are on (always in development; in production with a signing key)
        app.extensions["badges"] = BadgeIssuer(service, badge_keys,
                                               config.get("BADGE_SETTINGS") or BadgeSettings.from_env(),
                                               config.get("BADGE_ALIGNMENTS") or recommender_alignments)

    def ready() -> dict:
        service.recorder.max_notification_id()
        return {"store": "reachable"}

    api = create_api(app, title="Groeipad plan service", ready=ready, tokens=config.get("TOKENS"), service="plan",
                     description="Event-sourced personal development plans (PDP).", public=(f"{PUBLIC_PATH}/",))
    for module in (plans, certificates, people, teams, reports, feed, audit, templates, cycles, actions, scim, badges,
                   requirements):
        api.register_blueprint(module.blp)
    api.register_blueprint(badges.public)
    register_domain_errors(app)
    return app

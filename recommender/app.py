"""create_app: the recommender's only constructor; nothing is built at import time."""

from __future__ import annotations

from typing import Any

from flask import Flask, request

from recommender.api import (
    offers,
    oversight,
    people,
    recommendations,
    register_domain_errors,
    skills,
    transparency,
    tuning,
)
from recommender.plan_gaps import PlanGapsClient
from recommender.runtime import Runtime
from shared.httpapi import create_api


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """The recommender API; CONFIG may carry RECOMMENDER_DATABASE_URL, RUNTIME, TOKENS or PLAN_GAPS
    (the plan service's client; else PLAN_SERVICE_URL)."""
    config = config or {}
    app = Flask(__name__)
    rt = config.get("RUNTIME") or Runtime.build(config.get("RECOMMENDER_DATABASE_URL"))
    app.extensions["recommender"] = rt
    app.extensions["plan_gaps"] = config.get("PLAN_GAPS") or PlanGapsClient.from_env()
    import_limit = offers.import_body_limit()

    def ready() -> dict:
        version = rt.app.catalogue_version()  # the store answers
        if not rt.matcher.is_built():
            rt.matcher.warm_up()
            raise RuntimeError("the matcher index is still being built")
        return {"store": "reachable", "catalogue_version": version, "index": "built"}

    api = create_api(app, title="Groeipad recommender", ready=ready, tokens=config.get("TOKENS"), service="recommender",
                     description="Learning catalogue, skills taxonomy and explainable matcher.")

    @app.before_request
    def larger_bodies_for_imports() -> None:
        if request.endpoint and request.endpoint.endswith(("CatalogueImport", "SkillsImport")):
            request.max_content_length = import_limit

    for module in (offers, skills, recommendations, tuning, people, oversight, transparency):
        api.register_blueprint(module.blp)
    register_domain_errors(app)
    return app

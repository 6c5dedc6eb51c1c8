"""One request id from the portal through the plan API, its events, the feed and the follower's log."""

from __future__ import annotations

import logging

import requests
from flask import Flask, g
from requests.adapters import BaseAdapter

from recommender.follower import FeedClient, Follower
from recommender.runtime import Runtime
from services.plan.app import create_app
from services.portal.api_client import ApiClient, Reply, api_path
from shared.auth import TokenSettings
from tests.conftest import TEST_SECRET

PEOPLE = "id,name\nkarim,Karim\n"


class CapturingTransport:
    def __init__(self) -> None:
        self.headers: list[dict] = []

    def request(self, method, url, *, headers, params, body, timeout) -> Reply:
        self.headers.append(headers)
        return Reply(200, {}, b"{}")


def test_the_portal_passes_its_request_id_on_to_the_apis():
    transport = CapturingTransport()
    client = ApiClient("plan", "http://plan.test", lambda: "token", transport)
    with Flask("portal-probe").test_request_context("/"):
        g.request_id = "portal-req-1"
        client.call("GET", api_path("/plans"))
    assert transport.headers[0]["X-Request-ID"] == "portal-req-1"


class FlaskClientAdapter(BaseAdapter):
    """requests -> a Flask test client, so the follower reads the real feed endpoint in-process."""

    def __init__(self, app) -> None:
        super().__init__()
        self.client = app.test_client()

    def send(self, prepared, **kwargs):
        answer = self.client.get(prepared.path_url, headers=dict(prepared.headers))
        response = requests.Response()
        response.status_code, response._content = answer.status_code, answer.data
        response.headers.update(answer.headers)
        response.url, response.request = prepared.url, prepared
        return response

    def close(self):
        pass


def test_the_request_id_travels_through_events_feed_and_follower(tmp_path, tokens, caplog):
    plan_app = create_app({"PLAN_DATABASE_URL": f"sqlite:///{tmp_path / 'plan.sqlite'}"})
    plan = plan_app.test_client()
    plan.post("/api/v1/people/import", data=PEOPLE, headers={**tokens("hanna", "hr"), "Content-Type": "text/csv"})
    created = plan.post("/api/v1/plans", headers={**tokens("karim"), "X-Request-ID": "portal-req-2"}, json={
        "employee_id": "karim", "period_start": "2026-01-01", "period_end": "2026-12-31",
        "trigger": "continuous_development"})
    assert created.headers["X-Request-ID"] == "portal-req-2"
    history = plan.get(f"/api/v1/plans/{created.json['id']}/history", headers=tokens("karim")).json["events"]
    assert history[0]["type"] == "PlanStarted"
    feed = plan.get("/api/v1/feed", headers=tokens("rec", "service")).json["events"]
    plan_events = [e for e in feed if e["plan_id"]]  # the directory's events come first (contract v2)
    assert plan_events[0]["type"] == "PlanStarted" and plan_events[0]["request_id"] == "portal-req-2"

    session = requests.Session()
    session.mount("http://plan.test", FlaskClientAdapter(plan_app))
    runtime = Runtime.build(f"sqlite:///{tmp_path / 'recommender.sqlite'}")
    follower = Follower(runtime.readmodel, FeedClient("http://plan.test", TokenSettings(TEST_SECRET, "groeipad"),
                                                      session), idle_seconds=0.01, sleep=lambda _: None)
    try:
        with caplog.at_level(logging.INFO, logger="recommender.follower"):
            follower.run(max_iterations=1)
    finally:
        runtime.close()
        plan_app.extensions["plan_service"].close()
    assert any("portal-req-2" in (getattr(r, "caused_by", None) or []) for r in caplog.records)

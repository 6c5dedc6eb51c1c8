"""Probes, metrics and request ids as operators rely on them."""

from __future__ import annotations

import logging

from services.plan.app import create_app


def make_client(tmp_path):
    return create_app({"PLAN_DATABASE_URL": f"sqlite:///{tmp_path / 'plan.sqlite'}"}).test_client()


def test_request_id_is_echoed_or_made(tmp_path):
    client = make_client(tmp_path)
    assert client.get("/health", headers={"X-Request-ID": "portal-42"}).headers["X-Request-ID"] == "portal-42"
    made = client.get("/health", headers={"X-Request-ID": "bad id with spaces"}).headers["X-Request-ID"]
    assert made and " " not in made


def test_metrics_count_requests_and_appended_events(tmp_path, tokens):
    client = make_client(tmp_path)
    client.post("/api/v1/people", json={"id": "ann", "name": "Ann"}, headers=tokens("hr1", "hr"))
    created = client.post("/api/v1/plans", headers=tokens("ann"), json={
        "employee_id": "ann", "period_start": "2026-01-01", "period_end": "2026-12-31",
        "trigger": "continuous_development"})
    assert created.status_code == 201
    text = client.get("/metrics").get_data(as_text=True)
    assert 'groeipad_plan_events_appended_total{type="PlanStarted"}' in text
    assert 'endpoint="/api/v1/plans",method="POST",service="plan",status="201"' in text


def test_ready_reports_the_store_and_503_when_it_does_not_answer(tmp_path, monkeypatch):
    app = create_app({"PLAN_DATABASE_URL": f"sqlite:///{tmp_path / 'plan.sqlite'}"})
    client = app.test_client()
    assert client.get("/ready").json == {"status": "ready", "store": "reachable"}
    recorder = app.extensions["plan_service"].recorder

    def unreachable():
        raise ConnectionError("database down")

    monkeypatch.setattr(recorder, "max_notification_id", unreachable)
    answer = client.get("/ready")
    assert answer.status_code == 503 and answer.json["reason"] == "database down"
    assert client.get("/health").status_code == 200


def test_log_lines_carry_the_request_id(tmp_path, caplog, tokens):
    client = make_client(tmp_path)
    app = client.application

    @app.get("/log-probe")
    def probe():
        logging.getLogger("probe").warning("hello")
        return "ok"

    with caplog.at_level(logging.WARNING):
        assert client.get("/log-probe", headers={"X-Request-ID": "trace-7", **tokens("ann")}).status_code == 200
    assert any(getattr(r, "request_id", None) == "trace-7" for r in caplog.records)


def test_metrics_answer_this_host_only_unless_a_token_is_set(tmp_path, monkeypatch):
    client = make_client(tmp_path)
    remote = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics").status_code == 200  # the Flask test client asks from 127.0.0.1
    refused = client.get("/metrics", environ_base=remote)
    assert refused.status_code == 403 and refused.json["status"] == 403
    monkeypatch.setenv("GROEIPAD_METRICS_TOKEN", "a-long-random-scrape-token-for-prometheus")
    assert client.get("/metrics").status_code == 403, "with a token set, this host needs it too"
    assert client.get("/metrics", environ_base=remote, headers={"Authorization": "Bearer wrong"}).status_code == 403
    scraped = client.get("/metrics", environ_base=remote,
                         headers={"Authorization": "Bearer a-long-random-scrape-token-for-prometheus"})
    assert scraped.status_code == 200 and "groeipad_http_request_duration_seconds" in scraped.get_data(as_text=True)

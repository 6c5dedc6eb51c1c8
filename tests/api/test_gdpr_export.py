"""GDPR access: a person (or HR) exports everything held about them, across the services."""

from __future__ import annotations

from plan_api_helpers import API, add_goal, ok, start_plan

import services.plan.api.people as people_api


class FakeResponse:
    status_code = 200

    def __init__(self, payload):
        self.payload = payload

    def json(self):
        return self.payload


def test_the_person_exports_plans_history_access_log_and_the_recommenders_data(client, auth, monkeypatch):
    plan_id = start_plan(client, auth("karim"))
    add_goal(client, auth("karim"), plan_id)
    ok(client.get(f"{API}/plans/{plan_id}", headers=auth("marieke")))
    calls = []

    def fake_get(url, headers, timeout):
        calls.append((url, headers["Authorization"]))
        return FakeResponse({"recommendations_shown": [{"offer_id": "o1"}]})

    monkeypatch.setattr(people_api.requests, "get", fake_get)
    export = ok(client.get(f"{API}/people/karim/export", headers=auth("karim")))
    assert export["person"]["name"] == "Karim El Amrani" and export["complete"] is True
    assert [p["id"] for p in export["plans"]] == [plan_id]
    assert [e["type"] for e in export["plans"][0]["history"]] == ["PlanStarted", "GoalSet"]
    assert export["plans"][0]["goals"][0]["title"] == "Team leiden"
    assert [a["by"]["subject"] for a in export["access_log"]] == ["marieke"]
    assert export["recommender"]["data"] == {"recommendations_shown": [{"offer_id": "o1"}]}
    assert calls and calls[0][0].endswith("/api/v1/people/karim/export")


def test_hr_may_export_and_it_is_recorded_others_may_not(client, auth, monkeypatch):
    monkeypatch.setenv("RECOMMENDER_URL", "http://127.0.0.1:9")  # nothing listens: the export says so
    plan_id = start_plan(client, auth("karim"))
    export = ok(client.get(f"{API}/people/karim/export", headers=auth("hanna")))
    assert export["complete"] is False and export["recommender"]["status"] == "unavailable"
    log = ok(client.get(f"{API}/plans/{plan_id}/access-log", headers=auth("karim")))["items"]
    assert [(a["by"]["subject"], a["what"]) for a in log] == [("hanna", "export")]
    assert client.get(f"{API}/people/karim/export", headers=auth("marieke")).status_code == 403
    assert client.get(f"{API}/people/karim/export", headers=auth("sophie")).status_code == 403
    assert client.get(f"{API}/people/nobody/export", headers=auth("hanna")).status_code == 404

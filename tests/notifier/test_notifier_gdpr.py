"""The notifier's data about a person in their GDPR export (through the plan service's export, over real HTTP),
and gone when the person is erased: the erasure travels the real plan feed to the notifier."""

from __future__ import annotations

import threading

from werkzeug.serving import make_server

from services.notifier.app import create_app as notifier_app
from services.notifier.directory import PlanDirectory, ServiceToken
from services.notifier.feed import FeedClient
from services.notifier.rules import FeedRules
from services.notifier.runtime import build_store
from shared.auth import TokenSettings
from tests.conftest import TEST_SECRET
from tests.notifier.notifier_helpers import free_port

PLAN = {"employee_id": "karim", "period_start": "2027-01-01", "period_end": "2027-12-31",
        "trigger": "career_project", "available_hours": 200, "available_budget": 5000}
HR = {"X-Access-Purpose": "gdpr_request", "X-Access-Reason": "Karim asked for his data"}


def serve(app):
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_the_export_holds_the_notifiers_data_and_an_erasure_empties_it(plan_service, tokens, tmp_path,
                                                                       monkeypatch):
    client, url = plan_service
    notifier_url = f"sqlite:///{tmp_path / 'notifier.sqlite'}"
    app_, store = build_store(notifier_url, create_tables=True)
    server = serve(notifier_app({"NOTIFIER_DATABASE_URL": notifier_url}))
    monkeypatch.setenv("NOTIFIER_URL", f"http://127.0.0.1:{server.server_port}")
    try:
        karim, marieke = tokens("karim"), tokens("marieke", "employee", "manager")
        plan = client.post("/api/v1/plans", headers=karim, json=PLAN).get_json()["id"]
        client.post(f"/api/v1/plans/{plan}/feedback", headers=marieke,
                    json={"source": "manager", "text": "Goed bezig"})
        client.post(f"/api/v1/plans/{plan}/checkins", headers=marieke, json={
            "on": "2027-03-01", "at": "10:00", "duration_minutes": 30, "location": "Kamer 1"})
        store.choose("karim", {"feedback_received": "daily_digest", "language": "en"})
        token = ServiceToken(TokenSettings(secret=TEST_SECRET, audience="groeipad"))
        feed, rules = FeedClient(url, token), FeedRules(PlanDirectory(url, token))

        def follow():
            page = feed.page(store.position(), 500)
            store.apply_page(page["events"], page["next_after"], rules.decide)

        follow()
        export = client.get("/api/v1/people/karim/export", headers=karim).get_json()
        held = export["notifier"]
        assert export["complete"] is False  # no recommender runs here: the export says which part is missing
        assert held["status"] == "complete"
        kinds = sorted(n["kind"] for n in held["data"]["notifications"])
        assert kinds == ["checkin_invite", "checkin_invite", "feedback_received"]  # his own, and marieke's about him
        assert held["data"]["choices"] == {"feedback_received": "daily_digest", "language": "en"}
        assert [c["location"] for c in held["data"]["checkins"]] == ["Kamer 1"]
        assert held["data"]["forgotten"] is False

        hanna = {**tokens("hanna", "hr"), **HR}
        assert client.post("/api/v1/people/karim/erase", headers=hanna).status_code == 200
        follow()
        after = client.get("/api/v1/people/karim/export", headers=hanna).get_json()["notifier"]["data"]
        assert after == {"notifications": [], "actions": [], "checkins": [], "certificates": [], "choices": {},
                         "forgotten": True}
        assert [n["kind"] for n in store.person_data("marieke")["notifications"]] == []  # hers were about him
    finally:
        server.shutdown()
        app_.close()

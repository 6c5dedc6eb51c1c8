"""A person deactivated by SCIM gets no mail: the notifier follows the real plan feed, asks the real plan
service's directory (PlanDirectory over requests), and drops what is meant for someone no longer active."""

from __future__ import annotations

import requests

from services.notifier.directory import PlanDirectory, ServiceToken
from services.notifier.rules import FeedRules
from services.plan.app import create_app
from shared.auth import TokenSettings
from shared.contracts import parse_page
from tests.conftest import TEST_SECRET
from tests.notifier.conftest import Clock, make_delivery
from tests.notifier.test_notifier_directory import BASE, FlaskAdapter

ORG = ("id,name,email,manager_id,department,job_title\nmarieke,Marieke,marieke@example.org,,TD,Manager\n"
       "karim,Karim,karim@example.org,marieke,TD,Monteur\njeroen,Jeroen,jeroen@example.org,marieke,TD,Monteur\n")
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def submit_plan(client, tokens, employee: str) -> None:
    me = tokens(employee, "employee")
    plan = client.post("/api/v1/plans", headers=me, json={
        "employee_id": employee, "period_start": "2026-01-01", "period_end": "2026-12-31",
        "trigger": "continuous_development", "available_hours": 40})
    assert plan.status_code == 201, plan.get_json()
    pid = plan.get_json()["id"]
    goal = client.post(f"/api/v1/plans/{pid}/goals", headers=me, json={
        "title": "Excel", "skills": [{"skill": "excel", "target_level": 3}], "measure": "toets",
        "relevance": "werk", "deadline": "2026-09-01", "hours_needed": 4})
    assert goal.status_code == 201, goal.get_json()
    assert client.post(f"/api/v1/plans/{pid}/submit", headers=me, json={}).status_code == 200


def test_a_deactivated_manager_gets_no_review_request(store, smtp, tmp_path, tokens):
    app = create_app({"PLAN_DATABASE_URL": f"sqlite:///{tmp_path / 'plan.sqlite'}"})
    client = app.test_client()
    assert client.post("/api/v1/people/import", data=ORG,
                       headers={**tokens("hanna", "hr"), "Content-Type": "text/csv"}).status_code == 200
    session = requests.Session()
    session.mount(BASE, FlaskAdapter(app))
    directory = PlanDirectory(BASE, ServiceToken(TokenSettings(TEST_SECRET, "groeipad")), ttl=0, session=session)
    rules = FeedRules(directory)

    def follow_and_deliver() -> None:
        page = parse_page(client.get(f"/api/v1/feed?after={store.position()}&limit=1000",
                                     headers=tokens("notifier", "service")).get_json())
        if page["events"]:
            store.apply_page(page["events"], page["next_after"], rules.decide)
        make_delivery(store, directory, smtp.url, Clock(_now())).run_once()

    submit_plan(client, tokens, "karim")
    follow_and_deliver()
    assert len(smtp.to("marieke@example.org")) == 1, "while active, marieke is asked to review"

    scim = {**tokens("entra", "scim"), "Content-Type": "application/scim+json"}
    answer = client.patch("/scim/v2/Users/marieke", headers=scim, json={
        "schemas": [PATCH], "Operations": [{"op": "Replace", "path": "active", "value": "False"}]})
    assert answer.status_code == 200
    submit_plan(client, tokens, "jeroen")
    follow_and_deliver()
    assert len(smtp.to("marieke@example.org")) == 1, "deactivated, she gets nothing more"
    held = store.person_data("marieke")["notifications"]
    assert len(held) == 2 and {n["state"] for n in held} == {"sent", "dropped"}, held
    app.extensions["plan_service"].close()


def test_the_deactivation_on_the_feed_drops_what_waits_for_the_person(store, smtp, tmp_path, tokens):
    app = create_app({"PLAN_DATABASE_URL": f"sqlite:///{tmp_path / 'plan.sqlite'}"})
    client = app.test_client()
    assert client.post("/api/v1/people/import", data=ORG,
                       headers={**tokens("hanna", "hr"), "Content-Type": "text/csv"}).status_code == 200
    session = requests.Session()
    session.mount(BASE, FlaskAdapter(app))
    directory = PlanDirectory(BASE, ServiceToken(TokenSettings(TEST_SECRET, "groeipad")), ttl=60, session=session)
    rules = FeedRules(directory)

    def follow() -> None:
        page = parse_page(client.get(f"/api/v1/feed?after={store.position()}&limit=1000",
                                     headers=tokens("notifier", "service")).get_json())
        store.apply_page(page["events"], page["next_after"], rules.decide)

    submit_plan(client, tokens, "karim")
    follow()  # the review request to marieke waits for delivery
    assert [n["state"] for n in store.person_data("marieke")["notifications"]] == ["pending"]
    scim = {**tokens("entra", "scim"), "Content-Type": "application/scim+json"}
    assert client.patch("/scim/v2/Users/marieke", headers=scim, json={
        "schemas": [PATCH], "Operations": [{"op": "replace", "path": "active", "value": False}]}).status_code == 200
    follow()
    assert [n["state"] for n in store.person_data("marieke")["notifications"]] == ["dropped"]
    make_delivery(store, directory, smtp.url, Clock(_now())).run_once()
    assert smtp.to("marieke@example.org") == []
    app.extensions["plan_service"].close()


def _now():
    from datetime import UTC, datetime

    return datetime.now(UTC)

"""The org directory endpoints and the integration feed (role service or admin), on both stores."""

from __future__ import annotations

import json

import pytest
from plan_api_helpers import API, add_goal, ok, start_plan

from shared.contracts import SCHEMA_VERSION, check_event
from shared.sealing import PersonErasedError

CSV = {"Content-Type": "text/csv"}


def test_people_are_listed_as_far_as_the_caller_may_see(client, auth):
    def ids(who):
        body = ok(client.get(f"{API}/people", headers=auth(who)))
        assert body["total"] == len(body["items"])
        return [p["id"] for p in body["items"]]

    assert len(ids("hanna")) == 8 and ids("root") == ids("hanna")
    assert ids("karim") == ["karim"]
    assert ids("marieke") == ["jeroen", "karim", "marieke"]
    assert ids("boss") == ["boss", "daan", "hanna", "jeroen", "karim", "marieke", "petra", "sophie"]
    person = ok(client.get(f"{API}/people/karim", headers=auth("marieke")))
    assert person == {"id": "karim", "name": "Karim El Amrani", "email": "karim@example.org",
                      "manager_id": "marieke", "department": "TD", "job_title": "Monteur", "active": True}
    assert client.get(f"{API}/people/sophie", headers=auth("marieke")).status_code == 404
    assert client.get(f"{API}/people/nobody", headers=auth("hanna")).status_code == 404


def test_hr_creates_and_updates_one_person(store_client, auth):
    hanna = auth("hanna")
    noor = {"id": "noor", "name": "Noor", "manager_id": "petra"}
    created = store_client.post(f"{API}/people", headers=hanna, json=noor)
    assert ok(created, 201) == {"created": 1, "updated": 0, "unchanged": 0}
    again = ok(store_client.post(f"{API}/people", headers=auth("root"), json={"id": "noor", "name": "Noor"}), 201)
    assert again == {"created": 0, "updated": 1, "unchanged": 0}
    assert ok(store_client.get(f"{API}/people/noor", headers=hanna))["manager_id"] is None
    bad = store_client.post(f"{API}/people", headers=hanna, json={"id": "x", "name": "X", "email": "geen-adres"})
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "email"
    missing = store_client.post(f"{API}/people", headers=hanna, json={"id": "x"})
    assert missing.status_code == 422 and missing.json["errors"][0]["field"] == "name"


def test_importing_people_is_an_upsert(store_client, auth):
    hanna = {**auth("hanna"), **CSV}
    csv = "id,name,email,manager_id,department,job_title\n"
    csv += "karim,Karim El Amrani,karim@example.org,marieke,TD,Teamleider\n"
    csv += "nina,Nina,,marieke,TD,Stagiair\njeroen,Jeroen Smit,,marieke,TD,Monteur\n"
    assert ok(store_client.post(f"{API}/people/import", headers=hanna, data=csv)) == {
        "created": 1, "updated": 1, "unchanged": 1}
    assert ok(store_client.post(f"{API}/people/import", headers=hanna, data=csv)) == {
        "created": 0, "updated": 0, "unchanged": 3}
    assert ok(store_client.get(f"{API}/people/karim", headers=hanna))["job_title"] == "Teamleider"


def test_a_bad_people_csv_is_a_422_that_says_where(client, auth):
    hanna = {**auth("hanna"), **CSV}
    for data, words in (("name,email\nX,x@y\n", "id"), ("id,name\nx,X\nx,Y\n", "line 3"),
                        ("id,name\n,X\n", "line 2"), (b"\xff\xfe\x00", "")):
        response = client.post(f"{API}/people/import", headers=hanna, data=data)
        assert response.status_code == 422 and words in response.json["message"], data
    assert ok(client.get(f"{API}/people", headers=auth("hanna")))["total"] == 8


def test_the_feed_pages_through_integration_events_in_order(store_client, auth):
    c, karim = store_client, auth("karim")
    plan = start_plan(c, karim)
    add_goal(c, karim, plan)
    ok(c.post(f"{API}/plans/{plan}/feedback", headers=auth("marieke"), json={"source": "manager", "text": "top"}), 201)
    ok(c.post(f"{API}/plans/{plan}/close", headers=karim, json={"reason": "klaar"}))
    service = auth("recommender")
    events, after, pages = [], 0, 0
    while True:
        page = ok(c.get(f"{API}/feed", headers=service, query_string={"after": after, "limit": 2}))
        pages += 1
        events += page["events"]
        if page["next_after"] == after:
            break
        assert page["next_after"] > after and page["head"] >= page["next_after"]
        after = page["next_after"]
    assert pages > 2
    people = [e for e in events if e["type"] == "PersonRegistered"]
    assert {e["employee_id"] for e in people} >= {"karim", "marieke"}  # the directory comes first in the log
    karim_entry = next(e for e in people if e["employee_id"] == "karim")
    assert karim_entry["plan_id"] == "" and set(karim_entry["payload"]) == {
        "person_id", "manager_id", "department", "job_title", "active"}
    assert karim_entry["payload"]["manager_id"] == "marieke" and karim_entry["payload"]["active"] is True
    events = [e for e in events if e["plan_id"]]
    assert [e["type"] for e in events] == ["PlanStarted", "GoalSet", "FeedbackReceived", "PlanClosed"]
    positions = [e["position"] for e in events]
    assert positions == sorted(positions) and len(set(positions)) == 4
    for event in [*people, *events]:
        assert check_event(event) == event, event  # each payload is exactly what its schema publishes
        assert event["schema_version"] == SCHEMA_VERSION
    for event in events:
        assert (event["plan_id"], event["employee_id"]) == (plan, "karim")
    assert [e["plan_version"] for e in events] == [1, 2, 3, 4]
    assert events[0]["payload"]["period_start"] == "2026-01-01"
    assert events[2]["actor"] == {"subject": "marieke", "role": "manager"}
    assert events[2]["payload"] == {"feedback_id": events[2]["payload"]["feedback_id"], "source": "manager",
                                    "goal_id": None}
    text = json.dumps([*people, *events])
    for private in ("klaar", '"top"', "Doorgroeien", '"reason"', "@", "Karim"):
        assert private not in text, (private, text[max(0, text.find(private) - 200):text.find(private) + 100])

    admin_page = ok(c.get(f"{API}/feed", headers=auth("root"), query_string={"after": positions[1]}))
    assert [e["position"] for e in admin_page["events"]] == positions[2:]
    tail = ok(c.get(f"{API}/feed", headers=service, query_string={"after": positions[-1]}))
    assert tail["events"] == [] and tail["next_after"] == positions[-1] == tail["head"]


def test_a_people_import_in_batches_counts_each_row_once_and_stops_at_a_forgotten_person(store_app):
    """Known and forgotten people are looked up a batch at a time; a person twice in one batch is one person."""
    service = store_app.extensions["plan_service"]
    hr = {"subject": "hanna", "role": "hr"}
    rows = [{"id": f"n{i}", "name": f"Nieuw {i}", "manager_id": "petra"} for i in range(5)]
    first = service.upsert_people(hr, rows, batch=2)
    assert {k: v for k, v in first.items() if k != "position"} == {"created": 5, "updated": 0, "unchanged": 0}
    second = service.upsert_people(hr, [rows[0], {**rows[3], "name": "Anders"}, {"id": "n9", "name": "Negen"},
                                        {"id": "n9", "name": "Negen", "job_title": "Monteur"}], batch=2)
    assert {k: v for k, v in second.items() if k != "position"} == {"created": 1, "updated": 2, "unchanged": 1}
    assert service.views.person("n3")["name"] == "Anders"
    assert service.views.person("n9")["job_title"] == "Monteur"
    service.erase_person(hr, "n1")
    with pytest.raises(PersonErasedError):
        service.upsert_people(hr, [{**rows[2], "name": "Twee"}, rows[1]], batch=1)
    assert service.views.person("n2")["name"] == "Twee"  # the batch before the forgotten person was saved
    assert service.views.person("n1")["name"] != rows[1]["name"]

"""History, ?version=N, ?as_of=, /diff, ETag and If-Match, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

import jsonpatch
import pytest
from plan_api_helpers import API, add_action, add_goal, ok, start_plan


@pytest.fixture
def story(store_client, auth):
    """Karim's plan at version 5: started, goal set, revised by Karim, feedback by Marieke, closed by HR."""
    c, karim = store_client, auth("karim")
    plan = start_plan(c, karim)
    goal = add_goal(c, karim, plan)
    ok(c.patch(f"{API}/plans/{plan}/goals/{goal}", headers=karim,
               json={"reason": "na feedback eerder klaar", "deadline": "2027-09-30"}))
    ok(c.post(f"{API}/plans/{plan}/feedback", headers=auth("marieke"),
              json={"source": "manager", "text": "Goed bezig", "goal_id": goal}), 201)
    ok(c.post(f"{API}/plans/{plan}/close", headers=auth("hanna"), json={"reason": "uit dienst"}))
    return plan, goal


def test_history_lists_every_event_with_version_type_time_actor_reason_and_data(store_client, auth, story):
    plan, goal = story
    response = store_client.get(f"{API}/plans/{plan}/history", headers=auth("hanna"))
    body = ok(response)
    assert body["plan_id"] == plan and response.headers["ETag"] == '"5"'
    events = body["events"]
    assert [(e["version"], e["type"]) for e in events] == [
        (1, "PlanStarted"), (2, "GoalSet"), (3, "GoalRevised"), (4, "FeedbackReceived"), (5, "PlanClosed")]
    assert [e["actor"] for e in events] == [
        {"subject": "karim", "role": "owner"}, {"subject": "karim", "role": "owner"},
        {"subject": "karim", "role": "owner"}, {"subject": "marieke", "role": "manager"},
        {"subject": "hanna", "role": "hr"}]
    assert [e["reason"] for e in events] == [None, None, "na feedback eerder klaar", None, "uit dienst"]
    assert events[0]["data"]["employee_id"] == "karim" and events[0]["data"]["period_start"] == "2026-01-01"
    assert events[0]["data"]["available_budget"] == 3000
    assert events[2]["data"] == {"goal_id": goal, "changes": {"deadline": "2027-09-30"}}
    assert events[3]["data"]["text"] == "Goed bezig" and events[3]["data"]["source"] == "manager"
    times = [datetime.fromisoformat(e["timestamp"]) for e in events]
    assert times == sorted(times) and all(t.tzinfo is not None for t in times)
    assert all("request" not in e["data"] and "actor" not in e["data"] for e in events)


def test_a_version_shows_the_plan_as_it_stood(store_client, auth, story):
    plan, goal = story
    karim = auth("karim")
    first = store_client.get(f"{API}/plans/{plan}", headers=karim, query_string={"version": 1})
    assert ok(first)["version"] == 1 and first.json["goals"] == [] and first.headers["ETag"] == '"1"'
    second = ok(store_client.get(f"{API}/plans/{plan}", headers=karim, query_string={"version": 2}))
    assert second["goals"][0]["deadline"] == "2027-12-31" and second["status"] == "draft"
    third = ok(store_client.get(f"{API}/plans/{plan}", headers=karim, query_string={"version": 3}))
    assert third["goals"][0]["deadline"] == "2027-09-30" and third["feedback"] == []
    now = store_client.get(f"{API}/plans/{plan}", headers=karim)
    assert (ok(now)["version"], now.json["status"], now.headers["ETag"]) == (5, "closed", '"5"')


def test_as_of_finds_the_version_at_that_time(store_client, auth, story):
    plan, _ = story
    karim = auth("karim")
    events = ok(store_client.get(f"{API}/plans/{plan}/history", headers=karim))["events"]
    times = [datetime.fromisoformat(e["timestamp"]) for e in events]
    assert times[2] < times[3]
    between = times[2] + (times[3] - times[2]) / 2

    def at(moment):
        return store_client.get(f"{API}/plans/{plan}", headers=karim, query_string={"as_of": moment.isoformat()})

    assert ok(at(between))["version"] == 3 and at(between).headers["ETag"] == '"3"'
    assert ok(at(times[2]))["version"] == 3  # an event counts from its own timestamp on
    assert ok(at(times[0]))["version"] == 1
    assert ok(at(times[4] + timedelta(days=1)))["version"] == 5
    in_amsterdam = between.astimezone(datetime.fromisoformat("2026-01-01T00:00:00+01:00").tzinfo)
    assert ok(at(in_amsterdam))["version"] == 3
    before = at(times[0] - timedelta(seconds=1))
    assert before.status_code == 422 and before.json["errors"][0]["field"] == "as_of"


def test_diff_is_a_json_patch_of_the_change(store_client, auth, story):
    plan, _ = story
    karim = auth("karim")
    body = ok(store_client.get(f"{API}/plans/{plan}/diff", headers=karim, query_string={"from": 2, "to": 3}))
    assert (body["plan_id"], body["from"], body["to"]) == (plan, 2, 3)
    changes = {(op["op"], op["path"]): op.get("value") for op in body["changes"]}
    assert changes[("replace", "/goals/0/deadline")] == "2027-09-30"
    assert changes[("replace", "/goals/0/revisions")] == 1
    assert changes[("replace", "/version")] == 3
    backwards = ok(store_client.get(f"{API}/plans/{plan}/diff", headers=karim, query_string={"from": 3, "to": 2}))
    assert {"op": "replace", "path": "/goals/0/deadline", "value": "2027-12-31"} in backwards["changes"]
    same = ok(store_client.get(f"{API}/plans/{plan}/diff", headers=karim, query_string={"from": 4, "to": 4}))
    assert same["changes"] == []
    added = ok(store_client.get(f"{API}/plans/{plan}/diff", headers=karim, query_string={"from": 3, "to": 4}))
    assert any(op["op"] == "add" and op["path"].startswith("/feedback/0") for op in added["changes"])


def test_diff_applies_only_the_events_between_and_equals_the_two_versions_read_whole(store_client, auth, story):
    plan, _ = story
    karim = auth("karim")
    last = int(store_client.get(f"{API}/plans/{plan}", headers=karim).headers["ETag"].strip('"'))
    assert last >= 5
    for first, second in ((1, last), (2, last - 1), (last, 2)):
        body = ok(store_client.get(f"{API}/plans/{plan}/diff", headers=karim,
                                   query_string={"from": first, "to": second}))
        whole = [ok(store_client.get(f"{API}/plans/{plan}", headers=karim, query_string={"version": v}))
                 for v in (first, second)]
        assert jsonpatch.apply_patch(whole[0], body["changes"]) == whole[1]
    for query, field in (({"from": 2, "to": last + 1}, "to"), ({"from": last + 5, "to": 2}, "from")):
        wrong = store_client.get(f"{API}/plans/{plan}/diff", headers=karim, query_string=query)
        assert wrong.status_code == 422 and wrong.json["errors"][0]["field"] == field, wrong.json


def test_if_match_guards_every_write_and_412_names_the_current_etag(store_client, auth):
    c, karim = store_client, auth("karim")
    plan = start_plan(c, karim)
    goal = add_goal(c, karim, plan)
    current = c.get(f"{API}/plans/{plan}", headers=karim).headers["ETag"]
    assert current == '"2"'
    stale = c.post(f"{API}/plans/{plan}/feedback", headers={**karim, "If-Match": '"1"'},
                   json={"source": "self", "text": "x"})
    assert stale.status_code == 412 and stale.headers["ETag"] == current
    assert "version 2" in stale.json["message"]
    stale = c.patch(f"{API}/plans/{plan}/goals/{goal}", headers={**karim, "If-Match": '"1"'},
                    json={"reason": "x", "title": "y"})
    assert stale.status_code == 412
    assert ok(c.get(f"{API}/plans/{plan}", headers=karim))["version"] == 2  # nothing was written
    fresh = c.post(f"{API}/plans/{plan}/feedback", headers={**karim, "If-Match": current},
                   json={"source": "self", "text": "x"})
    assert ok(fresh, 201)["version"] == 3 and fresh.headers["ETag"] == '"3"'
    weak = c.post(f"{API}/plans/{plan}/feedback", headers={**karim, "If-Match": 'W/"3"'},
                  json={"source": "self", "text": "y"})
    assert ok(weak, 201)["version"] == 4
    anything = c.post(f"{API}/plans/{plan}/feedback", headers={**karim, "If-Match": "*"},
                      json={"source": "self", "text": "z"})
    assert ok(anything, 201)["version"] == 5


def test_etag_is_the_version_on_writes_by_each_role(store_client, auth):
    c, karim = store_client, auth("karim")
    plan = start_plan(c, karim)
    add_goal(c, karim, plan)
    action = add_action(c, karim, plan)
    for n, (headers, path, body) in enumerate([
        (karim, f"/actions/{action}/funding", {"amount": 10, "justification": "team"}),
        (auth("boss"), f"/actions/{action}/funding/approve", {}),
        (auth("hanna"), "/progress", {"note": "ok"}),
    ], start=4):
        response = c.post(f"{API}/plans/{plan}{path}", headers=headers, json=body)
        assert response.status_code in (200, 201) and response.json["version"] == n
        assert response.headers["ETag"] == f'"{n}"'

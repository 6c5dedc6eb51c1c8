"""Check-ins through the API: scheduled by the manager, an agenda both add to, moved, held, agreements acted on."""

from __future__ import annotations

from plan_api_helpers import ACTION, API, add_goal, error_fields, ok, start_plan

SLOT = {"on": "2026-03-10", "at": "14:00", "duration_minutes": 45, "location": "https://meet.example.org/karim"}


def test_a_check_in_from_scheduling_to_agreements(store_client, auth):
    c, karim, marieke = store_client, auth("karim"), auth("marieke")
    pid = start_plan(c, karim)
    goal = add_goal(c, karim, pid)
    scheduled = ok(c.post(f"{API}/plans/{pid}/checkins", headers=marieke, json={**SLOT, "agenda": ["Doelen"]}), 201)
    checkin = scheduled["checkin_id"]
    assert scheduled["next_checkin"] == "2026-03-10"
    listed = ok(c.get(f"{API}/plans?employee_id=karim", headers=marieke))["items"]
    assert [p["next_checkin"] for p in listed] == ["2026-03-10"]  # on the plan summary too, from the views
    ok(c.post(f"{API}/plans/{pid}/checkins/{checkin}/agenda", headers=karim, json={"point": "Budget"}), 201)
    moved = ok(c.post(f"{API}/plans/{pid}/checkins/{checkin}/reschedule", headers=karim,
                      json={**SLOT, "on": "2026-03-17", "reason": "ziek"}))
    view = moved["checkins"][0]
    assert (view["on"], view["reschedules"], [p["text"] for p in view["agenda"]]) == (
        "2026-03-17", 1, ["Doelen", "Budget"])
    held = ok(c.post(f"{API}/plans/{pid}/checkins/{checkin}/record", headers=marieke,
                     json={"notes": "Goed gesprek", "agreements": ["Deadline later", "Cursus zoeken"]}))
    assert held["next_checkin"] is None and held["checkins"][0]["status"] == "held"
    revised = ok(c.post(f"{API}/plans/{pid}/checkins/{checkin}/agreements/{checkin}-1/goal-revision",
                        headers=karim, json={"goal_id": goal, "deadline": "2027-09-30"}))
    assert revised["goals"][0]["deadline"] == "2027-09-30"
    planned = ok(c.post(f"{API}/plans/{pid}/checkins/{checkin}/agreements/{checkin}-2/action", headers=karim,
                        json={**ACTION, "goal_ids": [goal]}), 201)
    assert planned["checkins"][0]["agreements"][1]["action_id"] == planned["action_id"]
    history = ok(c.get(f"{API}/plans/{pid}/history", headers=karim))["events"]
    assert [e["type"] for e in history if "CheckIn" in e["type"] or e["type"] == "GoalRevised"] == [
        "CheckInScheduled", "CheckInAgendaPointAdded", "CheckInRescheduled", "CheckInRecorded", "GoalRevised",
        "CheckInAgreementActedOn", "CheckInAgreementActedOn"]
    assert next(e for e in history if e["type"] == "GoalRevised")["reason"] == "agreed in check-in: Deadline later"


def test_bad_check_in_input_is_a_clear_4xx_and_changes_nothing(client, auth):
    karim, marieke = auth("karim"), auth("marieke")
    pid = start_plan(client, karim)
    bad = client.post(f"{API}/plans/{pid}/checkins", headers=marieke, json={**SLOT, "at": "9:00"})
    assert bad.status_code == 422 and error_fields(bad) == ["at"]
    outside = client.post(f"{API}/plans/{pid}/checkins", headers=marieke, json={**SLOT, "on": "2030-01-01"})
    assert outside.status_code == 422 and error_fields(outside) == ["on"]
    missing = client.post(f"{API}/plans/{pid}/checkins/nope/cancel", headers=marieke, json={"reason": "x"})
    assert missing.status_code == 404 and error_fields(missing) == ["checkin_id"]
    assert ok(client.get(f"{API}/plans/{pid}", headers=karim))["version"] == 1


def test_a_cancelled_check_in_cannot_be_recorded(client, auth):
    karim, marieke = auth("karim"), auth("marieke")
    pid = start_plan(client, karim)
    checkin = ok(client.post(f"{API}/plans/{pid}/checkins", headers=karim, json=SLOT), 201)["checkin_id"]
    ok(client.post(f"{API}/plans/{pid}/checkins/{checkin}/cancel", headers=marieke, json={"reason": "reorganisatie"}))
    late = client.post(f"{API}/plans/{pid}/checkins/{checkin}/record", headers=marieke, json={"notes": "n"})
    assert late.status_code == 409 and error_fields(late) == ["checkin_id"]

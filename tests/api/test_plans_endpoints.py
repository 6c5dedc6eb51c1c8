"""Every plan endpoint on its success path: Karim's plan from draft to closed, on SQLite and PostgreSQL."""

from __future__ import annotations

from plan_api_helpers import ACTION, API, GOAL, PLAN, add_action, add_goal, ok, start_plan


def test_every_plan_command_through_the_api(store_client, auth):
    c, karim, marieke, hanna = store_client, auth("karim"), auth("marieke"), auth("hanna")
    created = c.post(f"{API}/plans", headers=karim, json=PLAN)
    body = ok(created, 201)
    pid = body["id"]
    assert (body["version"], body["status"], body["employee_id"], body["employee_name"]) == (
        1, "draft", "karim", "Karim El Amrani")
    assert created.headers["Location"] == f"/api/v1/plans/{pid}" and created.headers["ETag"] == '"1"'
    version = 1

    def write(method, path, headers, json, status=200, step=1):
        nonlocal version
        response = c.open(f"{API}/plans/{pid}{path}", method=method, headers=headers, json=json)
        answer = ok(response, status)
        version += step
        assert answer["version"] == version and response.headers["ETag"] == f'"{version}"'
        return answer

    write("POST", "/assessments", karim, {"skill": "teammanagement", "category": "behavioural", "level": 1,
                                          "assessor": "self", "status": "to_improve", "note": "...",
                                          "transferable_to": ["Logistiek"]}, 201)
    write("POST", "/assessments", marieke, {"skill": "Teammanagement", "category": "behavioural", "level": 2,
                                            "assessor": "manager"}, 201)
    goal = write("POST", "/goals", karim, GOAL, 201)["goal_id"]
    spare = write("POST", "/goals", karim, {**GOAL, "title": "Reserve", "hours_needed": 10,
                                           "budget_needed": 0}, 201)["goal_id"]
    revised = write("PATCH", f"/goals/{goal}", karim, {"reason": "eerder beginnen", "deadline": "2027-09-30",
                                                       "hours_needed": 70})
    assert revised["goals"][0]["deadline"] == "2027-09-30" and revised["goals"][0]["revisions"] == 1
    write("POST", f"/goals/{spare}/abandon", karim, {"reason": "niet meer nodig"})
    action = write("POST", "/actions", karim, {**ACTION, "goal_ids": [goal]}, 201)["action_id"]
    moved = write("POST", f"/actions/{action}/reschedule", karim,
                  {"planned_start": "2026-03-01", "planned_end": "2026-07-31", "reason": "volgeboekt"})
    assert moved["actions"][0]["planned_start"] == "2026-03-01" and moved["actions"][0]["semester"] == "2026-H1"
    funding = write("POST", f"/actions/{action}/funding", karim,
                    {"amount": 800, "justification": "minder stilstand"}, 201)
    assert funding["actions"][0]["funding"]["status"] == "requested"
    write("POST", "/submit", karim, {"note": "graag bespreken"})
    reviewed = write("POST", "/review", marieke, {"outcome": "approved", "comment": "goed plan"})
    assert reviewed["status"] == "active" and reviewed["reviews"][0]["by"] == {"subject": "marieke", "role": "manager"}
    approved = write("POST", f"/actions/{action}/funding/approve", marieke, {"comment": "akkoord", "amount": 700})
    assert approved["actions"][0]["funding"]["amount"] == 700
    write("POST", f"/actions/{action}/start", karim, {"date": "2026-03-02"})
    done = write("POST", f"/actions/{action}/complete", karim, {
        "date": "2026-06-20", "evaluation": 4, "reflection": "nuttig",
        "skill_levels": [{"skill": "teammanagement", "level": 3}]})
    assert done["actions"][0]["status"] == "completed" and done["goals"][0]["actions_completed"] == 1
    feedback = write("POST", "/feedback", marieke, {"source": "manager", "text": "Goed bezig", "goal_id": goal}, 201)
    assert feedback["feedback_id"] and feedback["feedback"][0]["text"] == "Goed bezig"
    write("POST", "/feedback", karim, {"source": "peer", "text": "van Jeroen"}, 201)
    progress = write("POST", "/progress", hanna, {"note": "op schema", "goal_id": goal, "progress": 60}, 201)
    assert progress["goals"][0]["progress"] == 60
    second = write("POST", "/actions", karim, {**ACTION, "title": "Projectmanagement",
                                               "planned_start": "2027-01-10", "planned_end": "2027-03-01"}, 201)
    second_id = second["action_id"]
    write("POST", f"/actions/{second_id}/funding", karim, {"amount": 500, "justification": "projecten"}, 201)
    declined = write("POST", f"/actions/{second_id}/funding/decline", hanna, {"reason": "geen budget"})
    assert declined["actions"][1]["funding"]["status"] == "declined"
    write("POST", f"/actions/{second_id}/cancel", karim, {"reason": "vervalt"})
    accepted = write("POST", "/recommendations/rec-1/accept", karim, {
        **ACTION, "offer_id": "offer-9", "title": "Coaching", "means": "coaching", "goal_ids": [goal]}, 201, step=2)
    assert accepted["recommendations"]["rec-1"]["action_id"] == accepted["action_id"]
    dismissed = write("POST", "/recommendations/rec-2/dismiss", karim, {"offer_id": "offer-3", "reason": "gedaan"})
    assert dismissed["recommendations"]["rec-2"]["status"] == "dismissed"
    write("POST", f"/goals/{goal}/achieve", marieke, {"note": "behaald"})
    closed = write("POST", "/close", karim, {"reason": "periode afgerond"})
    assert (closed["status"], closed["closed_reason"]) == ("closed", "periode afgerond")

    current = c.get(f"{API}/plans/{pid}", headers=karim)
    assert ok(current)["version"] == version and current.headers["ETag"] == f'"{version}"'
    assert {a["status"] for a in current.json["actions"]} == {"completed", "cancelled", "planned"}
    skill = current.json["skills"][0]  # the re-rating at completion is the newest rating: it is the current level
    assert skill["levels"] == {"self": 1, "manager": 2, "rerating": 3}
    assert (skill["level"], skill["source"]) == (3, "rerating")


def test_plan_list_filters_paginates_and_shows_only_visible_plans(client, auth):
    hanna = auth("hanna")
    for who in ("karim", "jeroen", "sophie"):
        start_plan(client, hanna, employee_id=who)
    pid = start_plan(client, auth("sophie"), employee_id="sophie", period_start="2028-01-01",
                     period_end="2028-12-31")
    add_goal(client, auth("sophie"), pid, deadline="2028-06-30")
    ok(client.post(f"{API}/plans/{pid}/submit", headers=auth("sophie"), json={}))

    def listing(headers, **query):
        return ok(client.get(f"{API}/plans", headers=headers, query_string=query))

    every = listing(hanna)
    assert every["total"] == 4 and [p["employee_id"] for p in every["items"]] == ["jeroen", "karim", "sophie", "sophie"]
    assert every["items"][0]["department"] == "TD" and every["items"][0]["employee_name"] == "Jeroen Smit"
    assert [p["employee_id"] for p in listing(hanna, department="TD")["items"]] == ["jeroen", "karim"]
    assert [p["id"] for p in listing(hanna, status="submitted")["items"]] == [pid]
    assert listing(hanna, employee_id="sophie")["total"] == 2
    page = listing(hanna, limit=2, offset=1)
    assert (page["total"], page["limit"], page["offset"]) == (4, 2, 1)
    assert [p["employee_id"] for p in page["items"]] == ["karim", "sophie"]
    assert listing(hanna, offset=10)["items"] == []
    # visibility: own plans; a manager their direct and indirect reports; L&D nothing
    assert [p["employee_id"] for p in listing(auth("karim"))["items"]] == ["karim"]
    assert [p["employee_id"] for p in listing(auth("marieke"))["items"]] == ["jeroen", "karim"]
    assert listing(auth("boss"))["total"] == 4
    assert [p["employee_id"] for p in listing(auth("petra"))["items"]] == ["sophie", "sophie"]
    assert listing(auth("daan"))["total"] == 0
    assert listing(auth("marieke"), employee_id="sophie")["total"] == 0


def test_plan_list_counts_pending_funding_and_follows_the_status(client, auth):
    karim = auth("karim")
    pid = start_plan(client, karim)
    add_goal(client, karim, pid)
    action = add_action(client, karim, pid)
    ok(client.post(f"{API}/plans/{pid}/actions/{action}/funding", headers=karim,
                   json={"amount": 100, "justification": "team"}), 201)
    (row,) = ok(client.get(f"{API}/plans", headers=auth("marieke")))["items"]
    assert (row["pending_funding"], row["status"], row["version"]) == (1, "draft", 4)
    ok(client.post(f"{API}/plans/{pid}/actions/{action}/funding/approve", headers=auth("marieke"), json={}))
    ok(client.post(f"{API}/plans/{pid}/close", headers=karim, json={}))
    (row,) = ok(client.get(f"{API}/plans", headers=karim))["items"]
    assert (row["pending_funding"], row["status"], row["version"]) == (0, "closed", 6)


def test_probes_openapi_and_docs_need_no_token(client):
    assert ok(client.get("/health")) == {"status": "ok"}
    assert ok(client.get("/ready"))["status"] == "ready"
    spec = ok(client.get(f"{API}/openapi.json"))
    for path in ("/api/v1/plans", "/api/v1/plans/{plan_id}/history", "/api/v1/plans/{plan_id}/diff",
                 "/api/v1/feed", "/api/v1/people/import"):
        assert path in spec["paths"]
    assert client.get(f"{API}/docs").status_code == 200


def test_ready_says_unavailable_when_the_store_is_gone(client, app):
    app.extensions["plan_service"].close()
    app.extensions["plan_service"].recorder.max_notification_id = _broken
    response = client.get("/ready")
    assert response.status_code == 503 and response.json["status"] == "unavailable"


def _broken():
    raise RuntimeError("store down")


def test_prefer_return_minimal_answers_id_version_status_and_new_ids_only(client, auth):
    karim = auth("karim")
    minimal = {**karim, "Prefer": "return=minimal"}
    created = client.post(f"{API}/plans", headers=minimal, json=PLAN)
    body = ok(created, 201)
    pid = body["id"]
    assert body == {"id": pid, "version": 1, "employee_id": "karim", "status": "draft"}
    assert created.headers["Location"] == f"/api/v1/plans/{pid}" and created.headers["ETag"] == '"1"'
    assert created.headers["Preference-Applied"] == "return=minimal"
    assert created.headers["Content-Type"] == "application/json"

    goal = client.post(f"{API}/plans/{pid}/goals", headers={**minimal, "Idempotency-Key": "g"}, json=GOAL)
    assert ok(goal, 201) == {"id": pid, "version": 2, "employee_id": "karim", "status": "draft",
                             "goal_id": goal.json["goal_id"]}
    again = client.post(f"{API}/plans/{pid}/goals", headers={**minimal, "Idempotency-Key": "g"}, json=GOAL)
    assert ok(again, 201) == goal.json and again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["ETag"] == '"2"'

    both = {**karim, "Prefer": "respond-async, return=minimal"}
    progress = client.post(f"{API}/plans/{pid}/progress", headers=both, json={"note": "halfway"})
    assert ok(progress, 201) == {"id": pid, "version": 3, "employee_id": "karim", "status": "draft"}
    full = client.post(f"{API}/plans/{pid}/progress", headers=karim, json={"note": "more"})
    assert ok(full, 201)["progress"][-1]["note"] == "more" and "Preference-Applied" not in full.headers

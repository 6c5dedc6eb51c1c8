"""Each error status of the plan API, in the one JSON error shape: 401 403 404 409 412 413 415 422."""

from __future__ import annotations

import time
import uuid

import jwt
import pytest
from plan_api_helpers import API, GOAL, PLAN, add_action, add_goal, error_fields, ok, start_plan

from shared.auth import TokenSettings, issue_token


@pytest.fixture
def plan(client, auth):
    return start_plan(client, auth("karim"))


# -- 401 ------------------------------------------------------------------------------------------------
def _bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_401_without_a_valid_token(client, plan):
    settings = TokenSettings.from_env()
    expired = issue_token(settings, "karim", ["employee"], ttl_seconds=60, now=time.time() - 3600)
    other_audience = issue_token(TokenSettings(settings.secret, "elsewhere"), "karim", ["employee"])
    forged = issue_token(TokenSettings("another-secret-that-is-long-enough-for-hs256", "groeipad"),
                         "karim", ["employee"])
    unsigned = jwt.encode({"sub": "karim", "roles": ["hr"]}, key=None, algorithm="none")
    cases = {
        "no header": {}, "empty bearer": {"Authorization": "Bearer "}, "basic": {"Authorization": "Basic a2FyaW0="},
        "garbage": _bearer("not-a-jwt"), "expired": _bearer(expired), "audience": _bearer(other_audience),
        "forged": _bearer(forged), "unsigned": _bearer(unsigned),
    }
    for name, headers in cases.items():
        for method, path in (("GET", f"/plans/{plan}"), ("GET", "/plans"), ("POST", "/plans"),
                             ("GET", "/feed"), ("GET", "/people")):
            response = client.open(f"{API}{path}", method=method, headers=headers, json=PLAN)
            assert response.status_code == 401, (name, method, path)
            assert response.json["status"] == 401 and response.json["message"], name
    assert "expired" in client.get(f"{API}/plans", headers=_bearer(expired)).json["message"]


# -- 403 ------------------------------------------------------------------------------------------------
def test_403_for_ld_on_an_individual_plan(client, auth, plan):
    for path in (f"/plans/{plan}", f"/plans/{plan}/history", f"/plans/{plan}/diff?from=1&to=1"):
        assert client.get(f"{API}{path}", headers=auth("daan")).status_code == 403
    response = client.post(f"{API}/plans/{plan}/feedback", headers=auth("daan"), json={"source": "peer", "text": "x"})
    assert response.status_code == 403 and response.json["status"] == 403


def test_403_for_an_employee_reviewing_or_deciding_funding_on_their_own_plan(client, auth, plan):
    karim = auth("karim")
    add_goal(client, karim, plan)
    action = add_action(client, karim, plan)
    ok(client.post(f"{API}/plans/{plan}/actions/{action}/funding", headers=karim,
                   json={"amount": 100, "justification": "team"}), 201)
    ok(client.post(f"{API}/plans/{plan}/submit", headers=karim, json={}))
    for subject_roles in (("karim", "employee"), ("karim", "employee", "manager"), ("karim", "hr")):
        headers = auth(*subject_roles)
        assert client.post(f"{API}/plans/{plan}/review", headers=headers,
                           json={"outcome": "approved"}).status_code == 403
        assert client.post(f"{API}/plans/{plan}/actions/{action}/funding/approve", headers=headers,
                           json={}).status_code == 403
    assert client.post(f"{API}/plans/{plan}/goals", headers=auth("marieke"), json=GOAL).status_code == 403


def test_403_for_the_wrong_role_on_people_and_feed(client, auth):
    csv_headers = {"Content-Type": "text/csv"}
    for who in ("karim", "marieke", "daan", "recommender"):
        assert client.post(f"{API}/people/import", headers={**auth(who), **csv_headers},
                           data="id,name\nx,X\n").status_code == 403
        assert client.post(f"{API}/people", headers=auth(who), json={"id": "x", "name": "X"}).status_code == 403
    for who in ("karim", "marieke", "hanna", "daan"):
        response = client.get(f"{API}/feed", headers=auth(who))
        assert response.status_code == 403 and "service" in response.json["message"]


def test_403_when_starting_a_plan_for_someone_else(client, auth):
    assert client.post(f"{API}/plans", headers=auth("jeroen"), json=PLAN).status_code == 403
    assert client.post(f"{API}/plans", headers=auth("petra"), json=PLAN).status_code == 403
    assert client.post(f"{API}/plans", headers=auth("boss"), json=PLAN).status_code == 201  # indirect manager


# -- 404 ------------------------------------------------------------------------------------------------
def test_404_for_unknown_malformed_and_invisible_plans(client, auth, plan):
    karim = auth("karim")
    for plan_id in (str(uuid.uuid4()), "not-a-uuid", "1"):
        for path in ("", "/history", "/diff?from=1&to=1"):
            assert client.get(f"{API}/plans/{plan_id}{path}", headers=karim).status_code == 404
        response = client.post(f"{API}/plans/{plan_id}/goals", headers=karim, json=GOAL)
        assert response.status_code == 404 and response.json["message"] == "plan not found"
    for who in ("jeroen", "sophie", "petra"):  # a colleague, another employee, a manager of someone else
        assert client.get(f"{API}/plans/{plan}", headers=auth(who)).status_code == 404
        assert client.get(f"{API}/plans/{plan}/history", headers=auth(who)).status_code == 404
        assert client.post(f"{API}/plans/{plan}/feedback", headers=auth(who),
                           json={"source": "peer", "text": "x"}).status_code == 404


def test_404_for_unknown_goals_and_actions(client, auth, plan):
    karim, marieke = auth("karim"), auth("marieke")
    cases = [
        ("PATCH", "/goals/nope", karim, {"reason": "x", "title": "y"}, "goal_id"),
        ("POST", "/goals/nope/achieve", karim, {}, "goal_id"),
        ("POST", "/goals/nope/abandon", karim, {"reason": "x"}, "goal_id"),
        ("POST", "/actions", karim, {"means": "mooc", "title": "t", "planned_start": "2026-02-01",
                                     "planned_end": "2026-03-01", "goal_ids": ["nope"]}, "goal_ids.0"),
        ("POST", "/actions/nope/start", karim, {"date": "2026-02-01"}, "action_id"),
        ("POST", "/actions/nope/complete", karim, {"date": "2026-02-01", "evaluation": 3}, "action_id"),
        ("POST", "/actions/nope/cancel", karim, {"reason": "x"}, "action_id"),
        ("POST", "/actions/nope/reschedule", karim, {"planned_start": "2026-02-01", "planned_end": "2026-03-01",
                                                     "reason": "x"}, "action_id"),
        ("POST", "/actions/nope/funding", karim, {"amount": 10, "justification": "x"}, "action_id"),
        ("POST", "/actions/nope/funding/approve", marieke, {}, "action_id"),
        ("POST", "/actions/nope/funding/decline", marieke, {"reason": "x"}, "action_id"),
        ("POST", "/feedback", marieke, {"source": "manager", "text": "x", "goal_id": "nope"}, "goal_id"),
        ("POST", "/progress", karim, {"note": "x", "goal_id": "nope"}, "goal_id"),
    ]
    for method, path, headers, body, field in cases:
        response = client.open(f"{API}/plans/{plan}{path}", method=method, headers=headers, json=body)
        assert response.status_code == 404, (path, response.json)
        assert error_fields(response) == [field], path
    assert client.get(f"{API}/plans/{plan}/nothing-here", headers=karim).status_code == 404


# -- 409 ------------------------------------------------------------------------------------------------
def test_409_for_a_closed_plan(client, auth, plan):
    karim = auth("karim")
    goal = add_goal(client, karim, plan)
    ok(client.post(f"{API}/plans/{plan}/close", headers=karim, json={"reason": "klaar"}))
    for path, body in ((f"/goals/{goal}/achieve", {}), ("/goals", GOAL), ("/close", {}),
                       ("/feedback", {"source": "self", "text": "x"})):
        response = client.post(f"{API}/plans/{plan}{path}", headers=karim, json=body)
        assert response.status_code == 409, path
        assert "closed" in response.json["message"] and error_fields(response) == ["status"]
    assert client.patch(f"{API}/plans/{plan}/goals/{goal}", headers=karim,
                        json={"reason": "x", "title": "y"}).status_code == 409


def test_409_for_state_conflicts(client, auth, plan):
    karim, marieke = auth("karim"), auth("marieke")
    add_goal(client, karim, plan)
    action = add_action(client, karim, plan)
    assert client.post(f"{API}/plans/{plan}/review", headers=marieke, json={"outcome": "approved"}).status_code == 409
    assert client.post(f"{API}/plans/{plan}/actions/{action}/complete", headers=karim,
                       json={"date": "2026-03-01", "evaluation": 3}).status_code == 409
    ok(client.post(f"{API}/plans/{plan}/actions/{action}/cancel", headers=karim, json={"reason": "vervalt"}))
    assert client.post(f"{API}/plans/{plan}/actions/{action}/start", headers=karim,
                       json={"date": "2026-03-01"}).status_code == 409
    ok(client.post(f"{API}/plans/{plan}/submit", headers=karim, json={}))
    assert client.post(f"{API}/plans/{plan}/submit", headers=karim, json={}).status_code == 409
    assert client.post(f"{API}/plans/{plan}/goals", headers=karim, json=GOAL).status_code == 409
    ok(client.post(f"{API}/plans/{plan}/recommendations/r1/dismiss", headers=karim, json={"reason": "nee"}))
    response = client.post(f"{API}/plans/{plan}/recommendations/r1/dismiss", headers=karim, json={"reason": "nee"})
    assert response.status_code == 409 and error_fields(response) == ["recommendation_id"]


def test_409_for_an_overlapping_or_repeated_period(client, auth, plan):
    karim = auth("karim")
    overlapping = client.post(f"{API}/plans", headers=karim, json={**PLAN, "period_start": "2027-06-01",
                                                                   "period_end": "2028-05-31"})
    assert overlapping.status_code == 409 and error_fields(overlapping) == ["period_start"]
    assert client.post(f"{API}/plans", headers=karim, json=PLAN).status_code == 409
    ok(client.post(f"{API}/plans/{plan}/close", headers=karim, json={}))
    start_plan(client, karim, period_start="2027-06-01", period_end="2028-05-31")  # allowed once closed


# -- 412 ------------------------------------------------------------------------------------------------
def test_412_for_a_stale_or_unreadable_if_match(client, auth, plan):
    karim = auth("karim")
    body = {"source": "self", "text": "x"}
    for value in ('"7"', '"0"', "W/\"2\"", "abc"):
        response = client.post(f"{API}/plans/{plan}/feedback", headers={**karim, "If-Match": value}, json=body)
        assert response.status_code == 412, value
    assert client.get(f"{API}/plans/{plan}", headers=karim).json["version"] == 1


# -- 413 / 415 ---------------------------------------------------------------------------------------------
def test_413_for_a_huge_body(client, auth, plan):
    huge = '{"source": "self", "text": "' + "x" * (2 * 1024 * 1024) + '"}'
    response = client.post(f"{API}/plans/{plan}/feedback", headers=auth("karim"), data=huge,
                           content_type="application/json")
    assert response.status_code == 413 and response.json["status"] == 413
    response = client.post(f"{API}/people/import", headers={**auth("hanna"), "Content-Type": "text/csv"},
                           data="id,name\n" + "x,y\n" * 400_000)
    assert response.status_code == 413


def test_415_for_a_body_of_the_wrong_content_type(client, auth, plan):
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "text/csv"):
        response = client.post(f"{API}/plans/{plan}/feedback", headers=auth("karim"),
                               data='{"source": "self", "text": "x"}', content_type=content_type)
        assert response.status_code == 415, content_type
        assert "application/json" in response.json["message"]
    response = client.post(f"{API}/people/import", headers=auth("hanna"), json={"id": "x", "name": "X"})
    assert response.status_code == 415 and "text/csv" in response.json["message"]


# -- 422 ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("path", "body", "fields"), [
    ("/goals", {"title": "x"}, ["deadline"]),
    ("/goals", {**GOAL, "deadline": "31-12-2027"}, ["deadline"]),
    ("/goals", {**GOAL, "skills": [{"skill": "x", "target_level": 6}]}, ["skills.0.target_level"]),
    ("/goals", {**GOAL, "hours_needed": -1, "colour": "blue"}, ["hours_needed", "colour"]),
    ("/assessments", {"skill": "x", "category": "technical", "level": "3"}, ["level"]),
    ("/assessments", {"skill": "x", "category": "magic", "level": 9}, ["category", "level"]),
    ("/assessments", {"skill": "x", "category": "technical", "level": True}, ["level"]),
    ("/feedback", {"source": "boss", "text": ""}, ["source", "text"]),
    ("/actions", {"means": "mooc", "title": "t", "planned_start": "2026-02-01"}, ["planned_end"]),
    ("/actions", {"means": "mooc", "title": "t", "planned_start": "2026-02-01", "planned_end": "2026-03-01",
                  "hours": "NaN"}, ["hours"]),
    ("/submit", {"unknown": 1}, ["unknown"]),
    ("/review", {"outcome": "maybe"}, ["outcome"]),
    ("/close", [1, 2], ["body"]),
])
def test_422_for_schema_errors_names_each_field(client, auth, plan, path, body, fields):
    headers = auth("marieke") if path == "/review" else auth("karim")
    response = client.post(f"{API}/plans/{plan}{path}", headers=headers, json=body)
    assert response.status_code == 422, response.json
    assert sorted(error_fields(response)) == sorted(fields)


def test_422_for_a_goal_that_is_not_smart_names_the_letters(client, auth, plan):
    response = client.post(f"{API}/plans/{plan}/goals", headers=auth("karim"), json={
        **GOAL, "measure": "", "hours_needed": 500, "deadline": "2029-01-01"})
    assert response.status_code == 422
    assert "fails MAT" in response.json["message"]
    assert error_fields(response) == ["measure", "hours_needed", "deadline"]
    assert [e["reason"][0] for e in response.json["errors"]] == ["M", "A", "T"]


def test_422_for_domain_rules_and_bad_queries(client, auth, plan):
    karim = auth("karim")
    goal = add_goal(client, karim, plan)
    cases = [
        ("PATCH", f"/plans/{plan}/goals/{goal}", {"deadline": "2027-01-01"}, ["reason"]),
        ("PATCH", f"/plans/{plan}/goals/{goal}", {"reason": "x", "deadline": "2030-01-01"}, ["deadline"]),
        ("POST", "/plans", {**PLAN, "employee_id": "nobody"}, ["employee_id"]),
        ("POST", "/plans", {**PLAN, "period_end": "2025-01-01"}, ["period_end"]),
        ("POST", f"/plans/{plan}/actions", {"means": "mooc", "title": "t", "planned_start": "2025-02-01",
                                            "planned_end": "2026-03-01"}, ["planned_start"]),
        ("GET", f"/plans/{plan}?version=0", None, ["version"]),
        ("GET", f"/plans/{plan}?version=3", None, ["version"]),
        ("GET", f"/plans/{plan}?version=1&as_of=2026-01-01T00:00:00%2B00:00", None, ["as_of"]),
        ("GET", f"/plans/{plan}?as_of=yesterday", None, ["as_of"]),
        ("GET", f"/plans/{plan}?as_of=2026-01-01T00:00:00", None, ["as_of"]),
        ("GET", f"/plans/{plan}/diff?from=1", None, ["to"]),
        ("GET", f"/plans/{plan}/diff?from=1&to=9", None, ["to"]),
        ("GET", "/plans?limit=0&status=lost", None, ["limit", "status"]),
        ("GET", "/feed?limit=5000", None, ["limit"]),
    ]
    for method, path, body, fields in cases:
        headers = auth("recommender") if path.startswith("/feed") else karim
        response = client.open(f"{API}{path}", method=method, headers=headers, json=body)
        assert response.status_code == 422, (path, response.json)
        assert sorted(error_fields(response)) == sorted(fields), path


@pytest.mark.parametrize("path", ["/plans/{plan}?version={big}", "/plans/{plan}/diff?from=1&to={big}",
                                  "/feed?after={big}"])
def test_huge_numbers_in_queries_are_422_not_500(client, auth, plan, path):
    response = client.get(API + path.format(plan=plan, big=10**20), headers=auth("root"))
    assert response.status_code == 422


def test_malformed_json_is_a_400_in_the_error_shape(client, auth, plan):
    response = client.post(f"{API}/plans/{plan}/feedback", headers=auth("karim"), data="{bad",
                           content_type="application/json")
    assert response.status_code == 400 and error_fields(response) == ["body"]

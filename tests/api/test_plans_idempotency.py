"""Idempotency-Key: a retried request replays its first answer and never writes a second event."""

from __future__ import annotations

import threading

from plan_api_helpers import ACTION, API, GOAL, PLAN, add_goal, error_fields, ok, start_plan


def _history(client, headers, plan):
    return ok(client.get(f"{API}/plans/{plan}/history", headers=headers))["events"]


def test_the_same_key_and_body_replays_the_first_answer(store_client, auth):
    c, karim = store_client, auth("karim")
    plan = start_plan(c, karim)
    headers = {**karim, "Idempotency-Key": "goal-1"}
    first = c.post(f"{API}/plans/{plan}/goals", headers=headers, json=GOAL)
    again = c.post(f"{API}/plans/{plan}/goals", headers=headers, json=GOAL)
    assert ok(first, 201)["goal_id"] and "Idempotent-Replayed" not in first.headers
    assert ok(again, 201)["goal_id"] == first.json["goal_id"]
    assert again.json["version"] == first.json["version"] == 2 and again.headers["ETag"] == '"2"'
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json["goals"] == first.json["goals"]
    assert [e["type"] for e in _history(c, karim, plan)] == ["PlanStarted", "GoalSet"]


def test_a_replay_answers_as_of_the_first_write_even_after_later_changes(store_client, auth):
    c, karim = store_client, auth("karim")
    plan = start_plan(c, karim)
    headers = {**karim, "Idempotency-Key": "action-1"}
    first = ok(c.post(f"{API}/plans/{plan}/actions", headers=headers, json=ACTION), 201)
    ok(c.post(f"{API}/plans/{plan}/feedback", headers=karim, json={"source": "self", "text": "later"}), 201)
    again = c.post(f"{API}/plans/{plan}/actions", headers=headers, json=ACTION)
    assert ok(again, 201)["action_id"] == first["action_id"] and again.json["version"] == 2
    assert again.json["feedback"] == []
    assert len(_history(c, karim, plan)) == 3


def test_a_two_event_command_replays_with_its_last_version(store_client, auth):
    c, karim = store_client, auth("karim")
    plan = start_plan(c, karim)
    headers = {**karim, "Idempotency-Key": "accept-r1"}
    body = {**ACTION, "offer_id": "offer-1"}
    first = ok(c.post(f"{API}/plans/{plan}/recommendations/r1/accept", headers=headers, json=body), 201)
    again = c.post(f"{API}/plans/{plan}/recommendations/r1/accept", headers=headers, json=body)
    assert ok(again, 201)["action_id"] == first["action_id"] and again.json["version"] == first["version"] == 3
    assert again.headers["Idempotent-Replayed"] == "true"


def test_starting_a_plan_twice_with_one_key_replays_it(store_client, auth):
    c, karim = store_client, auth("karim")
    headers = {**karim, "Idempotency-Key": "start"}
    first = c.post(f"{API}/plans", headers=headers, json=PLAN)
    again = c.post(f"{API}/plans", headers=headers, json=PLAN)
    assert ok(again, 201)["id"] == ok(first, 201)["id"] and again.json["version"] == 1
    assert again.headers["Idempotent-Replayed"] == "true" and again.headers["Location"] == first.headers["Location"]
    other_body = c.post(f"{API}/plans", headers=headers, json={**PLAN, "available_hours": 10})
    assert other_body.status_code == 422 and other_body.json["errors"][0]["field"] == "Idempotency-Key"
    assert c.post(f"{API}/plans", headers=karim, json=PLAN).status_code == 409  # without the key: a conflict
    assert len(_history(c, karim, first.json["id"])) == 1


def test_the_same_key_with_another_body_or_path_is_refused(store_client, auth):
    c, karim = store_client, auth("karim")
    plan = start_plan(c, karim)
    goal = add_goal(c, karim, plan)
    headers = {**karim, "Idempotency-Key": "k"}
    ok(c.post(f"{API}/plans/{plan}/feedback", headers=headers, json={"source": "self", "text": "a"}), 201)
    other = c.post(f"{API}/plans/{plan}/feedback", headers=headers, json={"source": "self", "text": "b"})
    assert other.status_code == 422 and other.json["errors"] == [
        {"field": "Idempotency-Key", "reason": "this key was already used for a different request"}]
    other_path = c.post(f"{API}/plans/{plan}/goals/{goal}/achieve", headers=headers, json={})
    assert other_path.status_code == 422
    assert len(_history(c, karim, plan)) == 3


def test_keys_belong_to_their_caller(store_client, auth):
    c = store_client
    plan = start_plan(c, auth("karim"))
    body = {"source": "manager", "text": "x"}
    ok(c.post(f"{API}/plans/{plan}/feedback", headers={**auth("karim"), "Idempotency-Key": "k"},
              json={"source": "self", "text": "x"}), 201)
    by_marieke = c.post(f"{API}/plans/{plan}/feedback", headers={**auth("marieke"), "Idempotency-Key": "k"}, json=body)
    assert ok(by_marieke, 201)["version"] == 3 and "Idempotent-Replayed" not in by_marieke.headers


def test_a_key_must_be_short_and_printable(client, auth):
    plan = start_plan(client, auth("karim"))
    for key in ("x" * 201, "tab\tkey"):
        response = client.post(f"{API}/plans/{plan}/feedback", headers={**auth("karim"), "Idempotency-Key": key},
                               json={"source": "self", "text": "x"})
        assert response.status_code == 422 and response.json["errors"][0]["field"] == "Idempotency-Key"


def test_concurrent_retries_with_one_key_write_one_event(store_app, auth):
    client = store_app.test_client()
    karim = auth("karim")
    plan = start_plan(client, karim)
    headers = {**karim, "Idempotency-Key": "retry-storm"}
    body = {"source": "self", "text": "één keer"}
    barrier = threading.Barrier(6)
    answers = []

    def post():
        local = store_app.test_client()
        barrier.wait()
        response = local.post(f"{API}/plans/{plan}/feedback", headers=headers, json=body)
        answers.append((response.status_code, response.get_json(), response.headers.get("Idempotent-Replayed")))

    threads = [threading.Thread(target=post) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [status for status, _, _ in answers] == [201] * 6, answers
    assert {body["feedback_id"] for _, body, _ in answers} == {answers[0][1]["feedback_id"]}
    assert {body["version"] for _, body, _ in answers} == {2}
    assert sorted(replayed or "" for _, _, replayed in answers) == [""] + ["true"] * 5
    assert [e["type"] for e in _history(client, karim, plan)] == ["PlanStarted", "FeedbackReceived"]


def test_a_plan_creation_key_reused_for_another_period_is_refused(store_client, auth):
    karim = {**auth("karim"), "Idempotency-Key": "start-2026"}
    first = store_client.post(f"{API}/plans", headers=karim, json=PLAN)
    assert first.status_code == 201
    other = store_client.post(f"{API}/plans", headers=karim,
                              json={**PLAN, "period_start": "2028-01-01", "period_end": "2028-12-31"})
    assert other.status_code == 422 and error_fields(other) == ["Idempotency-Key"]
    listed = store_client.get(f"{API}/plans", headers=auth("karim")).get_json()
    assert listed["total"] == 1

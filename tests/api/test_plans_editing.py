"""Editing a plan after it started, through the API: details (PATCH /details) and withdrawing an assessment."""

from __future__ import annotations

from plan_api_helpers import API, PLAN, add_goal, error_fields, ok, start_plan


def test_the_owner_edits_the_plan_details_and_the_history_and_views_follow(client, auth):
    karim = auth("karim")
    pid = start_plan(client, karim)
    body = ok(client.patch(f"{API}/plans/{pid}/details", headers=karim, json={
        "reason": "nieuwe functie", "career_project": "Productowner worden", "target_role": "Productowner",
        "period_end": "2028-06-30", "available_hours": 150, "available_budget": 4000}))
    assert (body["career_project"], body["target_role"], body["period_end"]) == (
        "Productowner worden", "Productowner", "2028-06-30")
    assert (body["available_hours"], body["available_budget"], body["version"]) == (150, 4000, 2)
    history = ok(client.get(f"{API}/plans/{pid}/history", headers=karim))["events"]
    assert history[-1]["type"] == "PlanDetailsChanged" and history[-1]["reason"] == "nieuwe functie"
    listed = ok(client.get(f"{API}/plans", headers=karim, query_string={"employee_id": "karim"}))["items"][0]
    assert (listed["period_end"], listed["available_budget"]) == ("2028-06-30", 4000)


def test_bad_details_are_a_4xx_with_the_field_and_change_nothing(client, auth):
    karim = auth("karim")
    pid = start_plan(client, karim)
    add_goal(client, karim, pid)  # deadline 2027-12-31
    response = client.patch(f"{API}/plans/{pid}/details", headers=karim, json={"period_end": "2027-06-30"})
    assert response.status_code == 422 and error_fields(response) == ["period_end"]
    response = client.patch(f"{API}/plans/{pid}/details", headers=karim, json={"colour": "red"})
    assert response.status_code == 422 and error_fields(response) == ["colour"]
    response = client.patch(f"{API}/plans/{pid}/details", headers=karim, json={"available_hours": 120})
    assert response.status_code == 422 and error_fields(response) == ["body"]
    assert ok(client.get(f"{API}/plans/{pid}", headers=karim))["version"] == 2


def test_a_new_period_may_not_overlap_another_plan(client, auth):
    karim = auth("karim")
    start_plan(client, karim, period_start="2028-01-01", period_end="2028-12-31")
    pid = start_plan(client, karim)
    response = client.patch(f"{API}/plans/{pid}/details", headers=karim, json={"period_end": "2028-03-31"})
    assert response.status_code == 409 and error_fields(response) == ["period_end"]


def test_a_withdrawn_assessment_leaves_the_skills_view_and_the_plan(client, auth):
    karim = auth("karim")
    pid = start_plan(client, karim, **{k: v for k, v in PLAN.items() if k != "employee_id"}, employee_id="karim")
    ok(client.post(f"{API}/plans/{pid}/assessments", headers=karim,
                   json={"skill": "Excel", "category": "technical", "level": 2, "status": "to_improve"}), 201)
    skills = ok(client.get(f"{API}/people/karim/skills", headers=karim))["items"]
    assert [s["skill"] for s in skills] == ["Excel"]
    body = ok(client.post(f"{API}/plans/{pid}/assessments/withdraw", headers=karim,
                          json={"skill": "excel", "reason": "hoort niet bij dit plan"}))
    assert body["skills"] == []
    assert ok(client.get(f"{API}/people/karim/skills", headers=karim))["items"] == []
    response = client.post(f"{API}/plans/{pid}/assessments/withdraw", headers=karim, json={"skill": "excel"})
    assert response.status_code == 404 and error_fields(response) == ["skill"]


def test_budget_use_is_part_of_the_plan_and_a_check_adds_an_action_about_to_be_planned(client, auth):
    karim, marieke = auth("karim"), auth("marieke")
    pid = start_plan(client, karim, available_hours=20, available_budget=1000)
    ok(client.post(f"{API}/plans/{pid}/actions", headers=karim, json={
        "means": "mooc", "title": "Excel", "planned_start": "2026-02-01", "planned_end": "2026-03-01",
        "hours": 16, "cost": 800}), 201)
    budget = ok(client.get(f"{API}/plans/{pid}", headers=marieke))["budget"]
    assert (budget["planned_hours"], budget["available_hours"], budget["warnings"]) == (16, 20, [])
    check = ok(client.get(f"{API}/plans/{pid}/budget-check", headers=karim, query_string={"hours": 10,
                                                                                        "cost": 300}))
    assert [(w["code"], w["over"]) for w in check["warnings"]] == [("hours_over", 6), ("budget_over", 100)]
    assert client.get(f"{API}/plans/{pid}/budget-check", headers=karim,
                      query_string={"hours": -1}).status_code == 422
    assert ok(client.get(f"{API}/plans/{pid}", headers=karim))["version"] == 2  # a check saves nothing


def test_the_plan_shows_each_skills_gap_and_the_submission_note(client, auth):
    karim = auth("karim")
    pid = start_plan(client, karim)
    ok(client.post(f"{API}/plans/{pid}/assessments", headers=karim,
                   json={"skill": "Excel", "category": "technical", "level": 2, "status": "to_improve"}), 201)
    add_goal(client, karim, pid)
    ok(client.post(f"{API}/plans/{pid}/submit", headers=karim, json={"note": "graag voor de zomer"}))
    plan = ok(client.get(f"{API}/plans/{pid}", headers=karim))
    excel = next(s for s in plan["skills"] if s["skill"] == "Excel")
    assert (excel["level"], excel["target_level"], excel["gap"]) == (2, 3, 1)
    assert plan["submission"]["note"] == "graag voor de zomer"

"""The role gap and the demand reports read levels and gaps from the plan service (over real HTTP), never from the
follower's copy: a level re-rated at an action's completion counts at once, and without the plan service the
answer is a 503."""

from __future__ import annotations

import pytest

from recommender.app import create_app
from recommender.demo import seed
from tests.live_plan_service import LivePlanService, bearer

PLAN = {"period_start": "2026-01-01", "period_end": "2027-12-31", "trigger": "appraisal_interview",
        "available_hours": 120, "available_budget": 3000}
ROLE = {"name": "Teamleider administratie", "skills": [
    {"skill": "spreadsheets", "level": 2}, {"skill": "Projectmanagement", "level": 3}]}
CLERKS = [f"clerk{i}" for i in range(6)]


@pytest.fixture
def plan_service(tmp_path):
    service = LivePlanService(tmp_path)
    rows = "".join(f"{who},Medewerker {who},,petra,Administratie,Medewerker\n" for who in CLERKS)
    answer = service.client.post("/api/v1/people/import", data="id,name,email,manager_id,department,job_title\n"
                                 + rows, headers={**bearer("hanna", "hr"), "Content-Type": "text/csv"})
    assert answer.status_code == 200, answer.get_json()
    yield service
    service.close()


@pytest.fixture
def client(runtime, sqlite_url, plan_service):
    seed(sqlite_url)
    runtime.matcher.refresh()
    return create_app({"RUNTIME": runtime, "PLAN_GAPS": plan_service.gaps_client(timeout=2)}).test_client()


def plan_with_gap(plan_service, who: str, skill: str = "Excel", level: int = 1, target: int = 4) -> tuple[str, str]:
    """WHO's plan: SKILL assessed at LEVEL, a goal to TARGET and a course for it; the plan and the action."""
    plan_id = plan_service.call("POST", "/plans", who, {**PLAN, "employee_id": who}, 201)["id"]
    plan_service.call("POST", f"/plans/{plan_id}/assessments", who,
                      {"skill": skill, "category": "technical", "level": level}, 201)
    goal = plan_service.call("POST", f"/plans/{plan_id}/goals", who, {
        "title": skill, "skills": [{"skill": skill, "target_level": target}], "measure": "eigen rapportage",
        "hours_needed": 20, "budget_needed": 500, "relevance": "werk", "deadline": "2027-06-30"}, 201)["goal_id"]
    action = plan_service.call("POST", f"/plans/{plan_id}/actions", who, {
        "means": "internal_training", "title": "Cursus", "planned_start": "2026-02-01", "planned_end": "2026-06-30",
        "hours": 8, "cost": 0, "goal_ids": [goal]}, 201)["action_id"]
    return plan_id, action


def complete(plan_service, who: str, plan_id: str, action: str, skill: str, level: int) -> None:
    plan_service.call("POST", f"/plans/{plan_id}/actions/{action}/start", who, {"date": "2026-02-02"}, 200)
    plan_service.call("POST", f"/plans/{plan_id}/actions/{action}/complete", who, {
        "date": "2026-03-02", "evaluation": 4, "skill_levels": [{"skill": skill, "level": level}]}, 200)


def test_the_role_gap_counts_a_level_re_rated_at_an_action_s_completion(client, plan_service, tokens):
    assert client.put("/api/v1/roles/teamleider", json=ROLE, headers=tokens("hanna", "hr")).status_code == 200
    plan_id, action = plan_with_gap(plan_service, "sophie")

    def role_gap() -> dict:
        answer = client.get("/api/v1/roles/teamleider/gap?employee=sophie", headers=tokens("sophie"))
        assert answer.status_code == 200, answer.get_json()
        return {row["skill"]: row for row in answer.get_json()["gaps"] + answer.get_json()["met"]}

    before = role_gap()
    assert (before["spreadsheets"]["current_level"], before["spreadsheets"]["gap"]) == (1, 1)  # Excel is spreadsheets
    assert (before["Projectmanagement"]["current_level"], before["Projectmanagement"]["gap"]) == (None, 3)
    complete(plan_service, "sophie", plan_id, action, "Excel", 2)
    after = role_gap()
    assert (after["spreadsheets"]["current_level"], after["spreadsheets"]["gap"]) == (2, 0)
    assert client.get("/api/v1/roles/teamleider/gap?employee=sophie",
                      headers=tokens("karim")).status_code == 403  # not hers to ask, whatever the plan service says
    plan_service.stop()
    down = client.get("/api/v1/roles/teamleider/gap?employee=sophie", headers=tokens("sophie"))
    assert down.status_code == 503 and down.get_json()["errors"][0]["field"] == "plan_service"


def test_demand_is_the_plan_service_s_gaps_and_follows_a_re_rating(client, plan_service, tokens):
    ld = tokens("daan", "ld")
    plans = {who: plan_with_gap(plan_service, who) for who in CLERKS}  # six people below their Excel target
    for who in ("karim", "marieke"):
        plan_with_gap(plan_service, who, skill="Lassen")  # two people: too few to show
    decided = plan_service.client.get("/api/v1/reports/skill-gaps", headers=bearer("hanna", "hr")).get_json()
    demand = client.get("/api/v1/reports/demand", headers=ld).get_json()
    assert demand["min_group"] == decided["minimum_group"] == 5
    assert [(g["skill"], g["people"], g["skill_id"]) for g in demand["gaps"]] == [("Excel", 6, "spreadsheets")]
    assert [(r["skill"], r["people"]) for r in decided["items"]] == [("Excel", 6)]

    plan_id, action = plans["clerk0"]
    complete(plan_service, "clerk0", plan_id, action, "Excel", 4)  # re-rated at its target: no gap any more
    assert [g["people"] for g in client.get("/api/v1/reports/demand", headers=ld).get_json()["gaps"]] == [5]
    catalogue = client.get("/api/v1/reports/catalogue-gaps", headers=ld).get_json()
    assert catalogue["min_group"] == 5 and catalogue["gaps"] == []  # the demo catalogue covers Excel well
    assert client.get("/api/v1/reports/demand", headers=tokens("e", "employee")).status_code == 403
    plan_service.stop()
    for report in ("demand", "catalogue-gaps"):
        down = client.get(f"/api/v1/reports/{report}", headers=ld)
        assert down.status_code == 503 and down.get_json()["errors"][0]["field"] == "plan_service"

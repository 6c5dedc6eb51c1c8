"""The contract examples of the plan API, end to end through the Flask test client, on both stores."""

from __future__ import annotations

import pytest

from services.plan.app import create_app

PEOPLE = (
    "id,name,email,manager_id,department,job_title\n"
    "marieke,Marieke,,,TD,Manager\nkarim,Karim,,marieke,TD,Monteur\n"
)


@pytest.fixture
def client(store_url, tokens):
    app = create_app({"PLAN_DATABASE_URL": store_url})
    client = app.test_client()
    response = client.post("/api/v1/people/import", data=PEOPLE,
                           headers={**tokens("hanna", "hr"), "Content-Type": "text/csv"})
    assert response.status_code == 200, response.json
    yield client
    app.extensions["plan_service"].close()


def test_contract_examples(client, tokens):
    karim = tokens("karim", "employee")
    created = client.post("/api/v1/plans", headers=karim, json={
        "employee_id": "karim", "period_start": "2026-01-01", "period_end": "2027-12-31",
        "trigger": "career_project", "career_project": "Doorgroeien naar teamleider binnen twee jaar",
        "available_hours": 120, "available_budget": 3000})
    assert created.status_code == 201, created.json
    assert created.json["version"] == 1 and created.json["status"] == "draft"
    assert created.headers["ETag"] == '"1"'
    pid = created.json["id"]
    assert client.post(f"/api/v1/plans/{pid}/assessments", headers=karim, json={
        "skill": "teammanagement", "category": "behavioural", "level": 1, "assessor": "self",
        "status": "to_improve", "note": "..."}).status_code == 201
    goal = client.post(f"/api/v1/plans/{pid}/goals", headers=karim, json={
        "title": "Team leiden", "skills": [{"skill": "teammanagement", "target_level": 3}],
        "measure": "360 feedback", "hours_needed": 60, "budget_needed": 1500,
        "relevance": "teamleider", "deadline": "2027-12-31"})
    assert goal.status_code == 201, goal.json
    goal_id = goal.json["goal_id"]
    action = client.post(f"/api/v1/plans/{pid}/actions", headers=karim, json={
        "goal_ids": [goal_id], "means": "internal_training", "title": "Leidinggeven",
        "provider": "Academie", "planned_start": "2026-02-01", "planned_end": "2026-06-30",
        "hours": 16, "cost": 0})
    assert action.status_code == 201, action.json
    action_id = action.json["action_id"]
    assert client.post(f"/api/v1/plans/{pid}/actions/{action_id}/start", headers=karim,
                       json={"date": "2026-02-03"}).status_code == 200
    done = client.post(f"/api/v1/plans/{pid}/actions/{action_id}/complete", headers=karim,
                       json={"date": "2026-06-20", "evaluation": 4, "reflection": "..."})
    assert done.status_code == 200 and done.json["version"] == 6
    feedback = client.post(f"/api/v1/plans/{pid}/feedback", headers=tokens("marieke", "manager"),
                           json={"source": "manager", "text": "Goed bezig", "goal_id": None})
    assert feedback.status_code == 201, feedback.json
    history = client.get(f"/api/v1/plans/{pid}/history", headers=karim).json["events"]
    assert [e["type"] for e in history] == [
        "PlanStarted", "SkillAssessed", "GoalSet", "LearningActionPlanned", "LearningActionStarted",
        "LearningActionCompleted", "FeedbackReceived"]
    assert history[-1]["actor"] == {"subject": "marieke", "role": "manager"}

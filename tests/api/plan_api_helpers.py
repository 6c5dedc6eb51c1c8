"""Shared data and calls of the plan API tests."""

from __future__ import annotations

from typing import Any

# boss -> marieke -> karim, jeroen; boss -> petra -> sophie; hanna is HR, daan is L&D.
ORG_CSV = (
    "id,name,email,manager_id,department,job_title\n"
    "boss,Ingrid Bakker,ingrid@example.org,,Directie,Directeur\n"
    "marieke,Marieke de Vries,marieke@example.org,boss,TD,Manager TD\n"
    "karim,Karim El Amrani,karim@example.org,marieke,TD,Monteur\n"
    "jeroen,Jeroen Smit,,marieke,TD,Monteur\n"
    "petra,Petra Jansen,,boss,Administratie,Teamleider\n"
    "sophie,Sophie Willems,,petra,Administratie,Medewerker\n"
    "hanna,Hanna Mulder,,boss,HR,HR-adviseur\n"
    "daan,Daan Peeters,,hanna,HR,L&D-specialist\n"
)
ROLES = {
    "boss": ("employee", "manager"), "marieke": ("employee", "manager"), "petra": ("employee", "manager"),
    "hanna": ("employee", "hr"), "daan": ("ld",), "root": ("admin",), "recommender": ("service",),
}
API = "/api/v1"

PLAN = {"employee_id": "karim", "period_start": "2026-01-01", "period_end": "2027-12-31",
        "trigger": "career_project", "career_project": "Doorgroeien naar teamleider binnen twee jaar",
        "available_hours": 120, "available_budget": 3000}
GOAL = {"title": "Team leiden", "skills": [{"skill": "teammanagement", "target_level": 3}],
        "measure": "360-feedback", "hours_needed": 60, "budget_needed": 1500,
        "relevance": "Nodig als teamleider", "deadline": "2027-12-31"}
ACTION = {"means": "external_course", "title": "Communicatie", "provider": "Academie",
          "planned_start": "2026-02-01", "planned_end": "2026-06-30", "hours": 16, "cost": 800}


def ok(response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.get_json())
    return response.get_json()


def start_plan(client, headers, **fields: Any) -> str:
    return ok(client.post(f"{API}/plans", headers=headers, json={**PLAN, **fields}), 201)["id"]


def add_goal(client, headers, plan_id: str, **fields: Any) -> str:
    return ok(client.post(f"{API}/plans/{plan_id}/goals", headers=headers, json={**GOAL, **fields}), 201)["goal_id"]


def add_action(client, headers, plan_id: str, **fields: Any) -> str:
    body = {**ACTION, **fields}
    return ok(client.post(f"{API}/plans/{plan_id}/actions", headers=headers, json=body), 201)["action_id"]


def error_fields(response) -> list[str]:
    body = response.get_json()
    assert set(body) == {"status", "message", "errors"} and body["status"] == response.status_code, body
    return [e["field"] for e in body["errors"]]

"""An employee's suggestions come from the gaps the plan service decides now, across two real processes.

No follower runs here: whatever the recommender knows about the plan it asked the plan service over HTTP.
"""

from __future__ import annotations

import pytest
import requests

from tests.integration.servers import Service, groeipad

pytestmark = pytest.mark.integration


def bearer(env, subject, *roles):
    args = ["token", "--subject", subject] + [part for role in roles for part in ("--role", role)]
    return {"Authorization": "Bearer " + groeipad(*args, env=env)}


@pytest.fixture
def services(tmp_path):
    env = {"PLAN_DATABASE_URL": f"sqlite:///{tmp_path / 'plan.sqlite'}", "GROEIPAD_DATA_DIR": str(tmp_path),
           "RECOMMENDER_DATABASE_URL": f"sqlite:///{tmp_path / 'recommender.sqlite'}"}
    groeipad("migrate", env=env)
    groeipad("seed-demo", env=env)
    groeipad("seed-recommender-demo", env=env)
    plan = Service("plan", "services.plan.wsgi:app", env, workers=1)
    recommender = Service("recommender", "recommender.wsgi:app", {**env, "PLAN_SERVICE_URL": plan.url}, workers=1)
    plan.env["RECOMMENDER_URL"] = recommender.url
    plan.start(tmp_path)
    recommender.start(tmp_path)
    yield plan, recommender, env
    recommender.stop()
    plan.stop()


def test_suggestions_follow_the_plan_service_at_once_and_stop_without_it(services):
    plan, recommender, env = services
    karim = bearer(env, "karim", "employee")

    def suggestions(**headers):
        return requests.get(f"{recommender.url}/api/v1/employees/karim/recommendations?limit=20",
                            headers={**karim, **headers}, timeout=10)

    decided = requests.get(f"{plan.url}/api/v1/people/karim/skills", headers=karim, timeout=10).json()
    answer = suggestions().json()
    assert answer["plan_id"] == decided["plan_id"]
    assert {g["skill"] for g in answer["gaps"]} == {i["skill"] for i in decided["items"] if i["gap"]}
    assert answer["recommendations"] and all(r["reasons"] for r in answer["recommendations"])

    top = answer["recommendations"][0]
    accepted = requests.post(
        f"{plan.url}/api/v1/plans/{answer['plan_id']}/recommendations/{top['recommendation_id']}/accept",
        headers=karim, timeout=10, json={"offer_id": top["offer_id"], "means": top["means"], "title": top["title"],
                                         "planned_start": "2027-01-10", "planned_end": "2027-03-31"})
    assert accepted.status_code == 201, accepted.json()
    after = suggestions(**{"X-Min-Position": accepted.headers["X-Position"]}).json()
    assert top["offer_id"] not in {r["offer_id"] for r in after["recommendations"]}, "a planned offer came back"

    second = after["recommendations"][0]
    dismissed = requests.post(f"{recommender.url}/api/v1/people/karim/dismissals", headers=karim, timeout=10,
                              json={"offer_id": second["offer_id"], "reason": "not_relevant", "gap": second["gap"]})
    assert dismissed.status_code == 201, dismissed.json()
    assert second["offer_id"] not in {r["offer_id"] for r in suggestions().json()["recommendations"]}

    plan.stop()
    down = suggestions()
    assert down.status_code == 503 and down.headers["Content-Type"].startswith("application/json")
    assert down.json()["status"] == 503 and down.json()["errors"][0]["field"] == "plan_service"


def test_role_gap_and_demand_are_the_plan_service_s_levels_and_gaps(services):
    plan, recommender, env = services
    karim, hanna, daan = bearer(env, "karim", "employee"), bearer(env, "hanna", "hr"), bearer(env, "daan", "ld")
    role = {"name": "Projectleider", "skills": [{"skill": "Projectmanagement", "level": 4}]}
    assert requests.put(f"{recommender.url}/api/v1/roles/projectleider", json=role, headers=hanna,
                        timeout=10).status_code == 200

    def role_gap(**headers) -> dict:
        answer = requests.get(f"{recommender.url}/api/v1/roles/projectleider/gap?employee=karim",
                              headers={**karim, **headers}, timeout=10)
        assert answer.status_code == 200, answer.json()
        return answer.json()["gaps"][0]

    assert (role_gap()["current_level"], role_gap()["gap"]) == (1, 3)  # the demo's self-assessment
    plan_id = requests.get(f"{plan.url}/api/v1/people/karim/skills", headers=karim, timeout=10).json()["plan_id"]
    actions = requests.get(f"{plan.url}/api/v1/plans/{plan_id}", headers=karim, timeout=10).json()["actions"]
    course = next(a["action_id"] for a in actions if a["status"] == "planned")
    started = requests.post(f"{plan.url}/api/v1/plans/{plan_id}/actions/{course}/start", headers=karim, timeout=10,
                            json={"date": "2026-08-03"})
    assert started.status_code == 200, started.json()
    done = requests.post(f"{plan.url}/api/v1/plans/{plan_id}/actions/{course}/complete", headers=karim, timeout=10,
                         json={"date": "2026-09-30", "evaluation": 5,
                               "skill_levels": [{"skill": "Projectmanagement", "level": 3}]})
    assert done.status_code == 200, done.json()
    position = {"X-Min-Position": done.headers["X-Position"]}
    assert (role_gap(**position)["current_level"], role_gap(**position)["gap"]) == (3, 1), "the re-rating counts"

    def reports(position: dict) -> tuple[list, list, int]:
        decided = requests.get(f"{plan.url}/api/v1/reports/skill-gaps", headers={**hanna, **position},
                               timeout=10).json()
        demand = requests.get(f"{recommender.url}/api/v1/reports/demand?limit=200", headers={**daan, **position},
                              timeout=10).json()
        assert demand["min_group"] == decided["minimum_group"] == 5
        return (sorted((g["skill"], g["people"]) for g in demand["gaps"]),
                sorted((r["skill"], r["people"]) for r in decided["items"]))

    demand, decided = reports(position)
    assert demand == decided and "Geavanceerd Excel" not in dict(demand)  # four people: too few to show
    mohammed = bearer(env, "mohammed", "employee")
    his_plan = requests.get(f"{plan.url}/api/v1/people/mohammed/skills", headers=mohammed, timeout=10).json()["plan_id"]
    rated = requests.post(f"{plan.url}/api/v1/plans/{his_plan}/assessments", headers=mohammed, timeout=10, json={
        "skill": "Geavanceerd Excel", "category": "technical", "level": 2, "assessor": "self", "status": "to_improve"})
    assert rated.status_code == 201, rated.json()
    demand, decided = reports({"X-Min-Position": rated.headers["X-Position"]})
    assert demand == decided and dict(demand)["Geavanceerd Excel"] == 5, "a fifth person's gap makes it show"

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

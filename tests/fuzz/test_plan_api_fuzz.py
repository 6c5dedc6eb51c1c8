"""Fuzzing the plan service's OpenAPI with schemathesis: no 5xx, every answer as documented.

Each generated request goes out with a valid token of one of the roles (owner, manager, HR, admin,
service) and, for plan paths, against a real plan, so the fuzz reaches the commands and not only 404s.
CI runs FUZZ_EXAMPLES (default 12) cases per operation; `make fuzz` runs many more.
"""

from __future__ import annotations

import pytest

from services.plan.app import create_app
from tests.conftest import TEST_SECRET
from tests.fuzz.fuzzing import bearer, fuzz_every_operation

ORG = "id,name,email,manager_id,department,job_title\nmarieke,Marieke,,,TD,Manager\nkarim,Karim,,marieke,TD,Monteur\n"
CALLERS = [("karim", ("employee",)), ("marieke", ("employee", "manager")), ("hanna", ("employee", "hr")),
           ("root", ("admin",)), ("recommender", ("service",)), ("entra", ("scim",))]


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    patch = pytest.MonkeyPatch()
    patch.setenv("GROEIPAD_JWT_SECRET", TEST_SECRET)
    patch.setenv("GROEIPAD_DATA_DIR", str(tmp_path_factory.mktemp("var")))
    patch.setenv("RECOMMENDER_URL", "http://127.0.0.1:9")
    app = create_app({"PLAN_DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('db') / 'plan.sqlite'}"})
    client = app.test_client()
    hr = bearer("hanna", ("employee", "hr"))
    assert client.post("/api/v1/people/import", data=ORG, headers={**hr, "Content-Type": "text/csv"}).status_code == 200
    plan = client.post("/api/v1/plans", headers=bearer("karim", ("employee",)), json={
        "employee_id": "karim", "period_start": "2026-01-01", "period_end": "2027-12-31", "trigger": "career_project",
        "available_hours": 200, "available_budget": 5000})
    app.config["FUZZ_PLAN_ID"] = plan.get_json()["id"]
    template = client.post("/api/v1/templates", headers=hr, json={
        "name": "T", "milestones": [{"kind": "conversation", "offset_days": 28}]}).get_json()["template_id"]
    app.config["FUZZ_TEMPLATE_ID"] = template
    app.config["FUZZ_CYCLE_ID"] = client.post("/api/v1/cycles", headers=hr, json={
        "name": "C", "period_start": "2028-01-01", "period_end": "2028-12-31",
        "scope": {"kind": "people", "people": ["karim"]}, "templates": {"default": template},
        "milestones": [{"kind": "conversation", "due": "2028-02-01"}]}).get_json()["cycle_id"]
    yield app
    app.extensions["plan_service"].close()
    patch.undo()


def test_no_server_error_and_documented_answers(fuzz_app):
    """Every operation of the document (one test: the app is built once)."""

    def at_the_real_plan(case) -> None:
        for name in ("plan_id", "template_id", "cycle_id"):
            if name in (case.path_parameters or {}):
                case.path_parameters[name] = fuzz_app.config[f"FUZZ_{name.removesuffix('_id').upper()}_ID"]

    fuzz_every_operation(fuzz_app, CALLERS, minimum_operations=30, prepare=at_the_real_plan)

"""The `groeipad` command: token, import-people and seed-demo, against the store PLAN_DATABASE_URL names."""

from __future__ import annotations

from uuid import UUID

import pytest
from click.testing import CliRunner
from plan_api_helpers import API, ORG_CSV, ok

from services.cli import main
from services.plan.app import build_plan_service, create_app
from services.plan.demo import COLLEAGUES
from shared.auth import Principal


@pytest.fixture
def store(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("PLAN_DATABASE_URL", url)
    return url


def run(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result


def test_token_prints_a_token_the_api_accepts(store):
    app = create_app({"PLAN_DATABASE_URL": store})
    client = app.test_client()
    hr = run("token", "--subject", "hanna", "--role", "employee", "--role", "hr")
    assert hr.exit_code == 0, hr.output
    token = hr.output.strip()
    response = client.post(f"{API}/people/import", data=ORG_CSV,
                           headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"})
    assert ok(response)["created"] == 8
    karim = run("token", "--subject", "karim", "--role", "employee").output.strip()
    assert ok(client.get(f"{API}/people", headers={"Authorization": f"Bearer {karim}"}))["items"][0]["id"] == "karim"
    expired = run("token", "--subject", "karim", "--role", "employee", "--ttl", "-60").output.strip()
    assert client.get(f"{API}/people", headers={"Authorization": f"Bearer {expired}"}).status_code == 401
    app.extensions["plan_service"].close()


def test_token_refuses_unknown_roles_and_needs_a_role(store):
    typo = run("token", "--subject", "karim", "--role", "emplyee")
    assert typo.exit_code == 2 and "emplyee" in typo.output
    assert run("token", "--subject", "karim").exit_code == 2


def test_import_people_creates_then_updates(store, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(ORG_CSV, encoding="utf-8")
    first = run("import-people", str(path))
    assert first.exit_code == 0 and first.output.strip() == "8 created, 0 updated, 0 unchanged"
    path.write_text("\ufeff" + ORG_CSV.replace("Monteur\n", "Teamleider\n", 1), encoding="utf-8")
    second = run("import-people", str(path))
    assert second.exit_code == 0 and second.output.strip() == "0 created, 1 updated, 7 unchanged"
    service = build_plan_service(store)
    try:
        assert service.views.person("karim")["job_title"] == "Teamleider"
    finally:
        service.close()


def test_import_people_reports_a_bad_file(store, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("naam,email\nKarim,k@x\n", encoding="utf-8")
    result = run("import-people", str(path))
    assert result.exit_code == 1 and "id" in result.output


def test_seed_demo_runs_once_and_a_second_run_changes_nothing(store):
    first = run("seed-demo")
    assert first.exit_code == 0, first.output
    assert f"{2 + len(COLLEAGUES)} plan(s) seeded" in first.output
    service = build_plan_service(store)
    try:
        head = service.recorder.max_notification_id()
        plans = {p["employee_id"]: p for p in service.list_plans(_hr())[0]}
    finally:
        service.close()
    assert set(plans) == {"sophie", "karim", *(c[0] for c in COLLEAGUES)} and plans["karim"]["status"] == "active"
    second = run("seed-demo")
    assert second.exit_code == 0 and "already there" in second.output
    service = build_plan_service(store)
    try:
        assert service.recorder.max_notification_id() == head
        events = [type(e).__name__ for e in service.history(UUID(plans["karim"]["id"]), _hr())]
    finally:
        service.close()
    assert {"GoalRevised", "FeedbackReceived", "LearningActionCompleted", "FundingApproved"} <= set(events)


def _hr():
    return Principal("hanna", frozenset({"hr"}))


def test_groeipad_starts_without_the_services_runtimes():
    """Tests and operators start `groeipad` often (token, seed-demo, project): only `migrate` imports the other
    services' runtimes, so none of them loads scikit-learn at start."""
    import subprocess
    import sys

    loaded = subprocess.run([sys.executable, "-c", "import sys, services.cli; print(sorted(m for m in sys.modules "
                             "if m.split('.')[0] == 'sklearn' or m.endswith('.runtime')))"],
                            capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"

"""The plan service under gunicorn over real HTTP, on SQLite and PostgreSQL, several workers at once."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.integration.servers import Service, groeipad

pytestmark = pytest.mark.integration


@pytest.fixture
def plan_service(store_url, tmp_path):
    env = {"PLAN_DATABASE_URL": store_url, "GROEIPAD_DATA_DIR": str(tmp_path / "var")}
    groeipad("migrate", env=env)
    groeipad("seed-demo", env=env)
    service = Service("plan", "services.plan.wsgi:app", env, workers=3).start(tmp_path)
    yield service, env
    service.stop()


def bearer(env, subject, *roles):
    args = ["token", "--subject", subject]
    for role in roles:
        args += ["--role", role]
    return {"Authorization": f"Bearer {groeipad(*args, env=env)}"}


def test_contract_examples_over_http_with_cli_tokens(plan_service):
    service, env = plan_service
    karim = bearer(env, "karim", "employee")
    plans = requests.get(f"{service.url}/api/v1/plans", headers=karim, timeout=10).json()["items"]
    assert [p["employee_id"] for p in plans] == ["karim"]
    pid = plans[0]["id"]
    plan = requests.get(f"{service.url}/api/v1/plans/{pid}", headers=karim, timeout=10)
    assert plan.status_code == 200 and plan.headers["ETag"] == f'"{plan.json()["version"]}"'
    history = requests.get(f"{service.url}/api/v1/plans/{pid}/history", headers=karim, timeout=10).json()
    types = [e["type"] for e in history["events"]]
    assert types[0] == "PlanStarted" and "GoalRevised" in types and "FeedbackReceived" in types
    assert requests.get(f"{service.url}/api/v1/plans/{pid}", timeout=10).status_code == 401
    ld = bearer(env, "daan", "ld")
    assert requests.get(f"{service.url}/api/v1/plans/{pid}", headers=ld, timeout=10).status_code == 403
    feed = requests.get(f"{service.url}/api/v1/feed?limit=1000", headers=bearer(env, "rec", "service"), timeout=10)
    assert feed.status_code == 200
    plan_events = [e for e in feed.json()["events"] if e["plan_id"]]
    karims = [e for e in plan_events if e["plan_id"] == pid]
    assert len(karims) == len(types)  # every event of Karim's plan, once
    assert {e["employee_id"] for e in plan_events} >= {"karim", "sophie", "bram"}  # and the demo's other plans
    people = {e["employee_id"] for e in feed.json()["events"] if e["type"] == "PersonRegistered"}
    assert {"karim", "sophie", "marieke"} <= people  # the directory travels on the feed (contract v2)


def test_concurrent_writers_every_answer_is_2xx_409_or_412_and_history_holds_exactly_the_successes(plan_service):
    service, env = plan_service
    karim = bearer(env, "karim", "employee")
    pid = requests.get(f"{service.url}/api/v1/plans", headers=karim, timeout=10).json()["items"][0]["id"]
    before = requests.get(f"{service.url}/api/v1/plans/{pid}", headers=karim, timeout=10)
    start_version = before.json()["version"]
    lock = threading.Lock()
    outcomes: list[tuple[int, str]] = []

    def write(i: int) -> None:
        headers = dict(karim)
        if i % 3 == 0:  # a third pin the version they read: most of those must get 412
            headers["If-Match"] = f'"{start_version}"'
        response = requests.post(f"{service.url}/api/v1/plans/{pid}/progress", headers=headers,
                                 json={"note": f"note {i}"}, timeout=60)
        with lock:
            outcomes.append((response.status_code, f"note {i}"))

    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(write, range(60)))
    statuses = {status for status, _ in outcomes}
    assert statuses <= {201, 409, 412}, outcomes
    succeeded = {note for status, note in outcomes if status == 201}
    history = requests.get(f"{service.url}/api/v1/plans/{pid}/history", headers=karim, timeout=10).json()["events"]
    written = [e["data"]["note"] for e in history if e["version"] > start_version]
    assert sorted(written) == sorted(succeeded)
    assert [e["version"] for e in history] == list(range(1, len(history) + 1))
    assert any(status == 412 for status, _ in outcomes)


def test_each_answer_has_one_json_access_line_with_the_request_id_the_client_got(plan_service):
    service, env = plan_service
    karim = bearer(env, "karim", "employee")
    pid = requests.get(f"{service.url}/api/v1/plans", headers=karim, timeout=10).json()["items"][0]["id"]
    made = requests.post(f"{service.url}/api/v1/plans/{pid}/progress", json={"note": "logged"}, timeout=10,
                         headers={**karim, "Prefer": "return=minimal"})
    passed = requests.get(f"{service.url}/health", headers={"X-Request-ID": "caller-7"}, timeout=10)
    assert made.status_code == 201 and passed.headers["X-Request-ID"] == "caller-7"
    service.stop()  # flushes every worker's log
    lines = [json.loads(line) for line in service.log_path.read_text().splitlines() if line.startswith('{"time"')]
    by_id = {line["request_id"]: line for line in lines}
    assert by_id[made.headers["X-Request-ID"]] == {
        **by_id[made.headers["X-Request-ID"]], "method": "POST", "path": f"/api/v1/plans/{pid}/progress",
        "status": "201", "bytes": str(len(made.content))}
    assert set(by_id["caller-7"]) == {"time", "method", "path", "status", "duration_ms", "bytes", "request_id"}

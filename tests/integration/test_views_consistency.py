"""The views under load, over real processes: readers never see a 5xx while writers change plans, lists agree with
the event store once the projector has caught up, and a projector killed with kill -9 again and again leaves
tables equal to a rebuild from position 0."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from uuid import UUID

import pytest
import requests

from services.plan.app import build_plan_service
from services.plan.views import tables as view_tables
from services.plan.views.projector import Projector, rebuild
from services.plan.views.queries import PlanQueries
from shared.auth import TokenSettings, issue_token
from tests.conftest import TEST_SECRET, drop_postgres_schema, postgres_available, postgres_schema_url
from tests.integration.servers import BIN, ROOT, Service, groeipad

pytestmark = pytest.mark.integration
PEOPLE = 12


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'plan.sqlite'}"
        return
    if not postgres_available():
        pytest.skip("PostgreSQL not reachable")
    url = postgres_schema_url()
    yield url
    drop_postgres_schema(url)


def org_csv() -> str:
    rows = ["id,name,email,manager_id,department,job_title", "lead,Lea Leider,,,Werkplaats,Teamleider"]
    rows += [f"w{i},Werker {i},,lead,Werkplaats,Monteur" for i in range(PEOPLE)]
    return "\n".join(rows) + "\n"


def wait_for_projector(log, timeout: float = 180) -> None:
    """Until the projector process has started (on a busy machine its imports alone can take longer than a
    read waits for X-Min-Position)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists() and "projecting the plan log" in log.read_text():
            return
        time.sleep(0.2)
    raise AssertionError(f"the projector did not start in {timeout} s: {log.read_text()[-2000:]}")


def table_rows(service) -> dict[str, list[tuple]]:
    """Every live view table's rows, in a stable order (what a rebuild must reproduce)."""
    store = service.view_store
    tables = view_tables.physical()
    out = {}
    for name in view_tables.COLUMNS.keys() - {"reports"}:  # the stored reports: compared with a fresh computation
        rows = store.rows(f"SELECT * FROM {{{name}}}", (), tables)
        out[name] = sorted(tuple(sorted(row.items())) for row in rows)
    return out


def test_readers_and_writers_over_http_with_a_projector_killed_again_and_again(store, tmp_path):
    env = {"PLAN_DATABASE_URL": store, "GROEIPAD_DATA_DIR": str(tmp_path / "var"), "GROEIPAD_JWT_SECRET": TEST_SECRET,
           "REPORT_REFRESH_SECONDS": "0"}
    groeipad("migrate", env=env)
    plan = Service("plan", "services.plan.wsgi:app", env, workers=2).start(tmp_path)
    try:
        wait_for_projector(tmp_path / "plan-projector.log")
        # Tokens minted here with the secret the service reads (a `groeipad token` process each took minutes on a
        # busy machine, past the test's timeout).
        settings = TokenSettings(secret=TEST_SECRET, audience="groeipad")
        token = {name: {"Authorization": "Bearer " + issue_token(settings, name, roles)}
                 for name, roles in {"hanna": ("hr",), "lead": ("manager",),
                                     **{f"w{i}": ("employee",) for i in range(PEOPLE)}}.items()}
        imported = requests.post(f"{plan.url}/api/v1/people/import", data=org_csv(), timeout=30,
                                 headers={**token["hanna"], "Content-Type": "text/csv"})
        assert imported.status_code == 200, imported.text
        seen = requests.get(f"{plan.url}/api/v1/people", timeout=30, headers={
            **token["hanna"], "X-Min-Position": imported.headers["X-Position"]})
        assert seen.json()["total"] == PEOPLE + 1 and "X-Views-Stale" not in seen.headers  # read your own write
        plan_ids = {}
        for i in range(PEOPLE):
            started = requests.post(f"{plan.url}/api/v1/plans", headers=token[f"w{i}"], timeout=30, json={
                "employee_id": f"w{i}", "period_start": "2026-01-01", "period_end": "2026-12-31",
                "trigger": "continuous_development", "available_hours": 500, "available_budget": 5000})
            assert started.status_code == 201, started.text
            plan_ids[f"w{i}"] = started.json()["id"]
        stop, statuses, lock = threading.Event(), [], threading.Lock()

        def write(n: int) -> None:
            who = f"w{n % PEOPLE}"
            base = f"{plan.url}/api/v1/plans/{plan_ids[who]}"
            if n % 3 == 0:
                response = requests.post(f"{base}/actions", headers=token[who], timeout=60, json={
                    "means": "mooc", "title": f"Cursus {n}", "planned_start": "2026-02-01",
                    "planned_end": "2026-03-01", "hours": 4, "cost": 10})
            else:
                response = requests.post(f"{base}/assessments", headers=token[who], timeout=60, json={
                    "skill": f"vaardigheid {n % 5}", "category": "technical", "level": n % 6})
            with lock:
                statuses.append(("write", response.status_code))

        def read() -> None:
            paths = ["/api/v1/plans?manager_id=lead&sort=-changed_at", "/api/v1/teams/lead/overview",
                     "/api/v1/reports/skills-coverage", "/api/v1/people?q=werker"]
            while not stop.is_set():
                path = random.choice(paths)
                who = "lead" if "teams" in path or "plans" in path else "hanna"
                response = requests.get(plan.url + path, headers=token[who], timeout=60)
                with lock:
                    statuses.append(("read", response.status_code))

        def kill_projector_repeatedly() -> None:
            while not stop.is_set():
                time.sleep(random.uniform(1.0, 3.0))  # a projector needs a moment to start before it can work
                if plan.projector and plan.projector.poll() is None:
                    os.killpg(plan.projector.pid, signal.SIGKILL)
                    plan.projector.wait()
                plan.projector = subprocess.Popen([str(BIN / "groeipad"), "project"], cwd=ROOT,
                                                  env={**os.environ, **env, "GROEIPAD_CREATE_TABLES": "0"},
                                                  stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                                                  start_new_session=True)

        with ThreadPoolExecutor(max_workers=8) as pool:
            background = [pool.submit(read), pool.submit(read), pool.submit(kill_projector_repeatedly)]
            list(pool.map(write, range(90)))
            stop.set()
            for job in background:
                job.result()
        assert {s for kind, s in statuses if kind == "read"} == {200}, statuses
        assert {s for kind, s in statuses if kind == "write"} <= {201, 409}, statuses

        service = build_plan_service(store, create_tables=False)
        try:
            head = service.recorder.max_notification_id()
            deadline = time.monotonic() + 120
            while True:  # the last projector started catches up (X-Min-Position waits up to 2 s a request)
                listed = requests.get(f"{plan.url}/api/v1/plans?limit=200", timeout=60, headers={
                    **token["hanna"], "X-Access-Reason": "test", "X-Min-Position": str(head)})
                if "X-Views-Stale" not in listed.headers or time.monotonic() > deadline:
                    break
            assert "X-Views-Stale" not in listed.headers
            for item in listed.json()["items"]:
                stored = service.repository.get(UUID(plan_ids[item["employee_id"]]))
                live = [a for a in stored.actions.values() if a["status"] != "cancelled"]
                assert (item["version"], item["actions_planned"]) == (stored.version, len(live))
            while True:  # the projector, caught up, stores the reports as of the head
                report = requests.get(f"{plan.url}/api/v1/reports/skills-coverage", timeout=60, headers=token["hanna"])
                if int(report.headers["X-Views-Position"]) >= head or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            assert report.headers["X-Report-Computed-At"] and int(report.headers["X-Views-Position"]) >= head
            assert report.json()["items"] == PlanQueries(service.view_store).compute_report("skills-coverage")
            plan.stop()  # no projector may move the views while they are compared
            Projector(service).catch_up()
            projected = table_rows(service)
            rebuild(service)
            assert table_rows(service) == projected
        finally:
            service.close()
    finally:
        plan.stop()

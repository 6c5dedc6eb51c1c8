"""Two plan-service instances, several workers each, on one PostgreSQL: optimistic concurrency holds."""

from __future__ import annotations

import itertools
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.conftest import drop_postgres_schema, postgres_available, postgres_schema_url
from tests.integration.servers import Service, groeipad

pytestmark = [pytest.mark.integration, pytest.mark.postgres]


@pytest.fixture
def two_instances(tmp_path):
    if not postgres_available():
        pytest.skip("PostgreSQL not reachable")
    url = postgres_schema_url()
    env = {"PLAN_DATABASE_URL": url, "GROEIPAD_DATA_DIR": str(tmp_path / "var")}
    groeipad("migrate", env=env)
    groeipad("seed-demo", env=env)
    services = [Service(f"plan{i}", "services.plan.wsgi:app", env, workers=2).start(tmp_path) for i in (1, 2)]
    yield services, env
    for service in services:
        service.stop()
    drop_postgres_schema(url)


def test_two_instances_same_and_different_plans(two_instances):
    services, env = two_instances
    headers = {name: {"Authorization": "Bearer " + groeipad("token", "--subject", name, "--role", "employee", env=env)}
               for name in ("karim", "sophie")}
    plan_ids = {name: requests.get(f"{services[0].url}/api/v1/plans", headers=h, timeout=10).json()["items"][0]["id"]
                for name, h in headers.items()}
    starts = {name: requests.get(f"{services[0].url}/api/v1/plans/{pid}", headers=headers[name], timeout=10)
              .json()["version"] for name, pid in plan_ids.items()}
    lock = threading.Lock()
    acked: dict[str, list[str]] = {"karim": [], "sophie": []}
    statuses = []
    targets = itertools.cycle([(s, n) for s in services for n in ("karim", "karim", "sophie")])
    jobs = [(i, *next(targets)) for i in range(90)]

    def write(job) -> None:
        i, service, name = job
        note = f"{name} {i} via {service.name}"
        response = requests.post(f"{service.url}/api/v1/plans/{plan_ids[name]}/progress", headers=headers[name],
                                 json={"note": note}, timeout=60)
        with lock:
            statuses.append(response.status_code)
            if response.status_code == 201:
                acked[name].append(note)

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(write, jobs))
    assert set(statuses) <= {201, 409, 412}, statuses
    for name, pid in plan_ids.items():
        history = requests.get(f"{services[1].url}/api/v1/plans/{pid}/history", headers=headers[name],
                               timeout=10).json()["events"]
        assert [e["version"] for e in history] == list(range(1, len(history) + 1))
        stored = [e["data"]["note"] for e in history if e["version"] > starts[name]]
        assert sorted(stored) == sorted(acked[name])
    assert sum(len(v) for v in acked.values()) >= 60  # retries without If-Match let most writes through

"""Plan writes through HTTP (gunicorn) against the eventsourcing library saving the same events in-process.

Both sides store one ProgressReviewed event per write, on the same kind of store, back to back, with
1 and 16 concurrent clients, each client on its own plan. HTTP clients keep one connection each and send
`Prefer: return=minimal` (RFC 7240), as a busy integration would. Target: HTTP at least 60 % of in-process.
"""

from __future__ import annotations

import http.client
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.stores import stores  # noqa: E402
from services.plan.application import PlanService  # noqa: E402
from services.plan.domain.plan import Context, DevelopmentPlan  # noqa: E402
from shared.auth import Principal, TokenSettings, issue_token  # noqa: E402
from shared.config import StoreSettings  # noqa: E402
from tests.integration.servers import Service, groeipad  # noqa: E402

WRITES_PER_CLIENT = int(os.environ.get("BENCH_WRITES", "150"))


def seed_people_and_plans(service: PlanService, clients: int) -> list[tuple[str, object]]:
    people = [{"id": f"bench{i}", "name": f"Bench {i}"} for i in range(clients)]
    service.upsert_people({"subject": "bench", "role": "hr"}, people)
    plans = []
    for person in people:
        principal = Principal(person["id"], frozenset({"employee"}))
        outcome = service.start_plan(principal, None, employee_id=person["id"], period_start=date(2026, 1, 1),
                                     period_end=date(2026, 12, 31), trigger="continuous_development")
        plans.append((person["id"], outcome.plan.id))
    return plans


def in_process_rate(url: str, clients: int) -> float:
    service = PlanService(env=StoreSettings(url).eventsourcing_env())
    plans = seed_people_and_plans(service, clients)

    def client(args) -> None:
        person, plan_id = args
        ctx = Context(person, "owner")
        for i in range(WRITES_PER_CLIENT):
            plan: DevelopmentPlan = service.repository.get(plan_id)
            plan.review_progress(ctx, note=f"note {i}")
            service.save(plan)

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, plans))
    elapsed = time.perf_counter() - started
    service.close()
    return clients * WRITES_PER_CLIENT / elapsed


def http_rate(url: str, clients: int, workdir: Path) -> float:
    env = {"PLAN_DATABASE_URL": url, "GROEIPAD_DATA_DIR": str(workdir), "GROEIPAD_JWT_SECRET": "bench-secret-" * 4}
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ.update(env)
    groeipad("migrate", env=env)
    service = PlanService(env=StoreSettings(url).eventsourcing_env())
    plans = seed_people_and_plans(service, clients)
    service.close()
    server = Service("plan", "services.plan.wsgi:app", env, workers=2).start(workdir)
    tokens = TokenSettings(secret=env["GROEIPAD_JWT_SECRET"], audience="groeipad")

    def client(args) -> None:
        """One keep-alive connection per client; http.client keeps the load generator's own CPU cost small."""
        person, plan_id = args
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        headers = {"Authorization": f"Bearer {issue_token(tokens, person, ['employee'])}",
                   "Prefer": "return=minimal", "Content-Type": "application/json"}
        for i in range(WRITES_PER_CLIENT):
            connection.request("POST", f"/api/v1/plans/{plan_id}/progress", body=json.dumps({"note": f"note {i}"}),
                               headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 201:
                raise RuntimeError(f"write answered {response.status}")
        connection.close()

    try:
        started = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(client, plans))
        elapsed = time.perf_counter() - started
    finally:
        server.stop()
    return clients * WRITES_PER_CLIENT / elapsed


def main() -> str:
    rows = ["| store | clients | in-process events/s | HTTP events/s | HTTP / in-process | target |",
            "|---|---:|---:|---:|---:|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for store, make_url, drop in stores(workdir):
            for clients in (1, 16):
                base_url, http_url = make_url(f"base{clients}"), make_url(f"http{clients}")
                baseline = in_process_rate(base_url, clients)
                measured = http_rate(http_url, clients, workdir / f"{store}{clients}")
                drop(base_url), drop(http_url)
                ratio = measured / baseline
                rows.append(f"| {store} | {clients} | {baseline:,.0f} | {measured:,.0f} | {ratio:.0%} | "
                            f"{'met' if ratio >= 0.6 else 'missed'} (≥ 60 %) |")
    table = "\n".join(rows)
    print(table)
    return table


if __name__ == "__main__":
    main()

"""Loading a plan with 10,000 events with a snapshot against replaying every event (target: ≥ 50x)."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.stores import stores  # noqa: E402
from services.plan.application import PlanService  # noqa: E402
from services.plan.domain.plan import Context  # noqa: E402
from shared.auth import Principal  # noqa: E402
from shared.config import StoreSettings  # noqa: E402

EVENTS = 10_000


def build_plan(service: PlanService):
    service.upsert_people({"subject": "bench", "role": "hr"}, [{"id": "ann", "name": "Ann"}])
    outcome = service.start_plan(Principal("ann", frozenset({"employee"})), None, employee_id="ann",
                                 period_start=date(2026, 1, 1), period_end=date(2026, 12, 31),
                                 trigger="continuous_development")
    plan, ctx = outcome.plan, Context("ann", "owner")
    while plan.version < EVENTS:
        for _ in range(min(500, EVENTS - plan.version)):
            plan.assess_skill(ctx, skill=f"skill {plan.version % 40}", category="technical", level=plan.version % 6)
        service.save(plan)
    return plan.id


def load_times(service: PlanService, plan_id, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        plan = service.repository.get(plan_id)
        times.append(time.perf_counter() - started)
        assert plan.version == EVENTS
    return statistics.median(times)


def measure(url: str) -> tuple[float, float]:
    env = StoreSettings(url).eventsourcing_env()
    writer = PlanService(env={**env, "AGGREGATE_CACHE_MAXSIZE": ""})
    plan_id = build_plan(writer)
    writer.close()
    replaying = PlanService(env={**env, "IS_SNAPSHOTTING_ENABLED": "n", "AGGREGATE_CACHE_MAXSIZE": ""})
    without = load_times(replaying, plan_id)
    snapshotting = PlanService(env={**env, "AGGREGATE_CACHE_MAXSIZE": ""})
    snapshotting.take_snapshot(plan_id)
    with_snapshot = load_times(snapshotting, plan_id)
    replaying.close(), snapshotting.close()
    return without, with_snapshot


def main() -> str:
    rows = ["| store | events | load without snapshot | load with snapshot | speed-up | target |",
            "|---|---:|---:|---:|---:|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        for name, make_url, drop in stores(Path(tmp)):
            url = make_url("snap")
            without, with_snapshot = measure(url)
            drop(url)
            ratio = without / with_snapshot
            rows.append(f"| {name} | {EVENTS:,} | {without * 1000:.0f} ms | {with_snapshot * 1000:.1f} ms | "
                        f"{ratio:.0f}x | {'met' if ratio >= 50 else 'missed'} (≥ 50x) |")
    table = "\n".join(rows)
    print(table)
    return table


if __name__ == "__main__":
    main()

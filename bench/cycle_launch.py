"""Launching a development cycle for 1,000 and 10,000 people against the library's batched save of the same
plans, on SQLite (and PostgreSQL when a server answers): the launch's cost per person should stay flat.

`BENCH_CYCLE_SIZES` (default "1000,10000") sets the sizes. The launch reads the directory from the views, works
out each person's template and plan, and saves each batch with the cycle's record; the baseline starts the same
plans and saves them in the same batches, nothing else. The views are kept inline (as in tests) on both sides.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from uuid import uuid4

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.stores import stores  # noqa: E402
from services.plan.application import PlanService, plan_uuid_for  # noqa: E402
from services.plan.cycles import BATCH, create_cycle, run_cycle  # noqa: E402
from services.plan.domain.plan import Context, DevelopmentPlan  # noqa: E402
from shared.auth import Principal  # noqa: E402
from shared.config import StoreSettings  # noqa: E402

HR = Principal("bench-hr", frozenset({"hr"}))
START, END = date(2027, 1, 1), date(2027, 12, 31)


def service_on(url: str) -> PlanService:
    return PlanService(env={**StoreSettings(url).eventsourcing_env(), "VIEWS_INLINE": "y"})


def people(count: int) -> list[dict[str, str]]:
    return [{"id": f"p{n:06d}", "name": f"Person {n}", "department": f"D{n % 40}", "job_title": "Medewerker"}
            for n in range(count)]


def launch(url: str, count: int) -> float:
    service = service_on(url)
    service.upsert_people({"subject": "bench", "role": "hr"}, people(count))
    template = service.create_template(HR, name="Jaarcyclus", milestones=[{"kind": "conversation", "offset_days": 28}])
    cycle = create_cycle(service, HR, name="Bench", period_start=START, period_end=END,
                         scope={"kind": "organisation"}, templates={"default": str(template.id)},
                         milestones=[{"kind": "conversation", "due": date(2027, 2, 1)}])
    started = time.perf_counter()
    progress = run_cycle(service, HR, cycle.id)
    elapsed = time.perf_counter() - started
    assert progress["done"] == count == progress["started"], progress
    service.close()
    return elapsed


def baseline(url: str, count: int) -> float:
    service = service_on(url)
    service.upsert_people({"subject": "bench", "role": "hr"}, people(count))
    ctx = Context(HR.subject, "hr")
    started = time.perf_counter()
    for first in range(0, count, BATCH):
        plans = [DevelopmentPlan.start(plan_uuid_for(p["id"], START, END), ctx, employee_id=p["id"],
                                       period_start=START, period_end=END, trigger="appraisal_interview",
                                       template={"template_id": str(uuid4()), "version": 1, "milestones": []})
                 for p in people(count)[first:first + BATCH]]
        service.keys.create_many([(str(plan.id), plan.employee_id) for plan in plans])
        service.save(*plans)
    elapsed = time.perf_counter() - started
    service.close()
    return elapsed


def main() -> str:
    sizes = [int(s) for s in os.environ.get("BENCH_CYCLE_SIZES", "1000,10000").split(",")]
    rows = ["| store | people | launch | per person | batched save only | per person | launch / baseline |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    with tempfile.TemporaryDirectory() as tmp:
        for name, make_url, drop in stores(Path(tmp)):
            for count in sizes:
                url = make_url(f"base{count}")
                base = baseline(url, count)
                drop(url)
                url = make_url(f"cycle{count}")
                took = launch(url, count)
                drop(url)
                rows.append(f"| {name} | {count:,} | {took:.1f} s | {took / count * 1e3:.2f} ms | {base:.1f} s | "
                            f"{base / count * 1e3:.2f} ms | {took / base:.2f} |")
                print(rows[-1], flush=True)
    table = "\n".join(rows)
    print(table)
    return table


if __name__ == "__main__":
    main()

"""Launching a development cycle for 10,000 people (and 50,000 with `BENCH_CYCLE_50K=1`) against the library's
batched save of the same plans: the launch's cost per person should stay flat as the organisation grows.

`BENCH_CYCLE_SIZES` (default "1000,10000") sets the sizes; `BENCH_CYCLE_CARRY` (default 0.1) is the share of people
who have a current plan (an open goal, a started and a planned action) that the launch carries forward: a new plan
with GoalCarriedForward and two ActionCarriedForward events, and the old plan closed, in the batch's transaction.
The launch reads the directory from the views, works out each person's template and plan, and saves each batch with
the cycle's record; the baseline starts the same plans and saves them in the same batches, nothing else (the
current plans exist on both sides). `BENCH_CYCLE_STORES=sqlite` (default) or `all` (PostgreSQL too, when a server
answers). The views are kept inline on both sides.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from uuid import uuid4

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.stores import stores  # noqa: E402
from services.plan.application import PlanService  # noqa: E402
from services.plan.cycles import BATCH, create_cycle, run_cycle  # noqa: E402
from services.plan.domain.plan import Context, DevelopmentPlan  # noqa: E402
from shared.auth import Principal  # noqa: E402
from shared.config import StoreSettings  # noqa: E402

HR = Principal("bench-hr", frozenset({"hr"}))
START, END = date(2027, 1, 1), date(2027, 12, 31)
BEFORE = (date(2026, 7, 1), date(2027, 6, 30))  # the current plans overlap the cycle's period


def service_on(url: str) -> PlanService:
    return PlanService(env={**StoreSettings(url).eventsourcing_env(), "VIEWS_INLINE": "y"})


def people(count: int) -> list[dict[str, str]]:
    return [{"id": f"p{n:06d}", "name": f"Person {n}", "department": f"D{n % 40}", "job_title": "Medewerker"}
            for n in range(count)]


def prepare(url: str, count: int, carry: float) -> PlanService:
    """The directory, and a current plan for every 1/CARRY-th person: an open goal, a started and a planned action."""
    service = service_on(url)
    service.upsert_people({"subject": "bench", "role": "hr"}, people(count))
    step = round(1 / carry) if carry else 0
    current = []
    for person in people(count)[::step] if step else []:
        ctx = Context(person["id"], "owner")
        plan = DevelopmentPlan.start(ctx, employee_id=person["id"], period_start=BEFORE[0], period_end=BEFORE[1],
                                     trigger="continuous_development", available_hours=100,
                                     available_budget=Decimal(1000))
        plan.set_goal(ctx, goal_id="g1", title="Doel", skills=[{"skill": "plannen", "target_level": 3}],
                      measure="feedback", hours_needed=20, budget_needed=Decimal(0), relevance="werk",
                      deadline=date(2027, 3, 1))
        for action_id, start in (("a1", date(2026, 8, 1)), ("a2", date(2027, 2, 1))):
            plan.plan_action(ctx, action_id=action_id, goal_ids=["g1"], means="mooc", title="Cursus",
                             planned_start=start, planned_end=date(2027, 4, 1), hours=8)
        plan.start_action(ctx, "a1", date(2026, 8, 2))
        current.append(plan)
    for first in range(0, len(current), BATCH):
        chunk = current[first:first + BATCH]
        service.keys.create_many([(str(plan.id), plan.employee_id) for plan in chunk])
        service.save(*chunk)
    return service


def launch(url: str, count: int, carry: float) -> tuple[float, dict]:
    service = prepare(url, count, carry)
    template = service.create_template(HR, name="Jaarcyclus", milestones=[{"kind": "conversation", "offset_days": 28}])
    cycle = create_cycle(service, HR, name="Bench", period_start=START, period_end=END,
                         scope={"kind": "organisation"}, templates={"default": str(template.id)},
                         milestones=[{"kind": "conversation", "due": date(2027, 2, 1)}])
    started = time.perf_counter()
    progress = run_cycle(service, HR, cycle.id)
    elapsed = time.perf_counter() - started
    assert progress["done"] == count == progress["started"] + progress["carried_forward"], progress
    service.close()
    return elapsed, progress


def baseline(url: str, count: int, carry: float) -> float:
    service = prepare(url, count, carry)
    ctx = Context(HR.subject, "hr")
    started = time.perf_counter()
    for first in range(0, count, BATCH):
        plans = [DevelopmentPlan.start(ctx, employee_id=p["id"], period_start=START, period_end=END,
                                       trigger="appraisal_interview",
                                       template={"template_id": str(uuid4()), "version": 1, "milestones": []})
                 for p in people(count)[first:first + BATCH]]
        service.keys.create_many([(str(plan.id), plan.employee_id) for plan in plans])
        service.save(*plans)
    elapsed = time.perf_counter() - started
    service.close()
    return elapsed


def main() -> str:
    sizes = [int(s) for s in os.environ.get("BENCH_CYCLE_SIZES", "1000,10000").split(",")]
    if os.environ.get("BENCH_CYCLE_50K") == "1" and 50_000 not in sizes:
        sizes.append(50_000)
    carry = float(os.environ.get("BENCH_CYCLE_CARRY", "0.1"))
    every_store = os.environ.get("BENCH_CYCLE_STORES", "sqlite") == "all"
    rows = ["| store | people | carried forward | launch | per person | batched save only | per person | "
            "launch / baseline |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    with tempfile.TemporaryDirectory() as tmp:
        for name, make_url, drop in stores(Path(tmp)):
            if name != "SQLite" and not every_store:
                continue
            for count in sizes:
                url = make_url(f"base{count}")
                base = baseline(url, count, carry)
                drop(url)
                url = make_url(f"cycle{count}")
                took, progress = launch(url, count, carry)
                drop(url)
                rows.append(f"| {name} | {count:,} | {progress['carried_forward']:,} | {took:.1f} s | "
                            f"{took / count * 1e3:.2f} ms | {base:.1f} s | {base / count * 1e3:.2f} ms | "
                            f"{took / base:.2f} |")
                print(rows[-1], flush=True)
    table = "\n".join(rows)
    print(table)
    return table


if __name__ == "__main__":
    main()

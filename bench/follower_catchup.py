"""Follower catch-up over HTTP against reading the notification log in-process, and the lag from a plan
write to the changed recommendation and to the follower's read model.

Catch-up: the follower (pages of 1,000 over HTTP, each page applied with its position in one transaction)
against the plan service's own notification-log reader decoding the same events in-process (target:
at least 50 %). Lag: a goal with a new skill is set through the plan API, and the time until the
recommender's suggestions for that employee include the new gap (it asks the plan service, whose views a
projector keeps) and until the follower's read model holds the goal is measured, with the follower running
as in production (`groeipad follow`, polling every RECOMMENDER_FEED_IDLE_MS, default 1000 ms).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from recommender.follower import FeedClient, Follower  # noqa: E402
from recommender.runtime import Runtime  # noqa: E402
from services.plan.application import PlanService  # noqa: E402
from services.plan.domain.plan import Context  # noqa: E402
from services.plan.views.projector import Projector  # noqa: E402
from shared.auth import Principal, TokenSettings, issue_token  # noqa: E402
from shared.config import StoreSettings  # noqa: E402
from tests.integration.servers import BIN, Service, groeipad  # noqa: E402

EVENTS = int(os.environ.get("BENCH_FEED_EVENTS", "20000"))
LAG_SAMPLES = int(os.environ.get("BENCH_LAG_SAMPLES", "20"))
SECRET = "bench-secret-" * 4


def fill_plan_store(url: str) -> int:
    service = PlanService(env=StoreSettings(url).eventsourcing_env())
    people = [{"id": f"p{i}", "name": f"Person {i}"} for i in range(EVENTS // 200 + 1)]
    service.upsert_people({"subject": "bench", "role": "hr"}, people)
    Projector(service).catch_up()  # starting a plan asks the directory's view; no projector process runs yet
    written = 0
    for person in people:
        outcome = service.start_plan(Principal(person["id"], frozenset({"employee"})), None,
                                     employee_id=person["id"], period_start=date(2026, 1, 1),
                                     period_end=date(2026, 12, 31), trigger="continuous_development",
                                     available_hours=1000)
        plan, ctx = outcome.plan, Context(person["id"], "owner")
        for i in range(199):
            plan.assess_skill(ctx, skill=f"skill {i % 30}", category="technical", level=i % 6)
        service.save(plan)
        written += plan.version
        if written >= EVENTS:
            break
    service.close()
    return written


def in_process_rate(url: str) -> tuple[int, float]:
    service = PlanService(env=StoreSettings(url).eventsourcing_env())
    started, position, decoded = time.perf_counter(), 0, 0
    while True:
        page = service.notification_log.select(position, 500, inclusive_of_start=False)
        if not page:
            break
        decoded += len([service.mapper.to_domain_event(n) for n in page])
        position = page[-1].id
    elapsed = time.perf_counter() - started
    service.close()
    return decoded, decoded / elapsed


def follower_rate(plan_url: str, recommender_url: str) -> tuple[int, float]:
    runtime = Runtime.build(recommender_url, create_tables=True)
    follower = Follower(runtime.readmodel, FeedClient(plan_url, TokenSettings(SECRET, "groeipad")), limit=1000)
    started, applied = time.perf_counter(), 0
    while True:
        count, more = follower.run_once()
        applied += count
        if not more:
            break
    elapsed = time.perf_counter() - started
    runtime.close()
    return applied, applied / elapsed


def wait_for(seen, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not seen():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not show within {timeout:.0f} s")
        time.sleep(0.02)


def views_caught_up(plan: Service) -> None:
    """Wait until the plan service's projector has applied the whole log: its catch-up would otherwise compete
    with the follower for the same store while the follower is timed."""
    settings = TokenSettings(SECRET, "groeipad")
    service = {"Authorization": f"Bearer {issue_token(settings, 'bench', ['service'])}"}
    hr = {"Authorization": f"Bearer {issue_token(settings, 'bench', ['hr'])}"}
    head = requests.get(f"{plan.url}/api/v1/feed?limit=1", headers=service, timeout=10).json()["head"]
    wait_for(lambda: "X-Views-Stale" not in requests.get(
        f"{plan.url}/api/v1/people?limit=1", headers={**hr, "X-Min-Position": str(head)}, timeout=10).headers,
        "the plan service's views at the head of the log", timeout=600)


def lag(plan: Service, recommender: Service, env: dict[str, str]) -> tuple[list[float], list[float]]:
    """Per goal set through the plan API: the time until the employee's suggestions name the new gap (the
    recommender asks the plan service, so this is the plan service's views catching up), and the time until the
    follower's read model holds the goal (what the feed teaches the recommender: feedback, the directory)."""
    follower = subprocess.Popen([str(BIN / "groeipad"), "follow"], env={**os.environ, **env,
                                "PLAN_SERVICE_URL": plan.url}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    settings = TokenSettings(SECRET, "groeipad")
    owner = {"Authorization": f"Bearer {issue_token(settings, 'p0', ['employee'])}"}

    def suggested(skill: str) -> bool:
        answer = requests.get(f"{recommender.url}/api/v1/employees/p0/recommendations", headers=owner, timeout=10)
        answer.raise_for_status()
        return any(g["skill"] == skill for g in answer.json()["gaps"])

    def followed(skill: str) -> bool:
        export = requests.get(f"{recommender.url}/api/v1/people/p0/export", headers=owner, timeout=10).json()
        return any(s["skill"] == skill for p in export["plans_as_learned_from_the_feed"]
                   for g in p.get("goals", {}).values() for s in g.get("skills", []))

    try:
        listed = requests.get(f"{plan.url}/api/v1/plans?employee_id=p0", headers=owner, timeout=10).json()
        plan_id = listed["items"][0]["id"]
        warm_up = requests.post(f"{plan.url}/api/v1/plans/{plan_id}/goals", headers=owner, timeout=10, json={
            "title": "Warm-up", "skills": [{"skill": "bench warm-up", "target_level": 3}], "measure": "m",
            "relevance": "r", "deadline": "2026-12-01", "hours_needed": 1})
        warm_up.raise_for_status()  # the follower first catches up the whole log: not part of the lag
        wait_for(lambda: followed("bench warm-up"), "the follower's catch-up", timeout=600)
        to_suggestion, to_read_model = [], []
        for i in range(LAG_SAMPLES):
            skill = f"bench skill {i}"
            started = time.perf_counter()
            answer = requests.post(f"{plan.url}/api/v1/plans/{plan_id}/goals", headers=owner, timeout=10, json={
                "title": f"Goal {i}", "skills": [{"skill": skill, "target_level": 3}], "measure": "m",
                "relevance": "r", "deadline": "2026-12-01", "hours_needed": 1})
            answer.raise_for_status()
            wait_for(lambda skill=skill: suggested(skill), "the new gap in the suggestions")
            to_suggestion.append(time.perf_counter() - started)
            wait_for(lambda skill=skill: followed(skill), "the goal in the follower's read model")
            to_read_model.append(time.perf_counter() - started)
        return to_suggestion, to_read_model
    finally:
        follower.terminate()
        follower.wait(timeout=30)


def p50_p95(samples: list[float]) -> tuple[float, float]:
    p95 = statistics.quantiles(samples, n=20)[-1] if len(samples) >= 2 else samples[0]
    return statistics.median(samples) * 1000, p95 * 1000


def main() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = {"PLAN_DATABASE_URL": f"sqlite:///{work / 'plan.sqlite'}", "GROEIPAD_DATA_DIR": str(work),
               "RECOMMENDER_DATABASE_URL": f"sqlite:///{work / 'recommender.sqlite'}", "GROEIPAD_JWT_SECRET": SECRET}
        os.environ.update(env)
        groeipad("migrate", env=env)
        written = fill_plan_store(env["PLAN_DATABASE_URL"])
        decoded, baseline = in_process_rate(env["PLAN_DATABASE_URL"])
        plan = Service("plan", "services.plan.wsgi:app", env, workers=2).start(work)
        recommender = Service("recommender", "recommender.wsgi:app", {**env, "PLAN_SERVICE_URL": plan.url},
                              workers=1).start(work)
        try:
            views_caught_up(plan)
            applied, measured = follower_rate(plan.url, f"sqlite:///{work / 'followed.sqlite'}")
            to_suggestion, to_read_model = lag(plan, recommender, env)
        finally:
            plan.stop()
            recommender.stop()
    suggestion_p50, suggestion_p95 = p50_p95(to_suggestion)
    follower_p50, follower_p95 = p50_p95(to_read_model)
    rows = ["| measure | value |", "|---|---:|",
            f"| events in the plan store | {written:,} |",
            f"| in-process notification-log read, events/s | {baseline:,.0f} |",
            f"| follower over HTTP into the read model, events/s | {measured:,.0f} ({applied:,} events) |",
            f"| follower / in-process | {measured / baseline:.0%} (target ≥ 50 %: "
            f"{'met' if measured / baseline >= 0.5 else 'missed'}) |",
            f"| lag plan write → the new gap in the suggestions (plan service's views), p50 / p95 | "
            f"{suggestion_p50:.0f} / {suggestion_p95:.0f} ms |",
            f"| lag plan write → the follower's read model, p50 / p95 | {follower_p50:.0f} / {follower_p95:.0f} ms |"]
    table = "\n".join(rows)
    print(table)
    return table


if __name__ == "__main__":
    main()

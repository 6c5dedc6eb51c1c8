"""The plan service's query side (SQL views kept by the projector) on a synthetic organisation.

20 departments, each a manager tree of span 8 under its head, one plan per person with about 10 events
(skills rated, a goal, a learning action started, funding asked, review, completion with a re-rating; where
a plan stops varies by person, so statuses vary). People come in through `upsert_people` (batches of 500,
timed: the people import), plans are saved with `service.save(*plans)` 250 at a time. Then, in the same run:
the library's own notification-log read (`notification_log.select` pages of 1,000 + `mapper.to_domain_event`,
same application) against the projector's catch-up from position 0 (`Projector.catch_up()`, target at least
half); the projector computing and storing the three HR reports (timed); each query through the Flask test
client (`GET /plans?department=` page of 50 as HR, a page of 100 of a department head's team overview with the
team's totals, the three reports as the projector stored them) against raw SQL on a plain driver connection that
answers the same (the same rows with their overdue actions and next check-in, the list's total, the team's totals;
for a report: the GROUP BY that computes it) (target: p95 within 3x), and beside them a bare
Flask app answering the same JSON through the same test client (what any Flask endpoint pays); on the largest
SQLite store, one plan-service gunicorn worker's time from start to `/ready` and its resident memory after one
list, one overview and one report (targets 2 s and 250 MB).
BENCH_VIEW_SIZES (default 1000,10000,50000), BENCH_VIEW_STORES (default SQLite,PostgreSQL),
BENCH_VIEW_PG_MAX (default 10000: larger PostgreSQL sizes are skipped and say so), BENCH_VIEW_ROUNDS (default 200
samples per query and side, fewer where a side's samples pass BLOCK_SECONDS), BENCH_VIEW_CATCH_UP_ROUNDS (default 3),
BENCH_VIEW_CATCH_UP_EVENTS (default 300000: fewer rounds on big logs) and BENCH_VIEW_ONLY (`catchup`: only the import
and the catch-up rounds).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import requests
from flask import Flask, jsonify

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.stores import stores  # noqa: E402
from services.plan.app import create_app  # noqa: E402
from services.plan.application import PlanService  # noqa: E402
from services.plan.domain.plan import Context, DevelopmentPlan  # noqa: E402
from services.plan.views import tables as view_tables  # noqa: E402
from services.plan.views.projector import PAGE, Projector  # noqa: E402
from services.plan.views.queries import OVERDUE_ACTION  # noqa: E402
from shared.auth import TokenSettings, issue_token  # noqa: E402
from shared.config import StoreSettings  # noqa: E402
from tests.integration.servers import BIN, free_port  # noqa: E402

SIZES = tuple(int(s) for s in os.environ.get("BENCH_VIEW_SIZES", "1000,10000,50000").split(","))
PG_MAX = int(os.environ.get("BENCH_VIEW_PG_MAX", "10000"))
ROUNDS = int(os.environ.get("BENCH_VIEW_ROUNDS", "200"))
BLOCK_SECONDS = 15.0  # a block of samples stops here once it holds MIN_SAMPLES (the big stores' slow queries)
MIN_SAMPLES = 20
CATCH_UP_ROUNDS = int(os.environ.get("BENCH_VIEW_CATCH_UP_ROUNDS", "3"))
# At most this many events read per side in all catch-up rounds together (by default 50,000 people: 1 round).
CATCH_UP_EVENTS = int(os.environ.get("BENCH_VIEW_CATCH_UP_EVENTS", "300000"))
STORES = os.environ.get("BENCH_VIEW_STORES", "SQLite,PostgreSQL").split(",")
CATCH_UP_ONLY = os.environ.get("BENCH_VIEW_ONLY", "") == "catchup"
DEPARTMENTS = 20
SPAN = 8
PLAN_BATCH = 250
SECRET = "bench-secret-" * 4
SKILLS = ["Communicatie", "Projectmanagement", "Python", "Storingsanalyse", "Teammanagement", "Excel",
          "Veiligheid", "Planning", "Klantgerichtheid", "Engels"]
START, END = date(2026, 1, 1), date(2026, 12, 31)
HR = {"subject": "bench-hr", "role": "hr"}
TODAY = date.today().isoformat()


def overdue(plan: str) -> str:
    """The overdue actions of PLAN (an SQL expression), by the service's one rule."""
    return f"(SELECT COUNT(*) FROM {{actions}} a WHERE a.plan_id = {plan} AND {OVERDUE_ACTION})"


# -- the organisation ----------------------------------------------------------------------------------
def department(d: int) -> str:
    return f"Afdeling {d + 1:02d}"


def person_id(d: int, k: int) -> str:
    return f"e{d:02d}-{k:05d}"


def organisation(size: int) -> list[dict]:
    """SIZE people in DEPARTMENTS trees of span SPAN; member 0 of each department is its head."""
    people = []
    for d in range(DEPARTMENTS):
        members = size // DEPARTMENTS + (1 if d < size % DEPARTMENTS else 0)
        for k in range(members):
            people.append({"id": person_id(d, k), "name": f"Medewerker {d}-{k}",
                           "email": f"{person_id(d, k)}@example.org",
                           "manager_id": person_id(d, (k - 1) // SPAN) if k else None, "department": department(d),
                           "job_title": "Teamleider" if k and k * SPAN < members else "Monteur"})
    return people


def plan_for(person: dict, index: int) -> DevelopmentPlan:
    """About 10 events; where the plan stops depends on INDEX, so statuses, funding and overdue vary."""
    owner = Context(person["id"], "owner")
    plan = DevelopmentPlan.start(owner, employee_id=person["id"], period_start=START, period_end=END,
                                 trigger="continuous_development", available_hours=80,
                                 available_budget=Decimal(2000))
    first, second = SKILLS[index % len(SKILLS)], SKILLS[(index * 3 + 1) % len(SKILLS)]
    plan.assess_skill(owner, skill=first, category="technical", level=index % 3 + 1, status="to_improve")
    plan.assess_skill(owner, skill=second, category="behavioural", level=index % 5 + 1)
    goal = f"g-{index}"
    plan.set_goal(owner, goal_id=goal, title=f"{first} verbeteren", skills=[{"skill": first, "target_level": 4}],
                  measure="beoordeling door leidinggevende 4 of hoger", hours_needed=30,
                  budget_needed=Decimal(900), relevance="nodig voor het werk", deadline=END)
    action = f"a-{index}"
    month = index % 10 + 1
    plan.plan_action(owner, action_id=action, goal_ids=[goal], means="external_course", title=f"Cursus {first}",
                     planned_start=date(2026, month, 1), planned_end=date(2026, month, 1) + timedelta(days=40),
                     hours=24, cost=Decimal(850))
    stage = index % 5
    if stage >= 1:
        plan.request_funding(owner, action, amount=Decimal(850), justification="past bij de afdelingsdoelen")
    if stage >= 2:
        plan.submit_for_review(owner, note="graag bekijken")
    if stage >= 3 and person["manager_id"]:
        manager = Context(person["manager_id"], "manager")
        plan.review(manager, outcome="approved", comment="prima")
        plan.approve_funding(manager, action)
        plan.start_action(owner, action, on=date(2026, month, 1))
        if stage >= 4:
            plan.complete_action(owner, action, on=date(2026, month, 1) + timedelta(days=30), evaluation=4,
                                 skill_levels=[{"skill": first, "level": 3}])
    else:
        plan.review_progress(owner, note="op schema")
    return plan


def fill(service: PlanService, size: int) -> tuple[list[dict], float, int]:
    """The people (imported and timed) and their plans; returns (people, import seconds, events)."""
    people = organisation(size)
    started = time.perf_counter()
    service.upsert_people(HR, people)
    imported = time.perf_counter() - started
    events = size
    for at in range(0, len(people), PLAN_BATCH):
        batch = [plan_for(person, at + i) for i, person in enumerate(people[at:at + PLAN_BATCH])]
        service.keys.create_many([(str(plan.id), plan.employee_id) for plan in batch])
        service.save(*batch)
        events += sum(plan.version for plan in batch)
    return people, imported, events


# -- catch-up ------------------------------------------------------------------------------------------
def library_read_rate(service: PlanService) -> tuple[int, float]:
    started, position, decoded = time.perf_counter(), 0, 0
    while True:
        page = service.notification_log.select(position, PAGE, inclusive_of_start=False)
        if not page:
            break
        decoded += len([service.mapper.to_domain_event(n) for n in page])
        position = page[-1].id
    return decoded, decoded / (time.perf_counter() - started)


def projector_rate(service: PlanService, scratch: str | None = None) -> tuple[int, float]:
    """Catch-up from 0 into the live views, or into a scratch set of tables (dropped after)."""
    projector = (Projector(service) if scratch is None else
                 Projector(service, name=scratch, suffix=f"_{scratch}", snapshots=False))
    started = time.perf_counter()
    applied = projector.catch_up()
    elapsed = time.perf_counter() - started
    if scratch is not None:
        view_tables.drop(service.view_store, view_tables.physical(f"_{scratch}"))
        with service.view_store.transaction(commit=True) as cursor:
            service.view_store.set_position(cursor, scratch, None)
    return applied, applied / elapsed


def catch_up_rounds(service: PlanService, events: int) -> tuple[float, float, float, int]:
    """CATCH_UP_ROUNDS rounds (fewer on big logs), each the library's read then the projector's catch-up from 0
    (the first into the live views, the others into scratch tables): median library rate, median projector
    rate, median per-round ratio, events."""
    library, projector, ratios = [], [], []
    library_read_rate(service)  # untimed: the first read of a big log warms the caches the projector reads through
    for round_ in range(max(1, min(CATCH_UP_ROUNDS, CATCH_UP_EVENTS // events))):
        read, lib = library_read_rate(service)
        applied, proj = projector_rate(service, None if round_ == 0 else f"bench{round_}")
        assert applied == read, (applied, read)
        library.append(lib)
        projector.append(proj)
        ratios.append(proj / lib)
    return statistics.median(library), statistics.median(projector), statistics.median(ratios), read


# -- queries -------------------------------------------------------------------------------------------
class Raw:
    """A plain driver connection to the views' tables, for the baseline queries."""

    def __init__(self, url: str, service: PlanService) -> None:
        self.store = service.view_store
        self.tables = view_tables.physical()
        if self.store.postgres:
            import psycopg

            base, _, schema = url.partition("?schema=")
            self.connection = psycopg.connect(base, autocommit=True)
            self.connection.execute(f'SET search_path TO "{schema}"')
        else:
            self.connection = sqlite3.connect(url.removeprefix("sqlite:///"), check_same_thread=False)

    def run(self, text: str, params: tuple) -> int:
        cursor = self.connection.execute(self.store.sql(text, self.tables), params)
        return len(cursor.fetchall())

    def close(self) -> None:
        self.connection.close()


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] * 1000 if len(samples) > 1 else samples[0] * 1000


def timed(call, rounds: int = ROUNDS) -> float:
    """p95 of ROUNDS calls, or of those made in BLOCK_SECONDS once there are MIN_SAMPLES: a p95 of twenty samples
    is their largest but one, and one pause of the machine moved it by milliseconds."""
    call()  # warm-up: caches and query plans
    samples, block = [], time.perf_counter()
    for i in range(rounds):
        started = time.perf_counter()
        call(i)
        samples.append(time.perf_counter() - started)
        if len(samples) >= MIN_SAMPLES and time.perf_counter() - block > BLOCK_SECONDS:
            break
    return p95(samples)


def bare_flask(body: Any) -> Callable[..., Any]:
    """A GET of a Flask app whose one route answers BODY as JSON (jsonify), through Flask's test client: no token,
    no arguments, no SQL. What any Flask endpoint pays for an answer of this size, whatever its query."""
    app = Flask("floor")
    app.get("/")(lambda: jsonify(body))
    client = app.test_client()
    return lambda i=0: client.get("/")


def measure_queries(url: str, service: PlanService) -> dict[str, tuple[float, float, int, float]]:
    """Per query: (endpoint p95 ms, raw SQL p95 ms, rows answered, bare Flask answering the same JSON p95 ms)."""
    settings = TokenSettings(SECRET, "groeipad")
    client = create_app({"PLAN_SERVICE": service, "TOKENS": settings}).test_client()
    hr = {"Authorization": f"Bearer {issue_token(settings, 'bench-hr', ('hr',))}"}
    head = person_id(0, 0)
    boss = {"Authorization": f"Bearer {issue_token(settings, head, ('manager', 'employee'))}"}
    raw = Raw(url, service)
    results: dict[str, tuple[float, float, int, float]] = {}
    bodies: dict = {}

    def endpoint(path, headers, key="items"):
        def call(i=0):
            response = client.get(path(i) if callable(path) else path, headers=headers)
            assert response.status_code == 200, response.get_data(as_text=True)[:300]
            bodies[call] = response.json
            return len(response.json[key])
        return call

    def sql(text, params):
        def call(i=0):
            return raw.run(text, params(i) if callable(params) else params)
        return call

    queries = {
        "`GET /plans?department=` (page of 50)": (
            endpoint(lambda i: f"/api/v1/plans?department={department(i % DEPARTMENTS)}&limit=50", hr),
            sql("SELECT p.*, pe.name, pe.department, " + overdue("p.plan_id") + " AS overdue, "
                "(SELECT MIN(c.on_date) FROM {checkins} c WHERE c.plan_id = p.plan_id AND c.status = 'scheduled') "
                "AS next_checkin, (SELECT COUNT(*) FROM {plans} q JOIN {people} qe ON qe.person_id = q.employee_id "
                "WHERE qe.department = ?) AS total FROM {plans} p JOIN {people} pe ON pe.person_id = p.employee_id "
                "WHERE pe.department = ? ORDER BY p.employee_id, p.period_start LIMIT 50",
                lambda i: (TODAY, department(i % DEPARTMENTS), department(i % DEPARTMENTS)))),
        "team overview, department head (page of 100 + team totals)": (
            endpoint(f"/api/v1/teams/{head}/overview?limit=100", boss, "members"),
            sql("WITH t AS (SELECT pe.person_id, pe.name, (SELECT c.plan_id FROM {plans} c WHERE c.employee_id = "
                "pe.person_id ORDER BY (c.status <> 'closed') DESC, c.period_start DESC LIMIT 1) AS plan_id "
                "FROM {managers} m JOIN {people} pe ON pe.person_id = m.person_id WHERE m.manager_id = ?), "
                "s AS (SELECT t.*, q.status, q.funding_pending, " + overdue("t.plan_id") + " AS overdue "
                "FROM t LEFT JOIN {plans} q ON q.plan_id = t.plan_id) "
                "SELECT s.person_id, s.name, s.overdue, p.*, tot.* FROM s LEFT JOIN {plans} p ON p.plan_id = s.plan_id "
                "CROSS JOIN (SELECT COUNT(*) AS team, "
                "SUM(CASE WHEN status = 'submitted' THEN 1 ELSE 0 END) AS reviews, "
                "SUM(COALESCE(funding_pending, 0)) AS funding, SUM(overdue) AS overdue_actions, "
                "SUM(CASE WHEN status = 'submitted' OR funding_pending > 0 OR overdue > 0 THEN 1 ELSE 0 END) "
                "AS attention FROM s) tot ORDER BY s.name, s.person_id LIMIT 100", (head, TODAY))),
        "report: plan status (stored; raw: its GROUP BY)": (
            endpoint("/api/v1/reports/plan-status", hr),
            sql("SELECT pe.department, p.status, COUNT(*), COUNT(DISTINCT p.employee_id) FROM {plans} p "
                "LEFT JOIN {people} pe ON pe.person_id = p.employee_id WHERE p.erased = 0 "
                "GROUP BY pe.department, p.status", ())),
        "report: skills coverage (stored; raw: its GROUP BY)": (
            endpoint("/api/v1/reports/skills-coverage", hr),
            sql("SELECT pe.department, s.skill_key, COUNT(DISTINCT s.employee_id), AVG(s.level) FROM {skills} s "
                "JOIN {plans} p ON p.plan_id = s.plan_id LEFT JOIN {people} pe ON pe.person_id = s.employee_id "
                "WHERE p.status <> 'closed' GROUP BY pe.department, s.skill_key", ())),
        "report: training (stored; raw: its GROUP BY)": (
            endpoint("/api/v1/reports/training", hr),
            sql("SELECT pe.department, SUBSTR(a.planned_start, 1, 4), COUNT(DISTINCT p.employee_id), SUM(a.hours) "
                "FROM {actions} a JOIN {plans} p ON p.plan_id = a.plan_id LEFT JOIN {people} pe "
                "ON pe.person_id = p.employee_id WHERE a.status <> 'cancelled' "
                "GROUP BY pe.department, SUBSTR(a.planned_start, 1, 4)", ())),
    }
    try:
        for name, (api, baseline) in queries.items():
            rows = api()
            if not name.startswith("report"):  # the baseline answers the same rows (a report's are stored apart)
                assert baseline() == rows, (name, baseline(), rows)
            floor = bare_flask(bodies[api])
            # Alternate the sides in blocks so all see the same machine load.
            api_p95, raw_p95, floor_p95 = [], [], []
            for _ in range(2):
                api_p95.append(timed(api, ROUNDS // 2))
                raw_p95.append(timed(baseline, ROUNDS // 2))
                floor_p95.append(timed(floor, ROUNDS // 2))
            results[name] = (statistics.mean(api_p95), statistics.mean(raw_p95), rows, statistics.mean(floor_p95))
    finally:
        raw.close()
    return results


# -- a gunicorn worker on a big store --------------------------------------------------------------------
def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker_start(url: str, workdir: Path) -> tuple[float, float]:
    """Seconds from starting gunicorn (one worker) to a 200 from /ready, and the worker's RSS in MiB after a
    list, a team overview and a report."""
    port = free_port()
    env = {**os.environ, "PLAN_DATABASE_URL": url, "GROEIPAD_JWT_SECRET": SECRET, "GUNICORN_WORKERS": "1",
           "GROEIPAD_CREATE_TABLES": "0", "GROEIPAD_DATA_DIR": str(workdir),
           "PROMETHEUS_MULTIPROC_DIR": str(workdir / "metrics")}
    env.pop("PLAN_VIEWS_INLINE", None)
    (workdir / "metrics").mkdir(exist_ok=True)
    log = (workdir / "gunicorn.log").open("w")
    started = time.perf_counter()
    process = subprocess.Popen([str(BIN / "gunicorn"), "--config", str(ROOT / "deploy/gunicorn.conf.py"), "--bind",
                                f"127.0.0.1:{port}", "services.plan.wsgi:app"], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        ready = None
        while time.perf_counter() - started < 60:
            try:
                if requests.get(f"http://127.0.0.1:{port}/ready", timeout=1).status_code == 200:
                    ready = time.perf_counter() - started
                    break
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.02)
        if ready is None:
            raise RuntimeError("the plan service did not become ready in 60 s")
        settings = TokenSettings(SECRET, "groeipad")
        hr = {"Authorization": f"Bearer {issue_token(settings, 'bench-hr', ('hr',))}"}
        head = person_id(0, 0)
        boss = {"Authorization": f"Bearer {issue_token(settings, head, ('manager', 'employee'))}"}
        base = f"http://127.0.0.1:{port}/api/v1"
        for path, headers in ((f"/plans?department={department(0)}&limit=50", hr),
                              (f"/teams/{head}/overview", boss), ("/reports/plan-status", hr)):
            requests.get(base + path, headers=headers, timeout=60).raise_for_status()
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        return ready, max(rss_mib(int(pid)) for pid in children)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


# -- the run -------------------------------------------------------------------------------------------
def run_size(store: str, url: str, size: int, workdir: Path, last: bool) -> dict:
    env = StoreSettings(url).eventsourcing_env()
    service = PlanService(env=env)
    try:
        t0 = time.perf_counter()
        _people, imported, events = fill(service, size)
        print(f"{store} {size}: {events} events stored in {time.perf_counter() - t0:.0f} s "
              f"(people import {imported:.1f} s)", flush=True)
    finally:
        service.close()
    # A fresh application for the reads: nothing of the writes is cached.
    service = PlanService(env=env)
    try:
        library, projected, ratio, read = catch_up_rounds(service, events)
        print(f"{store} {size}: library read {library:.0f} ev/s, projector {projected:.0f} ev/s, ratio {ratio:.2f} "
              f"({read} events)", flush=True)
        if CATCH_UP_ONLY:
            return {"events": events, "import": imported, "library": library, "projector": projected,
                    "ratio": ratio, "queries": {}, "worker": None, "refresh": None}
        started = time.perf_counter()
        Projector(service).refresh_reports()  # what `groeipad project` does when the views moved
        refresh = time.perf_counter() - started
        print(f"{store} {size}: the projector computed and stored the three reports in {refresh:.2f} s", flush=True)
        queries = measure_queries(url, service)
        for name, (api, raw, rows, floor) in queries.items():
            print(f"{store} {size}: {name}: {api:.2f} ms vs raw {raw:.2f} ms ({rows} rows; bare Flask {floor:.2f} ms)",
                  flush=True)
    finally:
        service.close()
    worker = worker_start(url, workdir) if last and store == "SQLite" else None
    if worker:
        print(f"{store} {size}: worker ready in {worker[0]:.2f} s, RSS {worker[1]:.0f} MiB", flush=True)
    return {"events": events, "import": imported, "library": library, "projector": projected, "ratio": ratio,
            "queries": queries, "worker": worker, "refresh": refresh}


def table(results: dict[tuple[str, int], dict], skipped: list[str]) -> str:
    sizes = sorted({size for _, size in results})
    steps = list(zip(sizes, sizes[1:], strict=False))
    lines = ["| store | people | events | operation | endpoint p95 | raw SQL p95 | ratio | rows "
             "| bare Flask, same JSON p95 |", "|---|---:|---:|---|---:|---:|---:|---:|---:|"]
    if CATCH_UP_ONLY:
        lines = []
    for (store, size), r in results.items():
        for name, (api, raw, rows, floor) in r["queries"].items():
            lines.append(f"| {store} | {size:,} | {r['events']:,} | {name} | {api:.2f} ms | {raw:.2f} ms | "
                         f"{api / raw:.1f}x | {rows:,} | {floor:.2f} ms |")
    if not CATCH_UP_ONLY:
        lines += ["", "Growth of the endpoint p95 with the organisation (x = the later size's p95 over the earlier's; "
                  f"{' -> '.join(f'{s:,}' for s in sizes)} people):", "",
                  "| store | operation | " + " | ".join(f"{a:,} -> {b:,}" for a, b in steps) + " |",
                  "|---|---|" + "---:|" * (len(sizes) - 1)]
    for store in dict.fromkeys(s for s, _ in results):
        names = next(r["queries"] for (s, _), r in results.items() if s == store)
        for name in names:
            cells = []
            for a, b in steps:
                if (store, a) in results and (store, b) in results:
                    growth = results[store, b]["queries"][name][0] / results[store, a]["queries"][name][0]
                    cells.append(f"{growth:.1f}x")
                else:
                    cells.append("-")
            lines.append(f"| {store} | {name} | " + " | ".join(cells) + " |")
    lines += ["", f"Catch-up: median of up to {CATCH_UP_ROUNDS} rounds (fewer on big logs), each the library's "
              "read then the projector from 0; the ratio is the median of the per-round ratios.", "",
              "| store | people | people import (`upsert_people`) | library log read | projector catch-up from 0 "
              "| projector / library | projector: the three reports computed and stored |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    for (store, size), r in results.items():
        lines.append(f"| {store} | {size:,} | {r['import']:.1f} s ({size / r['import']:,.0f}/s) | "
                     f"{r['library']:,.0f} ev/s | {r['projector']:,.0f} ev/s | {r['ratio']:.0%} | "
                     + (f"{r['refresh']:.2f} s |" if r["refresh"] is not None else "- |"))
    workers = [(store, size, r["worker"]) for (store, size), r in results.items() if r["worker"]]
    if workers:
        lines += ["", "| store | people | plan worker: start to /ready | worker RSS after a list, an overview "
                  "and a report |", "|---|---:|---:|---:|"]
        lines += [f"| {s} | {n:,} | {w[0]:.2f} s | {w[1]:.0f} MiB |" for s, n, w in workers]
    if skipped:
        lines += ["", *(f"_{line}_" for line in skipped)]
    return "\n".join(lines)


def main() -> str:
    results: dict[tuple[str, int], dict] = {}
    skipped: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-views-") as tmp:
        work = Path(tmp)
        for store, make_url, drop in stores(work):
            if store not in STORES:
                continue
            for size in SIZES:
                if store == "PostgreSQL" and size > PG_MAX:
                    skipped.append(f"PostgreSQL at {size:,} people: skipped (BENCH_VIEW_PG_MAX={PG_MAX:,}; generating "
                                   "it takes too long on this shared machine)")
                    continue
                url = make_url(f"views-{size}")
                try:
                    results[store, size] = run_size(store, url, size, work, last=size == max(SIZES))
                finally:
                    drop(url)
                    if url.startswith("sqlite"):
                        for suffix in ("", "-wal", "-shm", ".keys", ".keys-wal", ".keys-shm"):
                            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    report = table(results, skipped)
    print(report)
    return report


if __name__ == "__main__":
    main()

"""Plan writes through HTTP (gunicorn) against the eventsourcing library saving the same events in-process.

Both sides store one ProgressReviewed event per write, on the same kind of store, with 1 and 16 concurrent
clients, each client on its own plan. The baseline is the library's own `Repository.get`, the command and
`Application.save`; that get() copies the cached plan, whole history included, as the library does by default,
while the service lends its cached plan to the write under a lock, so the ratio grows with the plans' history
(BENCH_WRITES=500 shows it). HTTP clients keep one connection each, send `Prefer: return=minimal` (RFC 7240), as a busy
integration would, and are lean (requests built before the clock starts, answers read off the socket), as a
load generator should be: the figure is the service's cost, not the client's.
The two sides alternate for several rounds on fresh plans against one running server, after one warm-up round
each; the rates are the medians of their rounds, and the ratio is the median of the rounds' ratios, each
HTTP round against the baseline round just before it (this box's CPUs and disk are shared and noisy).
Target: HTTP at least 60 % of in-process.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eventsourcing.application import Repository  # noqa: E402

from bench.stores import stores  # noqa: E402
from services.plan.application import PlanService  # noqa: E402
from services.plan.domain.plan import Context, DevelopmentPlan  # noqa: E402
from shared.auth import Principal, TokenSettings, issue_token  # noqa: E402
from shared.config import StoreSettings  # noqa: E402
from tests.integration.servers import Service, groeipad  # noqa: E402

WRITES_PER_CLIENT = int(os.environ.get("BENCH_WRITES", "150"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))
Plans = list[tuple[str, object]]


def seed_people_and_plans(service: PlanService, clients: int, prefix: str = "bench") -> Plans:
    people = [{"id": f"{prefix}{i}", "name": f"Bench {i}"} for i in range(clients)]
    service.upsert_people({"subject": "bench", "role": "hr"}, people)
    plans = []
    for person in people:
        principal = Principal(person["id"], frozenset({"employee"}))
        outcome = service.start_plan(principal, None, employee_id=person["id"], period_start=date(2026, 1, 1),
                                     period_end=date(2026, 12, 31), trigger="continuous_development")
        plans.append((person["id"], outcome.plan.id))
    return plans


def rate(plans: Plans, client) -> float:
    """Events per second with one thread per plan, each running CLIENT(person, plan_id)."""
    started = time.perf_counter()
    with ThreadPoolExecutor(len(plans)) as pool:
        list(pool.map(lambda args: client(*args), plans))
    return len(plans) * WRITES_PER_CLIENT / (time.perf_counter() - started)


def in_process_round(service: PlanService, plans: Plans) -> float:
    def client(person: str, plan_id) -> None:
        ctx = Context(person, "owner")
        for i in range(WRITES_PER_CLIENT):
            plan: DevelopmentPlan = Repository.get(service.repository, plan_id)  # the library's get, not ours
            plan.review_progress(ctx, note=f"note {i}")
            service.save(plan)

    return rate(plans, client)


class KeepAliveClient:
    """One HTTP/1.1 connection sending ready-made requests and reading each answer by its Content-Length."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""

    def send(self, request: bytes) -> int:
        self.sock.sendall(request)
        while (end := self.buffer.find(b"\r\n\r\n")) < 0:
            self._receive()
        head = self.buffer[:end + 2].decode("latin-1")
        length = next(int(line.split(":", 1)[1]) for line in head.split("\r\n")
                      if line.lower().startswith("content-length:"))
        while len(self.buffer) < end + 4 + length:
            self._receive()
        self.buffer = self.buffer[end + 4 + length:]
        return int(head.split(" ", 2)[1])

    def _receive(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buffer += chunk

    def close(self) -> None:
        self.sock.close()


def progress_requests(plan_id, token: str) -> list[bytes]:
    requests = []
    for i in range(WRITES_PER_CLIENT):
        body = json.dumps({"note": f"note {i}"}).encode()
        requests.append(f"POST /api/v1/plans/{plan_id}/progress HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        f"Authorization: Bearer {token}\r\nPrefer: return=minimal\r\n"
                        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)
    return requests


def http_round(port: int, tokens: TokenSettings, plans: Plans) -> float:
    ready = {plan_id: progress_requests(plan_id, issue_token(tokens, person, ["employee"]))
             for person, plan_id in plans}

    def client(person: str, plan_id) -> None:
        connection = KeepAliveClient(port)
        try:
            for request in ready[plan_id]:
                if (status := connection.send(request)) != 201:
                    raise RuntimeError(f"write answered {status}")
        finally:
            connection.close()

    return rate(plans, client)


def measure(base_url: str, http_url: str, clients: int, workdir: Path) -> tuple[list[float], list[float]]:
    """(in-process rates, HTTP rates), one of each per round, alternating."""
    env = {"PLAN_DATABASE_URL": http_url, "GROEIPAD_DATA_DIR": str(workdir), "GROEIPAD_JWT_SECRET": "bench-secret-" * 4}
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ.update(env)
    groeipad("migrate", env=env)
    baseline = PlanService(env=StoreSettings(base_url).eventsourcing_env())
    seeder = PlanService(env=StoreSettings(http_url).eventsourcing_env())
    server = Service("plan", "services.plan.wsgi:app", env, workers=2).start(workdir)
    tokens = TokenSettings(secret=env["GROEIPAD_JWT_SECRET"], audience="groeipad")
    in_process, http = [], []
    try:
        for round_ in range(ROUNDS + 1):  # round 0 warms both sides up (pools, the worker's index) and is not counted
            in_process.append(in_process_round(baseline, seed_people_and_plans(baseline, clients, f"r{round_}-")))
            http.append(http_round(server.port, tokens, seed_people_and_plans(seeder, clients, f"r{round_}-")))
    finally:
        server.stop()
        baseline.close(), seeder.close()
    return in_process[1:], http[1:]


def main() -> str:
    rows = ["| store | clients | in-process events/s | HTTP events/s | HTTP / in-process | rounds: lowest-highest "
            "| target |", "|---|---:|---:|---:|---:|---:|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for store, make_url, drop in stores(workdir):
            for clients in (1, 16):
                base_url, http_url = make_url(f"base{clients}"), make_url(f"http{clients}")
                in_process, http = measure(base_url, http_url, clients, workdir / f"{store}{clients}")
                drop(base_url), drop(http_url)
                baseline, measured = statistics.median(in_process), statistics.median(http)
                per_round = sorted(h / b for h, b in zip(http, in_process, strict=True))
                ratio = statistics.median(per_round)  # each round against its own back-to-back baseline
                rows.append(f"| {store} | {clients} | {baseline:,.0f} | {measured:,.0f} | {ratio:.0%} | "
                            f"{per_round[0]:.0%}-{per_round[-1]:.0%} | "
                            f"{'met' if ratio >= 0.6 else 'missed'} (≥ 60 %) |")
    table = "\n".join(rows)
    print(table)
    return table


if __name__ == "__main__":
    main()

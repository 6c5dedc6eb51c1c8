"""kill -9 of the plan service mid-write: every acknowledged write survives, nothing half-written shows."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest
import requests

from tests.integration.servers import Service, groeipad

pytestmark = pytest.mark.integration


def children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as listing:
        return [int(child) for child in listing.read().split()]


def bearer(env, subject):
    return {"Authorization": "Bearer " + groeipad("token", "--subject", subject, "--role", "employee", env=env)}


@pytest.mark.parametrize("victim", ["workers", "master"])
def test_acknowledged_writes_survive_kill_9(store_url, tmp_path, victim):
    env = {"PLAN_DATABASE_URL": store_url, "GROEIPAD_DATA_DIR": str(tmp_path / "var")}
    groeipad("migrate", env=env)
    groeipad("seed-demo", env=env)
    karim = bearer(env, "karim")
    service = Service("plan", "services.plan.wsgi:app", env, workers=2).start(tmp_path)
    plan_id = requests.get(f"{service.url}/api/v1/plans", headers=karim, timeout=10).json()["items"][0]["id"]
    acked: list[str] = []
    stop = threading.Event()
    lock = threading.Lock()

    def writer(n: int) -> None:
        session, i = requests.Session(), 0
        while not stop.is_set():
            note = f"writer {n} write {i}"
            i += 1
            try:
                response = session.post(f"{service.url}/api/v1/plans/{plan_id}/progress", headers=karim,
                                        json={"note": note}, timeout=5)
            except requests.RequestException:
                continue
            if response.status_code == 201:
                with lock:
                    acked.append(note)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    master = service.process.pid
    if victim == "workers":
        for pid in children(master):
            os.kill(pid, signal.SIGKILL)  # the master forks new workers; the load goes on
        time.sleep(1.5)
    else:
        os.kill(master, signal.SIGKILL)
        time.sleep(0.5)
        service.stop(signal.SIGKILL)  # orphaned workers, if any are left
    stop.set()
    for thread in threads:
        thread.join()
    assert len(acked) > 5, "the load did not get going before the kill"

    restarted = Service("plan", "services.plan.wsgi:app", env, workers=2).start(tmp_path)
    try:
        history = requests.get(f"{restarted.url}/api/v1/plans/{plan_id}/history", headers=karim,
                               timeout=10).json()["events"]
        notes = [e["data"].get("note") for e in history if e["type"] == "ProgressReviewed"]
        assert set(acked) <= set(notes), "an acknowledged write was lost"
        assert len(notes) == len(set(notes)), "a write was stored twice"
        assert [e["version"] for e in history] == list(range(1, len(history) + 1))
        plan = requests.get(f"{restarted.url}/api/v1/plans/{plan_id}", headers=karim, timeout=10)
        assert plan.status_code == 200 and plan.json()["version"] == len(history)
    finally:
        restarted.stop()
        service.stop()

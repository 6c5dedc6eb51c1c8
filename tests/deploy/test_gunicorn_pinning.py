"""gunicorn settings: workers pinned to CPUs only where they cover every CPU they may use, spread evenly, switchable;
sizes validated with the variable named."""

from __future__ import annotations

import os
import runpy
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from shared.config import ConfigError
from tests.integration.servers import ROOT, Service, groeipad

CONF = ROOT / "deploy/gunicorn.conf.py"


def load_conf(monkeypatch, cpus: set[int], workers: int, setting: str | None = None) -> dict:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(cpus))
    monkeypatch.setenv("GUNICORN_WORKERS", str(workers))
    if setting is None:
        monkeypatch.delenv("GUNICORN_PIN_WORKERS", raising=False)
    else:
        monkeypatch.setenv("GUNICORN_PIN_WORKERS", setting)
    return runpy.run_path(str(CONF))


def spawn(conf: dict, live: dict) -> SimpleNamespace:
    """What the master does for one new worker: pre_fork, then it joins the live ones."""
    worker = SimpleNamespace()
    conf["pre_fork"](SimpleNamespace(WORKERS=live), worker)
    live[len(live) + 1000] = worker
    return worker


@pytest.mark.parametrize(("cpus", "workers", "pinned"), [({0, 1}, 2, [0, 1]), ({2, 3}, 4, [2, 3]), ({0}, 2, [0])])
def test_by_default_workers_are_pinned_when_they_cover_every_cpu(monkeypatch, cpus, workers, pinned):
    assert load_conf(monkeypatch, cpus, workers)["PINNED_CPUS"] == pinned


def test_by_default_a_process_that_may_use_more_cpus_than_it_has_workers_is_left_to_the_scheduler(monkeypatch):
    conf = load_conf(monkeypatch, set(range(16)), 2)
    assert conf["PINNED_CPUS"] == []
    worker = spawn(conf, {})
    assert not hasattr(worker, "cpu")


def test_pinning_is_switched_on_or_off_explicitly_and_a_bad_value_is_named(monkeypatch):
    assert load_conf(monkeypatch, set(range(16)), 2, "1")["PINNED_CPUS"] == list(range(16))
    assert load_conf(monkeypatch, {0, 1}, 2, "0")["PINNED_CPUS"] == []
    with pytest.raises(ConfigError, match="GUNICORN_PIN_WORKERS must be a yes/no value"):
        load_conf(monkeypatch, {0, 1}, 2, "sometimes")


def test_each_new_worker_takes_the_cpu_fewest_live_workers_use(monkeypatch):
    conf = load_conf(monkeypatch, {0, 1}, 4)
    live: dict = {}
    assert [spawn(conf, live).cpu for _ in range(4)] == [0, 1, 0, 1]
    del live[1000]  # a worker on CPU 0 died: its replacement goes there
    assert spawn(conf, live).cpu == 0


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
                    reason="needs at least two CPUs")
def test_real_workers_run_pinned_one_per_cpu(tmp_path: Path):
    env = {"GROEIPAD_DATA_DIR": str(tmp_path), "GUNICORN_PIN_WORKERS": "1",
           "PLAN_DATABASE_URL": f"sqlite:///{tmp_path / 'plan.sqlite'}"}
    groeipad("migrate", env=env)
    server = Service("plan", "services.plan.wsgi:app", env, workers=2).start(tmp_path)
    try:
        pids = subprocess.run(["pgrep", "-P", str(server.process.pid)], capture_output=True, text=True).stdout.split()
        affinities = [os.sched_getaffinity(int(pid)) for pid in pids]
        allowed = os.sched_getaffinity(0)
        assert len(affinities) == 2 and all(len(cpus) == 1 and cpus <= allowed for cpus in affinities)
        assert affinities[0] != affinities[1]
    finally:
        server.stop()


def test_a_bad_worker_count_is_refused_naming_the_variable(monkeypatch):
    with pytest.raises(ConfigError, match="GUNICORN_WORKERS must be a whole number, got 'many'"):
        load_conf(monkeypatch, {0, 1}, "many")

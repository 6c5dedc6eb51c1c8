"""The demo stack the browser tests drive: plan service with its projector, portal, real recommender with its
follower, as gunicorn subprocesses on free ports with their own data dir. tests/portal/conftest.py starts it
once per test session for the browser files that only need the demo story's data; files that need another
configuration (notifier, single sign-on) start their own `Stack`."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from tests.integration.servers import BIN, ROOT, free_port


class Stack:
    """The services as subprocesses on free ports with their own data dir; stopped by their own pids."""

    def __init__(self, data: Path):
        self.data, self.processes, self.notes = data, [], []
        self.ports = {name: free_port() for name in ("plan", "recommender", "portal")}
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("PYTEST", "GROEIPAD_", "PORTAL_", "PLAN_VIEWS_INLINE"))}
        self.env.update(
            GROEIPAD_DATA_DIR=str(data), GROEIPAD_JWT_SECRET="browser-test-secret-long-enough-for-hs256",
            PLAN_PORT=str(self.ports["plan"]), RECOMMENDER_PORT=str(self.ports["recommender"]),
            PORTAL_PORT=str(self.ports["portal"]), PLAN_SERVICE_URL=self.url("plan"),
            RECOMMENDER_URL=self.url("recommender"), GUNICORN_WORKERS="1", GUNICORN_THREADS="4",
            GROEIPAD_LOG_LEVEL="warning", PORTAL_DEFAULT_LANGUAGE="en", PATH=f"{BIN}:{os.environ.get('PATH', '')}")

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def run(self, *args: str) -> str:
        done = subprocess.run([str(BIN / "groeipad"), *args], env=self.env, cwd=ROOT, capture_output=True,
                              text=True, timeout=180)
        assert done.returncode == 0, f"groeipad {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def start(self, name: str, *command: str) -> subprocess.Popen:
        log = open(self.data / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        metrics = self.data / "metrics" / name  # as deploy/Procfile gives the plan service
        metrics.mkdir(parents=True, exist_ok=True)
        env = {**self.env, "PROMETHEUS_MULTIPROC_DIR": str(metrics)}
        process = subprocess.Popen(list(command), env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        process.log_file, process.name = log, name
        self.processes.append(process)
        return process

    def gunicorn(self, name: str, app: str) -> subprocess.Popen:
        return self.start(name, str(BIN / "gunicorn"), "--config", "deploy/gunicorn.conf.py", "--bind",
                          f"127.0.0.1:{self.ports[name]}", app)

    def wait(self, name: str, path: str = "/health", seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url(name) + path, timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise AssertionError(f"{name} did not answer on {path}:\n{self.log(name)}")

    def log(self, name: str) -> str:
        path = self.data / f"{name}.log"
        return path.read_text()[-3000:] if path.exists() else ""

    def stop(self, process: subprocess.Popen) -> None:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        process.log_file.close()

    def stop_all(self) -> None:
        for process in reversed(self.processes):
            self.stop(process)

    def token(self, subject: str, *roles: str) -> str:
        args = ["token", "--subject", subject] + [x for role in roles for x in ("--role", role)]
        return self.run(*args).strip()


def recommender_answers(stack: Stack) -> bool:
    """The real recommender serves the parts of the contract the portal's story needs."""
    headers = {"Authorization": f"Bearer {stack.token('sophie', 'employee')}"}
    try:
        answer = requests.post(stack.url("recommender") + "/api/v1/recommendations", headers=headers, timeout=30,
                               json={"gaps": [{"skill": "project management", "current_level": 1,
                                               "target_level": 3}], "limit": 5})
        skills = requests.get(stack.url("recommender") + "/api/v1/skills", params={"q": "proj"}, headers=headers,
                              timeout=10)
    except requests.RequestException:
        return False
    return answer.status_code == 200 and bool(answer.json().get("recommendations")) and skills.status_code == 200


@contextmanager
def demo_stack(data: Path) -> Iterator[Stack]:
    """The demo data seeded, the services started and answering; stopped by their own pids afterwards."""
    stack = Stack(data)
    commands = stack.run("--help")
    stack.run("migrate")
    print(stack.run("seed-demo"))
    real = (ROOT / "recommender" / "wsgi.py").exists()
    if real and "seed-recommender-demo" in commands:
        stack.run("seed-recommender-demo")
    try:
        stack.gunicorn("plan", "services.plan.wsgi:app")
        stack.start("projector", str(BIN / "groeipad"), "project")
        stack.gunicorn("portal", "services.portal.wsgi:app")
        if real:
            stack.gunicorn("recommender", "recommender.wsgi:app")
            if "follow" in commands:
                stack.start("follower", str(BIN / "groeipad"), "follow")
        stack.wait("plan")
        stack.wait("portal")
        if real:
            stack.wait("recommender", seconds=120)
        if not real or not recommender_answers(stack):
            stack.notes.append("the real recommender does not serve /recommendations and /skills yet: "
                               "using the contract stand-in tests/portal/fake_recommender.py")
            for process in [p for p in stack.processes if p.name == "recommender"]:
                stack.stop(process)
            stack.gunicorn("recommender", "tests.portal.fake_recommender:create_app()")
            stack.wait("recommender", "/api/v1/reports/demand")
        yield stack
    finally:
        stack.stop_all()
    for note in stack.notes:
        print("NOTE:", note)

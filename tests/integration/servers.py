"""Start Groeipad services as real gunicorn processes on free ports, and stop them again."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Service:
    """One gunicorn master with its workers; `url` is where it answers."""

    name: str
    module: str
    env: dict[str, str]
    workers: int = 2
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    log_path: Path | None = None
    projector: subprocess.Popen | None = None  # the plan service's views are kept by their own process

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, log_dir: Path, timeout: float = 30) -> Service:
        self.log_path = log_dir / f"{self.name}-{self.port}.log"
        env = {**os.environ, **self.env, "GUNICORN_WORKERS": str(self.workers), "GROEIPAD_CREATE_TABLES": "0"}
        env.pop("PLAN_VIEWS_INLINE", None)
        if self.module.startswith("services.plan") and (self.projector is None or self.projector.poll() is not None):
            self.projector = subprocess.Popen([str(BIN / "groeipad"), "project"], cwd=ROOT, env=env,
                                              stdout=(log_dir / f"{self.name}-projector.log").open("a"),
                                              stderr=subprocess.STDOUT, start_new_session=True)
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", str(ROOT / "deploy/gunicorn.conf.py"),
             "--bind", f"127.0.0.1:{self.port}", self.module],
            cwd=ROOT, env=env, stdout=self.log_path.open("w"), stderr=subprocess.STDOUT,
            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log_path.read_text()[-3000:]}")
            try:
                if self.workers_ready() and requests.get(f"{self.url}/ready", timeout=1).status_code == 200:
                    return self
            except (requests.ConnectionError, requests.Timeout):
                pass
            time.sleep(0.2)
        self.stop()  # never leave a half-started server behind
        raise RuntimeError(f"{self.name} not ready in {timeout}s: {self.log_path.read_text()[-3000:]}")

    def workers_ready(self) -> bool:
        """Every worker has built its app, not just the first: each listens on its own socket (reuse_port in
        deploy/gunicorn.conf.py), so a client could otherwise wait on one that is still starting."""
        level = {**os.environ, **self.env}.get("GROEIPAD_LOG_LEVEL", "info").lower()
        if level not in {"debug", "info"}:
            return True  # the line is logged at info level; /ready alone has to do
        return self.log_path.read_text().count("Worker ready") >= self.workers

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.projector and self.projector.poll() is None:
            os.killpg(self.projector.pid, signal.SIGKILL)
            self.projector.wait()
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def groeipad(*args: str, env: dict[str, str]) -> str:
    """Run the `groeipad` command as an operator would; fail loudly with its output."""
    result = subprocess.run([str(BIN / "groeipad"), *args], cwd=ROOT, env={**os.environ, **env},
                            capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"groeipad {' '.join(args)} failed: {result.stdout}{result.stderr}")
    return result.stdout.strip()

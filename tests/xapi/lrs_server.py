"""A real learning record store for the tests: Ralph (ralph-malph) with its file backend, on a free port.

Ralph lives in its own virtual environment (tests/xapi/ralph/.venv, from ralph/requirements.txt): its CLI pins
a click older than Flask's. .ci/run creates it; here it is created on first use when missing. Without it the
tests skip, unless REQUIRE_LRS=1 (CI), where they fail.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

RALPH = Path(__file__).parent / "ralph"
VENV = RALPH / ".venv"
PYTHON = VENV / "bin" / "python"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_ralph() -> Path:
    """The Ralph venv's python, installing it from the pinned requirements when missing."""
    if (VENV / ".installed").exists():
        return PYTHON
    try:
        if not PYTHON.exists():
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True, capture_output=True, timeout=300)
        subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "-r", str(RALPH / "requirements.txt")],
                       check=True, capture_output=True, timeout=900)
    except (subprocess.SubprocessError, OSError) as error:
        detail = getattr(error, "stderr", b"") or b""
        message = f"Ralph (ralph-malph) could not be installed: {error} {detail.decode(errors='replace')[-500:]}"
        if os.environ.get("REQUIRE_LRS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    (VENV / ".installed").touch()
    return PYTHON


@dataclass
class RalphLrs:
    """One Ralph process; `url` is its xAPI endpoint."""

    directory: Path
    username: str = "groeipad"
    password: str = "lrs-secret-for-tests"
    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    def env(self) -> dict[str, str]:
        return {**os.environ, "RALPH_APP_DIR": str(self.directory / "app"),
                "RALPH_AUTH_FILE": str(self.directory / "auth.json"), "RALPH_RUNSERVER_BACKEND": "fs",
                "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.directory / "statements"),
                # No default file: each write makes a file of its own. With one (fs_lrs.jsonl) Ralph's file
                # backend refuses every write after the first ("already exists and overwrite is not allowed").
                "RALPH_BACKENDS__LRS__FS__DEFAULT_LRS_FILE": ""}

    def create_credentials(self) -> None:
        python = ensure_ralph()
        (self.directory / "statements").mkdir(parents=True, exist_ok=True)
        subprocess.run([str(python), "-m", "ralph", "auth", "-u", self.username, "-p", self.password, "-s", "all",
                        "-A", self.username, "https://lrs-client.example", "-w"],
                       check=True, capture_output=True, env=self.env(), timeout=120)

    def start(self, port: int | None = None) -> RalphLrs:
        if not (self.directory / "auth.json").exists():
            self.create_credentials()
        self.port = port or self.port or free_port()
        log = open(self.directory / "ralph.log", "ab")  # noqa: SIM115 (kept open while the process runs)
        self.process = subprocess.Popen([str(PYTHON), "-m", "uvicorn", "ralph.api:app", "--host", "127.0.0.1",
                                         "--port", str(self.port)], env=self.env(), stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Ralph stopped: {(self.directory / 'ralph.log').read_text()[-2000:]}")
            try:
                if requests.get(f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("Ralph did not start within 60 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self.process = None

    def statements(self) -> list[dict]:
        """Every statement Ralph holds, read back over its xAPI API (not from its files)."""
        found, url = [], f"{self.url}statements"
        params: dict | None = {"limit": 500}
        while url:
            answer = requests.get(url, params=params, auth=(self.username, self.password), timeout=10,
                                  headers={"X-Experience-API-Version": "1.0.3"})
            answer.raise_for_status()
            page = answer.json()
            found.extend(page["statements"])
            more = page.get("more")
            url, params = (f"http://127.0.0.1:{self.port}{more}" if more else ""), None
        return found

    def post(self, statement: dict) -> int:
        """Store a statement as an LMS would (POST)."""
        return requests.post(f"{self.url}statements", json=statement, auth=(self.username, self.password),
                             headers={"X-Experience-API-Version": "1.0.3"}, timeout=10).status_code


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)

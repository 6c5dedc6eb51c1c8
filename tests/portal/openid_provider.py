"""A real OpenID provider for the single sign-on tests: panva/oidc-provider (tests/oidc_provider) run by node.

`npm ci` installs it from the committed package-lock.json on first use. The provider keeps its signing keys
in a file, so restarting it with `signing_kids="b,a"` is a key rotation: the new key signs, the old one is
still published. `clock_offset` runs it under libfaketime, as a provider whose clock is behind.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import requests

from tests.integration.servers import free_port

FOLDER = Path(__file__).resolve().parents[1] / "oidc_provider"


def missing_tools() -> str | None:
    """Why the provider cannot run here, or None."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            return f"{tool} is missing (apt-get install -y nodejs npm)"
    return None


def install() -> None:
    """node_modules from the lock file, unless it is there and as new as the lock file."""
    marker = FOLDER / "node_modules" / ".package-lock.json"
    if marker.exists() and marker.stat().st_mtime >= (FOLDER / "package-lock.json").stat().st_mtime:
        return
    done = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=FOLDER,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"npm ci in {FOLDER} failed:\n{done.stdout}\n{done.stderr}"


class OpenIdProvider:
    """One provider on a free port of localhost (the portal runs on 127.0.0.1: no shared cookies)."""

    def __init__(self, data: Path, client: dict, accounts: dict[str, dict]):
        install()
        self.port = free_port()
        self.issuer = f"http://localhost:{self.port}"
        self.client, self.accounts = client, accounts
        self.keys_file = data / "oidc-provider-keys.json"
        self.log_path = data / "oidc-provider.log"
        self.process: subprocess.Popen | None = None

    def start(self, signing_kids: str = "a", clock_offset: str | None = None, id_token_ttl: int = 3600) -> None:
        env = {**os.environ, "ISSUER": self.issuer, "CLIENT": json.dumps(self.client),
               "ACCOUNTS": json.dumps(self.accounts), "KEYS_FILE": str(self.keys_file),
               "SIGNING_KIDS": signing_kids, "ID_TOKEN_TTL": str(id_token_ttl)}
        command = ["node", "provider.js"]
        if clock_offset:
            assert shutil.which("faketime"), "faketime is missing (apt-get install -y faketime)"
            command = ["faketime", "-f", clock_offset, *command]
            env["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"
        log = self.log_path.open("a")
        self.process = subprocess.Popen(command, cwd=FOLDER, env=env, stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the provider stopped:\n{self.log()}"
            try:
                if requests.get(self.issuer + "/jwks", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise AssertionError(f"the provider did not answer:\n{self.log()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None

    def restart(self, **kwargs) -> None:
        self.stop()
        self.start(**kwargs)

    def published_kids(self) -> list[str]:
        return [key["kid"] for key in requests.get(self.issuer + "/jwks", timeout=5).json()["keys"]]

    def log(self) -> str:
        return self.log_path.read_text()[-3000:] if self.log_path.exists() else ""

"""The real plan service served over HTTP from a thread of the test process, for services that call it.

Its views are brought up to date at each save (PLAN_VIEWS_INLINE, tests/conftest.py), so what a test wrote
is what the next call reads. `stop()` takes it away: the caller then meets a refused connection.
"""

from __future__ import annotations

import threading
from pathlib import Path

from werkzeug.serving import make_server

from recommender.plan_gaps import PlanGapsClient
from services.plan.app import create_app
from shared.auth import TokenSettings, issue_token
from tests.conftest import TEST_SECRET

ORG_CSV = ("id,name,email,manager_id,department,job_title\n"
           "petra,Petra Jansen,,,Administratie,Teamleider\n"
           "sophie,Sophie Willems,,petra,Administratie,Medewerker\n"
           "marieke,Marieke de Vries,,petra,TD,Manager TD\n"
           "karim,Karim El Amrani,,marieke,TD,Monteur\n"
           "hanna,Hanna Mulder,,petra,HR,HR-adviseur\n")


def bearer(subject: str, *roles: str) -> dict[str, str]:
    token = issue_token(TokenSettings(TEST_SECRET, "groeipad"), subject, roles or ("employee",))
    return {"Authorization": f"Bearer {token}"}


class LivePlanService:
    """A plan service on SQLite in FOLDER, listening on a free port of 127.0.0.1."""

    def __init__(self, folder: Path):
        self.app = create_app({"PLAN_DATABASE_URL": f"sqlite:///{folder / 'plan.sqlite'}"})
        self.client = self.app.test_client()
        answer = self.client.post("/api/v1/people/import", data=ORG_CSV,
                                  headers={**bearer("hanna", "hr"), "Content-Type": "text/csv"})
        assert answer.status_code == 200, answer.get_json()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def gaps_client(self, timeout: float = 5.0) -> PlanGapsClient:
        return PlanGapsClient(self.url, TokenSettings(TEST_SECRET, "groeipad"), timeout=timeout)

    def call(self, method: str, path: str, who: str, body: dict | None = None, status: int | None = None) -> dict:
        answer = self.client.open(f"/api/v1{path}", method=method, json=body, headers=bearer(who))
        if status is not None:
            assert answer.status_code == status, answer.get_json()
        return answer.get_json()

    def stop(self) -> None:
        if self.thread.is_alive():
            self.server.shutdown()
            self.thread.join()
            self.server.server_close()

    def close(self) -> None:
        self.stop()
        self.app.extensions["plan_service"].close()

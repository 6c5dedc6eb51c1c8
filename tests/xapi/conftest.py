"""Fixtures of the xAPI tests: a real LRS (Ralph), the plan service and the recommender over HTTP, a sync."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from recommender.app import create_app as create_recommender
from recommender.runtime import Runtime as RecommenderRuntime
from services.plan.app import create_app as create_plan
from tests.xapi.lrs_server import RalphLrs

ORG_CSV = ("id,name,email,manager_id,department,job_title\n"
           "marieke,Marieke de Vries,marieke@example.org,,TD,Manager TD\n"
           "karim,Karim El Amrani,karim@example.org,marieke,TD,Monteur\n"
           "sophie,Sophie Willems,sophie@example.org,marieke,TD,Monteur\n")
HOME = "https://groeipad.example.org"


class Server:
    """A WSGI app on a free port in a thread: real HTTP for the sync's clients."""

    def __init__(self, app) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()


@pytest.fixture(scope="session")
def ralph_credentials(tmp_path_factory) -> Path:
    """Ralph's auth file, made once (bcrypt is slow on purpose)."""
    directory = tmp_path_factory.mktemp("ralph-auth")
    RalphLrs(directory).create_credentials()
    return directory / "auth.json"


@pytest.fixture
def lrs(tmp_path, ralph_credentials):
    directory = tmp_path / "lrs"
    directory.mkdir()
    shutil.copy(ralph_credentials, directory / "auth.json")
    ralph = RalphLrs(directory).start()
    yield ralph
    ralph.stop()


@pytest.fixture
def plan_server(tmp_path, tokens):
    app = create_plan({"PLAN_DATABASE_URL": f"sqlite:///{tmp_path / 'plan.sqlite'}"})
    answer = app.test_client().post("/api/v1/people/import", data=ORG_CSV,
                                    headers={**tokens("hanna", "hr"), "Content-Type": "text/csv"})
    assert answer.status_code == 200, answer.json
    server = Server(app)
    server.app = app
    yield server
    server.stop()
    app.extensions["plan_service"].close()


@pytest.fixture
def recommender_server(tmp_path):
    runtime = RecommenderRuntime.build(f"sqlite:///{tmp_path / 'recommender.sqlite'}")
    app = create_recommender({"RUNTIME": runtime})
    server = Server(app)
    server.app = app
    yield server
    server.stop()
    runtime.close()

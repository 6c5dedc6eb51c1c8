"""Fixtures of the notifier tests: a fresh store on SQLite and PostgreSQL, a directory, an SMTP server."""

from __future__ import annotations

import pytest

from services.notifier.delivery import Delivery, DeliverySettings, Unsubscribe
from services.notifier.mailer import SmtpSender, SmtpSettings
from services.notifier.rules import FeedRules
from services.notifier.runtime import build_store
from services.notifier.sweep import Sweep, SweepSettings
from tests.conftest import TEST_SECRET
from tests.notifier.notifier_helpers import Directory, OverdueAnswers, SmtpRecorder, start_smtp


class Clock:
    """A clock the test moves."""

    def __init__(self, now) -> None:
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def store(store_url):
    app, notifier_store = build_store(store_url, create_tables=True)
    yield notifier_store
    app.close()


@pytest.fixture
def directory():
    return Directory()


@pytest.fixture
def rules(directory):
    return FeedRules(directory)


@pytest.fixture
def smtp():
    recorder = SmtpRecorder()
    controller = start_smtp(recorder)
    recorder.url = f"smtp://127.0.0.1:{controller.port}"
    yield recorder
    recorder.gate.set()
    controller.stop()


def make_delivery(store, directory, smtp_url: str, clock, **settings) -> Delivery:
    return Delivery(store, directory, SmtpSender(SmtpSettings.from_url(smtp_url)), Unsubscribe(TEST_SECRET),
                    DeliverySettings(sender="groeipad@example.org", portal_url="https://groeipad.example.org",
                                     **settings), clock)


def make_sweep(store, directory, clock, actions=None, cycles=None, **settings) -> Sweep:
    return Sweep(store, directory, actions or OverdueAnswers(), SweepSettings(**settings), clock, cycles)


PLAN_ORG = ("id,name,email,manager_id,department,job_title\nmarieke,Marieke,marieke@example.org,,TD,Manager\n"
            "karim,Karim,karim@example.org,marieke,TD,Monteur\nhanna,Hanna,hanna@example.org,,HR,HR\n"
            + "".join(f"td{n},Monteur {n},td{n}@example.org,marieke,TD,Monteur\n" for n in range(4)))


@pytest.fixture
def plan_service(tmp_path, tokens):
    """A real plan service over HTTP (werkzeug on a free port) with a small directory; (test client, base URL)."""
    import threading

    from werkzeug.serving import make_server

    from services.plan.app import create_app
    from tests.notifier.notifier_helpers import free_port

    app = create_app({"PLAN_DATABASE_URL": f"sqlite:///{tmp_path / 'plan.sqlite'}"})
    client = app.test_client()
    assert client.post("/api/v1/people/import", data=PLAN_ORG,
                       headers={**tokens("hanna", "hr"), "Content-Type": "text/csv"}).status_code == 200
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield client, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    app.extensions["plan_service"].close()

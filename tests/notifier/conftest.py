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


def make_sweep(store, directory, clock, actions=None, **settings) -> Sweep:
    return Sweep(store, directory, actions or OverdueAnswers(), SweepSettings(**settings), clock)

"""Fuzzing the notifier's OpenAPI with schemathesis: no 5xx, every answer as documented."""

from __future__ import annotations

import pytest

from services.notifier.app import create_app
from services.notifier.rules import FeedRules
from tests.conftest import TEST_SECRET
from tests.fuzz.fuzzing import fuzz_every_operation
from tests.notifier.notifier_helpers import Directory, Events

CALLERS = [("karim", ("employee",)), ("marieke", ("employee", "manager")), ("hanna", ("employee", "hr")),
           ("root", ("admin",)), ("portal", ("service",))]


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    patch = pytest.MonkeyPatch()
    patch.setenv("GROEIPAD_JWT_SECRET", TEST_SECRET)
    patch.setenv("GROEIPAD_DATA_DIR", str(tmp_path_factory.mktemp("var")))
    app = create_app({"NOTIFIER_DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('db') / 'n.sqlite'}"})
    e = Events()
    events = [e("PlanStarted"), e("PlanSubmittedForReview", note="n"),
              e("FeedbackReceived", "marieke", "manager", source="manager", text="t")]
    app.extensions["notifier_store"].apply_page(events, 3, FeedRules(Directory()).decide)
    yield app
    app.extensions["notifier_app"].close()
    patch.undo()


def test_no_server_error_and_documented_answers(fuzz_app):
    fuzz_every_operation(fuzz_app, CALLERS, minimum_operations=7)

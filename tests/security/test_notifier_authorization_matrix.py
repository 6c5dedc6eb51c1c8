"""Authorisation matrix of the notifier, generated from its OpenAPI document: operation x caller.

Each person reads and changes only their own notifications and choices; the portal (a service) redeems
unsubscribe links; the person, HR, admins and services export what the notifier holds about someone.
A new endpoint without a row fails.
"""

from __future__ import annotations

import pytest

from services.notifier import kinds as k
from services.notifier.app import create_app
from services.notifier.delivery import Unsubscribe
from services.notifier.rules import FeedRules
from shared.auth import TokenSettings, issue_token
from tests.conftest import TEST_SECRET
from tests.notifier.notifier_helpers import Directory, Events

CALLERS = {"karim": ("employee",), "sophie": ("employee",), "marieke": ("employee", "manager"),
           "hanna": ("employee", "hr"), "daan": ("ld",), "root": ("admin",), "portal": ("service",)}
PEOPLE = ("karim", "sophie", "marieke", "hanna", "daan", "root")


def allow(*callers: str, status: int = 200, hidden: tuple[str, ...] = ()) -> dict[str, int]:
    return {c: status if c in callers else 404 if c in hidden else 403 for c in CALLERS}


MATRIX = {
    ("GET", "/api/v1/notifications"): (allow(*PEOPLE), None),
    ("POST", "/api/v1/notifications/{notification_id}/read"): (
        allow("karim", hidden=tuple(p for p in PEOPLE if p != "karim")), {}),
    ("POST", "/api/v1/notifications/read"): (allow(*PEOPLE), {}),
    ("GET", "/api/v1/preferences"): (allow(*PEOPLE), None),
    ("PUT", "/api/v1/preferences"): (allow(*PEOPLE), {"kinds": {k.WEEKLY_DIGEST: k.DIGEST}}),
    ("POST", "/api/v1/unsubscribe"): (allow("portal", "root"), "token"),
    ("GET", "/api/v1/people/{person_id}/export"): (allow("karim", "hanna", "root", "portal"), None),
}


def headers(caller: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(TokenSettings(TEST_SECRET, 'groeipad'), caller, CALLERS[caller])}"}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    patch = pytest.MonkeyPatch()
    patch.setenv("GROEIPAD_JWT_SECRET", TEST_SECRET)
    patch.setenv("GROEIPAD_DATA_DIR", str(tmp_path_factory.mktemp("var")))
    application = create_app({"NOTIFIER_DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('db') / 'n.sqlite'}"})
    e = Events()
    events = [e("PlanStarted"), e("FeedbackReceived", "marieke", "manager", source="manager", text="t")]
    application.extensions["notifier_store"].apply_page(events, 2, FeedRules(Directory()).decide)
    yield application
    application.extensions["notifier_app"].close()
    patch.undo()


def spec_operations(app) -> set[tuple[str, str]]:
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    return {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops if m in {"get", "post", "put", "patch"}}


def test_every_operation_has_a_row(app):
    assert spec_operations(app) == set(MATRIX), "the matrix and the OpenAPI document disagree"


@pytest.mark.parametrize(("operation", "caller"), [(op, c) for op in MATRIX for c in CALLERS],
                         ids=lambda v: " ".join(v) if isinstance(v, tuple) else v)
def test_cell(app, operation, caller):
    method, template = operation
    expected, body = MATRIX[operation]
    client = app.test_client()
    notification_id = client.get("/api/v1/notifications", headers=headers("karim")).get_json()["items"][0]["id"]
    path = template.format(notification_id=notification_id, person_id="karim")
    if body == "token":
        body = {"token": Unsubscribe(TEST_SECRET).token("karim", k.WEEKLY_DIGEST)}
    response = client.open(path, method=method, json=body, headers=headers(caller))
    assert response.status_code == expected[caller], (caller, response.get_json())
    if expected[caller] >= 400:
        assert set(response.get_json()) == {"status", "message", "errors"}, "an error must carry no data"

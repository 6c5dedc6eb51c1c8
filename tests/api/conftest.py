"""Fixtures of the plan API tests: an app with a small org (a manager-of-manager chain) on a given store."""

from __future__ import annotations

import pytest
from plan_api_helpers import ORG_CSV, ROLES

from services.plan.app import create_app


def make_app(url: str, tokens):
    app = create_app({"PLAN_DATABASE_URL": url})
    response = app.test_client().post("/api/v1/people/import", data=ORG_CSV,
                                      headers={**tokens("hanna", "hr"), "Content-Type": "text/csv"})
    assert response.status_code == 200, response.json
    return app


@pytest.fixture
def app(tmp_path, tokens):
    """Plain SQLite: for tests where the store does not matter."""
    app = make_app(f"sqlite:///{tmp_path / 'plan.sqlite'}", tokens)
    yield app
    app.extensions["plan_service"].close()


@pytest.fixture
def store_app(store_url, tokens):
    """On SQLite and on PostgreSQL: for write paths, history, idempotency and the feed."""
    app = make_app(store_url, tokens)
    yield app
    app.extensions["plan_service"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def store_client(store_app):
    return store_app.test_client()


@pytest.fixture
def auth(tokens):
    """auth("karim") -> the Authorization header of that person with their usual roles.

    HR and admins state a purpose for reading plans that are not their reports' (the access log);
    these headers carry one. tests/api/test_access_log.py checks what happens without it.
    """

    def make(subject: str, *roles: str) -> dict[str, str]:
        roles = roles or ROLES.get(subject, ("employee",))
        headers = tokens(subject, *roles)
        if {"hr", "admin"} & set(roles):
            headers.update({"X-Access-Purpose": "audit", "X-Access-Reason": "yearly audit of development plans"})
        return headers

    return make

"""Portal fixtures: the real plan service in-process (seeded once, copied per test), a contract-shaped fake
recommender, the portal wired to both through a test transport, and helpers that sign in with CSRF tokens."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
import requests
from flask import Flask

from recommender.plan_gaps import PlanGaps
from services.portal.accounts import build_portal_store, seed_demo_accounts
from services.portal.api_client import Reply
from services.portal.app import create_app
from services.portal.settings import PortalSettings
from shared.auth import TokenSettings, issue_token
from tests.portal.browser_stack import demo_stack
from tests.portal.fake_recommender import create_app as fake_recommender
from tests.portal.real_recommender import plan_client

TEST_SECRET = "test-secret-that-is-long-enough-for-hs256-signing"  # as tests/conftest.py sets it

PLAN_URL = "http://plan.test"
RECOMMENDER_URL = "http://recommender.test"
DEMO_PASSWORD = "groeipad-demo"
MASTER_KEY_FILE = "dev-groeipad_master_key"  # the development master key read_secret makes in the data dir
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="session")
def seeded_dir(tmp_path_factory):
    """The demo organisation and plans, seeded once through the plan API, plus the demo accounts."""
    folder = tmp_path_factory.mktemp("seed")
    saved = {k: os.environ.get(k) for k in ("GROEIPAD_DATA_DIR", "GROEIPAD_JWT_SECRET")}
    os.environ.update(GROEIPAD_DATA_DIR=str(folder), GROEIPAD_JWT_SECRET=TEST_SECRET)
    try:
        from services.plan.demo import seed

        seed()
        store = build_portal_store(url=f"sqlite:///{folder / 'portal.sqlite'}")
        seed_demo_accounts(store, DEMO_PASSWORD)
        store.close()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return folder


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    """The demo stack of real processes, started once for the browser files that share it (test_browser.py,
    test_browser_editing.py, test_browser_manager_assessment.py, test_accessibility.py). Each of them signs in as
    the people of its own story and checks what its own steps did, so none relies on another having run or not."""
    with demo_stack(tmp_path_factory.mktemp("browser-data")) as shared:
        yield shared


class FlaskTransport:
    """Routes the portal's HTTP calls to in-process Flask apps; a missing app is a service that is down."""

    def __init__(self, apps: dict[str, Flask | None]):
        self.clients = {base: (app.test_client() if app else None) for base, app in apps.items()}
        self.calls: list[tuple[str, str]] = []
        self.params: list[dict | None] = []  # the query of each call, in the same order

    def request(self, method, url, *, headers, params, body, timeout) -> Reply:
        base = next(b for b in self.clients if url.startswith(b))
        self.calls.append((method, url))
        self.params.append(params)
        for value in headers.values():
            value.encode("latin-1")  # as requests does: a header that HTTP cannot carry fails here too
        client = self.clients[base]
        if client is None:
            raise requests.ConnectionError(f"{base} is down")
        response = client.open(url[len(base):], method=method, headers=headers, query_string=params, data=body)
        return Reply(response.status_code, dict(response.headers), response.get_data())


def portal_settings(**overrides) -> PortalSettings:
    values = dict(secret_key="portal-test-secret", plan_url=PLAN_URL, recommender_url=RECOMMENDER_URL,
                  secure_cookies=False, trust_proxy=False, session_hours=8, api_timeout=5.0, login_max_failures=5,
                  login_max_failures_per_ip=20, login_window_seconds=900, default_language="en",
                  demo_password=DEMO_PASSWORD)
    values.update(overrides)
    return PortalSettings(**values)


@pytest.fixture
def plan_app(seeded_dir, tmp_path):
    from services.plan.app import build_plan_service
    from services.plan.app import create_app as create_plan_app

    data = Path(os.environ["GROEIPAD_DATA_DIR"])  # this test's own data dir (tests/conftest.py)
    shutil.copytree(seeded_dir, data, dirs_exist_ok=True)  # the store, its key file and the dev secrets
    service = build_plan_service(url=f"sqlite:///{data / 'plan.sqlite'}")
    yield create_plan_app({"PLAN_SERVICE": service})
    service.close()


@pytest.fixture
def recommender_app(plan_app):
    """The stand-in asks the in-process plan service for a person's gaps, with a service token, as the real one."""
    app = fake_recommender()
    plan = plan_app.test_client()

    def gaps_of(person_id: str) -> PlanGaps:
        token = issue_token(TokenSettings(TEST_SECRET, "groeipad"), "recommender", ["service"])
        answer = plan.get(f"/api/v1/people/{person_id}/skills", headers={"Authorization": f"Bearer {token}"})
        if answer.status_code == 404:
            return PlanGaps(None, [])
        body = answer.get_json()
        return PlanGaps(body["plan_id"], [i for i in body["items"] if i["gap"]],
                        frozenset(o["offer_id"] for o in body["offers"] if o["status"] != "cancelled"))

    app.config["gaps_of"] = gaps_of
    return app


@pytest.fixture(scope="session")
def seeded_recommender(tmp_path_factory):
    """The recommender's demo catalogue (164 offers) and role profiles, seeded once."""
    from recommender.demo import seed

    path = tmp_path_factory.mktemp("recommender") / "recommender.sqlite"
    seed(f"sqlite:///{path}")
    return path


@pytest.fixture
def real_runtime(seeded_recommender, tmp_path):
    """The real recommender's store, a copy of the seeded one per test, with its matcher built."""
    from recommender.runtime import Runtime

    target = tmp_path / "recommender.sqlite"
    shutil.copy(seeded_recommender, target)
    runtime = Runtime.build(f"sqlite:///{target}")
    runtime.matcher.refresh()
    yield runtime
    runtime.close()


@pytest.fixture
def real_recommender(plan_app, real_runtime):
    """The real recommender, which asks the in-process plan service at each request (its follower is not run)."""
    from recommender.app import create_app as create_recommender

    return create_recommender({"RUNTIME": real_runtime, "PLAN_GAPS": plan_client(plan_app, PLAN_URL, TEST_SECRET)})


@pytest.fixture
def real_portal(make_portal, plan_app, real_recommender):
    """A portal on the real plan service and the real recommender."""
    return make_portal(FlaskTransport({PLAN_URL: plan_app, RECOMMENDER_URL: real_recommender}))


@pytest.fixture
def transport(plan_app, recommender_app):
    return FlaskTransport({PLAN_URL: plan_app, RECOMMENDER_URL: recommender_app})


@pytest.fixture
def make_portal(seeded_dir, tmp_path):
    """A portal on a copy of the seeded account store, with the given transport and settings."""
    stores = []

    def make(transport, **overrides):
        target = tmp_path / f"portal-{len(stores)}.sqlite"
        shutil.copy(Path(seeded_dir) / "portal.sqlite", target)
        for part in (".keys", ".keys-wal"):  # the account keys (crypto-shredding), sealed with the master key
            if (Path(seeded_dir) / f"portal.sqlite{part}").exists():
                shutil.copy(Path(seeded_dir) / f"portal.sqlite{part}", f"{target}{part}")
        data = Path(os.environ["GROEIPAD_DATA_DIR"])
        data.mkdir(parents=True, exist_ok=True)
        if not (data / MASTER_KEY_FILE).exists():
            shutil.copy(Path(seeded_dir) / MASTER_KEY_FILE, data / MASTER_KEY_FILE)
        store = build_portal_store(url=f"sqlite:///{target}")
        stores.append(store)
        return create_app({"SETTINGS": portal_settings(**overrides), "PORTAL_STORE": store,
                           "API_TRANSPORT": transport, "TESTING": True})

    yield make
    for store in stores:
        store.close()


@pytest.fixture
def portal(make_portal, transport):
    return make_portal(transport)


@pytest.fixture
def client(portal):
    return portal.test_client()


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


class Browser:
    """A test client that keeps the CSRF token of the last page, like a person filling in forms."""

    def __init__(self, client):
        self.client = client
        self.token = None

    def get(self, path, **kwargs):
        response = self.client.get(path, **kwargs)
        match = CSRF.search(response.get_data(as_text=True)) if response.mimetype == "text/html" else None
        if match:
            self.token = match.group(1)
        return response

    def post(self, path, data=None, **kwargs):
        if self.token is None:
            self.get("/login")
        return self.client.post(path, data={"csrf_token": self.token, **(data or {})}, **kwargs)

    def login(self, username, password=DEMO_PASSWORD):
        self.get("/login")
        response = self.post("/login", {"username": username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        self.get("/account")
        return response


@pytest.fixture
def browser(client):
    return Browser(client)


@pytest.fixture
def signed_in(client):
    def sign_in(username):
        b = Browser(client)
        b.login(username)
        return b

    return sign_in


def first_plan_id(browser: Browser, employee: str) -> str:
    html = browser.get("/plan").get_data(as_text=True) if employee == "me" else ""
    match = re.search(r'/plans/([0-9a-f-]{36})', html)
    assert match, "no plan link on the dashboard"
    return match.group(1)

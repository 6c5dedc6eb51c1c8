"""Fixtures every test layer shares: stores on SQLite and PostgreSQL, tokens, fresh data dirs."""

from __future__ import annotations

import os
import uuid

import psycopg
import pytest

from shared.auth import TokenSettings, issue_token

# Plan services built in the test process bring their views up to date at each save (no projector process
# there); tests/integration/servers.py starts real processes without it, with `groeipad project` beside them.
os.environ["PLAN_VIEWS_INLINE"] = "1"
POSTGRES_URL = os.environ.get("PLAN_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
TEST_SECRET = "test-secret-that-is-long-enough-for-hs256-signing"


def postgres_available() -> bool:
    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


_POSTGRES = postgres_available()
if os.environ.get("REQUIRE_POSTGRES") == "1" and not _POSTGRES:
    raise RuntimeError(f"REQUIRE_POSTGRES=1 but PostgreSQL does not answer at {POSTGRES_URL}")


def postgres_schema_url() -> str:
    """A URL to a fresh, empty schema, so tests on one server never see each other's tables."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}schema={schema}"


def drop_postgres_schema(url: str) -> None:
    schema = url.rsplit("schema=", 1)[1]
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path, monkeypatch):
    """Each test gets its own data dir and a known signing secret."""
    monkeypatch.setenv("GROEIPAD_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("GROEIPAD_JWT_SECRET", TEST_SECRET)
    monkeypatch.delenv("GROEIPAD_ENV", raising=False)



@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request, tmp_path):
    """A database URL for one store; every test using it runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite'}"
        return
    if not _POSTGRES:
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL} (set PLAN_TEST_POSTGRES_URL)")
    url = postgres_schema_url()
    yield url
    drop_postgres_schema(url)


@pytest.fixture
def tokens():
    settings = TokenSettings(secret=TEST_SECRET, audience="groeipad")

    def make(subject: str, *roles: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {issue_token(settings, subject, roles or ('employee',))}"}

    return make

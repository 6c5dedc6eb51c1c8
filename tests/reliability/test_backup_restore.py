"""Backups: an online SQLite copy and a pg_dump restore both bring back every plan."""

from __future__ import annotations

import threading
from uuid import UUID

import psycopg
import pytest
from click.testing import CliRunner

from services.cli import main
from services.plan.app import build_plan_service
from services.plan.demo import COLLEAGUES
from shared.auth import Principal
from tests.conftest import POSTGRES_URL, drop_postgres_schema, postgres_available, postgres_schema_url

HR = Principal("hanna", frozenset({"hr"}))
DEMO_PLANS = {"sophie", "karim", *(colleague[0] for colleague in COLLEAGUES)}


def plans_and_events(url: str) -> dict[str, tuple[int, str]]:
    """Each employee's plan version and career project (personal data: unreadable without the key store)."""
    service = build_plan_service(url)
    try:
        return {row["employee_id"]: (row["version"], service.get_plan(UUID(row["id"]), HR).career_project)
                for row in service.list_plans(HR)[0]}
    finally:
        service.close()


def invoke(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_sqlite_backup_while_writing_then_restore(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'live' / 'plan.sqlite'}"
    monkeypatch.setenv("PLAN_DATABASE_URL", url)
    invoke("seed-demo")
    service = build_plan_service(url)
    plan_id = service.list_plans(HR)[0][0]["id"]
    stop = threading.Event()

    def keep_writing() -> None:
        while not stop.is_set():
            service.change_plan(UUID(plan_id), HR, lambda plan, ctx: plan.review_progress(ctx, note="busy"))

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        invoke("backup", str(tmp_path / "backup"))
    finally:
        stop.set()
        writer.join()
        service.close()
    backed_up = plans_and_events(f"sqlite:///{tmp_path / 'backup' / 'plan.sqlite'}")
    assert set(backed_up) == DEMO_PLANS
    assert backed_up["karim"][1] == "Doorgroeien naar teamleider binnen twee jaar"

    restored_url = f"sqlite:///{tmp_path / 'restored' / 'plan.sqlite'}"
    monkeypatch.setenv("PLAN_DATABASE_URL", restored_url)
    (tmp_path / "restored").mkdir()
    invoke("restore", str(tmp_path / "backup"))
    assert plans_and_events(restored_url) == backed_up


@pytest.fixture
def postgres_url():
    if not postgres_available():
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}")
    url = postgres_schema_url()
    yield url
    drop_postgres_schema(url)


@pytest.mark.postgres
def test_postgres_dump_and_restore(postgres_url, tmp_path, monkeypatch):
    store_url = postgres_url
    monkeypatch.setenv("PLAN_DATABASE_URL", store_url)
    invoke("seed-demo")
    before = plans_and_events(store_url)
    invoke("backup", str(tmp_path / "backup"))
    assert (tmp_path / "backup" / "plan.pgdump").stat().st_size > 0
    schema = store_url.rsplit("schema=", 1)[1]
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:  # disaster: every table gone
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{schema}"')
    invoke("restore", str(tmp_path / "backup"))
    assert plans_and_events(store_url) == before

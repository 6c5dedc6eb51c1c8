"""GDPR erasure by crypto-shredding: the log stays whole, the person's data is unreadable everywhere."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from services.cli import main
from services.plan.app import create_app
from services.plan.demo import seed
from shared.sealing import ERASED
from tests.conftest import POSTGRES_URL

KARIM_SECRETS = ["Doorgroeien naar teamleider", "Karim El Amrani", "karim.elamrani@voorbeeld.nl",
                 "Ik luister beter", "lastige gesprekken", "Helder communiceren", "Storingsanalyse"]
SOPHIE_TEXT = "Vlot samenwerken in Teams en SharePoint"


def database_dump(url: str) -> bytes:
    """Every byte the stores hold: the SQLite files (with WAL and key store), or a pg_dump of the schema."""
    if url.startswith("sqlite"):
        store = Path(url.removeprefix("sqlite:///"))
        files = sorted(store.parent.glob(store.name + "*"))
        assert any(f.name.endswith(".keys") for f in files), files
        return b"".join(p.read_bytes() for p in files if p.is_file())
    schema = url.rsplit("schema=", 1)[1]
    return subprocess.run(["pg_dump", "--schema", schema, "--data-only", POSTGRES_URL],
                          capture_output=True, check=True).stdout


@pytest.fixture
def seeded(store_url, tmp_path, monkeypatch, tokens):
    monkeypatch.setenv("PLAN_DATABASE_URL", store_url)
    seed()
    app = create_app({"PLAN_DATABASE_URL": store_url})
    yield app.test_client(), store_url
    app.extensions["plan_service"].close()


def test_erasing_a_person_keeps_the_log_and_forgets_the_data(seeded, tokens, tmp_path):
    client, url = seeded
    hr = {**tokens("hanna", "employee", "hr"), "X-Access-Purpose": "gdpr_request"}
    plans = {p["employee_id"]: p["id"] for p in client.get("/api/v1/plans", headers=hr).json["items"]}
    karim_plan = client.get(f"/api/v1/plans/{plans['karim']}", headers=hr).json
    course = next(a["action_id"] for a in karim_plan["actions"] if a["status"] == "completed" and a["certificate"])
    assert client.post(f"/api/v1/plans/{plans['karim']}/actions/{course}/certificates", headers=tokens("karim"),
                       data={"number": "SN-1", "issuer": "S&N", "issued_on": "2026-06-26"}).status_code == 201
    badge = client.post(f"/api/v1/plans/{plans['karim']}/credentials", headers=tokens("karim"),
                        json={"kind": "action", "item_id": course}).json  # an Open Badge naming Karim
    assert badge["jwt"].encode() not in database_dump(url), "the stored badge must be sealed"
    karim_plan = client.get(f"/api/v1/plans/{plans['karim']}", headers=hr).json
    assert karim_plan["career_project"] == "Doorgroeien naar teamleider binnen twee jaar"
    history_before = client.get(f"/api/v1/plans/{plans['karim']}/history", headers=hr).json["events"]
    feed_before = client.get("/api/v1/feed?limit=1000", headers=tokens("rec", "service")).json["events"]

    assert client.post("/api/v1/people/karim/erase", headers=tokens("karim")).status_code == 403
    erased = client.post("/api/v1/people/karim/erase", headers=hr)
    assert erased.status_code == 200 and erased.json["plans"] == 1 and erased.json["keys_destroyed"] >= 2

    after = client.get(f"/api/v1/plans/{plans['karim']}", headers=hr).json
    assert after["version"] == karim_plan["version"] and after["erased"] is False
    assert after["career_project"] == ERASED and after["employee_name"] == ERASED
    assert {g["title"] for g in after["goals"]} == {ERASED}
    assert {f["text"] for f in after["feedback"]} == {ERASED}
    assert all(a["reflection"] in (None, ERASED) for a in after["actions"])
    history = client.get(f"/api/v1/plans/{plans['karim']}/history", headers=hr).json["events"]
    assert [e["version"] for e in history] == [e["version"] for e in history_before]
    assert [e["type"] for e in history] == [e["type"] for e in history_before]
    write = client.post(f"/api/v1/plans/{plans['karim']}/feedback", headers=tokens("marieke", "manager"),
                        json={"source": "manager", "text": "nog iets"})
    assert write.status_code == 410
    feed = client.get("/api/v1/feed?limit=1000", headers=tokens("rec", "service")).json["events"]
    assert [e["position"] for e in feed[: len(feed_before)]] == [e["position"] for e in feed_before]
    assert feed[-1]["type"] == "PersonErased" and feed[-1]["employee_id"] == "karim"
    assert "Doorgroeien" not in str([e for e in feed if e["employee_id"] == "karim"])
    sophie = client.get(f"/api/v1/plans/{plans['sophie']}", headers=hr).json
    assert SOPHIE_TEXT in {g["title"] for g in sophie["goals"]}, "erasing Karim must not touch Sophie"

    assert client.get(f"/api/v1/badges/credentials/{badge['credential_id']}").status_code == 410
    listed = client.get(f"/api/v1/plans/{plans['karim']}/credentials", headers=hr).json["items"]
    assert [(b["credential_id"], b["revoked"], b["revoked_reason"]) for b in listed] == [
        (badge["credential_id"], True, "erased")]

    dump = database_dump(url)
    assert dump, "the dump is empty: the test would prove nothing"
    for secret in KARIM_SECRETS:
        assert secret.encode() not in dump, f"{secret!r} still readable in the store"
    assert b"karim" in dump  # the pseudonymous id and the log remain


def test_a_fresh_worker_after_erasure_also_sees_erased_data(seeded, tokens):
    client, url = seeded
    hr = {**tokens("hanna", "employee", "hr"), "X-Access-Purpose": "gdpr_request"}
    assert client.post("/api/v1/people/karim/erase", headers=hr).status_code == 200
    other = create_app({"PLAN_DATABASE_URL": url}).test_client()
    plan_id = other.get("/api/v1/plans?employee_id=karim", headers=hr).json["items"][0]["id"]
    assert other.get(f"/api/v1/plans/{plan_id}", headers=hr).json["career_project"] == ERASED
    assert other.get("/api/v1/people/karim", headers=hr).json["name"] == ERASED


def test_retention_erases_old_closed_plans_only(seeded, tokens, monkeypatch):
    client, url = seeded
    sophie, hr = tokens("sophie"), {**tokens("hanna", "employee", "hr"), "X-Access-Purpose": "compliance"}
    old = client.post("/api/v1/plans", headers=sophie, json={
        "employee_id": "sophie", "period_start": "2019-01-01", "period_end": "2019-12-31",
        "trigger": "continuous_development", "career_project": "Oud plan van Sophie"}).json["id"]
    assert client.post(f"/api/v1/plans/{old}/close", headers=sophie, json={}).status_code == 200
    result = CliRunner().invoke(main, ["apply-retention", "--older-than-days", "365"], catch_exceptions=False)
    assert result.exit_code == 0 and "1 closed plan(s) erased" in result.output
    fresh = create_app({"PLAN_DATABASE_URL": url}).test_client()
    assert fresh.get(f"/api/v1/plans/{old}", headers=hr).json["career_project"] == ERASED
    current = fresh.get("/api/v1/plans?employee_id=sophie&status=active", headers=hr).json["items"][0]["id"]
    assert fresh.get(f"/api/v1/plans/{current}", headers=hr).json["career_project"] != ERASED


def test_a_forgotten_person_gets_no_new_plan_and_is_not_imported_again(seeded, tokens):
    client, _ = seeded
    hr = {**tokens("hanna", "employee", "hr"), "X-Access-Purpose": "gdpr_request"}
    assert client.post("/api/v1/people/karim/erase", headers=hr).status_code == 200
    again = client.post("/api/v1/plans", headers=hr, json={
        "employee_id": "karim", "period_start": "2030-01-01", "period_end": "2030-12-31",
        "trigger": "continuous_development"})
    assert again.status_code == 410
    reimport = client.post("/api/v1/people/import", data="id,name\nkarim,Karim El Amrani\n",
                           headers={**hr, "Content-Type": "text/csv"})
    assert reimport.status_code == 410
    assert client.get("/api/v1/people/karim", headers=hr).json["name"] == ERASED

"""Privacy in the portal: who looked at a plan, the access log export, GDPR export and erasure."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import pytest
from click.testing import CliRunner
from eventsourcing.persistence import StoredEvent

from services import cli
from services.portal.accounts import AccountError, build_portal_store
from tests.portal.conftest import DEMO_PASSWORD, Browser


def own_plan_id(browser: Browser) -> str:
    return re.search(r"/plans/([0-9a-f-]{36})", browser.get("/plan").get_data(as_text=True)).group(1)


def with_purpose(browser: Browser) -> Browser:
    browser.get("/hr/purpose")
    assert browser.post("/hr/purpose", {"purpose": "audit", "note": "Jaarlijkse controle"}).status_code == 302
    return browser


# -- who looked at my plan ----------------------------------------------------------------------------
def test_owner_sees_who_looked_after_the_manager_did(signed_in):
    karim = signed_in("karim")
    plan_id = own_plan_id(karim)
    dashboard = karim.get("/plan").get_data(as_text=True)
    assert f"/plans/{plan_id}/access-log" in dashboard  # linked from the dashboard
    before = karim.get(f"/plans/{plan_id}/access-log")
    assert before.status_code == 200 and "Nobody else has looked yet." in before.get_data(as_text=True)
    marieke = signed_in("marieke")
    assert marieke.get(f"/plans/{plan_id}").status_code == 200  # the manager opens the plan
    assert marieke.get(f"/plans/{plan_id}/access-log").status_code == 404  # not the manager's to see
    karim = signed_in("karim")
    page = karim.get(f"/plans/{plan_id}/access-log")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Marieke de Vries" in html and "Manager" in html and "the plan" in html
    assert 'aria-current="page"' in html and "Who looked" in html  # the plan's own tab
    assert "<script>" not in html and "script-src 'self'" in page.headers["Content-Security-Policy"]
    karim.client.post("/language", data={"csrf_token": karim.token, "lang": "nl"})
    dutch = karim.get(f"/plans/{plan_id}/access-log").get_data(as_text=True)
    assert "Wie heeft mijn plan bekeken" in dutch and "Marieke de Vries" in dutch and "het plan" in dutch


def test_a_colleague_cannot_see_who_looked(signed_in):
    plan_id = own_plan_id(signed_in("karim"))
    assert signed_in("sophie").get(f"/plans/{plan_id}/access-log").status_code == 404


def test_hr_sees_and_exports_the_access_log(signed_in):
    plan_id = own_plan_id(signed_in("karim"))
    hanna = with_purpose(signed_in("hanna"))
    assert hanna.get(f"/plans/{plan_id}").status_code == 200  # HR looks, with a purpose
    page = hanna.get("/hr/access-log")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Hanna Mulder" in html and "Jaarlijkse controle" in html
    assert "/hr/access-log.csv" in html and "/hr/access-log.json" in html
    download = hanna.get("/hr/access-log.csv")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert any(r["by"] == "hanna" and r["role"] == "hr" and r["plan_id"] == plan_id for r in rows)
    assert all("Authorization" not in v and "Bearer" not in v for v in download.headers.values())
    as_json = hanna.get("/hr/access-log.json?employee_id=karim")
    assert as_json.mimetype == "application/json" and "attachment" in as_json.headers["Content-Disposition"]
    items = json.loads(as_json.get_data(as_text=True))["items"]
    assert items and {i["employee_id"] for i in items} == {"karim"}
    assert hanna.get("/hr/access-log.xml").status_code == 404
    karim = signed_in("karim")
    assert karim.get("/hr/access-log").status_code == 403
    assert karim.get("/hr/access-log.csv").status_code == 403


# -- GDPR export ----------------------------------------------------------------------------------------
def test_a_person_downloads_everything_held_about_them(signed_in):
    sophie = signed_in("sophie")
    account = sophie.get("/account").get_data(as_text=True)
    assert "/account/export.json" in account
    download = sophie.get("/account/export.json")
    assert download.status_code == 200 and download.mimetype == "application/json"
    assert download.headers["Content-Disposition"] == 'attachment; filename="groeipad-data-sophie.json"'
    data = json.loads(download.get_data(as_text=True))
    assert data["person"]["name"] == "Sophie Willems" and data["person"]["email"] == "sophie.willems@voorbeeld.nl"
    assert data["plans"] and data["plans"][0]["history"][0]["type"] == "PlanStarted"
    assert "access_log" in data and "recommender" in data
    assert data["portal"]["account"]["display_name"] == "Sophie Willems"
    assert data["portal"]["account"]["roles"] == ["employee"]
    assert "password_hash" not in json.dumps(data)
    assert sophie.get("/people/sophie/export.json").status_code == 200  # the person's own, by id


def test_hr_downloads_a_persons_data_and_a_colleague_cannot(signed_in):
    hanna = signed_in("hanna")
    search = hanna.get("/hr/plans?q=sophie").get_data(as_text=True)
    assert "/people/sophie/export.json" in search and "/hr/people/sophie" in search
    person = hanna.get("/hr/people/sophie").get_data(as_text=True)
    assert "sophie.willems@voorbeeld.nl" in person and "/people/sophie/export.json" in person
    asked = hanna.get("/people/sophie/export.json")  # HR states a purpose for the export, as for any read
    assert asked.status_code == 302 and "/hr/purpose?next=" in asked.headers["Location"]
    form = hanna.get(asked.headers["Location"]).get_data(as_text=True)
    assert 'value="gdpr_request"' in form and "A GDPR request of the employee" in form
    chosen = hanna.post("/hr/purpose", {"purpose": "gdpr_request", "next": "/people/sophie/export.json"})
    download = hanna.get(chosen.headers["Location"])
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    assert json.loads(download.get_data(as_text=True))["person"]["id"] == "sophie"
    log = json.loads(hanna.get("/hr/access-log.json?employee_id=sophie").get_data(as_text=True))["items"]
    assert any(e["what"] == "export" and e["by"]["subject"] == "hanna" and e["purpose"] == "gdpr_request"
               for e in log)  # HR's export is on record, with its purpose code
    karim = signed_in("karim")
    refused = karim.get("/people/sophie/export.json")
    assert refused.status_code == 403 and refused.mimetype == "text/html"
    assert "You may not see or change this." in refused.get_data(as_text=True)
    assert karim.get("/hr/people/sophie").status_code == 403
    assert signed_in("marieke").get("/people/sophie/export.json").status_code == 403  # a manager, not hers either


# -- erasure -----------------------------------------------------------------------------------------
def store_files(portal) -> list[Path]:
    database = Path(portal.extensions["portal"].store.env["SQLITE_DBNAME"])
    files = [database, Path(f"{database}.keys"), Path(f"{database}-wal"), Path(f"{database}.keys-wal")]
    assert database.exists() and Path(f"{database}.keys").exists()
    return [f for f in files if f.exists()]


def test_hr_erases_a_person_after_confirming(portal, signed_in):
    sophie = signed_in("sophie")
    plan_id = own_plan_id(sophie)
    before = b"".join(f.read_bytes() for f in store_files(portal))
    assert b"sophie" in before  # the username is an id and stays; the name must go
    hanna = signed_in("hanna")
    person = hanna.get("/hr/people/sophie").get_data(as_text=True)
    assert "/hr/people/sophie/erase" in person
    page = hanna.get("/hr/people/sophie/erase")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "This cannot be undone." in html and 'name="csrf_token"' in html
    assert "<script" not in html
    no_token = hanna.client.post("/hr/people/sophie/erase", data={"confirm": "sophie"})
    assert no_token.status_code == 400  # CSRF
    wrong = hanna.post("/hr/people/sophie/erase", {"confirm": "Sophie"})
    assert wrong.status_code == 422 and 'id="confirm-errors"' in wrong.get_data(as_text=True)
    assert signed_in("sophie").get("/plan").status_code == 200  # nothing happened yet
    hanna = signed_in("hanna")
    hanna.get("/hr/people/sophie/erase")
    done = hanna.post("/hr/people/sophie/erase", {"confirm": "sophie"})
    assert done.status_code == 302 and done.headers["Location"] == "/hr/people/sophie"
    after = hanna.get("/hr/people/sophie").get_data(as_text=True)
    assert "was erased" in after and "Sophie Willems" not in after
    plan = with_purpose(hanna).get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "[erased]" in plan and "Sophie Willems" not in plan
    # the account can never sign in again
    gone = Browser(hanna.client)
    gone.get("/login")
    refused = gone.post("/login", {"username": "sophie", "password": DEMO_PASSWORD})
    assert refused.status_code == 401
    store = portal.extensions["portal"].store
    account = store.account("sophie")
    assert account.erased and account.disabled and account.display_name == "[erased]"
    with pytest.raises(AccountError):
        store.set_password("sophie", "a-new-password", actor="admin")
    assert store.recorder.select_events(account.id)  # its events remain
    # nothing of her name or email is left in the portal's store files
    dump = b"".join(f.read_bytes() for f in store_files(portal))
    for secret in ("Sophie Willems", "sophie.willems@voorbeeld.nl", "Willems"):
        assert secret.encode() not in dump and secret.encode("utf-16-le") not in dump, secret
    # a fresh store on the same files (another worker) reads her as erased too
    again = build_portal_store(url=f"sqlite:///{store.env['SQLITE_DBNAME']}")
    try:
        assert again.account("sophie").display_name == "[erased]"
        assert again.verify_password("sophie", DEMO_PASSWORD) is None
        assert again.account("karim").display_name == "Karim El Amrani"
    finally:
        again.close()


def test_only_hr_erases_and_not_themselves(signed_in):
    karim = signed_in("karim")
    assert karim.get("/hr/people/sophie/erase").status_code == 403
    assert karim.post("/hr/people/sophie/erase", {"confirm": "sophie"}).status_code == 403
    hanna = signed_in("hanna")
    itself = hanna.get("/hr/people/hanna/erase")
    assert itself.status_code == 422 and "You cannot erase yourself" in itself.get_data(as_text=True)
    assert hanna.post("/hr/people/hanna/erase", {"confirm": "hanna"}).status_code == 422
    assert hanna.get("/hr/people/nobody-here/erase").status_code == 404
    assert signed_in("hanna").get("/account").status_code == 200


def test_an_erased_account_held_by_another_worker_is_forgotten(portal):
    """Erasure by `groeipad erase-person` (another process) reaches a portal worker that cached the key."""
    store = portal.extensions["portal"].store
    assert store.account("karim").display_name == "Karim El Amrani"  # this worker now holds the key
    other = build_portal_store(url=f"sqlite:///{store.env['SQLITE_DBNAME']}")
    try:
        assert other.erase_account("karim", actor="cli") is True
        assert other.erase_account("nobody", actor="cli") is False
    finally:
        other.close()
    account = store.account("karim")
    assert account.erased and account.display_name == "[erased]" and store.keys.key(str(account.id)) is None


def test_accounts_stored_before_sealing_still_read(portal):
    """Version 1 events named the display name `display_name`; they are upcast on reading."""
    store = portal.extensions["portal"].store
    stored = StoredEvent(originator_id=uuid4(), originator_version=1, topic="services.portal.accounts:Account.Created",
                         state=store.mapper.transcoder.encode({
                             "timestamp": datetime.now(UTC), "originator_topic": "services.portal.accounts:Account",
                             "username": "oud", "display_name": "Oude Naam", "roles": ["employee"],
                             "password_hash": "x", "actor": "cli"}))
    event = store.mapper.to_domain_event(stored)
    assert event.name == "Oude Naam" and not hasattr(event, "display_name")


def test_cli_erase_person_forgets_the_portal_account_too(seeded_dir, tmp_path, monkeypatch):
    data = tmp_path / "var"
    shutil.copytree(seeded_dir, data, dirs_exist_ok=True)
    monkeypatch.setenv("GROEIPAD_DATA_DIR", str(data))
    monkeypatch.delenv("PORTAL_DATABASE_URL", raising=False)
    monkeypatch.delenv("PLAN_DATABASE_URL", raising=False)
    result = CliRunner().invoke(cli.main, ["erase-person", "karim"])
    assert result.exit_code == 0, result.output
    assert "erased karim" in result.output and "portal: account erased" in result.output
    store = build_portal_store(url=f"sqlite:///{data / 'portal.sqlite'}")
    try:
        assert store.account("karim").erased and store.verify_password("karim", DEMO_PASSWORD) is None
    finally:
        store.close()
    dump = b"".join(p.read_bytes() for p in data.glob("portal.sqlite*"))
    assert b"Karim El Amrani" not in dump


def test_privacy_pages_in_dutch(signed_in):
    hanna = signed_in("hanna")
    hanna.client.post("/language", data={"csrf_token": hanna.token, "lang": "nl"})
    assert "Mijn gegevens downloaden (JSON)" in hanna.get("/account").get_data(as_text=True)
    assert "Inzagelog downloaden (CSV)" in hanna.get("/hr/access-log").get_data(as_text=True)
    erase = hanna.get("/hr/people/karim/erase").get_data(as_text=True)
    assert "Dit kan niet ongedaan worden gemaakt." in erase and "Typ ter bevestiging de gebruikersnaam" in erase
    wrong = hanna.post("/hr/people/karim/erase", {"confirm": "niet-karim"}).get_data(as_text=True)
    assert "Typ ter bevestiging precies de gebruikersnaam karim." in wrong

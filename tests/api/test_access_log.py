"""Audit of the auditors: every look at someone else's plan is recorded; HR says why."""

from __future__ import annotations

import csv
import io

from plan_api_helpers import API, add_goal, ok, start_plan


def log_of(client, auth, plan_id):
    return ok(client.get(f"{API}/plans/{plan_id}/access-log", headers=auth("karim")))["items"]


def test_reads_by_others_are_recorded_with_who_what_and_why(store_client, auth, tokens):
    client = store_client
    plan_id = start_plan(client, auth("karim"))
    add_goal(client, auth("karim"), plan_id)
    version = ok(client.get(f"{API}/plans/{plan_id}", headers=auth("karim")))["version"]
    assert log_of(client, auth, plan_id) == [], "the owner's own reads are not recorded"

    ok(client.get(f"{API}/plans/{plan_id}", headers=auth("marieke")))
    ok(client.get(f"{API}/plans/{plan_id}/history", headers=auth("boss")))
    ok(client.get(f"{API}/plans/{plan_id}?version=1", headers=auth("hanna")))
    ok(client.get(f"{API}/plans/{plan_id}/diff?from=1&to=2", headers=auth("hanna")))
    entries = log_of(client, auth, plan_id)
    assert [(e["by"]["subject"], e["by"]["role"], e["what"]) for e in entries] == [
        ("marieke", "manager", "plan"), ("boss", "manager", "history"), ("hanna", "hr", "version"),
        ("hanna", "hr", "diff")]
    assert (entries[2]["purpose"], entries[2]["note"]) == ("audit", "yearly audit of development plans")
    assert (entries[0]["purpose"], entries[0]["note"]) == (None, None)
    assert all(e["employee_id"] == "karim" and e["plan_id"] == plan_id for e in entries)
    unchanged = client.get(f"{API}/plans/{plan_id}", headers=auth("karim"))
    assert unchanged.json["version"] == version and unchanged.headers["ETag"] == f'"{version}"'


def test_hr_must_say_why_and_sees_nothing_until_then(store_client, auth, tokens):
    client = store_client
    plan_id = start_plan(client, auth("karim"))
    hanna = tokens("hanna", "employee", "hr")
    silent = client.get(f"{API}/plans/{plan_id}", headers=hanna)
    assert silent.status_code == 422 and silent.json["errors"][0]["field"] == "X-Access-Purpose"
    assert "career_project" not in silent.json
    for headers, field in (({"X-Access-Reason": "just looking"}, "X-Access-Purpose"),
                           ({"X-Access-Purpose": "curiosity"}, "X-Access-Purpose"),
                           ({"X-Access-Purpose": "other"}, "X-Access-Reason"),
                           ({"X-Access-Purpose": "audit", "X-Access-Reason": "x" * 501}, "X-Access-Reason")):
        refused = client.get(f"{API}/plans/{plan_id}", headers={**hanna, **headers})
        assert refused.status_code == 422 and refused.json["errors"][0]["field"] == field, (headers, refused.json)
    gdpr = client.get(f"{API}/people/karim/export", headers=hanna)  # HR states a purpose for the export too
    assert gdpr.status_code == 422 and gdpr.json["errors"][0]["field"] == "X-Access-Purpose"
    history = client.get(f"{API}/plans/{plan_id}/history", headers=tokens("root", "admin"))
    assert history.status_code == 422
    assert log_of(client, auth, plan_id) == []


def test_the_access_log_is_for_the_owner_hr_and_admins(client, auth):
    plan_id = start_plan(client, auth("karim"))
    ok(client.get(f"{API}/plans/{plan_id}", headers=auth("marieke")))
    assert client.get(f"{API}/plans/{plan_id}/access-log", headers=auth("marieke")).status_code == 404
    assert client.get(f"{API}/plans/{plan_id}/access-log", headers=auth("jeroen")).status_code == 404
    assert len(ok(client.get(f"{API}/plans/{plan_id}/access-log", headers=auth("hanna")))["items"]) == 1
    assert client.get(f"{API}/access-log", headers=auth("karim")).status_code == 403
    assert client.get(f"{API}/access-log", headers=auth("marieke")).status_code == 403


def test_hr_exports_the_access_log_as_json_and_csv(client, auth):
    karim_plan = start_plan(client, auth("karim"))
    sophie_plan = start_plan(client, auth("sophie"), employee_id="sophie")
    ok(client.get(f"{API}/plans/{karim_plan}", headers=auth("marieke")))
    ok(client.get(f"{API}/plans/{sophie_plan}/history", headers=auth("hanna")))
    everything = ok(client.get(f"{API}/access-log", headers=auth("hanna")))["items"]
    assert {(e["employee_id"], e["what"]) for e in everything} == {("karim", "plan"), ("sophie", "history")}
    only_sophie = ok(client.get(f"{API}/access-log?employee_id=sophie", headers=auth("root")))["items"]
    assert [e["employee_id"] for e in only_sophie] == ["sophie"]
    csv = client.get(f"{API}/access-log?format=csv", headers=auth("hanna"))
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).splitlines()
    assert lines[0] == "at,plan_id,employee_id,what,purpose,note,by,role" and len(lines) == 3
    assert any(",sophie,history,audit,yearly audit of development plans,hanna,hr" in line for line in lines)


def test_a_readers_note_is_forgotten_with_the_person_and_the_code_stays(client, auth, tokens):
    plan_id = start_plan(client, auth("karim"))
    hanna = {**tokens("hanna", "employee", "hr"), "X-Access-Purpose": "investigation",
             "X-Access-Reason": "klacht van collega Jansen"}
    ok(client.get(f"{API}/plans/{plan_id}", headers=hanna))
    assert [(e["purpose"], e["note"]) for e in log_of(client, auth, plan_id)] == [
        ("investigation", "klacht van collega Jansen")]
    ok(client.post(f"{API}/people/karim/erase", headers=auth("hanna")))
    entries = ok(client.get(f"{API}/access-log?employee_id=karim", headers=auth("hanna")))["items"]
    assert [(e["purpose"], e["note"]) for e in entries if e["what"] == "plan"][0] == ("investigation", None)


def test_the_access_log_csv_runs_no_formula_in_a_spreadsheet(client, auth):
    plan_id = start_plan(client, auth("karim"))
    hostile = '=HYPERLINK("http://evil.example","open")'
    ok(client.get(f"{API}/plans/{plan_id}", headers={**auth("hanna"), "X-Access-Reason": hostile}))
    text = client.get(f"{API}/access-log?format=csv", headers=auth("hanna")).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["note"] for row in rows] == ["'" + hostile]

"""Development cycles through the API: launch for a department, idempotent relaunch, sync after the directory
changed, the dashboard with small groups hidden, the people behind a number, and closing."""

from __future__ import annotations

from datetime import date, timedelta

from plan_api_helpers import API, PLAN, error_fields, ok

TODAY = date.today()
START, END = TODAY - timedelta(days=30), TODAY + timedelta(days=330)
NEW_PEOPLE = "".join(f"td{n},Monteur {n},,marieke,TD/Onderhoud,Monteur\n" for n in range(5))
TEMPLATE = {"name": "Monteur", "milestones": [{"kind": "self_evaluation", "offset_days": 14}], "hours_norm": 40}


def import_people(client, auth, csv: str) -> None:
    ok(client.post(f"{API}/people/import", data="id,name,email,manager_id,department,job_title\n" + csv,
                   headers={**auth("hanna"), "Content-Type": "text/csv"}))


def make_cycle(client, auth, **changes) -> dict:
    template = ok(client.post(f"{API}/templates", headers=auth("hanna"), json=TEMPLATE), 201)["template_id"]
    body = {"name": "Functioneringsgesprekken", "period_start": START.isoformat(), "period_end": END.isoformat(),
            "scope": {"kind": "departments", "departments": ["TD"], "include_sub_departments": True},
            "templates": {"default": template},
            "milestones": [{"kind": "self_evaluation", "due": (START + timedelta(days=14)).isoformat()},
                           {"kind": "conversation", "due": (TODAY + timedelta(days=30)).isoformat()}], **changes}
    return ok(client.post(f"{API}/cycles", headers=auth("hanna"), json=body), 201)


def test_launch_relaunch_sync_dashboard_and_close(store_client, auth):
    c, hanna = store_client, auth("hanna")
    import_people(c, auth, NEW_PEOPLE)
    current = ok(c.post(f"{API}/plans", headers=auth("karim"), json={
        **PLAN, "period_start": (START - timedelta(days=100)).isoformat(),
        "period_end": (START + timedelta(days=100)).isoformat()}), 201)["id"]
    cycle = make_cycle(c, auth)
    cid = cycle["cycle_id"]
    launched = ok(c.post(f"{API}/cycles/{cid}/launch", headers=hanna))
    # TD: marieke, karim, jeroen; TD/Onderhoud: td0..td4 (a sub-department)
    assert launched["progress"] == {"done": 8, "total": 8, "started": 7, "carried_forward": 1, "removed": 0}
    again = ok(c.post(f"{API}/cycles/{cid}/launch", headers=hanna))
    assert (again["version"], again["progress"]) == (launched["version"], launched["progress"])  # nothing changed
    jeroen = ok(c.get(f"{API}/plans?employee_id=jeroen", headers=hanna))["items"]
    assert len(jeroen) == 1 and jeroen[0]["period_start"] == START.isoformat()
    plan = ok(c.get(f"{API}/plans/{jeroen[0]['id']}", headers=hanna))
    assert plan["template"]["version"] == 1 and plan["available_hours"] == 40
    karim = ok(c.get(f"{API}/plans?employee_id=karim", headers=hanna))["items"]
    assert [p["id"] for p in karim] == [current]  # carried forward: no second plan

    import_people(c, auth, "jeroen,Jeroen Smit,,marieke,Administratie,Monteur\ntd9,Nieuw,,marieke,TD,Monteur\n")
    synced = ok(c.post(f"{API}/cycles/{cid}/launch", headers=hanna))
    assert synced["progress"] == {"done": 8, "total": 8, "started": 7, "carried_forward": 1, "removed": 1}
    history = c.get(f"{API}/cycles/{cid}", headers=hanna).get_json()
    assert history["progress"]["removed"] == 1

    ok(c.post(f"{API}/plans/{plan['id']}/assessments", headers=auth("jeroen"),
              json={"skill": "lassen", "category": "technical", "level": 2}), 201)
    ok(c.post(f"{API}/plans/{ok(c.get(f'{API}/plans?employee_id=td0', headers=hanna))['items'][0]['id']}/assessments",
              headers=auth("td0"), json={"skill": "lassen", "category": "technical", "level": 2}), 201)
    board = ok(c.get(f"{API}/cycles/{cid}/dashboard", headers=hanna))
    self_eval = board["milestones"][0]
    assert self_eval["kind"] == "self_evaluation"
    assert self_eval["departments"] == [
        {"department": "TD", "hidden": True, "people": None, "done": None, "due": None, "overdue": None},
        {"department": "TD/Onderhoud", "hidden": False, "people": 5, "done": 1, "due": 0, "overdue": 4}]
    behind = ok(c.get(f"{API}/cycles/{cid}/people?milestone=self_evaluation&state=overdue&department=TD/Onderhoud",
                      headers=hanna))["items"]
    assert [p["person_id"] for p in behind] == ["td1", "td2", "td3", "td4"]
    assert ok(c.get(f"{API}/cycles/{cid}/people?milestone=conversation&state=due", headers=auth("petra")))[
        "items"] == []  # none of petra's reports take part
    mine = ok(c.get(f"{API}/cycles/{cid}/people?milestone=conversation&state=due", headers=auth("marieke")))
    assert [p["person_id"] for p in mine["items"]] == ["karim", "td0", "td1", "td2", "td3", "td4", "td9"]

    closed = ok(c.post(f"{API}/cycles/{cid}/close", headers=hanna))
    assert closed["status"] == "closed"
    frozen = c.post(f"{API}/cycles/{cid}/launch", headers=hanna)
    assert frozen.status_code == 409 and error_fields(frozen) == ["status"]


def test_cycles_are_hr_work_and_bad_input_is_a_4xx(client, auth):
    assert client.post(f"{API}/cycles", headers=auth("karim"), json={}).status_code in {403, 422}
    bad = client.post(f"{API}/cycles", headers=auth("hanna"), json={
        "name": "x", "period_start": "2027-01-01", "period_end": "2027-12-31", "scope": {"kind": "departments"},
        "templates": {"default": "00000000-0000-4000-8000-000000000000"}})
    assert bad.status_code == 422 and error_fields(bad) == ["templates.default"]
    cycle = make_cycle(client, auth)
    assert client.post(f"{API}/cycles/{cycle['cycle_id']}/launch", headers=auth("marieke")).status_code == 403
    assert client.get(f"{API}/cycles/{cycle['cycle_id']}/dashboard", headers=auth("karim")).status_code == 403
    assert client.get(f"{API}/cycles/nope", headers=auth("hanna")).status_code == 404


def test_a_launch_stopped_midway_goes_on_where_it_stopped_without_duplicates(store_app, auth):
    from services.plan.cycles import run_cycle
    from shared.auth import Principal

    c, hanna = store_app.test_client(), auth("hanna")
    import_people(c, auth, NEW_PEOPLE)
    cid = make_cycle(c, auth)["cycle_id"]
    service = store_app.extensions["plan_service"]
    hr = Principal(subject="hanna", roles=frozenset({"hr"}))
    halfway = run_cycle(service, hr, __import__("uuid").UUID(cid), batch=3, max_batches=1)
    assert (halfway["done"], halfway["total"]) == (3, 8)  # progress stored on the cycle
    finished = ok(c.post(f"{API}/cycles/{cid}/launch", headers=hanna))["progress"]
    assert (finished["done"], finished["total"], finished["started"]) == (8, 8, 8)
    plans = ok(c.get(f"{API}/plans?limit=200", headers=hanna))["items"]
    owners = [p["employee_id"] for p in plans]
    assert len(owners) == len(set(owners)) == 8  # one plan per person and period


def test_groeipad_cycles_sync_runs_every_open_cycle(tmp_path, monkeypatch, tokens):
    from click.testing import CliRunner

    from services.cli import main
    from services.plan.app import create_app

    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("PLAN_DATABASE_URL", url)
    app = create_app({"PLAN_DATABASE_URL": url})
    client = app.test_client()

    def auth(subject, *roles):
        return tokens(subject, *(roles or {"hanna": ("hr",)}.get(subject, ("employee",))))

    import_people(client, auth, "karim,Karim,,,TD,Monteur\n")
    cid = make_cycle(client, auth)["cycle_id"]
    app.extensions["plan_service"].close()
    result = CliRunner().invoke(main, ["cycles", "sync"], catch_exceptions=False)
    assert result.exit_code == 0 and f"cycle {cid}: 1 of 1 done (1 started" in result.output
    again = CliRunner().invoke(main, ["cycles", "sync", cid], catch_exceptions=False)
    assert f"cycle {cid}: 1 of 1 done (1 started" in again.output

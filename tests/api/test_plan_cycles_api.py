"""Development cycles through the API: launch for a department, idempotent relaunch, sync after the directory
changed, the dashboard with small groups hidden, the people behind a number, and closing."""

from __future__ import annotations

from datetime import date, timedelta

from plan_api_helpers import API, PLAN, add_action, add_goal, error_fields, ok

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
    karim = {p["id"]: p for p in ok(c.get(f"{API}/plans?employee_id=karim", headers=hanna))["items"]}
    assert karim[current]["status"] == "closed"  # carried forward into the cycle's plan: one open plan a period
    assert [p["period_start"] for i, p in karim.items() if i != current] == [START.isoformat()]

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


def test_a_launch_carries_the_current_plan_forward_once_and_closes_it(store_app, auth):
    """Karim's current plan overlaps the cycle: a new plan for the cycle's period takes over its open goal and its
    planned and started actions (events naming the source), the old plan closes with the reason; a relaunch and a
    launch resumed after a stop change nothing more."""
    from uuid import UUID

    from services.plan.cycles import run_cycle
    from shared.auth import Principal

    c, hanna, karim = store_app.test_client(), auth("hanna"), auth("karim")
    import_people(c, auth, NEW_PEOPLE)
    old_start = START - timedelta(days=200)
    old = ok(c.post(f"{API}/plans", headers=karim, json={
        **PLAN, "period_start": old_start.isoformat(), "period_end": (START + timedelta(days=100)).isoformat()}), 201)
    goal = add_goal(c, karim, old["id"], deadline=(START - timedelta(days=10)).isoformat())
    done = add_goal(c, karim, old["id"], title="Klaar", hours_needed=10,
                    deadline=(START + timedelta(days=5)).isoformat())
    ok(c.post(f"{API}/plans/{old['id']}/goals/{done}/achieve", headers=karim, json={}))
    started = add_action(c, karim, old["id"], goal_ids=[goal], planned_start=old_start.isoformat(),
                         planned_end=(START + timedelta(days=60)).isoformat())
    ok(c.post(f"{API}/plans/{old['id']}/actions/{started}/start", headers=karim,
              json={"date": (old_start + timedelta(days=1)).isoformat()}))
    planned = add_action(c, karim, old["id"], title="Later", planned_start=(START + timedelta(days=10)).isoformat(),
                         planned_end=(START + timedelta(days=20)).isoformat())
    cancelled = add_action(c, karim, old["id"], title="Weg", planned_start=old_start.isoformat(),
                           planned_end=(old_start + timedelta(days=5)).isoformat())
    ok(c.post(f"{API}/plans/{old['id']}/actions/{cancelled}/cancel", headers=karim, json={"reason": "past niet"}))

    cid = make_cycle(c, auth)["cycle_id"]
    service = store_app.extensions["plan_service"]
    hr = Principal(subject="hanna", roles=frozenset({"hr"}))
    run_cycle(service, hr, UUID(cid), batch=2, max_batches=1)  # karim is in the first batch (ids in order)
    first = ok(c.post(f"{API}/cycles/{cid}/launch", headers=hanna))
    assert first["progress"]["carried_forward"] == 1 and first["progress"]["done"] == 8
    again = ok(c.post(f"{API}/cycles/{cid}/launch", headers=hanna))
    assert again["version"] == first["version"]

    plans = ok(c.get(f"{API}/plans?employee_id=karim", headers=hanna))["items"]
    assert len(plans) == 2 and sorted(p["status"] for p in plans) == ["closed", "draft"]
    new_id = next(p["id"] for p in plans if p["id"] != old["id"])
    new = ok(c.get(f"{API}/plans/{new_id}", headers=hanna))
    assert new["period_start"] == START.isoformat() and new["template"]["version"] == 1
    assert [(g["goal_id"], g["status"], g["deadline"], g["carried_from"]) for g in new["goals"]] == [
        (goal, "open", END.isoformat(), {"plan_id": old["id"], "goal_id": goal})]
    actions = {a["action_id"]: a for a in new["actions"]}
    assert set(actions) == {started, planned}
    assert actions[started]["status"] == "started" and actions[started]["goal_ids"] == [goal]
    assert actions[planned]["carried_from"] == {"plan_id": old["id"], "action_id": planned}
    history = ok(c.get(f"{API}/plans/{new_id}/history", headers=hanna))
    kinds = [e["type"] for e in history["events"]]
    assert kinds == ["PlanStarted", "GoalCarriedForward", "ActionCarriedForward", "ActionCarriedForward"]
    closed = ok(c.get(f"{API}/plans/{old['id']}", headers=hanna))
    assert closed["status"] == "closed" and new_id in closed["closed_reason"]
    assert ok(c.get(f"{API}/plans/{old['id']}/history", headers=hanna))["events"][-1]["type"] == "PlanClosed"
    record = service.repository.get(UUID(cid)).participants["karim"]
    assert (record["outcome"], record["plan_id"], record["from_plan_id"]) == ("carried_forward", new_id, old["id"])
    board = ok(c.get(f"{API}/plans?employee_id=karim&overdue=true", headers=hanna))["items"]
    assert [p["id"] for p in board] == [new_id]  # the views know the carried (now overdue) action of the new plan


def test_a_new_plan_may_carry_the_current_one_forward(client, auth):
    karim = auth("karim")
    old = ok(client.post(f"{API}/plans", headers=karim, json=PLAN), 201)["id"]
    goal = add_goal(client, karim, old)
    overlap = client.post(f"{API}/plans", headers=karim, json={**PLAN, "period_start": "2027-06-01",
                                                              "period_end": "2028-05-31"})
    assert overlap.status_code == 409 and error_fields(overlap) == ["period_start"]
    nothing = client.post(f"{API}/plans", headers=auth("sophie"), json={
        **PLAN, "employee_id": "sophie", "period_start": "2028-01-01", "period_end": "2028-12-31",
        "carry_forward": True})
    assert nothing.status_code == 422 and error_fields(nothing) == ["carry_forward"]
    new = ok(client.post(f"{API}/plans", headers=karim, json={**PLAN, "period_start": "2028-01-01",
                                                              "period_end": "2028-12-31", "carry_forward": True}), 201)
    assert [g["carried_from"] for g in new["goals"]] == [{"plan_id": old, "goal_id": goal}]
    assert ok(client.get(f"{API}/plans/{old}", headers=karim))["status"] == "closed"


def test_a_closed_cycle_answers_as_it_stood_at_closing(store_client, auth):
    c, hanna = store_client, auth("hanna")
    import_people(c, auth, NEW_PEOPLE)
    cid = make_cycle(c, auth)["cycle_id"]
    ok(c.post(f"{API}/cycles/{cid}/launch", headers=hanna))

    def assess(person):
        plan = ok(c.get(f"{API}/plans?employee_id={person}", headers=hanna))["items"][0]["id"]
        ok(c.post(f"{API}/plans/{plan}/assessments", headers=auth(person),
                  json={"skill": "lassen", "category": "technical", "level": 2}), 201)

    assess("td0")
    before = ok(c.get(f"{API}/cycles/{cid}/dashboard", headers=hanna))
    totals = before["milestones"][0]["totals"]
    assert (totals["people"], totals["done"], totals["overdue"]) == (8, 1, 7)
    closed = ok(c.post(f"{API}/cycles/{cid}/close", headers=hanna))
    assert closed["closed_on"] == TODAY.isoformat() and closed["owner"] == "hanna"
    frozen = ok(c.get(f"{API}/cycles/{cid}/dashboard", headers=hanna))
    assert frozen["milestones"] == before["milestones"] and frozen["on"] == TODAY.isoformat()
    assess("td1")  # after closing: the plans go on, the closed cycle's report does not
    assess("td2")
    later = ok(c.get(f"{API}/cycles/{cid}/dashboard?on={(TODAY + timedelta(days=60)).isoformat()}", headers=hanna))
    assert later["milestones"] == before["milestones"] and later["on"] == TODAY.isoformat()
    done = ok(c.get(f"{API}/cycles/{cid}/people?milestone=self_evaluation&state=done", headers=hanna))["items"]
    assert [p["person_id"] for p in done] == ["td0"]
    mine = ok(c.get(f"{API}/cycles/{cid}/dashboard", headers=auth("marieke")))  # a manager: their reports, frozen
    assert mine["milestones"][0]["totals"]["done"] == 1


def test_due_and_overdue_are_judged_on_the_day_asked_and_a_service_may_read(client, auth):
    import_people(client, auth, NEW_PEOPLE)
    cid = make_cycle(client, auth)["cycle_id"]
    ok(client.post(f"{API}/cycles/{cid}/launch", headers=auth("hanna")))
    service = auth("recommender")  # a service token, as the notifier's sweep has
    early = (START + timedelta(days=10)).isoformat()
    due = ok(client.get(f"{API}/cycles/{cid}/people?milestone=self_evaluation&state=due&on={early}",
                        headers=service))["items"]
    assert len(due) == 8
    board = ok(client.get(f"{API}/cycles/{cid}/dashboard?on={early}", headers=service))
    assert board["milestones"][0]["totals"] == {"hidden": False, "people": 8, "done": 0, "due": 8, "overdue": 0}
    assert ok(client.get(f"{API}/cycles/{cid}", headers=service))["owner"] == "hanna"
    bad = client.get(f"{API}/cycles/{cid}/dashboard?on=morgen", headers=auth("hanna"))
    assert bad.status_code == 422 and error_fields(bad) == ["on"]

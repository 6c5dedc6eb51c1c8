"""The query side through the API: lists with filters, the team overview, reports, skills, the SMART check, paging,
and reading one's own write (X-Position / X-Min-Position)."""

from __future__ import annotations

from datetime import date, timedelta

from plan_api_helpers import API, GOAL, ORG_CSV, PLAN, add_action, add_goal, ok, start_plan

from services.plan.api import schemas
from services.plan.app import create_app
from services.plan.views.projector import Projector


def access_log(client, auth) -> list:
    return ok(client.get(f"{API}/access-log", headers=auth("hanna")))["items"]


def test_list_filters_by_manager_subtree_department_status_and_pending_work(client, auth):
    karim_plan = start_plan(client, auth("karim"))
    start_plan(client, auth("jeroen"), employee_id="jeroen")
    sophie_plan = start_plan(client, auth("sophie"), employee_id="sophie")
    add_goal(client, auth("karim"), karim_plan)
    ok(client.post(f"{API}/plans/{karim_plan}/submit", headers=auth("karim"), json={}))
    action = add_action(client, auth("sophie"), sophie_plan)
    ok(client.post(f"{API}/plans/{sophie_plan}/actions/{action}/funding", headers=auth("sophie"),
                   json={"amount": 300, "justification": "helpt het team"}), 201)
    hr = auth("hanna")

    def ids(**query):
        return [p["employee_id"] for p in ok(client.get(f"{API}/plans", headers=hr, query_string=query))["items"]]

    assert ids(manager_id="boss") == ["jeroen", "karim", "sophie"]  # direct and indirect reports
    assert ids(manager_id="marieke") == ["jeroen", "karim"]
    assert ids(department="Administratie") == ["sophie"]
    assert ids(review_pending="true") == ["karim"] and ids(status="submitted") == ["karim"]
    assert ids(funding_pending="true") == ["sophie"]
    assert ids(funding_pending="false") == ["jeroen", "karim"]
    assert ids(sort="-employee_id") == ["sophie", "karim", "jeroen"]
    assert ids(active_on="2026-06-01") == ["jeroen", "karim", "sophie"] and ids(active_on="2030-01-01") == []
    page = ok(client.get(f"{API}/plans", headers=hr, query_string={"limit": 2, "offset": 2}))
    assert page["total"] == 3 and [p["employee_id"] for p in page["items"]] == ["sophie"]
    # A manager sees their own reports only, whatever they filter on.
    marieke = ok(client.get(f"{API}/plans", headers=auth("marieke"), query_string={"manager_id": "boss"}))
    assert {p["employee_id"] for p in marieke["items"]} == {"jeroen", "karim"}
    assert access_log(client, auth) == []  # lists read the views: nobody's plan was opened


def test_overdue_and_budget_use_are_decided_by_the_service(client, auth):
    today = date.today()
    plan = start_plan(client, auth("karim"), period_start=(today - timedelta(days=200)).isoformat(),
                      period_end=(today + timedelta(days=200)).isoformat(), available_budget=500)
    add_action(client, auth("karim"), plan, planned_start=(today - timedelta(days=60)).isoformat(),
               planned_end=(today - timedelta(days=1)).isoformat(), cost=800)
    add_action(client, auth("karim"), plan, planned_start=today.isoformat(),
               planned_end=(today + timedelta(days=30)).isoformat(), cost=0)
    (row,) = ok(client.get(f"{API}/plans", headers=auth("karim"), query_string={"overdue": "true"}))["items"]
    assert row["overdue_actions"] == 1 and row["planned_cost"] == 800 and row["budget_left"] == -300
    assert row["next_deadline"] == (today - timedelta(days=1)).isoformat()


def test_the_team_overview_is_one_call_that_opens_no_plan(client, auth):
    start_plan(client, auth("karim"))
    plan = start_plan(client, auth("sophie"), employee_id="sophie")
    add_goal(client, auth("sophie"), plan)
    ok(client.post(f"{API}/plans/{plan}/submit", headers=auth("sophie"), json={}))
    team = ok(client.get(f"{API}/teams/boss/overview", headers=auth("boss")))
    members = {m["person"]["id"]: m for m in team["members"]}
    assert set(members) == {"marieke", "karim", "jeroen", "petra", "sophie", "hanna", "daan"}
    assert members["marieke"]["direct"] and not members["karim"]["direct"]
    assert members["karim"]["plan"]["status"] == "draft" and members["jeroen"]["plan"] is None
    assert team["pending_reviews"] == 1 and members["sophie"]["plan"]["review_pending"]
    assert client.get(f"{API}/teams/boss/overview", headers=auth("marieke")).status_code == 404
    assert ok(client.get(f"{API}/teams/marieke/overview", headers=auth("boss")))["manager_id"] == "marieke"
    assert access_log(client, auth) == []


def test_the_team_overview_pages_filters_and_totals_the_whole_team(client, auth):
    karim_plan = start_plan(client, auth("karim"))
    add_goal(client, auth("karim"), karim_plan)
    ok(client.post(f"{API}/plans/{karim_plan}/submit", headers=auth("karim"), json={}))
    sophie_plan = start_plan(client, auth("sophie"), employee_id="sophie")
    action = add_action(client, auth("sophie"), sophie_plan)
    ok(client.post(f"{API}/plans/{sophie_plan}/actions/{action}/funding", headers=auth("sophie"),
                   json={"amount": 300, "justification": "helpt het team"}), 201)
    boss = auth("boss")

    def overview(**query):
        return ok(client.get(f"{API}/teams/boss/overview", headers=boss, query_string=query))

    first = overview(limit=2)
    assert first["total"] == first["people"] == 7 and len(first["members"]) == 2
    assert (first["pending_reviews"], first["pending_funding"], first["attention"]) == (1, 1, 2)
    names = [m["person"]["name"] for m in first["members"]]
    assert names == sorted(names)
    rest = overview(limit=5, offset=2)
    assert len(rest["members"]) == 5 and not {m["person"]["id"] for m in rest["members"]} & {
        m["person"]["id"] for m in first["members"]}
    assert rest["pending_reviews"] == 1  # the totals are the whole team's, whatever the page
    waiting = overview(attention="true")
    assert {m["person"]["id"] for m in waiting["members"]} == {"karim", "sophie"} and waiting["total"] == 2
    assert waiting["members"][0]["plan"]["status"] in {"submitted", "draft"}
    assert len(overview(attention="false")["members"]) == 5
    assert {m["person"]["id"] for m in overview(direct="true")["members"]} == {"marieke", "petra", "hanna"}
    assert [m["person"]["id"] for m in overview(q="karim")["members"]] == ["karim"]
    assert overview(q="100%_")["members"] == []
    past = overview(direct="true", offset=10)  # a filtered page past the end still counts the filtered team
    assert past["members"] == [] and past["total"] == 3 and past["people"] == 7
    assert overview(attention="true", offset=10)["total"] == 2 and overview(offset=10)["total"] == 7
    assert client.get(f"{API}/teams/nobody/overview", headers=auth("hanna")).status_code == 404
    for bad in ({"limit": 0}, {"limit": 501}, {"offset": -1}, {"attention": "misschien"}):
        answer = client.get(f"{API}/teams/boss/overview", headers=boss, query_string=bad)
        assert answer.status_code == 422, bad
    assert access_log(client, auth) == []


def test_pages_sent_as_the_views_shaped_them_are_what_their_schema_would_dump(store_client, auth):
    """GET /plans and the team overview skip the per-field dump: their rows must already be it, on every store."""
    client = store_client
    karim_plan = start_plan(client, auth("karim"))
    add_goal(client, auth("karim"), karim_plan)
    action = add_action(client, auth("karim"), karim_plan, planned_start="2026-01-05", planned_end="2026-01-31")
    ok(client.post(f"{API}/plans/{karim_plan}/actions/{action}/funding", headers=auth("karim"),
                   json={"amount": 734.56, "justification": "helpt het team"}), 201)
    ok(client.post(f"{API}/plans/{karim_plan}/submit", headers=auth("karim"), json={}))
    start_plan(client, auth("sophie"), employee_id="sophie", available_budget=98765.43)
    pages = {schemas.PlanListSchema(): ok(client.get(f"{API}/plans", headers=auth("hanna"))),
             schemas.TeamOverviewSchema(): ok(client.get(f"{API}/teams/boss/overview", headers=auth("boss")))}
    for schema, body in pages.items():
        dumped = schema.dump(body)
        rows = [(d, b) for d, b in zip(dumped.get("items") or [m["plan"] or {} for m in dumped["members"]],
                                       body.get("items") or [m["plan"] or {} for m in body["members"]], strict=True)]
        for d, b in rows:  # name the field that differs
            assert {k: b.get(k) for k in d.keys() | b.keys() if d.get(k) != b.get(k)} == {}, type(schema).__name__
        assert dumped == body
    plans, team = (body for body in pages.values())
    assert any(p["pending_funding"] and p["overdue_actions"] and p["review_pending"] for p in plans["items"])
    assert any(m["plan"] is None for m in team["members"])
    amounts = {p["employee_id"]: (p["funding_requested"], p["available_budget"]) for p in plans["items"]}
    assert amounts["karim"][0] == 734.56 and amounts["sophie"][1] == 98765.43  # no single-precision rounding


def test_reports_hide_groups_under_five_and_open_no_plan(app, client, auth, tokens):
    rows = "".join(f"td{i},Monteur {i},,marieke,TD,Monteur\n" for i in range(5))
    ok(client.post(f"{API}/people/import", data=ORG_CSV.split("\n", 1)[0] + "\n" + rows,
                   headers={**auth("hanna"), "Content-Type": "text/csv"}))
    for i in range(5):
        plan = start_plan(client, tokens(f"td{i}", "employee"), employee_id=f"td{i}")
        ok(client.post(f"{API}/plans/{plan}/assessments", headers=tokens(f"td{i}", "employee"),
                       json={"skill": "Lassen", "category": "technical", "level": i}), 201)
        add_action(client, tokens(f"td{i}", "employee"), plan, hours=10)
    start_plan(client, auth("sophie"), employee_id="sophie")  # Administratie: one person, never shown
    funnel = ok(client.get(f"{API}/reports/plan-status", headers=auth("hanna")))
    assert funnel["minimum_group"] == 5
    assert [(r["department"], r["status"], r["people"]) for r in funnel["items"]] == [("TD", "draft", 5)]
    (coverage,) = ok(client.get(f"{API}/reports/skills-coverage", headers=auth("hanna")))["items"]
    assert (coverage["skill"], coverage["people"], coverage["mean_level"]) == ("Lassen", 5, 2.0)
    (training,) = ok(client.get(f"{API}/reports/training", headers=auth("hanna")))["items"]
    assert (training["department"], training["semester"], training["planned_hours"]) == ("TD", "2026-H1", 50.0)
    assert ok(client.get(f"{API}/reports/training", headers=auth("hanna"), query_string={"year": 2031}))[
        "items"] == []
    assert access_log(client, auth) == []


def test_reports_are_read_as_the_projector_stored_them_until_a_reader_needs_newer(store_app, store_client, auth,
                                                                                  tokens):
    client, hr = store_client, auth("hanna")
    rows = "".join(f"td{i},Monteur {i},,marieke,TD,Monteur\n" for i in range(7))
    ok(client.post(f"{API}/people/import", data=ORG_CSV.split("\n", 1)[0] + "\n" + rows,
                   headers={**hr, "Content-Type": "text/csv"}))
    for i in range(5):
        start_plan(client, tokens(f"td{i}", "employee"), employee_id=f"td{i}")
    projector = Projector(store_app.extensions["plan_service"])
    stored_at = projector.refresh_reports()
    for n, person in enumerate(("td5", "td6")):  # the stored rows win over a newer state nobody asked for
        started = client.post(f"{API}/plans", headers=tokens(person, "employee"), json={**PLAN, "employee_id": person})
        assert started.status_code == 201
        answer = client.get(f"{API}/reports/plan-status", headers=hr)
        assert int(answer.headers["X-Views-Position"]) == stored_at and answer.headers["X-Report-Computed-At"]
        assert [(r["status"], r["plans"]) for r in answer.json["items"]] == [("draft", 5 + n)]
        fresh = client.get(f"{API}/reports/plan-status", headers={**hr, "X-Min-Position": started.headers[
            "X-Position"]})
        assert "X-Report-Computed-At" not in fresh.headers
        assert int(fresh.headers["X-Views-Position"]) >= int(started.headers["X-Position"])
        assert [(r["status"], r["plans"]) for r in fresh.json["items"]] == [("draft", 6 + n)]
        stored_at = projector.refresh_reports()  # and a refresh replaces them
    assert client.get(f"{API}/reports/plan-status", headers={**hr, "X-Min-Position": "x"}).status_code == 422


def test_skills_carry_the_current_level_its_source_and_the_gap(client, auth):
    plan = start_plan(client, auth("karim"))
    ok(client.post(f"{API}/plans/{plan}/assessments", headers=auth("karim"),
                   json={"skill": "Teammanagement", "category": "behavioural", "level": 1}), 201)
    ok(client.post(f"{API}/plans/{plan}/assessments", headers=auth("karim"),
                   json={"skill": "Excel", "category": "technical", "level": 2, "status": "to_improve"}), 201)
    add_goal(client, auth("karim"), plan)  # teammanagement to 3
    action = add_action(client, auth("karim"), plan)
    ok(client.post(f"{API}/plans/{plan}/actions/{action}/start", headers=auth("karim"), json={"date": "2026-02-02"}))
    ok(client.post(f"{API}/plans/{plan}/actions/{action}/complete", headers=auth("karim"), json={
        "date": "2026-06-30", "evaluation": 4, "skill_levels": [{"skill": "teammanagement", "level": 2}]}))
    skills = ok(client.get(f"{API}/people/karim/skills", headers=auth("marieke")))
    by_name = {s["skill"].casefold(): s for s in skills["items"]}
    team = by_name["teammanagement"]
    assert (team["current_level"], team["source"], team["target_level"], team["gap"]) == (2, "rerating", 3, 1)
    assert team["levels"] == {"self": 1, "rerating": 2}
    assert (by_name["excel"]["target_level"], by_name["excel"]["gap"]) == (3, 1)  # to improve: one level up
    plan_view = ok(client.get(f"{API}/plans/{plan}", headers=auth("karim")))
    assert {s["skill"].casefold(): s["level"] for s in plan_view["skills"]}["teammanagement"] == 2
    assert client.get(f"{API}/people/karim/skills", headers=auth("sophie")).status_code == 404


def test_skills_name_the_offers_the_current_plan_takes_up(client, auth):
    plan = start_plan(client, auth("karim"))
    planned = add_action(client, auth("karim"), plan, offer_id="c0ffee00-0000-4000-8000-000000000001")
    cancelled = add_action(client, auth("karim"), plan, offer_id="c0ffee00-0000-4000-8000-000000000002")
    add_action(client, auth("karim"), plan)  # free text: no offer
    ok(client.post(f"{API}/plans/{plan}/actions/{cancelled}/cancel", headers=auth("karim"), json={"reason": "later"}))
    offers = ok(client.get(f"{API}/people/karim/skills", headers=auth("recommender")))["offers"]
    assert sorted((o["offer_id"][-1], o["action_id"], o["status"]) for o in offers) == [
        ("1", planned, "planned"), ("2", cancelled, "cancelled")]


def test_the_smart_check_names_every_failing_letter_and_saves_nothing(client, auth):
    plan = start_plan(client, auth("karim"))
    version = ok(client.get(f"{API}/plans/{plan}", headers=auth("karim")))["version"]
    verdict = ok(client.post(f"{API}/plans/{plan}/goals/check", headers=auth("karim"), json={
        "skills": [{"skill": "teammanagement", "target_level": 3}], "hours_needed": 500, "deadline": "2030-01-01"}))
    letters = {item["letter"]: item for item in verdict["letters"]}
    assert not verdict["smart"] and [k for k, v in letters.items() if not v["ok"]] == ["M", "A", "R", "T"]
    assert letters["A"]["errors"][0]["field"] == "hours_needed"
    good = ok(client.post(f"{API}/plans/{plan}/goals/check", headers=auth("karim"), json=GOAL))
    assert good["smart"] and all(item["ok"] for item in good["letters"])
    assert ok(client.get(f"{API}/plans/{plan}", headers=auth("karim")))["version"] == version


def test_people_are_paged_and_searchable(client, auth):
    page = ok(client.get(f"{API}/people", headers=auth("hanna"), query_string={"limit": 3}))
    assert page["total"] == 8 and [p["id"] for p in page["items"]] == ["boss", "daan", "hanna"]
    found = ok(client.get(f"{API}/people", headers=auth("hanna"), query_string={"q": "smit"}))
    assert [p["id"] for p in found["items"]] == ["jeroen"]
    assert ok(client.get(f"{API}/people", headers=auth("hanna"), query_string={"q": "100%_"}))["total"] == 0
    mine = ok(client.get(f"{API}/people", headers=auth("marieke")))
    assert [p["id"] for p in mine["items"]] == ["jeroen", "karim", "marieke"]


def test_history_is_paged(client, auth):
    plan = start_plan(client, auth("karim"))
    for n in range(5):
        ok(client.post(f"{API}/plans/{plan}/progress", headers=auth("karim"), json={"note": f"week {n}"}), 201)
    first = ok(client.get(f"{API}/plans/{plan}/history", headers=auth("karim"), query_string={"limit": 4}))
    assert [e["version"] for e in first["events"]] == [1, 2, 3, 4] and first["next_after_version"] == 4
    rest = ok(client.get(f"{API}/plans/{plan}/history", headers=auth("karim"),
                         query_string={"after_version": 4, "limit": 4}))
    assert [e["version"] for e in rest["events"]] == [5, 6] and rest["next_after_version"] is None


def test_a_write_answers_its_position_and_a_read_waits_for_it(tmp_path, tokens, monkeypatch):
    """Without a projector running the views stay behind: the read says so; once projected, it is there."""
    monkeypatch.delenv("PLAN_VIEWS_INLINE")
    app = create_app({"PLAN_DATABASE_URL": f"sqlite:///{tmp_path / 'plan.sqlite'}"})
    app.config["VIEWS_WAIT_SECONDS"] = 0.2
    client, service = app.test_client(), app.extensions["plan_service"]
    hr = {**tokens("hanna", "employee", "hr"), "X-Access-Reason": "test"}
    imported = client.post(f"{API}/people/import", data=ORG_CSV, headers={**hr, "Content-Type": "text/csv"})
    position = int(imported.headers["X-Position"])
    behind = client.get(f"{API}/people", headers={**hr, "X-Min-Position": str(position)})
    assert behind.headers["X-Views-Stale"] == "true" and behind.json["total"] == 0
    Projector(service).catch_up()
    caught_up = client.get(f"{API}/people", headers={**hr, "X-Min-Position": str(position)})
    assert "X-Views-Stale" not in caught_up.headers and caught_up.json["total"] == 8
    assert int(caught_up.headers["X-Views-Position"]) >= position
    started = client.post(f"{API}/plans", headers=tokens("karim", "employee"), json={
        "employee_id": "karim", "period_start": "2026-01-01", "period_end": "2026-12-31", "trigger": "mobility"})
    assert started.status_code == 201 and int(started.headers["X-Position"]) > position
    # A single plan is read from the event store: current even before the views know it.
    assert client.get(f"{API}/plans/{started.json['id']}", headers=tokens("karim", "employee")).status_code == 200
    # The list and the team overview read the position in their own statement: the same rule.
    wanted = {"X-Min-Position": started.headers["X-Position"]}
    boss = tokens("boss", "manager", "employee")
    for path, headers in ((f"{API}/plans", hr), (f"{API}/teams/boss/overview", boss)):
        behind = client.get(path, headers={**headers, **wanted})
        assert behind.status_code == 200 and behind.headers["X-Views-Stale"] == "true", path
        assert int(behind.headers["X-Views-Position"]) == service.views.position() < int(wanted["X-Min-Position"])
    assert client.get(f"{API}/plans", headers={**hr, **wanted}).json["total"] == 0
    Projector(service).catch_up()
    for path, headers in ((f"{API}/plans", hr), (f"{API}/teams/boss/overview", boss)):
        seen = client.get(path, headers={**headers, **wanted})
        assert "X-Views-Stale" not in seen.headers, path
        assert int(seen.headers["X-Views-Position"]) == service.views.position() >= int(wanted["X-Min-Position"])
    listed = client.get(f"{API}/plans", headers={**hr, **wanted}).json
    assert listed["total"] == 1 and listed["items"][0]["employee_id"] == "karim"
    past = client.get(f"{API}/plans", headers=hr, query_string={"offset": 5})  # no row to carry the total
    assert past.json == {"items": [], "total": 1, "limit": 50, "offset": 5}
    assert int(past.headers["X-Views-Position"]) == service.views.position()
    bad = client.get(f"{API}/plans", headers={**hr, "X-Min-Position": "soon"})
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "X-Min-Position"
    service.close()

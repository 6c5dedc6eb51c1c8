"""GET /actions/overdue: the plan service's one overdue rule, answered from the views, paged, per caller."""

from __future__ import annotations

from datetime import date

from plan_api_helpers import API, add_action, add_goal, error_fields, ok, start_plan

from services.plan.domain.plan import action_overdue


def overdue(client, headers, query: str = "") -> dict:
    return ok(client.get(f"{API}/actions/overdue?on=2026-07-15{query}", headers=headers))


def test_overdue_actions_of_open_plans_by_the_one_rule_paged_and_per_caller(store_client, auth):
    c, karim, sophie = store_client, auth("karim"), auth("sophie")
    plan = start_plan(c, karim)
    goal = add_goal(c, karim, plan)
    late = add_action(c, karim, plan, goal_ids=[goal], planned_end="2026-06-30")
    started = add_action(c, karim, plan, title="Bezig", planned_start="2026-03-01", planned_end="2026-07-14")
    ok(c.post(f"{API}/plans/{plan}/actions/{started}/start", headers=karim, json={"date": "2026-03-02"}))
    add_action(c, karim, plan, title="Op tijd", planned_end="2026-07-15")  # ends today: not overdue yet
    done = add_action(c, karim, plan, title="Klaar", planned_end="2026-05-01")
    ok(c.post(f"{API}/plans/{plan}/actions/{done}/start", headers=karim, json={"date": "2026-02-01"}))
    ok(c.post(f"{API}/plans/{plan}/actions/{done}/complete", headers=karim, json={"date": "2026-04-01",
                                                                                 "evaluation": 4}))
    other = start_plan(c, sophie, employee_id="sophie")
    add_action(c, sophie, other, planned_end="2026-07-01")
    closed = start_plan(c, sophie, employee_id="sophie", period_start="2028-01-01", period_end="2028-12-31")
    ok(c.post(f"{API}/plans/{closed}/close", headers=sophie, json={}))

    everyone = overdue(c, auth("recommender"))  # a service (the notifier) sees every plan
    assert everyone["total"] == 3 and everyone["on"] == "2026-07-15"
    assert [(i["employee_id"], i["action_id"], i["days_overdue"], i["status"]) for i in everyone["items"]] == [
        ("karim", late, 15, "planned"), ("sophie", everyone["items"][1]["action_id"], 14, "planned"),
        ("karim", started, 1, "started")]
    assert everyone["items"][0]["manager_id"] == "marieke"
    # the same rule as the domain's, action by action
    actions = {a["action_id"]: a for a in ok(c.get(f"{API}/plans/{plan}", headers=karim))["actions"]}
    assert {i["action_id"] for i in everyone["items"] if i["plan_id"] == plan} == {
        a for a, v in actions.items() if action_overdue({**v, "planned_end": date.fromisoformat(v["planned_end"])},
                                                        date(2026, 7, 15))}
    page = overdue(c, auth("hanna"), "&limit=1&offset=1")
    assert page["total"] == 3 and [i["employee_id"] for i in page["items"]] == ["sophie"]
    assert [i["employee_id"] for i in overdue(c, karim)["items"]] == ["karim", "karim"]  # their own only
    assert [i["employee_id"] for i in overdue(c, auth("marieke"))["items"]] == ["karim", "karim"]  # their reports
    assert overdue(c, auth("petra"), "&employee_id=karim")["total"] == 0
    assert overdue(c, auth("hanna"), "&manager_id=petra")["total"] == 1
    later = ok(c.get(f"{API}/actions/overdue?on=2026-05-01", headers=auth("hanna")))
    assert later["total"] == 0
    assert c.get(f"{API}/actions/overdue", headers=auth("daan")).status_code == 403


def test_bad_input_is_a_422_naming_the_field(client, auth):
    for query, field in (("on=gisteren", "on"), ("limit=0", "limit"), ("offset=-1", "offset")):
        response = client.get(f"{API}/actions/overdue?{query}", headers=auth("hanna"))
        assert response.status_code == 422 and error_fields(response) == [field], query

"""Object-level rules: own plans, direct and indirect managers, HR, L&D, and a manager of someone else."""

from __future__ import annotations

from plan_api_helpers import API, add_action, add_goal, ok, start_plan


def _submitted_with_funding(client, auth):
    karim = auth("karim")
    plan = start_plan(client, karim)
    add_goal(client, karim, plan)
    action = add_action(client, karim, plan)
    ok(client.post(f"{API}/plans/{plan}/actions/{action}/funding", headers=karim,
                   json={"amount": 300, "justification": "team"}), 201)
    ok(client.post(f"{API}/plans/{plan}/submit", headers=karim, json={}))
    return plan, action


def test_an_employee_reads_and_changes_only_their_own_plans(client, auth):
    plan = start_plan(client, auth("karim"))
    ok(client.get(f"{API}/plans/{plan}", headers=auth("karim")))
    ok(client.post(f"{API}/plans/{plan}/feedback", headers=auth("karim"), json={"source": "self", "text": "x"}), 201)
    jeroen = auth("jeroen")
    assert client.get(f"{API}/plans/{plan}", headers=jeroen).status_code == 404
    assert client.post(f"{API}/plans/{plan}/feedback", headers=jeroen,
                       json={"source": "peer", "text": "x"}).status_code == 404


def test_the_direct_manager_reads_gives_feedback_reviews_and_decides_funding(client, auth):
    plan, action = _submitted_with_funding(client, auth)
    marieke = auth("marieke")
    ok(client.get(f"{API}/plans/{plan}", headers=marieke))
    ok(client.get(f"{API}/plans/{plan}/history", headers=marieke))
    ok(client.post(f"{API}/plans/{plan}/feedback", headers=marieke, json={"source": "manager", "text": "x"}), 201)
    reviewed = ok(client.post(f"{API}/plans/{plan}/review", headers=marieke,
                              json={"outcome": "changes_requested", "comment": "meer details"}))
    assert reviewed["status"] == "changes_requested"
    decided = ok(client.post(f"{API}/plans/{plan}/actions/{action}/funding/decline", headers=marieke,
                             json={"reason": "te duur"}))
    assert decided["actions"][0]["funding"]["decided_by"] == {"subject": "marieke", "role": "manager"}


def test_the_indirect_manager_reads_reviews_and_decides_funding(client, auth):
    plan, action = _submitted_with_funding(client, auth)
    boss = auth("boss")
    ok(client.get(f"{API}/plans/{plan}", headers=boss))
    ok(client.get(f"{API}/plans/{plan}/history", headers=boss))
    reviewed = ok(client.post(f"{API}/plans/{plan}/review", headers=boss, json={"outcome": "approved"}))
    assert reviewed["reviews"][0]["by"] == {"subject": "boss", "role": "manager"}
    funded = ok(client.post(f"{API}/plans/{plan}/actions/{action}/funding/approve", headers=boss, json={}))
    assert funded["actions"][0]["funding"]["status"] == "approved"


def test_a_manager_without_the_manager_role_is_just_a_colleague(client, auth):
    plan = start_plan(client, auth("karim"))
    assert client.get(f"{API}/plans/{plan}", headers=auth("marieke", "employee")).status_code == 404


def test_a_manager_of_someone_else_gets_404(client, auth):
    plan, _ = _submitted_with_funding(client, auth)
    petra = auth("petra")
    assert client.get(f"{API}/plans/{plan}", headers=petra).status_code == 404
    assert client.post(f"{API}/plans/{plan}/review", headers=petra, json={"outcome": "approved"}).status_code == 404


def test_hr_reads_every_plan_and_its_history_and_reviews(client, auth):
    plan, _ = _submitted_with_funding(client, auth)
    sophie_plan = start_plan(client, auth("sophie"), employee_id="sophie")
    hanna = auth("hanna")
    for pid in (plan, sophie_plan):
        ok(client.get(f"{API}/plans/{pid}", headers=hanna))
        assert ok(client.get(f"{API}/plans/{pid}/history", headers=hanna))["events"][0]["type"] == "PlanStarted"
    reviewed = ok(client.post(f"{API}/plans/{plan}/review", headers=hanna, json={"outcome": "approved"}))
    assert reviewed["status"] == "active"


def test_ld_gets_403_on_individual_plans_even_from_the_list(client, auth):
    plan = start_plan(client, auth("karim"))
    assert client.get(f"{API}/plans/{plan}", headers=auth("daan")).status_code == 403
    assert client.get(f"{API}/plans/{plan}/history", headers=auth("daan")).status_code == 403
    assert ok(client.get(f"{API}/plans", headers=auth("daan")))["items"] == []


def test_admin_reads_and_acts_as_hr(client, auth):
    plan, action = _submitted_with_funding(client, auth)
    root = auth("root")
    ok(client.get(f"{API}/plans/{plan}/history", headers=root))
    ok(client.post(f"{API}/plans/{plan}/feedback", headers=root, json={"source": "mentor", "text": "x"}), 201)
    assert client.post(f"{API}/plans/{plan}/feedback", headers=root,
                       json={"source": "self", "text": "x"}).status_code == 403
    ok(client.post(f"{API}/plans/{plan}/actions/{action}/funding/approve", headers=root, json={}))


def test_access_follows_the_org_chart_when_it_changes(client, auth):
    plan = start_plan(client, auth("karim"))
    moved = "id,name,email,manager_id,department,job_title\nkarim,Karim El Amrani,,petra,Administratie,Monteur\n"
    counts = ok(client.post(f"{API}/people/import", headers={**auth("hanna"), "Content-Type": "text/csv"}, data=moved))
    assert counts == {"created": 0, "updated": 1, "unchanged": 0}
    assert client.get(f"{API}/plans/{plan}", headers=auth("marieke")).status_code == 404
    ok(client.get(f"{API}/plans/{plan}", headers=auth("petra")))
    ok(client.get(f"{API}/plans/{plan}", headers=auth("boss")))
    query = {"department": "Administratie"}
    (row,) = ok(client.get(f"{API}/plans", headers=auth("hanna"), query_string=query))["items"]
    assert row["employee_id"] == "karim"

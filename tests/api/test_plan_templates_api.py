"""Plan templates through the API: HR creates and revises, a plan starts from a version and keeps it."""

from __future__ import annotations

from plan_api_helpers import API, PLAN, error_fields, ok

TEMPLATE = {"name": "Monteur jaarcyclus", "role_profiles": ["Monteur"], "departments": ["TD"],
            "goals": [{"title": "[vaardigheid] naar niveau 3",
                       "skills": [{"skill": "[vaardigheid]", "target_level": 3}]}],
            "skills_to_assess": ["Veiligheid"], "learning_means": [{"means": "mooc", "title": "VCA"}],
            "milestones": [{"kind": "self_evaluation", "offset_days": 14}, {"kind": "conversation", "offset_days": 28}],
            "hours_norm": 40, "budget_norm": 1000}


def test_a_plan_keeps_the_template_version_it_started_from(store_client, auth):
    c, hanna, karim = store_client, auth("hanna"), auth("karim")
    created = c.post(f"{API}/templates", headers=hanna, json=TEMPLATE)
    template = ok(created, 201)
    tid = template["template_id"]
    assert template["version"] == 1 and created.headers["Location"] == f"/api/v1/templates/{tid}"
    plan = ok(c.post(f"{API}/plans", headers=karim, json={**PLAN, "template_id": tid, "available_hours": 0,
                                                           "available_budget": 0}), 201)
    assert plan["template"] == {"template_id": tid, "version": 1, "milestones": [
        {"kind": "self_evaluation", "due": "2026-01-15"}, {"kind": "conversation", "due": "2026-01-29"}]}
    assert (plan["available_hours"], plan["available_budget"]) == (40, 1000)  # the norms fill in what was left 0
    revised = ok(c.put(f"{API}/templates/{tid}", headers=hanna,
                       json={**TEMPLATE, "milestones": [{"kind": "conversation", "offset_days": 60}],
                             "change_note": "later gesprek"}))
    assert (revised["version"], revised["milestones"]) == (2, [{"kind": "conversation", "offset_days": 60}])
    again = ok(c.get(f"{API}/plans/{plan['id']}", headers=karim))
    assert again["template"] == plan["template"] and again["version"] == 1  # the plan did not move
    assert ok(c.get(f"{API}/templates/{tid}?version=1", headers=karim))["milestones"][1]["offset_days"] == 28
    listed = ok(c.get(f"{API}/templates", headers=karim))["items"]
    assert [(t["template_id"], t["version"], t["departments"]) for t in listed] == [(tid, 2, ["TD"])]
    ok(c.post(f"{API}/templates/{tid}/retire", headers=hanna, json={"change_note": "vervangen"}))
    assert ok(c.get(f"{API}/templates", headers=karim))["items"] == []
    assert ok(c.get(f"{API}/templates?include_retired=true", headers=karim))["items"][0]["retired"] is True
    late = c.post(f"{API}/plans", headers=karim, json={**PLAN, "period_start": "2028-01-01",
                                                       "period_end": "2028-12-31", "template_id": tid})
    assert late.status_code == 409 and error_fields(late) == ["template_id"]


def test_templates_are_hr_and_ld_work_and_bad_input_is_a_4xx(client, auth):
    assert client.post(f"{API}/templates", headers=auth("karim"), json=TEMPLATE).status_code == 403
    assert client.post(f"{API}/templates", headers=auth("daan"), json=TEMPLATE).status_code == 201
    bad = client.post(f"{API}/templates", headers=auth("hanna"),
                      json={**TEMPLATE, "milestones": [{"kind": "conversation", "offset_days": 1}] * 2})
    assert bad.status_code == 422 and error_fields(bad) == ["milestones"]
    assert client.get(f"{API}/templates/not-a-uuid", headers=auth("karim")).status_code == 404
    unknown = client.post(f"{API}/plans", headers=auth("karim"),
                          json={**PLAN, "template_id": "00000000-0000-4000-8000-000000000000"})
    assert unknown.status_code == 422 and error_fields(unknown) == ["template_id"]

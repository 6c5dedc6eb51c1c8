"""The employee answers a completion a learning platform reported (services/xapi) on the timeline page."""

from __future__ import annotations

import re

from tests.portal.test_portal_employee import plan_id_of


def propose(plan_app, tokens, plan_id: str, action_ids: list[str], statement: str) -> str:
    answer = plan_app.test_client().post(
        f"/api/v1/plans/{plan_id}/completion-proposals", headers=tokens("xapi", "service"),
        json={"on": "2026-03-10", "source": "xapi", "statement_id": statement, "success": True,
              "action_ids": action_ids, "match": "url"})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["proposal_id"]


def open_actions(plan_app, tokens, plan_id: str) -> list[str]:
    plan = plan_app.test_client().get(f"/api/v1/plans/{plan_id}", headers=tokens("karim")).get_json()
    return [a["action_id"] for a in plan["actions"] if a["status"] in ("planned", "started")]


def test_a_reported_completion_is_accepted_or_rejected_on_the_timeline(signed_in, plan_app, tokens):
    karim = signed_in("karim")
    plan_id = plan_id_of(karim)
    action = open_actions(plan_app, tokens, plan_id)[0]
    first = propose(plan_app, tokens, plan_id, [action], "0f4b7a52-5d1e-4d7c-9f3e-2a1b0c9d8e7f")
    page = karim.get(f"/plans/{plan_id}/timeline").get_data(as_text=True)
    assert "Reported by your learning platform" in page or "Gemeld door je leerplatform" in page
    assert f'value="{first}"' in page and f'<option value="{action}">' in page

    done = karim.post(f"/plans/{plan_id}/completion-proposals",
                      {"proposal_id": first, "decision": "accept", "action_id": action, "evaluation": "4"})
    assert done.status_code == 302
    plan = plan_app.test_client().get(f"/api/v1/plans/{plan_id}", headers=tokens("karim")).get_json()
    completed = {a["action_id"]: a for a in plan["actions"]}[action]
    assert (completed["status"], completed["completed_on"], completed["evaluation"]) == ("completed", "2026-03-10", 4)
    assert completed["source"] == "xapi" and plan["completion_proposals"] == []
    page = karim.get(f"/plans/{plan_id}/actions/{action}").get_data(as_text=True)
    assert re.search(r"reported by your learning platform|gemeld door je leerplatform", page)

    extra = plan_app.test_client().post(f"/api/v1/plans/{plan_id}/actions", headers=tokens("karim"), json={
        "means": "mooc", "title": "Nog een cursus", "planned_start": "2026-09-01", "planned_end": "2026-10-01"})
    assert extra.status_code == 201, extra.get_json()
    remaining = open_actions(plan_app, tokens, plan_id)
    second = propose(plan_app, tokens, plan_id, remaining[:1], "1f4b7a52-5d1e-4d7c-9f3e-2a1b0c9d8e7f")
    karim.post(f"/plans/{plan_id}/completion-proposals", {"proposal_id": second, "decision": "reject"})
    plan = plan_app.test_client().get(f"/api/v1/plans/{plan_id}", headers=tokens("karim")).get_json()
    assert plan["completion_proposals"] == []
    assert {a["action_id"]: a for a in plan["actions"]}[remaining[0]]["status"] in ("planned", "started")

    # someone else's proposal id, or a made-up decision, changes nothing and is no server error
    assert karim.post(f"/plans/{plan_id}/completion-proposals",
                      {"proposal_id": "../../people/sophie/erase", "decision": "accept"}).status_code < 500
    assert karim.post(f"/plans/{plan_id}/completion-proposals",
                      {"proposal_id": second, "decision": "erase"}).status_code == 404

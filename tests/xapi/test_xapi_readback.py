"""Completions read back from a real LRS (Ralph): statements about catalogue offers complete the planned action
(source "xapi") when the match is certain, and become a proposal the employee accepts or rejects when it is not.
"""

from __future__ import annotations

import uuid

import pytest

from services.xapi.catalogue import offer_activity_id
from services.xapi.pseudonyms import Pseudonyms
from tests.xapi.conftest import HOME
from tests.xapi.xapi_helpers import API, KEY, act, make_sync, ok, plan_action, publish_offer, start_plan

pytestmark = pytest.mark.integration
LMS = "https://lms.example.org"
ADL = "http://adlnet.gov/expapi/verbs/"


def lms_statement(actor: dict, verb: str, activity: str, when: str = "2026-03-10T10:00:00+00:00",
                  result: dict | None = None) -> dict:
    statement = {"id": str(uuid.uuid4()), "actor": {"objectType": "Agent", **actor},
                 "verb": {"id": f"{ADL}{verb}", "display": {"en-US": verb}},
                 "object": {"objectType": "Activity", "id": activity}, "timestamp": when}
    if result:
        statement["result"] = result
    return statement


def plan_of(plan_server, tokens, plan_id: str, who: str = "karim") -> dict:
    return ok(plan_server.app.test_client().get(f"{API}/plans/{plan_id}", headers=tokens(who)))


def test_completions_in_the_lrs_complete_or_propose(tmp_path, lrs, plan_server, recommender_server, tokens):
    exact = publish_offer(recommender_server, tokens, "lms-7", "Leading teams",
                          url="https://lms.example.org/course/view.php?id=7")
    ours = publish_offer(recommender_server, tokens, "mooc-1", "Planning", means="mooc")
    loose = publish_offer(recommender_server, tokens, "lms-42", "Feedback geven",
                          url="https://www.lms.example.org/course/42/")
    plan_id = start_plan(plan_server, tokens)
    by_url = plan_action(plan_server, tokens, plan_id, offer_id=exact)
    by_id = plan_action(plan_server, tokens, plan_id, offer_id=ours)
    act(plan_server, tokens, plan_id, by_id, "start", date="2026-02-20")
    unsure = plan_action(plan_server, tokens, plan_id, offer_id=loose)
    own = plan_action(plan_server, tokens, plan_id, offer_id=exact)  # done before: our own `completed` statement
    act(plan_server, tokens, plan_id, own, "start", date="2026-02-01")
    act(plan_server, tokens, plan_id, own, "complete", date="2026-02-10", evaluation=3)
    sophie_plan = start_plan(plan_server, tokens, "sophie")
    sophies = plan_action(plan_server, tokens, sophie_plan, employee="sophie", offer_id=exact)

    app, store, sync = make_sync(f"sqlite:///{tmp_path / 'xapi.sqlite'}", plan_server.url, recommender_server.url,
                                 lrs, HOME, read_back=True, lms=[LMS])
    sync.drain()  # our own statements are now in the LRS too, one of them a `completed`: it is skipped
    assert len(lrs.statements()) == 8
    [own_completed] = [row["id"] for row in store.outbox("sent") if "/completed" in row["body_verb"]]
    assert {row["outcome"] for row in store.read()} == {"ours", "not_a_completion"}
    assert {row["statement_id"]: row["outcome"] for row in store.read()}[own_completed] == "ours"

    karim_lms = {"account": {"homePage": LMS, "name": "karim"}}
    karim_ours = {"account": {"homePage": HOME, "name": Pseudonyms(KEY).of("karim")}}
    posted = {
        "completed": lms_statement(karim_lms, "completed", "https://lms.example.org/course/view.php?id=7",
                                   result={"completion": True, "success": True, "score": {"scaled": 0.9}}),
        "completed_by_pseudonym": lms_statement(karim_ours, "passed", offer_activity_id(HOME, ours),
                                                when="2026-03-12T09:00:00+00:00"),
        "proposed": lms_statement(karim_lms, "completed", "http://lms.example.org/course/42"),
        "unknown_person": lms_statement({"mbox": "mailto:someone@example.org"}, "completed",
                                        "https://lms.example.org/course/view.php?id=7"),
        "not_in_catalogue": lms_statement(karim_lms, "completed", "https://lms.example.org/course/view.php?id=99"),
        "not_a_completion": lms_statement(karim_lms, "experienced", "https://lms.example.org/course/view.php?id=7"),
    }
    for statement in posted.values():
        assert lrs.post(statement) == 200
    sync.drain()

    outcomes = {row["statement_id"]: row["outcome"] for row in store.read()}
    assert {name: outcomes.get(s["id"]) for name, s in posted.items()} == {
        "completed": "completed", "completed_by_pseudonym": "completed", "proposed": "proposed",
        "unknown_person": "unknown_person", "not_in_catalogue": "not_in_catalogue",
        "not_a_completion": "not_a_completion"}

    plan = plan_of(plan_server, tokens, plan_id)
    actions = {a["action_id"]: a for a in plan["actions"]}
    assert actions[by_url]["status"] == "completed" and actions[by_url]["source"] == "xapi"
    assert (actions[by_url]["started_on"], actions[by_url]["completed_on"]) == ("2026-03-10", "2026-03-10")
    assert actions[by_url]["result"] == {"success": True, "score": 0.9}
    assert actions[by_id]["status"] == "completed" and actions[by_id]["completed_on"] == "2026-03-12"
    assert actions[by_id]["started_on"] == "2026-02-20" and actions[by_id]["result"]["success"] is True
    assert actions[unsure]["status"] == "planned"
    [proposal] = plan["completion_proposals"]
    assert (proposal["action_ids"], proposal["match"], proposal["on"]) == ([unsure], "url", "2026-03-10")
    sophie = {a["action_id"]: a for a in plan_of(plan_server, tokens, sophie_plan, "sophie")["actions"]}
    assert sophie[sophies]["status"] == "planned"  # karim's completion is not sophie's

    history = ok(plan_server.app.test_client().get(f"{API}/plans/{plan_id}/history", headers=tokens("karim")))
    recorded = [e for e in history["events"] if e["type"] == "LearningActionCompleted"]
    assert [e["actor"]["subject"] for e in recorded] == ["karim", "xapi", "xapi"]

    # The employee accepts the proposal, rating the course: it completes on the reported day.
    client = plan_server.app.test_client()
    ok(client.post(f"{API}/plans/{plan_id}/completion-proposals/{proposal['proposal_id']}/accept",
                   json={"action_id": unsure, "evaluation": 5}, headers=tokens("karim")))
    plan = plan_of(plan_server, tokens, plan_id)
    done = {a["action_id"]: a for a in plan["actions"]}[unsure]
    assert (done["status"], done["completed_on"], done["evaluation"]) == ("completed", "2026-03-10", 5)
    assert plan["completion_proposals"] == []
    again = client.post(f"{API}/plans/{plan_id}/completion-proposals/{proposal['proposal_id']}/reject", json={},
                        headers=tokens("karim"))
    assert again.status_code == 409

    # Read again (a fresh store: every statement once more): the plan service's idempotency keys keep it at one.
    sync.drain()
    assert sync.readback.run_once() == 0
    fresh, fresh_store, replay = make_sync(f"sqlite:///{tmp_path / 'xapi-2.sqlite'}", plan_server.url,
                                           recommender_server.url, lrs, HOME, read_back=True, lms=[LMS])
    replay.drain()
    history = ok(client.get(f"{API}/plans/{plan_id}/history", headers=tokens("karim")))
    assert sum(e["type"] == "LearningActionCompleted" for e in history["events"]) == 4
    # completions read back are not sent back to the LRS as statements of ours: only `own` is
    completed_ours = [s for s in lrs.statements() if s["verb"]["id"].endswith("/completed")
                      and (s.get("context") or {}).get("platform") == "Groeipad"]
    assert [s["id"] for s in completed_ours] == [own_completed]
    app.close()
    fresh.close()


def test_a_rejected_proposal_completes_nothing(store_url, lrs, plan_server, recommender_server, tokens):
    """On SQLite and on PostgreSQL (the sync's store)."""
    loose = publish_offer(recommender_server, tokens, "lms-42", "Feedback geven", url="https://lms.example.org/c/42")
    plan_id = start_plan(plan_server, tokens)
    first = plan_action(plan_server, tokens, plan_id, offer_id=loose)
    second = plan_action(plan_server, tokens, plan_id, offer_id=loose, planned_start="2026-09-01",
                         planned_end="2026-10-01")
    app, store, sync = make_sync(store_url, plan_server.url, recommender_server.url, lrs, HOME, read_back=True,
                                 lms=[LMS])
    sync.drain()
    assert lrs.post(lms_statement({"account": {"homePage": LMS, "name": "karim"}}, "completed",
                                  "https://lms.example.org/c/42")) == 200
    sync.drain()
    [proposal] = plan_of(plan_server, tokens, plan_id)["completion_proposals"]
    assert sorted(proposal["action_ids"]) == sorted([first, second]) and proposal["match"] == "activity"
    client = plan_server.app.test_client()
    wrong = client.post(f"{API}/plans/{plan_id}/completion-proposals/{proposal['proposal_id']}/accept",
                        json={"action_id": "not-one-of-them"}, headers=tokens("karim"))
    assert wrong.status_code == 422 and wrong.get_json()["errors"][0]["field"] == "action_id"
    ok(client.post(f"{API}/plans/{plan_id}/completion-proposals/{proposal['proposal_id']}/reject", json={},
                   headers=tokens("karim")))
    plan = plan_of(plan_server, tokens, plan_id)
    assert plan["completion_proposals"] == []
    assert {a["status"] for a in plan["actions"]} == {"planned"}
    app.close()

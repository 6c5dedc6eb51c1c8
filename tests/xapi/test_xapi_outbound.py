"""Learning actions become xAPI statements in a real LRS (Ralph), read back from it over its xAPI API.

registered when planned, launched/attended when started, completed with an ISO duration; the actor is a
pseudonymous account (no e-mail, no name, no directory id); statement ids come from the events, so a replay
from position 0 on a fresh store sends nothing twice; an LRS that is away is retried with back-off.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from services.xapi import statements as xs
from services.xapi.catalogue import action_activity_id
from services.xapi.lrs import LrsUnavailableError
from services.xapi.pseudonyms import Pseudonyms
from tests.xapi.conftest import HOME
from tests.xapi.xapi_helpers import KEY, Clock, act, make_sync, plan_action, publish_offer, start_plan

pytestmark = pytest.mark.integration


def by_verb(statements: list[dict]) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for statement in statements:
        found.setdefault(statement["verb"]["id"].rsplit("/", 1)[-1], []).append(statement)
    return found


def test_actions_become_statements_with_a_pseudonymous_actor(tmp_path, lrs, plan_server, recommender_server, tokens):
    url = "https://lms.example.org/course/view.php?id=7"
    offer = publish_offer(recommender_server, tokens, "lms-7", "Leading teams", url=url)
    plan_id = start_plan(plan_server, tokens)
    course = plan_action(plan_server, tokens, plan_id, offer_id=offer, means="mooc")
    workshop = plan_action(plan_server, tokens, plan_id, means="workshop", title="Karim's own workshop")
    act(plan_server, tokens, plan_id, course, "start", date="2026-02-02")
    act(plan_server, tokens, plan_id, course, "complete", date="2026-02-16", evaluation=4, reflection="Goed")
    act(plan_server, tokens, plan_id, workshop, "start", date="2026-03-01")

    app, store, sync = make_sync(f"sqlite:///{tmp_path / 'xapi.sqlite'}", plan_server.url, recommender_server.url,
                                 lrs, HOME)
    sync.drain()
    sent = lrs.statements()
    verbs = by_verb(sent)
    assert {k: len(v) for k, v in verbs.items()} == {"registered": 2, "launched": 1, "completed": 1, "attended": 1}

    pseudonym = Pseudonyms(KEY).of("karim")
    for statement in sent:
        assert statement["actor"]["account"] == {"homePage": HOME, "name": pseudonym}
        assert set(statement["actor"]) <= {"account", "objectType"}
        text = json.dumps(statement)
        for personal in ("karim", "Karim", "@", "El Amrani", "Goed"):
            assert personal not in text
    assert "Karim's own workshop" not in json.dumps(sent)  # free text stays home: a means name instead

    completed = verbs["completed"][0]
    assert completed["object"]["id"] == url
    assert completed["object"]["definition"]["name"] == {"en-US": "Leading teams"}
    assert completed["result"] == {"completion": True, "duration": "P14D"}
    assert completed["timestamp"].startswith("2026-02-16")
    assert verbs["attended"][0]["object"]["id"] == action_activity_id(HOME, workshop)
    registrations = {s["context"]["registration"] for s in verbs["registered"]}
    assert registrations == {xs.registration(plan_id, course), xs.registration(plan_id, workshop)}
    assert {s["id"] for s in sent} == {row["id"] for row in store.outbox("sent")}
    app.close()

    # A second sync on a fresh store follows the feed from 0: the same ids, nothing new in the LRS.
    again, again_store, replay = make_sync(f"sqlite:///{tmp_path / 'xapi-again.sqlite'}", plan_server.url,
                                           recommender_server.url, lrs, HOME)
    replay.drain()
    assert len(again_store.outbox("sent")) == 5
    assert sorted(s["id"] for s in lrs.statements()) == sorted(s["id"] for s in sent)
    again.close()


def test_an_lrs_that_is_away_is_retried_with_back_off(store_url, lrs, plan_server, recommender_server, tokens):
    """On SQLite and on PostgreSQL (the sync's store)."""
    plan_id = start_plan(plan_server, tokens)
    plan_action(plan_server, tokens, plan_id)
    clock = Clock()
    app, store, sync = make_sync(store_url, plan_server.url, recommender_server.url, lrs, HOME, clock=clock)
    lrs.stop()
    with pytest.raises(LrsUnavailableError):
        sync.step()
    [row] = store.outbox()
    assert (row["state"], row["attempts"]) == ("pending", 1)
    assert store.position() > 0  # the page was taken in: the statement waits in the outbox

    lrs.start()  # back, on the same port
    assert sync.send_once() == 0  # not yet due: it waits its back-off (10 s, doubling)
    clock.now += 10
    assert sync.send_once() == 1
    assert [s["id"] for s in lrs.statements()] == [row["id"]]
    assert store.outbox("sent")[0]["attempts"] == 2
    app.close()


def test_a_statement_the_lrs_refuses_is_given_up_and_the_rest_go_on(tmp_path, lrs, plan_server, recommender_server,
                                                                     tokens):
    plan_id = start_plan(plan_server, tokens)
    plan_action(plan_server, tokens, plan_id)
    app, store, sync = make_sync(f"sqlite:///{tmp_path / 'xapi.sqlite'}", plan_server.url, recommender_server.url,
                                 lrs, HOME, password="wrong-password")
    with pytest.raises(LrsUnavailableError, match="401"):  # credentials are an operator's to fix: retried, not lost
        sync.step()
    assert store.outbox()[0]["state"] == "pending"
    assert lrs.statements() == []
    app.close()


def test_an_erased_person_leaves_nothing_waiting(tmp_path, lrs, plan_server, recommender_server, tokens):
    plan_id = start_plan(plan_server, tokens, "sophie")
    plan_action(plan_server, tokens, plan_id, employee="sophie")
    answer = plan_server.app.test_client().post("/api/v1/people/sophie/erase", json={"reason": "GDPR request"},
                                                headers={**tokens("hanna", "hr"), "X-Access-Purpose": "gdpr_request"})
    assert answer.status_code in (200, 202), answer.get_json()
    app, store, sync = make_sync(f"sqlite:///{tmp_path / 'xapi.sqlite'}", plan_server.url, recommender_server.url,
                                 lrs, HOME)
    sync.drain()
    assert store.outbox() == [] and lrs.statements() == []
    assert store.person_of(Pseudonyms(KEY).of("sophie")) is None
    app.close()


def test_a_completion_with_a_result_is_also_passed_or_failed(tmp_path, lrs, plan_server, recommender_server, tokens):
    plan_id = start_plan(plan_server, tokens)
    exam = plan_action(plan_server, tokens, plan_id, means="external_course")
    retake = plan_action(plan_server, tokens, plan_id, means="external_course")
    for action, outcome in ((exam, {"success": False, "score": 0.4}), (retake, {"success": True})):
        act(plan_server, tokens, plan_id, action, "start", date="2026-03-01")
        act(plan_server, tokens, plan_id, action, "complete", date="2026-03-03", evaluation=3, result=outcome)
    app, store, sync = make_sync(f"sqlite:///{tmp_path / 'xapi.sqlite'}", plan_server.url, recommender_server.url,
                                 lrs, HOME)
    sync.drain()
    verbs = by_verb(lrs.statements())
    assert {k: len(v) for k, v in verbs.items()} == {"registered": 2, "launched": 2, "completed": 2, "failed": 1,
                                                      "passed": 1}
    failed, passed = verbs["failed"][0], verbs["passed"][0]
    assert failed["result"] == {"success": False, "completion": True, "score": {"scaled": 0.4}}
    assert failed["object"]["id"] == action_activity_id(HOME, exam)
    assert passed["result"] == {"success": True, "completion": True}
    assert passed["object"]["id"] == action_activity_id(HOME, retake)
    app.close()


def test_the_command_sends_with_the_settings_of_its_environment(tmp_path, lrs, plan_server, recommender_server,
                                                                tokens):
    """`groeipad xapi-sync --once` as a process, configured only by its environment."""
    plan_id = start_plan(plan_server, tokens)
    plan_action(plan_server, tokens, plan_id)
    env = {**os.environ, "XAPI_LRS_URL": lrs.url, "XAPI_LRS_USERNAME": lrs.username,
           "XAPI_LRS_PASSWORD": lrs.password, "XAPI_DATABASE_URL": f"sqlite:///{tmp_path / 'xapi.sqlite'}",
           "PLAN_SERVICE_URL": plan_server.url, "RECOMMENDER_URL": recommender_server.url, "XAPI_HOMEPAGE": HOME,
           "XAPI_PSEUDONYM_KEY": KEY, "XAPI_READ_BACK_FILTERED": "0"}
    groeipad = Path(sys.executable).with_name("groeipad")
    for _ in range(2):  # a second run finds nothing new to send
        done = subprocess.run([str(groeipad), "xapi-sync", "--once"], env=env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "xapi-sync stopped at feed position" in done.stdout
    [registered] = lrs.statements()
    assert registered["actor"]["account"] == {"homePage": HOME, "name": Pseudonyms(KEY).of("karim")}
    assert registered["verb"]["id"].endswith("/registered")

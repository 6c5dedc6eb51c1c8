"""Fuzzing the portal's JSON helpers (their own OpenAPI document) with schemathesis: no 5xx, answers as documented.

Each case goes out in the session of a signed-in person (cookie and CSRF header); plan paths point at
Karim's real plan most of the time, so the checks run on a real plan and not only on 404s.
"""

from __future__ import annotations

import itertools

import pytest

from tests.fuzz.fuzzing import fuzz_every_operation
from tests.portal.conftest import (  # noqa: F401 (the portal's fixtures, used by name)
    Browser,
    make_portal,
    plan_app,
    portal,
    recommender_app,
    seeded_dir,
    transport,
)

PEOPLE = ("karim", "marieke", "hanna", "daan")


def test_no_server_error_and_documented_answers(portal):  # noqa: F811
    sessions = {}
    for person in PEOPLE:
        browser = Browser(portal.test_client())
        browser.login(person)
        cookie = browser.client.get_cookie("groeipad_session")
        sessions[person] = {"cookies": {"groeipad_session": cookie.value}, "headers": {"X-CSRFToken": browser.token}}
    karim = Browser(portal.test_client())
    karim.login("karim")
    plan_id = karim.get("/plan").get_data(as_text=True).split("/plans/", 1)[1][:36]
    real = itertools.cycle((True, True, False))

    def at_the_real_plan(case) -> None:
        if "plan_id" in (case.path_parameters or {}) and next(real):
            case.path_parameters["plan_id"] = plan_id

    fuzz_every_operation(portal, [(p,) for p in PEOPLE], minimum_operations=2, prepare=at_the_real_plan,
                         document="/portal-api/openapi.json", credentials=sessions.__getitem__)


def test_the_document_lists_every_helper(portal):  # noqa: F811
    spec = portal.test_client().get("/portal-api/openapi.json").get_json()
    helpers = {rule.rule.replace("<plan_id>", "{plan_id}") for rule in portal.url_map.iter_rules()
               if rule.rule.startswith("/portal-api/") and rule.endpoint != "json_api.openapi"}
    assert set(spec["paths"]) == helpers


@pytest.mark.parametrize("body", ['{"hours_needed": "1e100000", "budget_needed": 1e308}',
                                  '{"skills": [{"skill": "x", "target_level": 1e308}]}', "[" * 50_000,
                                  '{"measure": "\\ud800"}', '{"hours_needed": NaN}'])
def test_huge_and_hostile_goal_drafts_are_answered(portal, body):  # noqa: F811
    karim = Browser(portal.test_client())
    karim.login("karim")
    plan_id = karim.get("/plan").get_data(as_text=True).split("/plans/", 1)[1][:36]
    response = karim.client.post(f"/portal-api/plans/{plan_id}/smart-check", data=body,
                                 content_type="application/json", headers={"X-CSRFToken": karim.token})
    assert response.status_code < 500 and response.is_json
